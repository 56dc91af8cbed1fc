"""The exceptions of exodata's public API (light: ``import exodata`` imports this module and nothing else).

Each message is one line that says what is wrong, where, and the command or call that fixes it.
"""

from __future__ import annotations

from typing import Any


class PackageNotFoundError(FileNotFoundError):
    """No built package where one was looked for; the message says how to get one."""


class ValidationError(ValueError):
    """Data does not follow one of exodata's tables.

    ``problems`` is a list of records, one per problem, with the keys ``file``, ``table``, ``row``, ``line``,
    ``key``, ``column``, ``value``, ``rule`` and ``message`` (what ``exodata validate --json`` prints);
    ``problem_count`` how many there were in all (``problems`` may be capped by ``max_problems``).
    """

    def __init__(self, table: str, problems: list[dict[str, Any]], problem_count: int | None = None) -> None:
        self.table = table
        self.problems = problems
        self.problem_count = len(problems) if problem_count is None else problem_count
        first = problems[0] if problems else {}
        where = ", ".join(str(part) for part in (first.get("file"), f"row {first['row']}" if first.get("row") else None,
                                                 first.get("column")) if part)
        more = f" (and {self.problem_count - 1} more)" if self.problem_count > 1 else ""
        super().__init__(f"{self.problem_count} problem(s) with table {table}: {where + ': ' if where else ''}"
                         f"{first.get('message', '')}{more}; see .problems")
