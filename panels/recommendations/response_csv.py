"""Responses and progress as CSV: one row per adopted recommendation, out and back in.

The import is all or nothing: every problem names the row (the file's numbering, header = row 1),
the column and the fix, and nothing is saved until the whole file is clean.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date

from .. import audit
from ..access import require
from ..extensions import db
from .implementation import STATUS_LABELS, summary
from .models import IMPLEMENTATION_STATUSES, RESPONSES, GovernmentResponse, ImplementationResult
from .responses import adopted, clean_response

COLUMNS = ["code", "title", "response", "reasons", "department", "other departments", "cost", "timeframe",
           "responded on", "status", "progress %"]
FIELD_OF_COLUMN = {"response": "response", "reasons": "reasons", "department": "department",
                   "other departments": "other_departments", "cost": "cost", "timeframe": "timeframe",
                   "responded on": "responded_on"}
COLUMN_OF_FIELD = {v: k for k, v in FIELD_OF_COLUMN.items()}
FIXES = {
    "response": "Write one of: " + ", ".join(RESPONSES.values()) + ".",
    "reasons": "Write the reasons in the “reasons” column.",
    "cost": "Write a plain number such as 125000 or 125000.50, or leave the cell empty.",
    "responded_on": "Write the date as YYYY-MM-DD, such as 2027-10-01.",
}


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value) -> str:
    """A cell a spreadsheet will not run as a formula (a leading apostrophe, taken off again on import)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in FORMULA_START else text


def _uncell(text: str) -> str:
    return text[1:] if text[:1] == "'" and text[1:2] in FORMULA_START else text


def export(panel) -> str:
    """The CSV text: code, title, the response and its details, the implementation status and progress."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for rec in adopted(panel):
        r = rec.response
        s = summary(rec)
        writer.writerow(csv_cell(value) for value in [
            rec.code, rec.title,
            RESPONSES.get(r.response, r.response) if r else "", (r.reasons or "") if r else "",
            (r.department or "") if r else "", "; ".join(r.other_departments or []) if r else "",
            (f"{r.cost:.2f}" if r.cost is not None else "") if r else "", (r.timeframe or "") if r else "",
            r.responded_on.isoformat() if r and r.responded_on else "",
            STATUS_LABELS[s.status], "" if s.progress is None else f"{s.progress:.0f}",
        ])
    return out.getvalue()


@dataclass
class Checked:
    rows: list[tuple] = field(default_factory=list)  # (recommendation, clean response | None, status, progress)
    problems: list[dict] = field(default_factory=list)


def _problem(checked: Checked, row: int | None, column: str, problem: str, fix: str) -> None:
    checked.problems.append({"row": row, "column": column, "problem": problem, "fix": fix})


def check(panel, text: str) -> Checked:
    """Every row checked against the panel's adopted recommendations; problems with row, column and fix."""
    checked = Checked()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    try:
        return _check_rows(panel, reader, checked)
    except csv.Error as exc:  # a malformed file (a field over the size limit, a stray quote...)
        checked.rows.clear()
        _problem(checked, reader.line_num or 1, "file", f"The file cannot be read as CSV ({exc}).",
                 "Save it again as “CSV UTF-8” from a spreadsheet, starting from an exported file.")
        return checked


def _check_rows(panel, reader: csv.DictReader, checked: Checked) -> Checked:
    headers = [(h or "").strip().casefold() for h in (reader.fieldnames or [])]
    missing = [c for c in ("code", "response") if c not in headers]
    for column in missing:
        _problem(checked, 1, column, "This column is missing.",
                 "Start from an exported file: its first row names the columns " + ", ".join(COLUMNS) + ".")
    if missing:
        return checked
    by_code = {rec.code.casefold(): rec for rec in adopted(panel)}
    seen: dict[str, int] = {}
    for number, raw in enumerate(reader, start=2):
        row = {(k or "").strip().casefold(): _uncell((v or "").strip()) for k, v in raw.items() if k is not None}
        if not any(row.values()):
            continue
        code = row.get("code", "")
        rec = by_code.get(code.casefold())
        if rec is None:
            _problem(checked, number, "code", f"“{code}” is not an adopted recommendation of this panel." if code
                     else "The code is empty.", "Use a code from the export, such as "
                     + ", ".join(sorted(r.code for r in by_code.values())[:3]) + ".")
            continue
        if code.casefold() in seen:
            _problem(checked, number, "code", f"{rec.code} is also on row {seen[code.casefold()]}.",
                     "Keep one row per recommendation.")
            continue
        seen[code.casefold()] = number
        clean = None
        if row.get("response"):
            clean, problems = clean_response({f: row.get(c, "") for c, f in FIELD_OF_COLUMN.items()})
            for name, message in problems.items():
                _problem(checked, number, COLUMN_OF_FIELD.get(name, name), message, FIXES.get(name, ""))
        elif any(row.get(c) for c in ("reasons", "department", "cost", "timeframe")):
            _problem(checked, number, "response", "The response is empty but other response columns are filled.",
                     FIXES["response"])
        status, progress = _implementation(checked, number, rec, row)
        checked.rows.append((rec, clean, status, progress))
    return checked


def _implementation(checked: Checked, number: int, rec, row: dict) -> tuple[str | None, int | None]:
    """The status and progress columns: checked, and None where they match the page (nothing to change)."""
    status_text, progress_text = row.get("status", ""), row.get("progress %", "")
    labels = {v.casefold(): k for k, v in STATUS_LABELS.items()} | {k: k for k in IMPLEMENTATION_STATUSES}
    status = labels.get(status_text.casefold()) if status_text else None
    if status_text and status is None:
        _problem(checked, number, "status", f"“{status_text}” is not a status.",
                 "Write one of: " + ", ".join(STATUS_LABELS.values()) + ".")
    progress = None
    if progress_text:
        try:
            progress = round(float(progress_text.rstrip("%")))
            if not 0 <= progress <= 100:
                raise ValueError
        except (ValueError, OverflowError):  # OverflowError: "inf"
            _problem(checked, number, "progress %", f"“{progress_text}” is not a percentage.",
                     "Write a number from 0 to 100, such as 40.")
            progress = None
    current = summary(rec)
    same_status = status is None or status == current.status
    same_progress = progress is None or (current.progress is not None and round(current.progress) == progress)
    if same_status and same_progress:
        return None, None
    if len(current.results) > 1:
        _problem(checked, number, "progress %" if not same_progress else "status",
                 f"{rec.code}'s progress rolls up from its {len(current.results)} results.",
                 "Edit the results on the recommendation's implementation page, or leave the cell as exported.")
        return None, None
    return status or current.status, progress if progress is not None else round(current.progress or 0)


def apply(user, panel, text: str) -> Checked:
    """Check the file; if it is clean, save every row in one transaction."""
    require(user, "response.manage", panel=panel)
    checked = check(panel, text)
    if checked.problems:
        return checked
    changed = 0
    for rec, clean, status, progress in checked.rows:
        if clean is not None:
            row = rec.response or GovernmentResponse(recommendation=rec)
            db.session.add(row)
            clean.pop("responsible_email")  # not a CSV column: the one on the page stays
            if clean["responded_on"] is None:
                clean["responded_on"] = row.responded_on or date.today()
            for name, value in clean.items():
                setattr(row, name, value)
            row.recorded_by_id = user.id
            changed += 1
        if status is not None:
            result = db.session.query(ImplementationResult).filter_by(recommendation_id=rec.id).first()
            if result is None:
                result = ImplementationResult(panel_id=panel.id, recommendation_id=rec.id, title="Implementation")
                db.session.add(result)
            result.status, result.progress = status, progress
    audit.record("response.imported", panel, actor=user, rows=len(checked.rows), responses=changed)
    db.session.commit()
    return checked
