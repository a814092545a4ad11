"""Attendance, support needs and expense claims: who came to each session, who may drop out,
what help members need, and what the panel owes them.

A session where attendance was taken (at least one record) counts a member without a record
as absent. Members who missed two or more such sessions (absent, not excused) are at risk.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from flask import current_app
from sqlalchemy import select

from ..access import require
from ..accounts.models import Membership, User
from ..audit import record
from ..extensions import db
from .models import ProgrammeSession
from .participation import Attendance, ExpenseClaim

STATUSES = {"present": "Present", "absent": "Absent", "excused": "Excused"}
EXPENSE_KINDS = {"travel": "Travel", "childcare": "Childcare", "eldercare": "Care for an older or disabled person",
                 "meals": "Meals", "other": "Other"}
CLAIM_STATUSES = {"claimed": "Claimed", "paid": "Paid", "refused": "Refused"}
AT_RISK_MISSES = 2
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: easy to read aloud and type
CODE_LENGTH = 6


class AttendanceError(ValueError):
    pass


def sessions_of(panel) -> list[ProgrammeSession]:
    return list(db.session.scalars(select(ProgrammeSession).filter_by(panel_id=panel.id)
                                   .order_by(ProgrammeSession.number, ProgrammeSession.id)))


def members_of(panel) -> list[User]:
    """The panel's members: users with the member role on this panel, by name."""
    return list(db.session.scalars(
        select(User).join(Membership, Membership.user_id == User.id)
        .where(Membership.panel_id == panel.id, Membership.role == "member")
        .order_by(User.name, User.id)).unique())


def is_member(user, panel) -> bool:
    return any(m.role == "member" and m.panel_id == panel.id for m in getattr(user, "memberships", []))


# --------------------------------------------------------------------------- session code

def session_code(session: ProgrammeSession) -> str:
    """A short code for members to check themselves in, derived from the session and the secret key."""
    key = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(key, f"attendance-code:{session.id}".encode(), hashlib.sha256).digest()
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(CODE_LENGTH):
        number, index = divmod(number, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[index])
    return "".join(chars)


def code_matches(session: ProgrammeSession, code: str | None) -> bool:
    typed = "".join((code or "").split()).upper().replace("-", "")
    return bool(typed) and hmac.compare_digest(typed, session_code(session))


# --------------------------------------------------------------------------- recording

def records_of(session: ProgrammeSession) -> dict[int, Attendance]:
    return {a.user_id: a for a in db.session.scalars(select(Attendance).filter_by(session_id=session.id))}


def mark(actor, session: ProgrammeSession, user: User, status: str, *, method: str = "facilitator") -> Attendance:
    """Record a member's attendance (facilitators), or a member's own check-in with the code."""
    from ..panel.models import Panel

    panel = db.session.get(Panel, session.panel_id)
    if method == "code":
        require(actor, "attendance.check_in", panel=panel)
        if actor.id != user.id:
            raise AttendanceError("Members check in only themselves.")
    else:
        require(actor, "attendance.manage", panel=panel)
    if status not in STATUSES:
        raise AttendanceError("Choose present, absent or excused.")
    if not is_member(user, panel):
        raise AttendanceError("Only members of this panel have attendance.")
    row = db.session.scalar(select(Attendance).filter_by(session_id=session.id, user_id=user.id))
    if row is None:
        row = Attendance(session_id=session.id, user_id=user.id)
        db.session.add(row)
    row.status, row.method, row.recorded_by_id = status, method, actor.id
    db.session.flush()
    # No names or statuses of people in the audit log: the action, the session, the method.
    record("attendance.recorded", session, actor=actor, panel=panel, method=method)
    db.session.commit()
    return row


# --------------------------------------------------------------------------- overview

@dataclass
class SessionRow:
    session: ProgrammeSession
    taken: bool
    present: int = 0
    absent: int = 0
    excused: int = 0
    members: int = 0

    @property
    def share(self) -> float:
        return self.present / self.members if self.members else 0.0


@dataclass
class MemberRow:
    user: User
    statuses: dict[int, str] = field(default_factory=dict)  # session id -> status ("absent" if not recorded)
    missed: list[int] = field(default_factory=list)  # session numbers missed without excuse

    @property
    def at_risk(self) -> bool:
        return len(self.missed) >= AT_RISK_MISSES


def overview(panel) -> tuple[list[SessionRow], list[MemberRow]]:
    """Per session, who came; per member, their record and the sessions they missed."""
    sessions = sessions_of(panel)
    members = members_of(panel)
    member_ids = {m.id for m in members}
    by_session: dict[int, dict[int, str]] = defaultdict(dict)
    if sessions:
        for a in db.session.scalars(select(Attendance).where(Attendance.session_id.in_([s.id for s in sessions]))):
            if a.user_id in member_ids:
                by_session[a.session_id][a.user_id] = a.status
    rows = []
    people = {m.id: MemberRow(m) for m in members}
    for s in sessions:
        taken = bool(by_session.get(s.id))
        row = SessionRow(s, taken, members=len(members))
        if taken:
            for m in members:
                status = by_session[s.id].get(m.id, "absent")
                setattr(row, status, getattr(row, status) + 1)
                people[m.id].statuses[s.id] = status
                if status == "absent":
                    people[m.id].missed.append(s.number)
        rows.append(row)
    return rows, list(people.values())


# --------------------------------------------------------------------------- support needs

def support_needs(panel) -> dict[int, list[str]]:
    """Member user id -> the support needs they gave when they registered (volunteer with the same email)."""
    from ..pool.models import Volunteer

    members = members_of(panel)
    by_email = {m.email.strip().lower(): m.id for m in members if m.email}
    needs: dict[int, list[str]] = {}
    if not by_email:
        return needs
    for v in db.session.scalars(select(Volunteer).where(Volunteer.panel_id == panel.id, Volunteer.email.is_not(None))):
        uid = by_email.get((v.email or "").strip().lower())
        if uid is not None and v.support_needs:
            needs[uid] = list(v.support_needs)
    return needs


def session_support(panel, session: ProgrammeSession, needs: dict[int, list[str]] | None = None,
                    records: dict[int, Attendance] | None = None) -> dict[str, list[User]]:
    """Need -> the members expected at this session who need it (members marked absent or excused left out)."""
    from ..pool.models import SUPPORT_NEEDS

    needs = support_needs(panel) if needs is None else needs
    records = records_of(session) if records is None else records
    out: dict[str, list[User]] = {}
    for m in members_of(panel):
        status = records[m.id].status if m.id in records else None
        if status in ("absent", "excused"):
            continue
        for need in needs.get(m.id, []):
            out.setdefault(SUPPORT_NEEDS.get(need, need), []).append(m)
    return dict(sorted(out.items()))


# --------------------------------------------------------------------------- expenses

def parse_amount(value) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise AttendanceError("Give the amount as a number, for example 12.50.") from None
    if amount <= 0 or amount > 10000:
        raise AttendanceError("The amount must be more than 0 and at most 10,000.")
    return amount


def add_claim(actor, session: ProgrammeSession, user: User, kind: str, amount, note: str | None) -> ExpenseClaim:
    from ..panel.models import Panel

    panel = db.session.get(Panel, session.panel_id)
    require(actor, "attendance.manage", panel=panel)
    if kind not in EXPENSE_KINDS:
        raise AttendanceError("Choose the kind of expense.")
    if not is_member(user, panel):
        raise AttendanceError("Claims are for members of this panel.")
    claim = ExpenseClaim(session_id=session.id, user_id=user.id, kind=kind, amount=parse_amount(amount),
                         note=(note or "").strip() or None, recorded_by_id=actor.id)
    db.session.add(claim)
    db.session.flush()
    record("expense.recorded", claim, actor=actor, panel=panel, amount=str(claim.amount))
    db.session.commit()
    return claim


def set_claim_status(actor, panel, claim: ExpenseClaim, status: str) -> None:
    require(actor, "attendance.manage", panel=panel)
    if status not in CLAIM_STATUSES:
        raise AttendanceError("Choose claimed, paid or refused.")
    claim.status = status
    record("expense.status", claim, actor=actor, panel=panel, status=status)
    db.session.commit()


def claims_of(panel) -> list[ExpenseClaim]:
    ids = [s.id for s in sessions_of(panel)]
    if not ids:
        return []
    return list(db.session.scalars(select(ExpenseClaim).where(ExpenseClaim.session_id.in_(ids))
                                   .order_by(ExpenseClaim.created_at, ExpenseClaim.id)))


def totals(panel) -> tuple[dict[int, Decimal], dict[int, Decimal], Decimal]:
    """Totals per member (user id), per session (session id) and overall; refused claims left out."""
    per_member: dict[int, Decimal] = defaultdict(Decimal)
    per_session: dict[int, Decimal] = defaultdict(Decimal)
    total = Decimal("0")
    for c in claims_of(panel):
        if c.status == "refused":
            continue
        amount = Decimal(str(c.amount))
        per_member[c.user_id] += amount
        per_session[c.session_id] += amount
        total += amount
    return dict(per_member), dict(per_session), total
