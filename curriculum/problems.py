"""One shape for everything the curriculum library wants a person to fix or notice.

Agenda validation, time-budget warnings and speaker-balance flags all return
:class:`Problem` values, so the web app can show them in one list, store them as JSON
and test them by ``code`` rather than by wording.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Problem:
    """Something to fix (``severity="error"``) or to look at (``"warning"``).

    ``session`` is the session number and ``item`` the agenda item's position
    (``"3"`` or, nested, ``"3.2"``), when the problem is about one of them.
    """

    code: str
    message: str
    session: int | None = None
    item: str | None = None
    severity: str = "error"

    def __str__(self) -> str:
        return self.message

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> Problem:
        return cls(**{k: data[k] for k in ("code", "message", "session", "item", "severity") if k in data})
