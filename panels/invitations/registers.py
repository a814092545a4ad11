"""Importing an address register: map the columns, preview, then an all-or-nothing job."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import delete, insert

from .. import audit
from ..access import require
from ..extensions import db
from ..jobs import job_function, submit
from .models import Address, AddressRegister

ROLES = {
    "line1": ("Address line 1", True),
    "line2": ("Address line 2", False),
    "town": ("Town or city", False),
    "postcode": ("Postcode or ZIP", False),
    "area": ("Area or district (the sampling strata)", True),
    "residents": ("Number of residents (optional, for allocation by population)", False),
}
PREVIEW_ROWS = 10
MAX_PROBLEMS = 50
CHUNK = 20_000


def read_table(path: str | Path, nrows: int | None = None) -> pd.DataFrame:
    """Every cell as text: postcodes like 01234 must keep their zeros."""
    path = Path(path)
    if path.suffix == ".xlsx":
        frame = pd.read_excel(path, dtype=str, nrows=nrows, engine="openpyxl")
    else:
        frame = pd.read_csv(path, dtype=str, nrows=nrows, keep_default_na=False, encoding="utf-8-sig",
                            sep=None, engine="python") if nrows else pd.read_csv(
            path, dtype=str, keep_default_na=False, encoding="utf-8-sig", sep=_sniff(path))
    frame.columns = [str(c).strip() for c in frame.columns]
    return frame.fillna("")


def _sniff(path: Path) -> str:
    with open(path, encoding="utf-8-sig", errors="replace") as handle:
        first = handle.readline()
    return max((",", ";", "\t"), key=first.count)


def household_key(frame: pd.DataFrame) -> pd.Series:
    """Case, whitespace and punctuation removed, so '12 Mill Lane' == '12, MILL LANE.'."""
    parts = [frame[c] for c in ("line1", "line2", "town", "postcode") if c in frame]
    joined = parts[0].str.cat(parts[1:], sep=" ") if len(parts) > 1 else parts[0]
    return (joined.str.lower().str.replace(r"[^\w]+", " ", regex=True)
            .str.replace(r"\s+", " ", regex=True).str.strip())


@dataclass
class Checked:
    frame: pd.DataFrame
    problems: list[dict]
    duplicates: int
    duplicate_examples: list[dict]


def check(raw: pd.DataFrame, mapping: dict[str, str], attributes: list[str]) -> Checked:
    """Apply the mapping and find every problem; row numbers are the file's (header = row 1)."""
    problems: list[dict] = []
    columns = set(raw.columns)
    for role, (label, required) in ROLES.items():
        column = mapping.get(role)
        if required and not column:
            problems.append({"row": None, "column": label, "problem": "No column is chosen for it.",
                             "fix": "Choose the column of the file that holds it."})
        elif column and column not in columns:
            problems.append({"row": None, "column": column, "problem": "This column is not in the file.",
                             "fix": "Choose one of the file's columns."})
    for name in attributes:
        if name not in columns:
            problems.append({"row": None, "column": name, "problem": "This column is not in the file.",
                             "fix": "Untick it, or upload the file that has it."})
    if problems:
        return Checked(pd.DataFrame(), problems, 0, [])
    frame = pd.DataFrame({role: raw[col].astype(str).str.strip() for role, col in mapping.items()
                          if col and role in ROLES})
    for name in attributes:
        frame[f"attr:{name}"] = raw[name].astype(str).str.strip()
    rows = pd.Series(range(2, len(frame) + 2), index=frame.index)
    for role in ("line1", "area"):
        for row in rows[frame[role] == ""].head(MAX_PROBLEMS):
            problems.append({"row": int(row), "column": mapping[role], "problem": "This cell is empty.",
                             "fix": f"Fill in the {ROLES[role][0].lower()} or remove the row."})
    if "residents" in frame:
        numbers = pd.to_numeric(frame["residents"].replace("", "0"), errors="coerce")
        bad = rows[numbers.isna() | (numbers < 0) | (numbers % 1 != 0)]
        for row in bad.head(MAX_PROBLEMS):
            problems.append({"row": int(row), "column": mapping["residents"],
                             "problem": f"“{frame.loc[row - 2, 'residents']}” is not a whole number.",
                             "fix": "Use a whole number of residents, or leave the cell empty."})
        frame["residents"] = numbers.fillna(0).astype(int)
    frame["household_key"] = household_key(frame)
    duplicated = frame["household_key"].duplicated(keep="first") & (frame["household_key"] != "")
    examples = [{"row": int(rows[i]), "address": frame.loc[i, "line1"]} for i in frame.index[duplicated][:10]]
    frame = frame[~duplicated]
    return Checked(frame, problems[:MAX_PROBLEMS], int(duplicated.sum()), examples)


def start_upload(actor, organisation, name: str, path: Path, original_name: str) -> AddressRegister:
    require(actor, "register.manage", organisation=organisation)
    register = AddressRegister(organisation=organisation, name=name, source_filename=original_name,
                               status="mapping", mapping={"path": str(path)}, created_by_id=actor.id)
    db.session.add(register)
    audit.record("register.uploaded", register, actor=actor, organisation=organisation, name=name)
    db.session.commit()
    return register


def source_path(register: AddressRegister) -> Path:
    return Path(register.mapping["path"])


def confirm_mapping(actor, register: AddressRegister, mapping: dict, attributes: list[str]):
    require(actor, "register.manage", organisation=register.organisation)
    register.mapping = {**mapping, "path": register.mapping["path"]}
    register.attributes = attributes
    register.status = "importing"
    register.problems = None
    audit.record("register.import_started", register, actor=actor, organisation=register.organisation,
                 mapping=mapping, attributes=attributes)
    db.session.commit()
    job = submit("invitations.import_register", f"Import the address register “{register.name}”",
                 organisation=register.organisation, actor=actor, register_id=register.id)
    register.job_id = job.id
    db.session.commit()
    return job


@job_function("invitations.import_register")
def import_register(ctx, register_id: int) -> dict:
    register = db.session.get(AddressRegister, register_id)
    ctx.progress(0.02, "Reading the file")
    raw = read_table(source_path(register))
    ctx.progress(0.15, f"Checking {len(raw):,} rows")
    mapping = {k: v for k, v in register.mapping.items() if k in ROLES and v}
    checked = check(raw, mapping, register.attributes or [])
    if checked.problems:
        register.status = "failed"
        register.problems = checked.problems
        db.session.commit()
        return {"message": f"Nothing was imported: {len(checked.problems)} problem(s) to fix.",
                "imported": 0}
    frame = checked.frame
    try:
        _write_addresses(ctx, register, frame)
    except Exception:
        # Chunks are committed as they go (so progress stays visible on SQLite); on failure,
        # remove them all: the register is either whole or empty.
        db.session.rollback()
        db.session.execute(delete(Address).where(Address.register_id == register_id))
        register = db.session.get(AddressRegister, register_id)
        register.status = "failed"
        register.problems = [{"row": None, "column": None, "problem": "The import stopped on a database error.",
                              "fix": "Nothing was kept. Try again; if it fails again, contact support."}]
        db.session.commit()
        raise
    total = len(frame)
    register.status = "ready"
    register.households = total
    register.duplicates = checked.duplicates
    register.problems = checked.duplicate_examples or None
    audit.record("register.imported", register, organisation=register.organisation, households=total,
                 duplicates=checked.duplicates)
    return {"message": f"{total:,} households imported; {checked.duplicates:,} exact duplicates left out.",
            "imported": total, "duplicates": checked.duplicates}


def _write_addresses(ctx, register: AddressRegister, frame: pd.DataFrame) -> None:
    attribute_columns = [c for c in frame.columns if c.startswith("attr:")]
    total = len(frame)
    for start in range(0, total, CHUNK):
        part = frame.iloc[start:start + CHUNK]
        attrs = (part[attribute_columns].rename(columns=lambda c: c[5:]).to_dict("records")
                 if attribute_columns else [None] * len(part))
        rows = [
            {"register_id": register.id, "line1": r.line1, "line2": getattr(r, "line2", None) or None,
             "town": getattr(r, "town", None) or None, "postcode": getattr(r, "postcode", None) or None,
             "area": r.area, "residents": int(r.residents) if hasattr(r, "residents") else None,
             "household_key": r.household_key, "attributes": a}
            for r, a in zip(part.itertuples(index=False), attrs, strict=True)
        ]
        db.session.execute(insert(Address), rows)
        db.session.commit()
        ctx.progress(0.2 + 0.78 * min(1.0, (start + CHUNK) / max(total, 1)),
                     f"{min(start + CHUNK, total):,} of {total:,} addresses written")
