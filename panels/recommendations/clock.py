"""The commitment clock: the deadlines the commissioning terms set on the government's response.

Pure functions on plain dates, so the clock can be tested with a frozen "today" and reused by the
pages, the reminders and the public page alike. The report's delivery starts the clock: a response
is due ``response_due_months`` later, progress report 1 ``first_progress_months`` later, then one
every ``progress_every_months`` until the panel closes (or for 24 months).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

HORIZON_MONTHS = 24
REMINDER_KINDS = ("before", "due", "overdue")
# A delivery date the clock accepts (a typo like 9999 would run the deadlines off the calendar).
EARLIEST_DELIVERY, LATEST_DELIVERY = date(1990, 1, 1), date(2200, 12, 31)


def delivery_problem(day: date | None) -> str | None:
    """Why a report delivery date cannot start the clock, or None when it can (or is empty)."""
    if day is not None and not EARLIEST_DELIVERY <= day <= LATEST_DELIVERY:
        return (f"Enter a date between {EARLIEST_DELIVERY:%Y} and {LATEST_DELIVERY:%Y}, as YYYY-MM-DD "
                "(check the year).")
    return None


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; a day the target month lacks becomes its last (31 Jan + 1 = 28/29 Feb)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


@dataclass(frozen=True)
class Terms:
    """The commissioning terms and when the report was delivered (``until``: the panel's closing day)."""

    delivered_on: date
    response_due_months: int = 4
    first_progress_months: int = 3
    progress_every_months: int = 6
    reminder_days: int = 14
    until: date | None = None

    @property
    def horizon(self) -> date:
        limit = add_months(self.delivered_on, HORIZON_MONTHS)
        return min(limit, self.until) if self.until else limit


@dataclass(frozen=True)
class Deadline:
    key: str  # "response", "progress-1", ...
    label: str
    due_on: date
    met: bool = False
    met_on: date | None = None

    @property
    def number(self) -> int | None:
        """The progress report's number (None for the response)."""
        return int(self.key.split("-", 1)[1]) if self.key.startswith("progress-") else None

    def overdue(self, today: date) -> bool:
        return not self.met and today > self.due_on

    def state(self, today: date) -> str:
        """met, overdue, due (today), or upcoming."""
        if self.met:
            return "met"
        if today > self.due_on:
            return "overdue"
        return "due" if today == self.due_on else "upcoming"

    def days_late(self, today: date) -> int:
        return max(0, (today - self.due_on).days) if not self.met else 0


@dataclass(frozen=True)
class Progress:
    """What the government has done so far: whether every recommendation has a response, and when
    the last one came; the progress reports delivered (number -> date)."""

    responded: bool = False
    responded_on: date | None = None
    reports: dict[int, date] = field(default_factory=dict)


def progress_dates(terms: Terms) -> list[date]:
    """Progress report due dates: the first, then every period, counted from delivery (no drift)."""
    if terms.progress_every_months <= 0 and terms.first_progress_months <= 0:
        return []
    dates, n = [], 0
    while True:
        months = terms.first_progress_months + n * terms.progress_every_months
        due = add_months(terms.delivered_on, months)
        if due > terms.horizon or (n > 0 and terms.progress_every_months <= 0):
            return dates
        dates.append(due)
        n += 1


def deadlines(terms: Terms, progress: Progress | None = None) -> list[Deadline]:
    """Every deadline of the clock, in date order, each with whether it is met."""
    progress = progress or Progress()
    items = [Deadline("response", "Government response", add_months(terms.delivered_on, terms.response_due_months),
                      met=progress.responded, met_on=progress.responded_on if progress.responded else None)]
    for number, due in enumerate(progress_dates(terms), start=1):
        delivered = progress.reports.get(number)
        items.append(Deadline(f"progress-{number}", f"Progress report {number}", due,
                              met=delivered is not None, met_on=delivered))
    return sorted(items, key=lambda d: (d.due_on, d.key))


def overdue(items: list[Deadline], today: date) -> list[Deadline]:
    return [d for d in items if d.overdue(today)]


def next_open(items: list[Deadline], today: date) -> Deadline | None:
    """The next deadline not yet met and not yet past."""
    return next((d for d in items if not d.met and d.due_on >= today), None)


def reminder_kind(deadline: Deadline, today: date, reminder_days: int) -> str | None:
    """Which reminder this deadline calls for today: ``before`` from ``reminder_days`` ahead until
    the eve, ``due`` on the day, ``overdue`` from the day after. Each window lasts until the next
    begins, so a day the daily run missed is caught up; the caller sends each kind once."""
    if deadline.met:
        return None
    if today > deadline.due_on:
        return "overdue"
    if today == deadline.due_on:
        return "due"
    if reminder_days > 0 and today >= deadline.due_on - timedelta(days=reminder_days):
        return "before"
    return None


def reminders_due(items: list[Deadline], today: date, reminder_days: int) -> list[tuple[Deadline, str]]:
    out = []
    for deadline in items:
        kind = reminder_kind(deadline, today, reminder_days)
        if kind:
            out.append((deadline, kind))
    return out
