"""Roles and what each may do: the one table every view and service consults."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    ORGANISER = "organiser"
    FACILITATOR = "facilitator"
    MEMBER = "member"
    OBSERVER = "observer"


ROLE_LABELS = {
    Role.ADMIN: "Administrator",
    Role.ORGANISER: "Organiser",
    Role.FACILITATOR: "Facilitator",
    Role.MEMBER: "Panel member",
    Role.OBSERVER: "Observer (read-only)",
}

# Roles that may be held for a whole organisation; members sit on one panel only.
ORGANISATION_ROLES = (Role.ADMIN, Role.ORGANISER, Role.FACILITATOR, Role.OBSERVER)
PANEL_ROLES = (Role.ORGANISER, Role.FACILITATOR, Role.MEMBER, Role.OBSERVER)

STAFF = {Role.ADMIN, Role.ORGANISER, Role.FACILITATOR}
MANAGERS = {Role.ADMIN, Role.ORGANISER}
ANYONE_ON_PANEL = {Role.ADMIN, Role.ORGANISER, Role.FACILITATOR, Role.MEMBER, Role.OBSERVER}

# Permission name -> the roles that hold it. Scope ("organisation" or "panel") is
# decided by the object the permission is checked against.
PERMISSIONS: dict[str, set[Role]] = {
    "organisation.view": {Role.ADMIN, Role.ORGANISER, Role.FACILITATOR, Role.OBSERVER},
    "organisation.manage": {Role.ADMIN},
    "organisation.invite": MANAGERS,
    "panel.create": MANAGERS,
    "panel.view": ANYONE_ON_PANEL,
    "panel.edit": MANAGERS,
    "panel.status": MANAGERS,
    "panel.invite": MANAGERS,
    "panel.audit": MANAGERS | {Role.OBSERVER},
    "register.manage": MANAGERS,
    "mailing.manage": MANAGERS,
    "responses.view": {Role.ADMIN, Role.ORGANISER, Role.FACILITATOR, Role.OBSERVER},
    "pool.view": MANAGERS,  # volunteers' personal data: organisers of the panel and admins
    "pool.register_by_phone": STAFF,
    "selection.manage": MANAGERS,
    "selection.view": {Role.ADMIN, Role.ORGANISER, Role.FACILITATOR, Role.OBSERVER},
    "programme.view": ANYONE_ON_PANEL,  # sessions, agendas, speakers, materials
    "programme.staff": {Role.ADMIN, Role.ORGANISER, Role.FACILITATOR, Role.OBSERVER},  # budget, balance
    "programme.manage": STAFF,  # facilitators and organisers plan the programme
    "programme.ask": {Role.MEMBER},  # members ask questions and request witnesses
    "attendance.manage": STAFF,  # check-in, attendance records, support needs, expense claims
    "attendance.check_in": {Role.MEMBER},  # members check themselves in with the session code
    "evaluation.answer": {Role.MEMBER},  # the anonymous questionnaires
    "evaluation.view": {Role.ADMIN, Role.ORGANISER, Role.FACILITATOR, Role.OBSERVER},  # aggregates only
    "recommendations.view": ANYONE_ON_PANEL,  # drafts, versions, comments, amendments
    "recommendations.draft": STAFF | {Role.MEMBER},  # write, co-author, comment, propose amendments
    "recommendations.manage": STAFF,  # working groups, statuses, amendments to a vote
    "votes.view": ANYONE_ON_PANEL,  # rulebooks, rounds and their results
    "votes.manage": STAFF,  # rulebooks, rounds, paper ballots
    "votes.cast": {Role.MEMBER},
    "minority.write": {Role.MEMBER},  # write and co-sign minority reports
    "report.manage": STAFF,  # assemble, open for review, publish the final report
    "report.review": {Role.MEMBER},  # flag errors in the draft report
    "response.view": ANYONE_ON_PANEL,
    "response.manage": MANAGERS,  # record the government's response, progress, milestones
    "response.rate": {Role.MEMBER},  # (former) members rate the response and implementation
    "evidence.view": {Role.ADMIN, Role.ORGANISER, Role.FACILITATOR, Role.OBSERVER},
    "evidence.manage": MANAGERS,  # assessments, hand-entered evidence, imports
    "system.outbox": {Role.ADMIN},
    "system.audit": {Role.ADMIN},
}


def allows(roles: set[Role], permission: str) -> bool:
    return bool(PERMISSIONS[permission] & roles)
