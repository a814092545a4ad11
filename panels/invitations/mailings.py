"""Mailings: draw households from the register, give each a code, print the letters."""

from __future__ import annotations

import csv
import secrets
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
from flask import current_app
from sqlalchemy import func, insert, select

from lottery.codes import format_code, generate_codes
from lottery.households import HouseholdSample, plan_mailing, sample_households

from .. import audit
from ..access import require
from ..extensions import db
from ..jobs import job_function, submit
from ..urls import external_url
from .models import Address, AddressRegister, Letter, Mailing

DEFAULT_TEXT = "\n\n".join([
    ('Dear resident,'),
    ('**Your household has been chosen at random** to receive this invitation to the {title}.'),
    ('{question}'),
    ('The city is bringing together a group of residents who reflect our community: people of every age, '
     'background and neighbourhood. Members learn from experts, discuss with each other and write '
     'recommendations that the council has promised to answer in public.'),
    ('You do not need any experience or special knowledge. Members are paid for their time, and we cover '
     'travel, childcare and other support you may need.'),
    ('**To register, use the code below** on our website or scan the QR code with your phone. If you '
     'prefer, call us and we will register you by phone. Anyone in your household aged 16 or over can '
     'register, but only one person per household can be selected.'),
])


def registration_url(panel) -> str:
    short = panel.registration.short_code if panel.registration else str(panel.id)
    return external_url("home.index").rstrip("/") + f"/r/{short}"


def default_text(panel) -> str:
    return DEFAULT_TEXT.format(title=panel.title, question=panel.question)


def register_frame(register: AddressRegister, attributes: list[str]) -> pd.DataFrame:
    """The register as the sampler wants it: id, area, chosen attributes, residents."""
    rows = db.session.execute(
        select(Address.id, Address.area, Address.residents, Address.attributes)
        .where(Address.register_id == register.id)
    ).all()
    frame = pd.DataFrame(rows, columns=["id", "area", "residents", "attributes"])
    for name in attributes:
        frame[name] = [(a or {}).get(name, "") for a in frame["attributes"]]
    return frame.drop(columns=["attributes"])


def mailed_address_ids(panel_id: int) -> set[int]:
    return set(db.session.scalars(select(Letter.address_id).where(Letter.panel_id == panel_id)))


def draw(mailing: Mailing) -> HouseholdSample:
    """The sample this mailing's settings and seed give (the same every time)."""
    attributes = [s for s in mailing.strata if s != "area"]
    frame = register_frame(mailing.register, attributes)
    use_population = bool(mailing.weights.get("_by_population")) and frame["residents"].notna().any()
    weights = {k: v for k, v in mailing.weights.items() if not k.startswith("_")}
    return sample_households(
        frame, mailing.requested, ["area", *attributes], seed=mailing.seed,
        population_column="residents" if use_population else None,
        weights=weights or None, exclude=mailed_address_ids(mailing.panel_id),
    )


def plan(panel, response_rate: float = 0.03):
    return plan_mailing(panel.seats, response_rate)


def create_mailing(actor, panel, register: AddressRegister, *, name: str, requested: int, strata: list[str],
                   weights: dict, letter_text: str, second_language: str | None = None,
                   second_letter_text: str | None = None, page_size: str = "A4", envelope: str = "DL",
                   seed: str | None = None) -> Mailing:
    require(actor, "mailing.manage", panel=panel)
    mailing = Mailing(
        panel=panel, register=register, name=name, requested=requested, strata=["area", *strata],
        weights=weights, letter_text=letter_text, second_language=second_language or None,
        second_letter_text=second_letter_text or None, page_size=page_size, envelope=envelope,
        seed=seed or secrets.token_hex(8), created_by_id=actor.id, status="drafting",
    )
    db.session.add(mailing)
    audit.record("mailing.created", mailing, actor=actor, panel=panel, requested=requested,
                 strata=mailing.strata, weights=weights, seed=mailing.seed)
    db.session.commit()
    return mailing


def create_reminder(actor, original: Mailing, letter_text: str) -> Mailing:
    require(actor, "mailing.manage", panel=original.panel)
    pending = db.session.scalar(select(func.count()).select_from(Letter).where(
        Letter.mailing_id == original.id, Letter.registrations == 0))
    if not pending:
        raise ValueError("Every household of this mailing has registered: there is nobody to remind.")
    reminder = Mailing(
        panel=original.panel, register=original.register, kind="reminder", reminder_of=original,
        name=f"Reminder: {original.name}", requested=pending, strata=original.strata, weights={},
        letter_text=letter_text, second_language=original.second_language,
        second_letter_text=original.second_letter_text, page_size=original.page_size,
        envelope=original.envelope, seed=original.seed, created_by_id=actor.id, status="drafting",
    )
    db.session.add(reminder)
    audit.record("mailing.reminder_created", reminder, actor=actor, panel=original.panel, households=pending)
    db.session.commit()
    return reminder


def start_generation(actor, mailing: Mailing):
    require(actor, "mailing.manage", panel=mailing.panel)
    if mailing.status not in ("drafting", "failed"):
        raise ValueError("These letters have already been generated.")
    mailing.status = "generating"
    db.session.commit()
    job = submit("invitations.generate_mailing", f"Print {mailing.requested:,} letters: {mailing.name}",
                 panel=mailing.panel, actor=actor, mailing_id=mailing.id)
    mailing.job_id = job.id
    audit.record("mailing.generation_started", mailing, actor=actor, panel=mailing.panel)
    db.session.commit()
    return job


def mark_posted(actor, mailing: Mailing) -> None:
    from ..db import utcnow

    require(actor, "mailing.manage", panel=mailing.panel)
    mailing.posted_on = utcnow()
    audit.record("mailing.posted", mailing, actor=actor, panel=mailing.panel)
    db.session.commit()


def output_dir(mailing: Mailing) -> Path:
    path = Path(current_app.config["INSTANCE_DIR"]) / "mailings" / str(mailing.id)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _unique_codes(n: int) -> list[str]:
    """Codes never used before in this installation (collisions are astronomically rare)."""
    codes = generate_codes(n)
    while True:
        clash = set()
        for start in range(0, len(codes), 5000):  # keep under the databases' parameter limits
            clash.update(db.session.scalars(select(Letter.code).where(Letter.code.in_(codes[start:start + 5000]))))
        if not clash:
            return codes
        codes = [c for c in codes if c not in clash] + generate_codes(len(clash), existing=set(codes))


def _households(mailing: Mailing, pairs: list[tuple[int, str]]) -> Iterator[tuple[Address, str]]:
    """Addresses in print order (by area, then address), streamed in chunks."""
    by_id = dict(pairs)
    ids = list(by_id)
    for start in range(0, len(ids), 2000):
        chunk = db.session.scalars(select(Address).where(Address.id.in_(ids[start:start + 2000]))).all()
        for address in sorted(chunk, key=lambda a: (a.area, a.postcode or "", a.line1)):
            yield address, by_id[address.id]


def letter_households(mailing: Mailing, pairs, url: str):
    from .letters import Household

    for address, code in _households(mailing, pairs):
        yield Household(address_lines=["The Occupier", *address.lines()], code=format_code(code),
                        qr_url=f"{url}?code={code}")


@job_function("invitations.generate_mailing")
def generate_mailing(ctx, mailing_id: int) -> dict:
    from .letters import write_letters
    from .templates import letter_template

    mailing = db.session.get(Mailing, mailing_id)
    try:
        if mailing.kind == "reminder":
            pairs = list(db.session.execute(select(Letter.address_id, Letter.code).where(
                Letter.mailing_id == mailing.reminder_of_id, Letter.registrations == 0)).all())
            table = mailing.reminder_of.stratum_table
        else:
            ctx.progress(0.02, "Drawing households from the register")
            sample = draw(mailing)
            codes = _unique_codes(sample.n)
            pairs = list(zip((int(i) for i in sample.ids), codes, strict=True))
            table = _table_records(sample.strata)
        url = registration_url(mailing.panel)
        folder = output_dir(mailing)
        ctx.progress(0.08, f"Printing {len(pairs):,} letters")
        template = letter_template(mailing, url)
        total = len(pairs)

        def printed(count: int) -> None:
            if count % 500 == 0 or count == total:
                ctx.progress(0.08 + 0.82 * count / max(total, 1), f"{count:,} of {total:,} letters printed")

        write_letters(template, letter_households(mailing, pairs, url), folder / "letters.pdf", progress=printed)
        ctx.progress(0.92, "Writing the mail-house file")
        _write_csv(mailing, pairs, url, folder / "letters.csv")
        if mailing.kind == "first":
            ctx.progress(0.95, "Saving the registration codes")
            area_of = _areas(pairs)
            db.session.execute(insert(Letter), [
                {"mailing_id": mailing.id, "address_id": aid, "panel_id": mailing.panel_id, "code": code,
                 "area": area_of[aid]} for aid, code in pairs])
    except Exception:
        db.session.rollback()
        failed = db.session.get(Mailing, mailing_id)
        failed.status = "failed"
        db.session.commit()
        raise
    mailing.status = "ready"
    mailing.letters_count = len(pairs)
    mailing.stratum_table = table
    mailing.pdf_path = str(folder / "letters.pdf")
    mailing.csv_path = str(folder / "letters.csv")
    audit.record("mailing.generated", mailing, panel=mailing.panel, letters=len(pairs))
    return {"message": f"{len(pairs):,} letters are ready to download.", "letters": len(pairs)}


def _areas(pairs) -> dict[int, str]:
    ids = [p[0] for p in pairs]
    found: dict[int, str] = {}
    for start in range(0, len(ids), 20_000):
        found.update(db.session.execute(select(Address.id, Address.area).where(
            Address.id.in_(ids[start:start + 20_000]))).all())
    return found


def _table_records(strata: pd.DataFrame) -> list[dict]:
    """The per-stratum table as JSON-safe records, kept with the mailing for the record."""
    return [{k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
            for row in strata.to_dict("records")]


def _write_csv(mailing: Mailing, pairs, url: str, path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line1", "line2", "town", "postcode", "area", "code", "registration_url"])
        for address, code in _households(mailing, pairs):
            writer.writerow([address.line1, address.line2 or "", address.town or "", address.postcode or "",
                             address.area, format_code(code), f"{url}?code={code}"])
