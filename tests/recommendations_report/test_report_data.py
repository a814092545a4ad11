"""Pure parts of the report: support arithmetic, and any text a member types builds a PDF that shows it."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import given, settings
from hypothesis import strategies as st
from recommendations_report_helpers import pdf_text

from panels.recommendations.report import Item, Minority, Report, Support, support_text

SCALE = ["Strongly support", "Support", "Can live with it", "Have concerns", "Cannot support"]


@given(st.lists(st.integers(min_value=0, max_value=50), min_size=5, max_size=5))
def test_support_shares_add_up_and_the_text_alternative_has_every_level(counts):
    sup = Support(scale=SCALE, counts=counts, round_title="Vote", ballots=sum(counts), eligible=None, adopted=None)
    assert sup.votes == sum(counts)
    assert abs(sum(sup.shares) - (1.0 if sup.votes else 0.0)) < 1e-9
    text = support_text(sup)
    assert text.startswith(f"{sup.votes} votes.")
    for label, count in zip(SCALE, counts, strict=True):
        assert f"{label}: {count} (" in text


def _report(title: str, body: str) -> Report:
    sup = Support(scale=SCALE, counts=[3, 1, 1, 0, 0], round_title="Vote", ballots=5, eligible=6, adopted=True)
    item = Item(1, "R1", title, body, body, "adopted", None, sup, [Minority(1, title, body, 2, "R1")])
    mandate = {"title": "Panel", "organisation": "City", "question": "Q?", "remit": None, "commitment": None,
               "seats": 24, "standing": False, "term_start": None, "term_end": None, "topics": []}
    state = SimpleNamespace(foreword=body, published_at=None, delivered_on=None)
    return Report(panel=None, state=state, mandate=mandate,
                  recruitment={"letters": 0, "households": 0, "volunteers": 0, "other_channels": 0, "rate": 0.0,
                               "mailings": 0},
                  composition=None,
                  programme={"sessions": [], "hours": 0.0, "speakers": [], "materials": [], "perspectives": {}},
                  rulebook=None, items=[item], general_minority=[], evaluation={"n": 0, "enough": False,
                                                                               "minimum": 5, "rows": []})


WORDS = st.text(alphabet=st.sampled_from(list("abc <>&/;\"'#*_[]()=")), min_size=1, max_size=40)


@settings(max_examples=15, deadline=None)
@given(word=st.from_regex(r"[a-z]{6,10}", fullmatch=True), noise=WORDS)
def test_any_member_text_builds_a_pdf_and_keeps_its_words(word, noise):
    from panels.recommendations.report_pdf import report_pdf

    body = f"{noise} {word} <b>bold</b> <para>&amp; </font>"
    flat = " ".join(" ".join(pdf_text(report_pdf(_report(f"Title {word}", body)))).split())
    assert f"R1. Title {word}" in flat
    assert f"Minority report: Title {word}" in flat
    assert word in flat and "<b>bold</b>" in flat  # shown as typed, never read as markup
