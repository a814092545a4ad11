"""Table plans in the app: members seated by the curriculum library, adjusted by hand, locked, printed."""

from __future__ import annotations

import secrets

from sqlalchemy import select

import curriculum

from .. import audit
from ..access import require
from ..accounts.models import Membership, User
from ..extensions import db
from ..pool.models import Volunteer
from .models import ProgrammeSession
from .participation import Attendance, TablePlan


class TableError(ValueError):
    pass


LEFT = ("withdrawn", "replaced", "declined")


def members(panel) -> list[User]:
    """Users with the member role on the panel, by name, leaving out members who have left it."""
    users = db.session.scalars(select(User).join(Membership, Membership.user_id == User.id).where(
        Membership.panel_id == panel.id, Membership.role == "member").order_by(User.name)).all()
    gone = {e.casefold() for e in db.session.scalars(select(Volunteer.email).where(
        Volunteer.panel_id == panel.id, Volunteer.status.in_(LEFT), Volunteer.email.is_not(None)))}
    return [u for u in users if u.email.casefold() not in gone]


def attributes(panel, users: list[User]) -> dict[int, dict[str, str]]:
    """Each member's answers to the registration questions (their volunteer record, by email)."""
    emails = {u.email.casefold(): u.id for u in users}
    found = {}
    for email, answers in db.session.execute(select(Volunteer.email, Volunteer.answers).where(
            Volunteer.panel_id == panel.id, Volunteer.email.is_not(None))):
        if email.casefold() in emails:
            found[emails[email.casefold()]] = dict(answers or {})
    return {u.id: found.get(u.id, {}) for u in users}


def absent(session: ProgrammeSession) -> set[int]:
    return set(db.session.scalars(select(Attendance.user_id).where(
        Attendance.session_id == session.id, Attendance.status.in_(("absent", "excused")))))


def history(session: ProgrammeSession) -> list[list[list[str]]]:
    """Earlier sessions' seatings (member ids as text), oldest first: who has already met whom."""
    plans = db.session.execute(select(TablePlan.tables).join(ProgrammeSession).where(
        ProgrammeSession.panel_id == session.panel_id, ProgrammeSession.number < session.number)
        .order_by(ProgrammeSession.number)).scalars().all()
    return [[[str(m) for m in table["members"]] for table in plan] for plan in plans]


def _names_to_ids(text: str, users: list[User], what: str) -> list[list[str]]:
    by_name = {u.name.casefold(): str(u.id) for u in users}
    groups = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        names = [n.strip() for n in line.split(",") if n.strip()]
        if not names:
            continue
        unknown = [n for n in names if n.casefold() not in by_name]
        if unknown:
            raise TableError(f"{what}, line {number}: {', '.join(unknown)} is not a member of the panel "
                             "(write the names as on the member list, separated by commas).")
        if len(names) < 2:
            raise TableError(f"{what}, line {number}: name at least two members.")
        groups.append([by_name[n.casefold()] for n in names])
    return groups


def allocate(actor, session: ProgrammeSession, *, table_size: int, categories: list[str],
             together: str = "", apart: str = "", seed: str | None = None) -> TablePlan:
    """Seat the members present; the plan replaces the previous one unless it is locked."""
    require(actor, "programme.manage", panel=session.panel)
    plan = db.session.scalar(select(TablePlan).where(TablePlan.session_id == session.id))
    if plan is not None and plan.locked:
        raise TableError("This plan is locked. Unlock it to allocate again.")
    users = [u for u in members(session.panel) if u.id not in absent(session)]
    if len(users) < 2:
        raise TableError("There are fewer than two members to seat.")
    values = attributes(session.panel, users)
    people = [curriculum.Member(str(u.id), {c: values[u.id].get(c, "") for c in categories}) for u in users]
    groups = _names_to_ids(together, users, "Sit together")
    pairs = _names_to_ids(apart, users, "Keep apart")
    if any(len(p) != 2 for p in pairs):
        raise TableError("Keep apart: one pair of names per line.")
    seed = seed or secrets.token_hex(4)
    past = history(session)
    try:
        result = curriculum.allocate(people, table_size, history=past, categories=categories or None,
                                     together=groups, apart=[tuple(p) for p in pairs], seed=seed)
        baseline = curriculum.allocate(people, table_size, history=past, categories=categories or None,
                                       together=groups, apart=[tuple(p) for p in pairs], seed=seed,
                                       method="random")
    except curriculum.AllocationError as exc:
        raise TableError(str(exc)) from exc
    facilitators = _facilitators(session.panel)
    tables = [{"number": i + 1, "facilitator": facilitators[i % len(facilitators)] if facilitators else None,
               "members": [int(m) for m in table]} for i, table in enumerate(result.tables)]
    if plan is None:
        plan = TablePlan(session_id=session.id)
        db.session.add(plan)
    plan.tables, plan.categories, plan.seed, plan.adjusted = tables, categories, str(seed), False
    plan.scores = {**_scores(result), "random": _scores(baseline), "together": groups, "apart": pairs}
    audit.record("tables.allocated", plan, actor=actor, panel=session.panel, session=session.number,
                 tables=len(tables), seed=str(seed))
    db.session.commit()
    return plan


def _scores(allocation) -> dict:
    return {"diversity": round(allocation.diversity_normalised, 3), "meeting": round(allocation.meeting_score, 3),
            "new_pairs": allocation.new_pairs, "possible_new_pairs": allocation.possible_new_pairs}


def _facilitators(panel) -> list[str]:
    return list(db.session.scalars(select(User.name).join(Membership, Membership.user_id == User.id).where(
        Membership.role == "facilitator", Membership.organisation_id == panel.organisation_id,
        (Membership.panel_id == panel.id) | Membership.panel_id.is_(None)).order_by(User.name).distinct()))


def move(actor, session: ProgrammeSession, member_id: int, table_number: int) -> TablePlan:
    """Move one member to another table by hand; the scores are recomputed."""
    require(actor, "programme.manage", panel=session.panel)
    plan = db.session.scalar(select(TablePlan).where(TablePlan.session_id == session.id))
    if plan is None or plan.locked:
        raise TableError("There is no plan to change, or it is locked.")
    tables = [dict(t, members=[m for m in t["members"] if m != member_id]) for t in plan.tables]
    if not any(member_id in t["members"] for t in plan.tables):
        raise TableError("That member is not seated in this plan.")
    if not 1 <= table_number <= len(tables):
        raise TableError(f"Choose a table from 1 to {len(tables)}.")
    tables[table_number - 1]["members"].append(member_id)
    users = members(session.panel)
    values = attributes(session.panel, users)
    seated = {m for t in tables for m in t["members"]}
    people = [curriculum.Member(str(u.id), {c: values[u.id].get(c, "") for c in plan.categories})
              for u in users if u.id in seated]
    rescored = curriculum.score_allocation([[str(m) for m in t["members"]] for t in tables], people,
                                           categories=plan.categories or None, history=history(session))
    plan.tables, plan.adjusted = tables, True
    plan.scores = {**plan.scores, **_scores(rescored)}
    audit.record("tables.adjusted", plan, actor=actor, panel=session.panel, session=session.number)
    db.session.commit()
    return plan


def set_locked(actor, session: ProgrammeSession, locked: bool) -> None:
    require(actor, "programme.manage", panel=session.panel)
    plan = db.session.scalar(select(TablePlan).where(TablePlan.session_id == session.id))
    if plan is None:
        raise TableError("There is no plan yet.")
    plan.locked = locked
    audit.record("tables.locked" if locked else "tables.unlocked", plan, actor=actor, panel=session.panel)
    db.session.commit()


def seating(plan: TablePlan | None) -> list[dict]:
    """Tables with their members' users, for the page and the PDF."""
    if plan is None:
        return []
    ids = [m for t in plan.tables for m in t["members"]]
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}
    return [{**t, "people": sorted((users[m] for m in t["members"] if m in users), key=lambda u: u.name)}
            for t in plan.tables]


def first_name(user: User) -> str:
    return user.name.split()[0] if user.name else user.email
