"""Retention: erase the personal data of volunteers who were never selected, on schedule.

When a panel has been closed for longer than the retention period its privacy notice
stated (RegistrationSettings.retention_months, 12 by default), the volunteers who were
never drawn (status pool, withdrawn or reserve, and in no final run's selection) lose
their personal data: names, contact details, address, support needs and details,
availability, their private link and the link to their letter. The pseudonymous record
stays (public id, answers, area, and the household as the same salted pseudonym the
selection publishes), so the published selection report still verifies: its
people.csv comes from the run's snapshot, and the household grouping is unchanged.
Messages in the outbox about them are redacted too. The audit log gets counts only.

Run it daily: `python -m panels retention` from cron (or the `selection.retention` job).
"""

from __future__ import annotations

import calendar
from datetime import datetime

import click
from flask.cli import with_appcontext
from sqlalchemy import select, update

from .. import audit
from ..db import utcnow
from ..extensions import db
from ..jobs import job_function
from ..outbox import OutboxMessage
from ..pool.models import RegistrationSettings, Volunteer
from .inputs import household_pseudonym
from .models import Replacement, SelectionRun

NEVER_SELECTED = ("pool", "withdrawn", "reserve")
DEFAULT_MONTHS = 12
ERASED = "[erased]"


def add_months(moment: datetime, months: int) -> datetime:
    month0 = moment.month - 1 + months
    year, month = moment.year + month0 // 12, month0 % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def due_panels(now: datetime | None = None) -> list[tuple]:
    """(panel, retention months) for the closed panels whose retention period has ended."""
    from ..panel.models import Panel

    now = now or utcnow()
    result = []
    for panel in db.session.scalars(select(Panel).where(Panel.status == "closed").order_by(Panel.id)):
        settings = db.session.scalar(select(RegistrationSettings).where(RegistrationSettings.panel_id == panel.id))
        months = settings.retention_months if settings and settings.retention_months is not None else DEFAULT_MONTHS
        if add_months(panel.status_changed_at, months) <= now:
            result.append((panel, months))
    return result


def _drawn(panel_id: int) -> tuple[set[str], set[int]]:
    """Public ids in any final run, and volunteer ids in any replacement record: never erased here."""
    public_ids = set()
    for selected in db.session.scalars(select(SelectionRun.selected).where(
            SelectionRun.panel_id == panel_id, SelectionRun.kind == "final", SelectionRun.status == "succeeded")):
        public_ids.update(selected or [])
    ids = set()
    for dropout_id, replacement_id in db.session.execute(select(Replacement.dropout_id, Replacement.replacement_id)
                                                         .where(Replacement.panel_id == panel_id)):
        ids.update(i for i in (dropout_id, replacement_id) if i)
    return public_ids, ids


def to_erase(panel) -> list[Volunteer]:
    public_ids, ids = _drawn(panel.id)
    candidates = db.session.scalars(select(Volunteer).where(
        Volunteer.panel_id == panel.id, Volunteer.status.in_(NEVER_SELECTED), Volunteer.erased_at.is_(None))
        .order_by(Volunteer.id)).all()
    return [v for v in candidates if v.public_id not in public_ids and v.id not in ids]


def erase(volunteer: Volunteer, now: datetime) -> None:
    volunteer.first_name = volunteer.last_name = volunteer.email = volunteer.phone = None
    volunteer.address = volunteer.support_details = volunteer.manage_token_hash = None
    volunteer.availability, volunteer.support_needs = [], []
    volunteer.letter_id = None  # the letter leads to the address register
    if volunteer.household_key and not volunteer.household_key.startswith("hh:"):
        volunteer.household_key = "hh:" + household_pseudonym(volunteer.panel_id, volunteer.household_key)
    volunteer.erased_at = now


def erase_expired(now: datetime | None = None, *, dry_run: bool = False) -> int:
    """Erase (or, with dry_run, count) the never-selected volunteers of panels past retention."""
    now = now or utcnow()
    total = 0
    for panel, months in due_panels(now):
        volunteers = to_erase(panel)
        total += len(volunteers)
        if dry_run or not volunteers:
            continue
        for volunteer in volunteers:
            erase(volunteer, now)
        ids = [str(v.id) for v in volunteers]
        for start in range(0, len(ids), 500):
            db.session.execute(update(OutboxMessage).where(
                OutboxMessage.related_type == "Volunteer", OutboxMessage.related_id.in_(ids[start:start + 500]))
                .values(recipient=ERASED, subject=ERASED, body_text=ERASED, body_html=None, last_error=None))
        audit.record("retention.personal_data_erased", panel, panel=panel, count=len(volunteers),
                     retention_months=months)
        db.session.commit()
    return total


@job_function("selection.retention")
def retention_job(ctx) -> dict:
    count = erase_expired()
    return {"erased": count, "message": f"Erased the personal data of {count} volunteer(s)."}


@click.command("retention")
@click.option("--dry-run", is_flag=True, help="Count who would be erased; change nothing.")
@with_appcontext
def retention_command(dry_run: bool) -> None:
    """Erase personal data of never-selected volunteers of closed panels past their retention period."""
    count = erase_expired(dry_run=dry_run)
    if dry_run:
        click.echo(f"{count} volunteer(s) would be erased (dry run: nothing changed)")
    else:
        click.echo(f"Erased the personal data of {count} volunteer(s)")
