"""Invitation letters: pages, text, QR codes, the Markdown subset, the envelope window, CSV, preview, streaming.

Reads the PDFs back with independent tools: pypdf (text, fonts, structure), pypdfium2 (renders
pages, character boxes) and zxing-cpp (decodes the QR codes from the rendered pages).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import tracemalloc

import numpy as np
import pytest
from reportlab.graphics.barcode import qrencoder

from panels.invitations import markdown_lite
from panels.invitations.letters import (
    MAILHOUSE_COLUMNS,
    Household,
    LetterError,
    LetterTemplate,
    preview_letters,
    qr_matrix,
    write_letters,
    write_mailhouse_csv,
)

INCH = 72.0
MM = 72 / 25.4

BODY = """Dear resident,

You are **invited** to join the Riverton Climate Assembly.

- paid **£150** a weekend
- no experience needed

We hope to hear from you."""

SPANISH = {"code": "Su código de registro", "scan": "Escanee para registrarse", "call": "O llámenos",
           "dates": "Fechas", "register_at": "Regístrese en"}


def template(**changes) -> LetterTemplate:
    base = LetterTemplate(
        organisation_name="Riverton Borough Council", panel_title="Riverton Climate Assembly", body=BODY,
        dates=["Saturday 7 March 2026", "Saturday 21 March 2026"],
        registration_url="https://riverton.example/r/climate", phone="0300 123 4567",
        signatory="Olu Organiser, Democracy Team")
    return dataclasses.replace(base, **changes)


def spanish_back(front: LetterTemplate) -> LetterTemplate:
    return dataclasses.replace(front, language="es", body="Estimado/a vecino/a,\n\nSu hogar ha sido **elegido**.",
                               dates=["7 de marzo de 2026", "21 de marzo de 2026"], labels=SPANISH, signatory=None)


def households(n: int, lines: list[str] | None = None):
    for i in range(n):
        code = f"K7QFX-{i:05d}"
        yield Household(lines or ["The Occupier", f"{i + 1} Mill Lane", "Riverton", "RV1 2AB"], code,
                        f"https://riverton.example/r/climate?code={code.replace('-', '')}")


def pdf_of(tpl: LetterTemplate, items) -> bytes:
    out = io.BytesIO()
    write_letters(tpl, items, out)
    return out.getvalue()


def reader(data: bytes):
    pypdf = pytest.importorskip("pypdf")
    return pypdf.PdfReader(io.BytesIO(data), strict=True)


def runs(page) -> list[tuple[str, str]]:
    """(text, font name) of each text-showing operation, forms included."""
    found: list[tuple[str, str]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            found.append((text, str(font.get("/BaseFont")) if font else ""))

    page.extract_text(visitor_text=visit)
    return found


# --------------------------------------------------------------------------- pages and text

def test_one_page_per_household_and_the_page_count_returned():
    out = io.BytesIO()
    assert write_letters(template(), households(5), out) == 5
    pdf = reader(out.getvalue())
    assert len(pdf.pages) == 5
    width, height = (float(v) for v in pdf.pages[0].mediabox[2:])
    assert (round(width / MM), round(height / MM)) == (210, 297)


def test_a_back_language_gives_two_pages_per_household_and_asks_for_duplex():
    front = template()
    out = io.BytesIO()
    assert write_letters(dataclasses.replace(front, back=spanish_back(front)), households(4), out) == 8
    pdf = reader(out.getvalue())
    assert len(pdf.pages) == 8
    back = pdf.pages[1].extract_text()
    assert "Su código de registro" in back and "elegido" in back and "7 de marzo de 2026" in back
    assert "K7QFX-00000" in back  # the household's own code on both sides
    assert "K7QFX-00001" in pdf.pages[3].extract_text()
    assert pdf.trailer["/Root"]["/ViewerPreferences"]["/Duplex"] == "/DuplexFlipLongEdge"


def test_every_page_carries_its_code_the_address_url_phone_and_dates():
    pdf = reader(pdf_of(template(), households(3)))
    for i, page in enumerate(pdf.pages):
        text = page.extract_text()
        for expected in (f"K7QFX-{i:05d}", f"{i + 1} Mill Lane", "RV1 2AB", "https://riverton.example/r/climate",
                         "0300 123 4567", "Saturday 7 March 2026", "Saturday 21 March 2026",
                         "Riverton Borough Council", "Riverton Climate Assembly", "Olu Organiser, Democracy Team"):
            assert expected in text, expected
        assert text.count(f"K7QFX-{i:05d}") == 2  # in the card and in the registration box
        for other in range(3):
            if other != i:
                assert f"K7QFX-{other:05d}" not in text


def test_no_phone_no_signatory_no_dates():
    text = reader(pdf_of(template(phone=None, signatory=None, dates=[]), households(1))).pages[0].extract_text()
    assert "Or call" not in text and "Olu" not in text and "Dates" not in text


def test_the_static_text_is_one_form_drawn_on_every_page():
    pdf = reader(pdf_of(template(), households(3)))
    forms = {page["/Resources"]["/XObject"].raw_get("/S0").idnum for page in pdf.pages}
    assert len(forms) == 1
    content = pdf.pages[2].get_contents().get_data()
    assert b"Dear resident" not in content and b"/S0 Do" in content


def test_the_pdf_structure_is_exact():
    data = pdf_of(template(), households(4))
    start = int(re.search(rb"startxref\s+(\d+)", data).group(1))
    table = data[start:].split(b"trailer")[0].split(b"\n")
    assert table[0] == b"xref"
    first, count = map(int, table[1].split())
    entries = table[2:2 + count]
    for number, entry in enumerate(entries[1:], start=1):
        offset = int(entry[:10])
        assert data[offset:].startswith(b"%d 0 obj" % number), number
    assert data.endswith(b"%%EOF\n")
    pdf = reader(data)
    assert pdf.trailer["/Root"]["/ViewerPreferences"]["/PrintScaling"] == "/None"
    assert pdf.trailer["/Root"]["/Lang"] == "en"


# --------------------------------------------------------------------------- QR codes

def decode_pages(data: bytes) -> list[list[str]]:
    pdfium = pytest.importorskip("pypdfium2")
    zxingcpp = pytest.importorskip("zxingcpp")
    document = pdfium.PdfDocument(data)
    try:
        return [[r.text for r in zxingcpp.read_barcodes(document[i].render(scale=2).to_pil())]
                for i in range(len(document))]
    finally:
        document.close()


def test_each_qr_code_opens_its_households_registration_page():
    items = list(households(3))
    assert decode_pages(pdf_of(template(), items)) == [[h.qr_url] for h in items]


def test_the_back_has_the_same_qr_code():
    front = template(page_size="LETTER", envelope="10")
    items = list(households(2))
    decoded = decode_pages(pdf_of(dataclasses.replace(front, back=spanish_back(front)), items))
    assert decoded == [[items[0].qr_url]] * 2 + [[items[1].qr_url]] * 2


@pytest.mark.parametrize("length", [1, 7, 17, 46, 78, 150, 300])
def test_qr_matrix_is_reportlabs_for_every_mask(length):
    data = "".join(chr(65 + (i * 7) % 26) for i in range(length)).lower()
    for mask in range(8):
        expected = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
        expected.addData(qrencoder.QR8bitByte(data))
        expected.version = expected.calculate_version()
        expected.makeImpl(False, mask)
        assert np.array_equal(qr_matrix(data, mask=mask), np.array(expected.modules, dtype=bool)), mask


def test_qr_matrix_chooses_a_mask_that_decodes():
    zxingcpp = pytest.importorskip("zxingcpp")
    data = "https://riverton.example/r/climate?code=K7QFX93XMR"
    modules = qr_matrix(data)
    image = np.kron(np.pad(~modules, 4, constant_values=True), np.ones((6, 6), dtype=bool)).astype(np.uint8) * 255
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [data]


# --------------------------------------------------------------------------- the organiser's text

def test_bold_is_rendered_in_the_bold_font():
    found = runs(reader(pdf_of(template(), households(1))).pages[0])
    fonts = {text.strip(): font for text, font in found}
    assert fonts["invited"] == "/Helvetica-Bold"
    assert fonts["£150"] == "/Helvetica-Bold"
    assert fonts["Dear resident,"] == "/Helvetica"
    assert "**" not in "".join(text for text, _ in found)


def test_tags_in_the_organisers_text_are_shown_as_text_not_interpreted():
    body = ('Hello <script>alert("x")</script> and <b>not bold</b>, <font color="red" size="40">big</font>, '
            '<para>p</para> <br/> &amp; &lt; (paren) \\ backslash')
    page = reader(pdf_of(template(body=body), households(1))).pages[0]
    text = page.extract_text().replace("\n", " ")
    for literal in ('<script>alert("x")</script>', "<b>not bold</b>", '<font color="red" size="40">big</font>',
                    "<para>p</para>", "<br/>", "&amp; &lt; (paren) \\ backslash"):
        assert literal in text, literal
    assert all(font == "/Helvetica" for t, font in runs(page) if "not bold" in t or "big" in t)


def test_markdown_subset():
    blocks = markdown_lite.parse(
        "First line\njoined **bold** and **open\n\n"
        "- one **two\n  three**\n* four\n\n"
        "1. first\n2) second\n\n"
        "break here  \nnext \\*not bold\\* \\\\ end\\\nlast\n\n\n")
    assert [(b.kind, b.label) for b in blocks] == [
        ("paragraph", ""), ("bullet", ""), ("bullet", ""), ("numbered", "1."), ("numbered", "2."), ("paragraph", "")]
    assert blocks[0].runs == (markdown_lite.Run("First line joined "), markdown_lite.Run("bold", True),
                              markdown_lite.Run(" and **open"))
    assert blocks[1].runs == (markdown_lite.Run("one "), markdown_lite.Run("two three", True))
    assert blocks[2].text == "four"
    assert blocks[5].text == "break here\nnext *not bold* \\ end\nlast"
    assert not any(r.bold for r in blocks[5].runs)
    assert markdown_lite.parse("") == [] and markdown_lite.parse("\n  \n") == []


def test_a_text_too_long_for_the_page_is_refused_with_how_much_to_cut():
    with pytest.raises(LetterError, match=r"too long for one page: shorten it by about \d+ line"):
        pdf_of(template(body="\n\n".join(["A paragraph of the letter that goes on."] * 40)), households(1))


def test_characters_the_fonts_cannot_print_are_refused_in_the_template_but_softened_in_addresses():
    with pytest.raises(LetterError, match="U\\+0175"):
        pdf_of(template(body="Croeso i’r cynulliad — ŵyr"), households(1))
    page = reader(pdf_of(template(body="“Curly” quotes – dashes … and € are fine"), households(
        1, ["Mr Łukasz Żółw", "Ulica Źródlana 5", "Riverton"]))).pages[0]
    text = page.extract_text()
    assert "“Curly” quotes – dashes … and € are fine" in text
    assert "Mr Lukasz Zólw" in text and "Ulica Zródlana 5" in text


def test_bad_settings_are_refused():
    with pytest.raises(LetterError, match="paper and envelope"):
        pdf_of(template(page_size="A4", envelope="10"), households(1))
    with pytest.raises(LetterError, match="Unknown letter labels"):
        pdf_of(template(labels={"cdoe": "x"}), households(1))


# --------------------------------------------------------------------------- the envelope window

def address_boxes(data: bytes, lines: list[str]) -> list[tuple[float, float, float, float]]:
    """(left, bottom, right, top) in points of every character of the address lines on page 1."""
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument(data)
    textpage = document[0].get_textpage()
    boxes = []
    for line in lines:
        searcher = textpage.search(line, match_case=True)
        found = searcher.get_next()
        assert found, line
        index, count = found
        boxes += [textpage.get_charbox(i) for i in range(index, index + count) if textpage.get_text_range(i, 1).strip()]
    document.close()
    return boxes


@pytest.mark.parametrize(("page_size", "envelope", "page", "window"), [
    # window as (left, top, width, height) on the letter, from the page's top-left corner
    ("LETTER", "10", (8.5 * INCH, 11 * INCH), (7 / 8 * INCH, 2 * INCH, 4.5 * INCH, 1.125 * INCH)),
    ("A4", "DL", (210 * MM, 297 * MM), (20 * MM, 45 * MM, 90 * MM, 35 * MM)),
])
@pytest.mark.parametrize("lines", [
    ["The Occupier", "12 Mill Lane", "Millbrook", "RV1 2AB"],  # lines found nowhere else on the page
    ["The Occupier", "Flat 14, Riverside Court", "127 Long Meadow Road", "Upper Millbrook",
     "Millbrook-on-the-Water", "Northshire", "RV12 9ZZ"],
])
def test_the_address_block_sits_inside_the_envelope_window(page_size, envelope, page, window, lines):
    data = pdf_of(template(page_size=page_size, envelope=envelope), households(1, lines))
    width, height = (float(v) for v in reader(data).pages[0].mediabox[2:])
    assert (width, height) == pytest.approx(page, abs=0.5)
    left, top, w, h = window
    x0, x1, y0, y1 = left, left + w, height - top - h, height - top
    boxes = address_boxes(data, lines)
    assert len(boxes) >= sum(len(line.replace(" ", "")) for line in lines)
    margin = 2  # points of clearance from the window's edges, at least
    for bl, bb, br, bt in boxes:
        assert x0 + margin <= bl and br <= x1 - margin and y0 + margin <= bb and bt <= y1 - margin


def test_an_address_that_cannot_fit_the_window_is_refused_and_no_file_is_left(tmp_path):
    target = tmp_path / "letters.pdf"
    lines = ["The Occupier"] + [f"Line {i}" for i in range(12)]
    with pytest.raises(LetterError, match="K7QFX-00000"):
        write_letters(template(), households(1, lines), target)
    assert list(tmp_path.iterdir()) == []
    assert write_letters(template(), households(2), target) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["letters.pdf"]


# --------------------------------------------------------------------------- CSV, preview, streaming

def test_mailhouse_csv_has_one_row_per_household_with_the_right_columns(tmp_path):
    items = list(households(3))
    items.append(Household(["The Occupier", "=HYPERLINK(\"x\")", "a", "b", "c", "d", "e", "RV1 2AB"], "ABCDE-FGHJK",
                           "https://riverton.example/r/climate?code=ABCDEFGHJK"))
    path = tmp_path / "letters.csv"
    assert write_mailhouse_csv(iter(items), path, registration_url="https://riverton.example/r/climate") == 4
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == MAILHOUSE_COLUMNS
    assert MAILHOUSE_COLUMNS[:2] == ["sequence", "address_line_1"] and "code" in MAILHOUSE_COLUMNS
    assert len(rows) == 4
    assert rows[0] == {"sequence": "1", "address_line_1": "The Occupier", "address_line_2": "1 Mill Lane",
                            "address_line_3": "Riverton", "address_line_4": "RV1 2AB", "address_line_5": "",
                            "address_line_6": "", "code": "K7QFX-00000",
                            "registration_url": "https://riverton.example/r/climate",
                            "qr_url": "https://riverton.example/r/climate?code=K7QFX00000"}
    assert rows[3]["address_line_2"] == "'=HYPERLINK(\"x\")"  # not a formula in a spreadsheet
    assert rows[3]["address_line_6"] == "d, e, RV1 2AB"  # a longer address keeps every line
    buffer = io.StringIO()
    assert write_mailhouse_csv(households(2), buffer, registration_url="u") == 2


def test_preview_is_the_first_three_letters_and_reads_no_further():
    consumed = []

    def tracked():
        for h in households(50):
            consumed.append(h.code)
            yield h

    pdf = reader(preview_letters(template(), tracked()))
    assert len(pdf.pages) == 3
    assert len(consumed) == 3
    assert "K7QFX-00002" in pdf.pages[2].extract_text()


def test_households_are_read_once_and_progress_is_reported():
    seen = []
    pages = write_letters(template(), households(250), io.BytesIO(), progress=seen.append)
    assert pages == 250
    assert seen == [100, 200, 250]


def test_memory_does_not_grow_with_the_number_of_letters():
    def peak(n: int) -> int:
        tracemalloc.start()
        try:
            write_letters(template(), households(n), _Discard())
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(30), peak(300)
    assert large - small < 150_000, (small, large)


class _Discard(io.RawIOBase):
    """A write-only sink, so the output itself is not counted."""

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        return len(data)
