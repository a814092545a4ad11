"""The final report as a PDF: title page, contents, every section, charts, "Page N of M" on every page.

Built from ``report.gather`` (the same data as the web page). Members' texts go through
``text.plain`` and ``pdf.para`` (escaped), so nothing they wrote is read as reportlab markup.
"""

from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import PageBreak, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.doctemplate import BaseDocTemplate, PageTemplate
from reportlab.platypus.frames import Frame
from reportlab.platypus.tableofcontents import TableOfContents

from ..pdf import BODY, FRAME_WIDTH, H1, H2, SMALL, chart, para, table
from . import report as report_data
from .text import plain

TITLE = ParagraphStyle("report-title", parent=H1, fontSize=26, leading=32, spaceAfter=12)
H3 = ParagraphStyle("h3", parent=H2, fontSize=11, leading=14, spaceBefore=8)
MINORITY = ParagraphStyle("minority", parent=BODY, fontSize=9.5, leading=13)
TOC_LEVELS = [ParagraphStyle("toc1", parent=BODY, fontSize=11, leading=16, leftIndent=0),
              ParagraphStyle("toc2", parent=BODY, fontSize=9.5, leading=13, leftIndent=14)]


class _Heading(Paragraph):
    """A heading that goes into the contents (``level`` 0 or 1)."""

    def __init__(self, text: str, style, level: int):
        from xml.sax.saxutils import escape

        super().__init__(escape(text), style)
        # The contents page reads its entries as reportlab markup too: escape them there as well.
        self.toc_level, self.toc_text = level, escape(text)


class _NumberedCanvas(pdfcanvas.Canvas):
    """Holds the pages until the end, then writes "Page N of M" on each."""

    footer = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._saved: list[dict] = []

    def showPage(self):  # noqa: N802 - reportlab's name
        self._saved.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._saved)
        for state in self._saved:
            self.__dict__.update(state)
            self.setFont("Helvetica", 8)
            self.setFillColor(colors.HexColor("#565c65"))
            self.drawString(18 * mm, 10 * mm, self.footer)
            self.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Page {self._pageNumber} of {total}")
            super().showPage()
        super().save()


class _Doc(BaseDocTemplate):
    def __init__(self, buffer, **kwargs):
        super().__init__(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
                         bottomMargin=18 * mm, **kwargs)
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates([PageTemplate(id="page", frames=[frame])])

    def afterFlowable(self, flowable):  # noqa: N802 - reportlab's name
        if isinstance(flowable, _Heading):
            key = f"h{id(flowable)}"
            self.canv.bookmarkPage(key)
            self.notify("TOCEntry", (flowable.toc_level, flowable.toc_text, self.page, key))


def _texts(source: str | None, style=BODY) -> list:
    """Members' Markdown as escaped plain paragraphs."""
    return [para(block, style) for block in plain(source).split("\n\n") if block.strip()]


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f} %"


def _boxed(flowables: list) -> Table:
    box = Table([[flowables]], colWidths=[FRAME_WIDTH - 6 * mm], hAlign="RIGHT")
    box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor("#c05600")),
                             ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#fdf5ec")),
                             ("LEFTPADDING", (0, 0), (-1, -1), 8), ("RIGHTPADDING", (0, 0), (-1, -1), 8)]))
    return box


def _minority_block(m: report_data.Minority) -> list:
    signed = f"Signed by {m.signatories} member{'s' if m.signatories != 1 else ''}."
    inner = [para(f"Minority report: {m.title}", H3), para(signed, SMALL), *_texts(m.text, MINORITY)]
    return [_boxed(inner), Spacer(1, 3 * mm)]


def _recruitment(rep: report_data.Report) -> list:
    r = rep.recruitment
    story = [_Heading("How the panel was recruited", H2, 0)]
    if r["letters"]:
        story.append(para(f"{r['letters']:,} invitation letters went to households drawn at random. "
                          f"{r['households']:,} households answered ({100 * r['rate']:.1f} %), and "
                          f"{r['volunteers']:,} residents volunteered."))
    else:
        story.append(para(f"{r['volunteers']:,} residents volunteered."))
    comp = rep.composition
    if comp is None:
        story.append(para("The selection report has not been published."))
        return story
    s = comp["summary"]
    source = f" from {s['n']} volunteers" if s.get("n") else ""
    story.append(para(f"{s['k']} members were drawn by lottery{source}, within targets set from "
                      "the census so that the panel looks like the city."))
    shown = "the panel, the pool and the census" if comp["run_id"] else "the panel and the census"
    for category, rows in comp["by_category"].items():
        story.append(chart(comp["drawings"][category], f"{category}: shares of {shown}."))
        story.append(table(["Answer", "Population", "Target", "Panel"],
                           [[r_["value"], _pct(r_.get("population_share")), f"{r_['min']}–{r_['max']}",
                             r_["selected"]] for r_ in rows], widths=[70 * mm, 30 * mm, 30 * mm, 30 * mm]))
        story.append(Spacer(1, 3 * mm))
    return story


def _programme(rep: report_data.Report) -> list:
    p = rep.programme
    story = [_Heading("The programme", H2, 0),
             para(f"The panel met {len(p['sessions'])} times, for {p['hours']:.1f} hours in all; "
                  f"{len(p['speakers'])} speakers gave evidence and {len(p['materials'])} materials were shared.")]
    if p["sessions"]:
        story.append(table(["#", "Session", "Date", "Hours"],
                           [[s["number"], s["title"], s["date"].strftime("%-d %b %Y") if s["date"] else "",
                             f"{s['hours']:.1f}"] for s in p["sessions"]],
                           widths=[10 * mm, 100 * mm, 30 * mm, 20 * mm]))
    if p["speakers"]:
        story += [para("Speakers", H3),
                  table(["Speaker", "Affiliation", "Perspective"],
                        [[s["name"], s["affiliation"], s["perspective"]] for s in p["speakers"]],
                        widths=[55 * mm, 70 * mm, 40 * mm])]
    if p["materials"]:
        story += [para("Materials", H3),
                  table(["Material", "Perspective"], [[m["title"], m["perspective"]] for m in p["materials"]],
                        widths=[125 * mm, 40 * mm])]
    return story


def _rules(rep: report_data.Report) -> list:
    story = [_Heading("Decision rules", H2, 0)]
    book = rep.rulebook
    if book is None:
        return story + [para("The panel has not adopted a rulebook.")]
    story += [para(f"Rulebook version {book['version']}. {book['rule']}"),
              para("Support scale: " + "; ".join(book["scale"]) + "."),
              para(f"Quorum: {100 * book['quorum']:.0f} % of the members. "
                   f"Ballots are {'secret' if book['secret'] else 'open'}. Recommendations "
                   f"{'can' if book['send_back'] else 'cannot'} be sent back for redrafting.")]
    if book["adopted_at"] is not None:
        story.append(para(f"Adopted by the panel on {book['adopted_at']:%-d %B %Y}: {book['for'] or 0} for, "
                          f"{book['against'] or 0} against, {book['abstain'] or 0} abstaining."))
    story += _texts(book["notes"])
    return story


def _recommendations(rep: report_data.Report) -> list:
    story = [PageBreak(), _Heading("Recommendations", H2, 0)]
    if not rep.items:
        story.append(para("No recommendation has been put to a vote yet."))
    for item in rep.items:
        story.append(_Heading(f"{item.code}. {item.title}", H3, 1))
        story.append(para(f"Outcome: {item.outcome}." + (f" Topic: {item.topic}." if item.topic else ""), SMALL))
        story += _texts(item.text)
        if item.rationale:
            story += [para("Why", ParagraphStyle("why", parent=BODY, fontName="Helvetica-Bold")),
                      *_texts(item.rationale)]
        if item.support is not None:
            sup = item.support
            turnout = f", turnout {_pct(sup.turnout)}" if sup.turnout is not None else ""
            story.append(chart(report_data.support_drawing(sup),
                               f"Support for {item.code} ({sup.round_title}{turnout}). "
                               + report_data.support_text(sup)))
            if sup.consensus is not None:
                story.append(para(f"Consensus across the panel's groups: {100 * sup.consensus:.0f} % "
                                  "(the support in the group that supports it least).", SMALL))
        for m in item.minority:
            story += _minority_block(m)
    return story


def _evaluation(rep: report_data.Report) -> list:
    ev = rep.evaluation
    story = [_Heading("Members' evaluation", H2, 0)]
    if not ev["enough"] or not ev["rows"]:
        return story + [para(f"{ev['n']} members answered the final evaluation; results are shown once at least "
                             f"{ev['minimum']} have answered, so that no answer can be traced to a person.")]
    story += [para(f"{ev['n']} members answered the anonymous end-of-process evaluation."),
              chart(report_data.evaluation_drawing(ev), "Share of members who agree or strongly agree."),
              table(["Statement", "Answers", "Agree", "Average (1–5)"],
                    [[r["question"], r["answers"], _pct(r["agree"]), f"{r['mean']:.1f}"] for r in ev["rows"]],
                    widths=[100 * mm, 20 * mm, 20 * mm, 25 * mm])]
    return story


def report_pdf(rep: report_data.Report, *, draft: bool = False) -> bytes:
    m = rep.mandate
    when = report_data.report_date(rep)
    story = [Spacer(1, 40 * mm), para(("DRAFT for members' review — " if draft else "") + "Final report", SMALL),
             para(m["title"], TITLE), para(m["question"], H2), Spacer(1, 10 * mm), para(m["organisation"])]
    if when:
        story.append(para(f"{when:%-d %B %Y}"))
    toc = TableOfContents(levelStyles=TOC_LEVELS)
    story += [PageBreak(), para("Contents", H1), toc, PageBreak()]
    if rep.state.foreword:
        story += [_Heading("Foreword", H2, 0), *_texts(rep.state.foreword)]
    story += [_Heading("Mandate and question", H2, 0), para(m["question"])]
    if m["remit"]:
        story += [para("Remit", H3), para(m["remit"])]
    if m["commitment"]:
        story += [para("Commitment", H3), para(m["commitment"])]
    if m["topics"]:
        story += [para("Topics", H3), table(["Topic", "Question"], m["topics"], widths=[60 * mm, 110 * mm])]
    story += _recruitment(rep) + _programme(rep) + _rules(rep) + _recommendations(rep)
    if rep.general_minority:
        story.append(_Heading("Minority reports on the report as a whole", H2, 0))
        for mr in rep.general_minority:
            story += _minority_block(mr)
    story += _evaluation(rep)
    buffer = io.BytesIO()
    doc = _Doc(buffer, title=f"Final report: {m['title']}", author=m["organisation"])
    footer = f"{m['title']} — final report{' (draft)' if draft else ''}"
    canvas_class = type("ReportCanvas", (_NumberedCanvas,), {"footer": footer})
    doc.multiBuild(story, canvasmaker=canvas_class)
    return buffer.getvalue()
