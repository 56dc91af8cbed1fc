"""Generate the pandera (polars backend) schemas that every table must pass before it is written.

Each check carries the name of the rule it enforces (``pattern``, ``enum``, ``minimum``, ``normalised text``, a
row rule's name…), the same names the data dictionary and ``exodata validate`` use: :func:`rule_names` maps a
pandera failure back to its rule.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from exodata.metadata.arrow import polars_schema
from exodata.metadata.classes import LIST_DELIMITER, NORMALISED_TEXT_PATTERN, Field, Rule, Table

if TYPE_CHECKING:
    import pandera.polars as pa
    import polars as pl

#: Rule names of pandera's own schema-level checks.
PANDERA_RULES = {
    "not_nullable": "required",
    "multiple_fields_uniqueness": "primary key",
    "field_uniqueness": "primary key",
    "column_in_dataframe": "missing column",
    "column_in_schema": "unexpected column",
    "column_ordered": "column order",
    "dtype": "type",
}


def normalised_text(values: pl.Series) -> pl.Series:
    """Whether each string keeps the data model's convention: single spaces between words (trimmed, no other
    white space, not empty) and Unicode NFC.  Nulls pass (nullability is a rule of its own).

    NFC is checked only on the values that are not ASCII (ASCII is always NFC): normalising every abstract
    would cost more than the rest of a table's checks.
    """
    import polars as pl

    ok = values.str.contains(NORMALISED_TEXT_PATTERN)
    non_ascii = values.str.contains(r"[^\x00-\x7f]").fill_null(False)
    if non_ascii.any():
        at = non_ascii.arg_true()
        some = values.gather(at)
        ok = ok.scatter(at, ok.gather(at) & (some.str.normalize("NFC") == some))
    return ok.fill_null(True).alias(values.name or "ok").cast(pl.Boolean)


def _series_check(test, name: str) -> pa.Check:
    """A column check computed on the whole column at once (``test``: Series → boolean Series)."""
    import pandera.polars as pa
    import polars as pl

    def check(data) -> pl.LazyFrame:
        column = data.lazyframe.select(data.key).collect().to_series()
        return pl.LazyFrame({"ok": test(column)})

    return pa.Check(check, name=name)


def _items(test):
    """``test`` applied to every item of a list column; a row passes when all its items do."""
    import polars as pl

    def on_lists(column: pl.Series) -> pl.Series:
        lengths = column.list.len().fill_null(0)
        items = column.explode(empty_as_null=True).drop_nulls() if lengths.sum() else pl.Series([], dtype=pl.String)
        if items.len() == 0:
            return pl.Series([True] * column.len(), dtype=pl.Boolean)
        passed = test(items).fill_null(True)
        owner = pl.Series(range(column.len()), dtype=pl.Int64).repeat_by(lengths).explode()
        failed = owner.filter(~passed).unique()
        return ~pl.Series(range(column.len()), dtype=pl.Int64).is_in(failed.implode())

    return on_lists


def field_checks(field: Field) -> list[tuple[str, pa.Check]]:
    """The (rule name, pandera check) pairs of one column, in the order pandera numbers them."""
    import pandera.polars as pa

    checks: list[tuple[str, pa.Check]] = []
    if field.pattern is not None:
        checks.append(("pattern", pa.Check.str_matches(field.pattern)))
    if field.enum is not None:
        checks.append(("enum", pa.Check.isin(list(field.enum))))
    if field.minimum is not None:
        checks.append(("minimum", pa.Check.ge(field.minimum)))
    if field.maximum is not None:
        checks.append(("maximum", pa.Check.le(field.maximum)))
    if field.type == "string" and field.normalised:
        checks.append(("normalised text", _series_check(normalised_text, "normalised text")))
    elif field.type == "string":
        checks.append(("not empty", pa.Check.str_length(min_value=1)))
    if field.type == "list":
        def clean(items: pl.Series) -> pl.Series:
            delimiter_free = ~items.str.contains(LIST_DELIMITER, literal=True)
            return delimiter_free & (normalised_text(items) if field.normalised else items.str.len_chars() > 0)

        checks.append(("list items", _series_check(_items(clean), "list items")))
        if field.item_pattern is not None:
            pattern = field.item_pattern
            checks.append(("item pattern", _series_check(_items(lambda s: s.str.contains(pattern)), "item pattern")))
        if field.item_enum is not None:
            allowed = list(field.item_enum)
            checks.append(("item enum", _series_check(_items(lambda s: s.is_in(allowed)), "item enum")))
    return checks


def rule_check(rule: Rule) -> pa.Check:
    """A row rule as a dataframe-level pandera check named after the rule (nulls count as kept)."""
    import pandera.polars as pa

    def check(data):
        return data.lazyframe.select(rule.holds().fill_null(True).alias("ok"))

    return pa.Check(check, name=rule.name)


@cache
def _field_rules(field: Field) -> tuple[str, ...]:
    return tuple(rule for rule, _ in field_checks(field))


def rule_of(table: Table, column: str | None, number: int | None, check: str) -> str:
    """The rule a pandera failure case reports, from its ``column``, ``check_number`` and ``check`` name."""
    bare = check.split("(", 1)[0]
    if bare in PANDERA_RULES:
        return PANDERA_RULES[bare]
    if column is None or number is None or column not in table.column_names:
        return check  # a row rule: the check is named after it
    rules = _field_rules(table.field(column))
    return rules[number] if number < len(rules) else check


@cache
def pandera_schema(table: Table, unique_key: bool = True, columns: tuple[str, ...] | None = None,
                   rules: bool = True) -> pa.DataFrameSchema:
    """The pandera schema of ``table``: dtypes, nullability, constraints, row rules, primary-key uniqueness, no
    extra columns, columns in order.

    ``unique_key=False`` leaves out the primary-key uniqueness, for validating a large table slice by slice
    (the caller then checks the key over the whole table).  ``columns`` restricts the schema to those columns
    (in that order), for a frame that holds only some of the table's columns: the rules reading a column not
    among them are left out.  ``rules=False`` leaves out every row rule.
    """
    import pandera.polars as pa

    dtypes = polars_schema(table)
    chosen = [table.field(name) for name in columns] if columns is not None else list(table.fields)
    present = {f.name for f in chosen}
    schema_columns = {
        f.name: pa.Column(dtypes[f.name], checks=[check for _, check in field_checks(f)], nullable=not f.required,
                          required=True, description=f.description)
        for f in chosen
    }
    key = list(table.primary_key)
    return pa.DataFrameSchema(
        schema_columns, name=table.name, strict=True, ordered=True,
        unique=key if unique_key and set(key) <= present else None,
        checks=[rule_check(r) for r in table.rules if rules and set(r.columns) <= present],
        description=table.description,
    )
