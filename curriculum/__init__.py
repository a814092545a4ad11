"""Curriculum of a citizens' panel: programme, time budget, speaker balance, tables.

Pure library (no web framework, no database): the app passes plain data in and stores
what comes back (every result has ``to_dict``/``from_dict``).

Typical use::

    programme = template(8)                       # four phases, editable
    problems = [p for s in programme.sessions for p in validate_agenda(s)]
    budget = time_budget(programme)               # hours, learning share, warnings
    report = balance_report(speakers, appearances, materials, ["for", "against", "neutral"])
    plan = plan_sessions(members, table_sizes=[8] * 6, sessions=8,
                         categories=["age", "gender", "area"], seed="2024-panel")
"""

from .balance import (
    EVIDENCE_TYPES,
    Appearance,
    BalanceReport,
    Material,
    Speaker,
    WitnessRequest,
    appearances_from_programme,
    balance_report,
)
from .budget import LEARNING_TYPES, Budget, time_budget
from .plans import (
    ITEM_TYPES,
    PHASES,
    TEMPLATE_SIZES,
    AgendaItem,
    ItemType,
    Phase,
    Programme,
    Session,
    fmt_time,
    template,
    to_minutes,
    validate_agenda,
    validate_programme,
)
from .problems import Problem
from .table_rules import AllocationError, check_allocation, resolve_sizes
from .table_scores import meetings
from .tables import (
    Allocation,
    Member,
    Plan,
    allocate,
    plan_sessions,
    random_baseline,
    reallocate,
    score_allocation,
)

__all__ = [
    "EVIDENCE_TYPES", "ITEM_TYPES", "LEARNING_TYPES", "PHASES", "TEMPLATE_SIZES", "AgendaItem", "Allocation",
    "AllocationError", "Appearance", "BalanceReport", "Budget", "ItemType", "Material", "Member", "Phase", "Plan",
    "Problem", "Programme", "Session", "Speaker", "WitnessRequest", "allocate", "appearances_from_programme",
    "balance_report", "check_allocation", "fmt_time", "meetings", "plan_sessions", "random_baseline", "reallocate",
    "resolve_sizes", "score_allocation", "template", "time_budget", "to_minutes", "validate_agenda",
    "validate_programme",
]
