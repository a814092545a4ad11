"""Importing a pool collected elsewhere (another form, an OpenDLP export): map, preview, all or nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import select

from .. import audit
from ..access import require
from ..db import utcnow
from ..extensions import db
from ..invitations.registers import household_key, read_table
from .models import Volunteer
from .registering import _public_id

PERSON_FIELDS = {
    "first_name": "First name", "last_name": "Last name", "email": "Email address", "phone": "Phone number",
    "address": "Address (for the one-person-per-household rule)", "postcode": "Postcode",
}
UPLOAD_NAME = re.compile(r"^[0-9a-f]{32}\.(csv|xlsx)$")
MAX_PROBLEMS = 100


@dataclass
class Checked:
    rows: list[dict] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)


def _option_lookup(category: dict) -> dict[str, str]:
    """Accept an answer by its value or its label, ignoring case and spaces."""
    lookup = {}
    for option in category["options"]:
        for text in (option["value"], option.get("label", "")):
            if text:
                lookup[" ".join(str(text).split()).casefold()] = option["value"]
    return lookup


def check(frame: pd.DataFrame, settings, mapping: dict[str, str]) -> Checked:
    """Every problem with its row (the file's numbering: header = row 1), column and fix."""
    result = Checked()
    categories = settings.categories if settings else []
    for category in categories:
        if not mapping.get(f"cat:{category['key']}"):
            result.problems.append({"row": None, "column": category.get("question", category["key"]),
                                    "problem": "No column is chosen for this question.",
                                    "fix": "Choose the column that holds the answers."})
    if not (mapping.get("email") or mapping.get("phone")):
        result.problems.append({"row": None, "column": "Email address / Phone number",
                                "problem": "Neither an email nor a phone column is chosen.",
                                "fix": "Choose at least one, so selected people can be contacted."})
    if result.problems:
        return result
    lookups = {c["key"]: _option_lookup(c) for c in categories}
    allowed = {c["key"]: ", ".join(o.get("label", o["value"]) for o in c["options"]) for c in categories}
    cell = {name: frame[col].astype(str).str.strip() for name, col in mapping.items() if col}
    address = None
    if "address" in cell:
        postcode = cell.get("postcode", pd.Series("", index=frame.index))
        parts = pd.DataFrame({"line1": cell["address"], "postcode": postcode})
        address = household_key(parts)
    existing = {e.casefold() for e in db.session.scalars(select(Volunteer.email).where(
        Volunteer.panel_id == settings.panel_id, Volunteer.email.is_not(None)))}
    seen: dict[str, int] = {}
    for i in range(len(frame)):
        row_number = i + 2
        answers = {}
        for category in categories:
            column = mapping[f"cat:{category['key']}"]
            typed = cell[f"cat:{category['key']}"].iloc[i]
            value = lookups[category["key"]].get(" ".join(typed.split()).casefold())
            if value is None:
                result.problems.append({
                    "row": row_number, "column": column,
                    "problem": f"“{typed}” is not an answer to “{category.get('question', category['key'])}”." if typed
                    else "This cell is empty.",
                    "fix": f"Use one of: {allowed[category['key']]}."})
            answers[category["key"]] = value
        email = cell["email"].iloc[i] if "email" in cell else ""
        phone = cell["phone"].iloc[i] if "phone" in cell else ""
        if not email and not phone:
            result.problems.append({"row": row_number, "column": mapping.get("email") or mapping.get("phone"),
                                    "problem": "No email address and no phone number.",
                                    "fix": "Add one of them, or remove the row."})
        if email:
            if "@" not in email or " " in email:
                result.problems.append({"row": row_number, "column": mapping["email"],
                                        "problem": f"“{email}” is not an email address.",
                                        "fix": "Correct it, or leave the cell empty if there is a phone number."})
            elif email.casefold() in existing:
                result.problems.append({"row": row_number, "column": mapping["email"],
                                        "problem": f"{email} is already in this panel's pool.",
                                        "fix": "Remove the row: each person registers once."})
            elif email.casefold() in seen:
                result.problems.append({"row": row_number, "column": mapping["email"],
                                        "problem": f"{email} is also on row {seen[email.casefold()]}.",
                                        "fix": "Keep one of the two rows."})
            seen.setdefault(email.casefold(), row_number)
        result.rows.append({
            "answers": answers, "email": email or None, "phone": phone or None,
            "first_name": cell["first_name"].iloc[i] if "first_name" in cell else None,
            "last_name": cell["last_name"].iloc[i] if "last_name" in cell else None,
            "address": cell["address"].iloc[i] if "address" in cell else None,
            "household_key": address.iloc[i] if address is not None and address.iloc[i] else None,
        })
        if len(result.problems) >= MAX_PROBLEMS:
            break
    return result


def import_pool(actor, panel, settings, path, mapping: dict[str, str]) -> int:
    """Add every row as a volunteer in one transaction, or none when any row has a problem."""
    require(actor, "pool.view", panel=panel)
    checked = check(read_table(path), settings, mapping)
    if checked.problems:
        raise ImportProblems(checked.problems)
    now = utcnow()
    for row in checked.rows:
        db.session.add(Volunteer(panel_id=panel.id, public_id=_public_id(), channel="import", status="pool",
                                 consent_privacy_at=now, registered_by_id=actor.id, **row))
    audit.record("pool.imported", panel, actor=actor, volunteers=len(checked.rows))
    db.session.commit()
    return len(checked.rows)


class ImportProblems(ValueError):
    def __init__(self, problems: list[dict]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems
