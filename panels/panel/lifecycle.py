"""A panel's lifecycle: the statuses and the only transitions allowed between them."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    DRAFT = "draft"
    RECRUITING = "recruiting"
    SELECTING = "selecting"
    SITTING = "sitting"
    REPORTING = "reporting"
    RESPONDED = "responded"
    CLOSED = "closed"


ORDER = list(Status)

LABELS = {
    Status.DRAFT: "Draft",
    Status.RECRUITING: "Recruiting",
    Status.SELECTING: "Selecting",
    Status.SITTING: "Sitting",
    Status.REPORTING: "Reporting",
    Status.RESPONDED: "Responded",
    Status.CLOSED: "Closed",
}

DESCRIPTIONS = {
    Status.DRAFT: "Being set up: mandate, seats and dates.",
    Status.RECRUITING: "Invitation letters are out and volunteers are registering.",
    Status.SELECTING: "Registration has closed; the panel is being drawn.",
    Status.SITTING: "The panel is meeting: learning, deliberating, drafting.",
    Status.REPORTING: "The recommendations are being finalised and published.",
    Status.RESPONDED: "The government has responded; implementation is tracked.",
    Status.CLOSED: "Finished; personal data is erased on schedule.",
}

# Forward one step, plus the few backward steps a real process needs.
TRANSITIONS: dict[Status, dict[Status, str]] = {
    Status.DRAFT: {Status.RECRUITING: "Open recruitment", Status.CLOSED: "Cancel the panel"},
    Status.RECRUITING: {
        Status.SELECTING: "Close registration and start selection",
        Status.DRAFT: "Back to draft",
        Status.CLOSED: "Cancel the panel",
    },
    Status.SELECTING: {
        Status.SITTING: "The panel starts sitting",
        Status.RECRUITING: "Reopen recruitment",
        Status.CLOSED: "Cancel the panel",
    },
    Status.SITTING: {Status.REPORTING: "Sessions are over: start reporting"},
    Status.REPORTING: {
        Status.RESPONDED: "Record that the government has responded",
        Status.SITTING: "Back to sitting (more sessions needed)",
    },
    Status.RESPONDED: {Status.CLOSED: "Close the panel"},
    Status.CLOSED: {},
}


class TransitionRefused(ValueError):
    """Raised with a reason a person can act on."""


def check_transition(current: str, target: str) -> None:
    try:
        cur, tgt = Status(current), Status(target)
    except ValueError as exc:
        raise TransitionRefused(f"“{target}” is not a panel status.") from exc
    if cur == tgt:
        raise TransitionRefused(f"The panel is already {LABELS[cur].lower()}.")
    if tgt not in TRANSITIONS[cur]:
        allowed = ", ".join(LABELS[s].lower() for s in TRANSITIONS[cur]) or "nothing (it is final)"
        raise TransitionRefused(
            f"A panel that is {LABELS[cur].lower()} cannot become {LABELS[tgt].lower()}; "
            f"from here it can become: {allowed}."
        )
