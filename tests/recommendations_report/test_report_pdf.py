"""The final report PDF: contents page, page numbers, every recommendation and every minority report."""

from __future__ import annotations

import re

from recommendations_report_helpers import MINORITY_ALL, MINORITY_R1, MINORITY_R2, R1, R2, R3, build, pdf_text, publish


def _pdf(app, panel_id: int, *, draft: bool = False) -> bytes:
    from panels.extensions import db
    from panels.panel.models import Panel
    from panels.recommendations import report
    from panels.recommendations.report_pdf import report_pdf

    with app.app_context():
        return report_pdf(report.gather(db.session.get(Panel, panel_id)), draft=draft)


def test_pdf_has_contents_page_numbers_and_every_recommendation(app, world):
    data = build(app, world)
    pages = pdf_text(_pdf(app, data.panel_id))
    total = len(pages)
    assert total >= 4
    # "Page N of M" on every page.
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in page
    contents = pages[1]
    assert "Contents" in contents
    assert "Recommendations" in contents and "Decision rules" in contents
    assert f"R1. {R1[0]}" in contents  # recommendations are listed in the contents, with their page
    # each entry comes with its page number (text extraction may put the number first)
    assert re.search(r"(\d+\s*\n\s*Recommendations\n|Recommendations[ .]*\d+)", contents)
    text = "\n".join(pages)
    assert R1[0] in text and R2[0] in text
    assert R3[0] not in text  # never put to a vote, no minority report on it
    assert "Outcome: Adopted" in text and "Outcome: Not adopted" in text


def test_every_minority_report_is_in_the_pdf_with_its_signatories(app, world):
    data = build(app, world)
    flat = " ".join(" ".join(pdf_text(_pdf(app, data.panel_id))).split())
    for title, _body, signers in (MINORITY_R1, MINORITY_R2, MINORITY_ALL):
        plain_title = title.split(" <script>")[0]
        assert f"Minority report: {plain_title}" in flat
        assert f"Signed by {signers} member{'s' if signers != 1 else ''}." in flat
    # The minority report on R2 (not adopted) sits after R2 and before the general section.
    assert flat.index(R2[0]) < flat.index("Keep the ring road open") < flat.index("The process was too rushed")


def test_members_markup_is_never_read_as_markup(app, world):
    data = build(app, world)
    text = "\n".join(pdf_text(_pdf(app, data.panel_id)))
    # The script tag is kept as visible text from the author's source, never interpreted; bold is plain.
    assert "Make every bus in the city free for under-18s." in text
    assert "**" not in text


def test_draft_pdf_says_draft_and_published_one_does_not(app, world):
    data = build(app, world)
    assert "DRAFT" in pdf_text(_pdf(app, data.panel_id, draft=True))[0]
    publish(app, data.panel_id)
    first = pdf_text(_pdf(app, data.panel_id))[0]
    assert "DRAFT" not in first and "Final report" in first


def test_support_chart_and_table_of_numbers_are_in_the_pdf(app, world):
    data = build(app, world)
    flat = " ".join(" ".join(pdf_text(_pdf(app, data.panel_id))).split())
    assert "Support for R1 (Final vote, turnout 100 %)" in flat
    assert "Strongly support: 2 (33 %)" in flat


def test_empty_panel_still_gives_a_report(app, world):
    pages = pdf_text(_pdf(app, world.panel.id))
    text = "\n".join(pages)
    assert "No recommendation has been put to a vote yet." in text
    assert "The panel has not adopted a rulebook." in text
    assert f"Page 1 of {len(pages)}" in pages[0]


def test_titles_with_reportlab_markup_characters_are_escaped_in_the_contents(app, world):
    """Titles go into the contents page too; reportlab reads that text as markup, so it must be escaped."""
    from panels.extensions import db
    from panels.recommendations.models import Recommendation

    data = build(app, world)
    with app.app_context():
        rec = db.session.get(Recommendation, data.rec_ids[0])
        rec.title = "Fares < 1 & <b>bold</b> <font size=40>big"
        db.session.commit()
    pages = pdf_text(_pdf(app, data.panel_id))
    assert "R1. Fares < 1 & <b>bold</b> <font size=40>big" in " ".join(pages[1].split())
