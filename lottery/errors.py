"""Problems found in the inputs, collected so an organiser sees all of them at once.

A loader never stops at the first problem: it gathers every :class:`Problem`
(row, column, what is wrong, how to fix it) and raises one :class:`InputError`.
Warnings travel the same way but do not stop the run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in one place of the inputs.

    ``row`` is the spreadsheet row (the header is row 1, the first volunteer row 2),
    or ``None`` when the problem is about a whole file or column.
    """

    source: str  # "quotas", "pool", "census", "options", "report"
    message: str
    fix: str = ""
    row: int | None = None
    column: str | None = None
    severity: str = "error"  # or "warning"

    def __str__(self) -> str:
        where = self.source
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        text = f"{where}: {self.message}"
        if self.fix:
            text += f" ({self.fix})"
        return text

    def to_dict(self) -> dict:
        return asdict(self)


class InputError(ValueError):
    """Raised when inputs have errors; ``problems`` lists all of them (and any warnings)."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        errors = [p for p in self.problems if p.severity == "error"]
        super().__init__(
            f"{len(errors)} problem(s) in the inputs:\n" + "\n".join(f"- {p}" for p in errors)
        )

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def raise_if_errors(problems: list[Problem]) -> None:
    """Raise :class:`InputError` if any problem is an error."""
    if any(p.severity == "error" for p in problems):
        raise InputError(problems)
