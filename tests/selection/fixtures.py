"""A small pool with answers and households, targets, and a published final run."""

from __future__ import annotations

import random

from panels.extensions import db
from panels.pool.models import RegistrationSettings, Volunteer
from panels.selection.models import SelectionRun, Target

CATEGORIES = [
    {"key": "age", "question": "How old are you?", "options": [
        {"value": "young", "label": "16 to 39", "share": 0.4}, {"value": "old", "label": "40 or over", "share": 0.6}]},
    {"key": "tenure", "question": "Own or rent?", "options": [
        {"value": "owner", "label": "Own", "share": 0.5}, {"value": "renter", "label": "Rent", "share": 0.5}]},
]


def make_pool(panel_id: int, n: int = 40, seed: int = 3) -> None:
    rng = random.Random(seed)
    if not db.session.query(RegistrationSettings).filter_by(panel_id=panel_id).count():
        db.session.add(RegistrationSettings(panel_id=panel_id, short_code=f"sel-{panel_id}", is_open=False,
                                            categories=CATEGORIES))
    for i in range(n):
        db.session.add(Volunteer(
            panel_id=panel_id, public_id=f"V-{i:04d}", first_name=f"Person{i}", email=f"p{i}@test.example",
            answers={"age": rng.choice(["young", "old", "old"]), "tenure": rng.choice(["owner", "renter"])},
            household_key=f"house {i // 2 if i < 6 else i}"))  # three pairs share a household
    db.session.commit()


def published_run(panel_id: int) -> tuple[int, int]:
    """A final run stored as if it had completed and been published (for URL checks)."""
    make_pool(panel_id, n=20)
    target = Target(panel_id=panel_id, category="age", value="young", min=0, max=10)
    run = SelectionRun(panel_id=panel_id, kind="final", status="succeeded", seats=8, seed="x",
                       snapshot={"targets": [], "people": [], "ceremony": {
                           "M": 2, "hash": "0" * 64, "max_change": 0.0, "numbered": [["V-0000"], ["V-0001"]]}},
                       report=None)
    db.session.add_all([target, run])
    db.session.commit()
    from panels.db import utcnow

    run.published_at = run.finished_at = utcnow()
    run.selected, run.input_hash, run.lottery_version = ["V-0000"], "0" * 64, "test"
    run.report = {"summary": {"n": 20, "k": 8, "k_over_n": 0.4, "min_probability": 0.3, "max_probability": 0.5,
                              "lp_bound_min_probability": 0.3}, "quota_table": [], "probabilities": {"V-0000": 0.4},
                  "algorithm": "leximin", "draw": {"method": "transparent", "number": 1}}
    db.session.commit()
    return run.id, target.id
