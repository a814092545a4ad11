"""PDF plumbing shared by every report: page template with page numbers, styles, tables, charts."""

from __future__ import annotations

import io
from collections.abc import Sequence
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import KeepTogether

STYLES = getSampleStyleSheet()
BODY = ParagraphStyle("body", parent=STYLES["BodyText"], fontSize=10, leading=14)
SMALL = ParagraphStyle("small", parent=BODY, fontSize=8, leading=10, textColor=colors.HexColor("#565c65"))
H1 = ParagraphStyle("h1", parent=STYLES["Heading1"], fontSize=18, leading=22)
H2 = ParagraphStyle("h2", parent=STYLES["Heading2"], fontSize=13, leading=16, spaceBefore=10)


def para(text: str, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph of plain text (escaped: no markup from data reaches reportlab)."""
    return Paragraph(escape(str(text)), style)


def table(header: Sequence[str], rows: Sequence[Sequence], widths: Sequence[float] | None = None) -> Table:
    data = [[para(h, SMALL) for h in header]] + [[para(c) for c in row] for row in rows]
    t = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    t.setStyle(TableStyle([
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor("#1b1b1b")),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.HexColor("#dfe1e2")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return t


FRAME_WIDTH = A4[0] - 36 * mm


def chart(drawing: Drawing, caption: str) -> KeepTogether:
    """A chart shrunk to the text width if needed, with its caption."""
    factor = min(1.0, FRAME_WIDTH / drawing.width)
    if factor < 1.0:
        drawing.scale(factor, factor)
        drawing.width, drawing.height = drawing.width * factor, drawing.height * factor
    return KeepTogether([drawing, para(caption, SMALL), Spacer(1, 4 * mm)])


def render(story: list, *, title: str, footer: str) -> bytes:
    """Build a PDF with a running footer and page numbers."""
    buffer = io.BytesIO()

    def decorate(canvas, doc):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.setFillColor(colors.HexColor("#565c65"))
        canvas.drawString(18 * mm, 10 * mm, footer)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, f"Page {doc.page}")
        canvas.restoreState()

    doc = SimpleDocTemplate(buffer, pagesize=A4, title=title, leftMargin=18 * mm, rightMargin=18 * mm,
                            topMargin=18 * mm, bottomMargin=18 * mm)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
