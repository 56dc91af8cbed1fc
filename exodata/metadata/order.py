"""The two orders of the package, beside the schema source: rows by primary key, tables by dependency.

Rows are written, checked and assembled in key order (:func:`sort_by_key`).  Tables are made, checked and
written in :func:`dependency_order`, each after the tables it depends on: the checker holds only the keys and
texts later tables are checked against, which is what keeps a build's memory bounded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from exodata.metadata.classes import Kind, Table

if TYPE_CHECKING:
    import polars as pl


def sort_by_key(frame: pl.DataFrame, table: Table) -> pl.DataFrame:
    """``table``'s columns of ``frame``, rows sorted by its primary key (nulls first; ties keep their order)."""
    return frame.select(table.column_names).sort(list(table.primary_key), nulls_last=False, maintain_order=True)


def depends_on(table: Table, offset_targets: Mapping[str, tuple[str, ...]]) -> set[str]:
    """The tables ``table`` must come after: those its foreign keys and offsets point into, the lists it
    follows, the table it is derived from."""
    needs = {fk.resource for fk in table.foreign_keys} | set(offset_targets.get(table.name, ())) | set(table.follows)
    if table.derived_from is not None:
        needs.add(table.derived_from)
    return needs - {table.name}


def dependency_order(tables: Mapping[str, Table], offset_targets: Mapping[str, tuple[str, ...]]) -> tuple[str, ...]:
    """Every table, each after the tables it :func:`depends_on`; among the tables ready, the first by kind (in
    :class:`~exodata.metadata.classes.Kind`'s order), then by declaration.  A derived table comes right after
    its source, since it is made from each part of the source as that part is made.

    Raises ``ValueError`` when the declarations allow no such order (a cycle, an unknown table, a derived
    table that needs more than its source has been given).
    """
    needs = {name: depends_on(table, offset_targets) for name, table in tables.items()}
    for name, needed in needs.items():
        if needed - set(tables):
            raise ValueError(f"table {name} depends on tables that are not declared: {sorted(needed - set(tables))}")
    kinds, declared = list(Kind), list(tables)
    waiting = [name for name, table in tables.items() if table.kind is not Kind.DERIVED]
    order: list[str] = []
    while waiting:
        ready = [name for name in waiting if needs[name] <= set(order)]
        if not ready:
            raise ValueError(f"tables {', '.join(waiting)} depend on each other: no order makes each after its needs")
        name = min(ready, key=lambda n: (kinds.index(tables[n].kind), declared.index(n)))
        waiting.remove(name)
        order.append(name)
        for derived in (n for n, table in tables.items() if table.derived_from == name):
            if not needs[derived] <= set(order):
                raise ValueError(f"table {derived} is derived from {name} but needs tables made after it: "
                                 f"{sorted(needs[derived] - set(order))}")
            order.append(derived)
    if len(order) != len(tables):  # derived from a derived table: made from nothing this order makes first
        raise ValueError(f"tables {', '.join(sorted(set(tables) - set(order)))} are derived from no table made before")
    return tuple(order)
