"""The mapping and the frameworks are data: changing the files changes the records, bad files say what to fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from tests.evidence_feed.evidence_feed_helpers import TODAY, build_lifecycle

SMALL_MAPPING = """
[[indicator]]
key = "response_rate"
name = "Households answering"
unit = "per cent"
confidence = "self_reported"
capabilities = ["strategic_awareness"]

[[indicator]]
key = "speakers"
name = "Speakers"
unit = "count"
capabilities = []
"""


@pytest.fixture
def lifecycle(app, world):
    with app.app_context():
        return build_lifecycle(world.panel.id)


def _records():
    from panels.evidence.models import EvidenceRecord
    from panels.extensions import db

    return list(db.session.scalars(select(EvidenceRecord).order_by(EvidenceRecord.id)))


def test_changing_the_mapping_changes_the_records(app, lifecycle, tmp_path):
    from panels.evidence.feed import run_feed

    path = tmp_path / "mapping.toml"
    path.write_text(SMALL_MAPPING)
    with app.app_context():
        run_feed(today=TODAY)
        assert len(_records()) > 20
        summary = run_feed(today=TODAY, mapping_path=path)
        records = _records()
        assert [(r.indicator, r.capability, r.framework, r.unit, r.confidence, r.value) for r in records] == [
            ("response_rate", "strategic_awareness", "psci", "per cent", "self_reported", 37.5)]
        assert summary.created == 1 and summary.removed > 20


def test_an_installation_overrides_the_mapping_and_frameworks_in_its_instance_folder(app, lifecycle):
    from panels.evidence import frameworks
    from panels.evidence.feed import run_feed

    folder = Path(app.config["INSTANCE_DIR"]) / "evidence"
    folder.mkdir(parents=True, exist_ok=True)
    custom_frameworks = """
[[framework]]
key = "ours"
name = "Our own framework"
[[framework.capability]]
key = "listening"
name = "Listening to residents"
description = "How well we hear people."
questions = [{ key = "how", text = "How do you listen?" }]
"""
    try:
        (folder / "frameworks.toml").write_text(custom_frameworks)
        (folder / "mapping.toml").write_text(SMALL_MAPPING.replace("strategic_awareness", "listening"))
        with app.app_context():
            assert [f.key for f in frameworks.frameworks()] == ["ours"]
            assert frameworks.capability("listening").questions[0].text == "How do you listen?"
            run_feed(today=TODAY)
            assert [(r.framework, r.capability) for r in _records()] == [("ours", "listening")]
    finally:
        for name in ("frameworks.toml", "mapping.toml"):
            (folder / name).unlink(missing_ok=True)
    with app.app_context():
        assert [f.key for f in frameworks.frameworks()] == ["psci", "oecd_bloomberg", "oecd_deliberation"]


def test_the_shipped_frameworks(app_ctx):
    from panels.evidence import frameworks

    psci = frameworks.get("psci")
    assert [c.name for c in psci.capabilities] == [
        "Strategic awareness", "Adapting focus areas", "Building coalitions and partnerships", "Transforming teams",
        "Embedding experimentation and continuous learning"]
    assert all([q.key for q in c.questions] == ["practice", "outcomes", "funding"] for c in psci.capabilities)
    assert [c.name for c in frameworks.get("oecd_bloomberg").capabilities] == [
        "Innovation strategy", "Staff and structure", "Funding", "Data use", "Outcomes evaluation"]
    assert len(frameworks.get("oecd_deliberation").capabilities) == 11


@pytest.mark.parametrize("text, message", [
    ("[[framework]]\nkey = \"a\"\n", "no [[framework.capability]]"),
    ("[[framework]]\nkey = \"Bad Key\"\nname = \"x\"\n", "may use only lower-case"),
    ("[[framework]]\nkey = \"a\"\nname = \"A\"\n[[framework.capability]]\nkey = \"c\"\n", "“name” is missing"),
    ("[[framework]]\nkey = \"a\"\nname = \"A\"\n[[framework.capability]]\nkey = \"c\"\nname = \"C\"\n"
     "[[framework]]\nkey = \"b\"\nname = \"B\"\n[[framework.capability]]\nkey = \"c\"\nname = \"C\"\n",
     "unique across all frameworks"),
    ("framework = [", "not valid TOML"),
    ("", "no [[framework]] tables"),
    ("framework = [\"psci\"]", "write each framework as a [[framework]] table"),
    ("[[framework]]\nkey = \"a\"\nname = \"A\"\ncapability = [\"c\"]\n", "as a [[framework.capability]] table"),
])
def test_a_broken_frameworks_file_says_where_and_what_to_fix(tmp_path, text, message):
    from panels.evidence import frameworks

    path = tmp_path / "frameworks.toml"
    path.write_text(text)
    with pytest.raises(frameworks.FrameworkError, match=message.replace("[", r"\[")):
        frameworks.load(path)


@pytest.mark.parametrize("change, message", [
    (("response_rate", "no_such_indicator"), "is not an indicator the feed computes"),
    (("strategic_awareness", "no_such_capability"), "capability “no_such_capability” is not in the frameworks"),
    (("self_reported", "very_sure"), "confidence “very_sure” is unknown"),
    (('unit = "per cent"', ""), "“unit” is missing"),
])
def test_a_broken_mapping_says_where_and_what_to_fix(app_ctx, tmp_path, change, message):
    from panels.evidence import mapping

    path = tmp_path / "mapping.toml"
    path.write_text(SMALL_MAPPING.replace(*change))
    with pytest.raises(mapping.MappingError, match=message):
        mapping.load(path)


def test_the_command_line_runs_the_feed(app, lifecycle):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["evidence-feed", "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert "created" in result.output
    again = runner.invoke(args=["evidence-feed", "--today", TODAY.isoformat()])
    assert "0 created, 0 updated" in again.output
    bad = runner.invoke(args=["evidence-feed", "--today", "31/05/2027"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output


def test_a_broken_installation_file_is_named_on_the_pages_never_a_bare_error(app, world, as_user):
    folder = Path(app.config["INSTANCE_DIR"]) / "evidence"
    folder.mkdir(parents=True, exist_ok=True)
    try:
        (folder / "frameworks.toml").write_text("framework = [")
        page = as_user("observer").get("/o/testville/evidence/")
        assert page.status_code == 500
        assert "frameworks.toml: not valid TOML" in page.get_data(as_text=True)
        public = app.test_client().get("/open-data/evidence.json")  # the public are not told the server's paths
        assert public.status_code == 500 and "frameworks.toml" not in public.get_data(as_text=True)
    finally:
        (folder / "frameworks.toml").unlink(missing_ok=True)


def test_an_indicator_that_is_not_a_table_is_named(app_ctx, tmp_path):
    from panels.evidence import mapping

    path = tmp_path / "mapping.toml"
    path.write_text("indicator = [1]")
    with pytest.raises(mapping.MappingError, match="write each indicator as an"):
        mapping.load(path)
