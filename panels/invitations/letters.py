"""Invitation letters: one merged PDF for the printer, streamed a page at a time, and the mail-house CSV.

A pure function of plain data (no Flask, no database), so it runs in a background job, a
preview request and the benchmarks alike::

    pages = write_letters(template, households, "letters.pdf", progress=report)
    pdf = preview_letters(template, households)            # the first three letters
    rows = write_mailhouse_csv(households, "letters.csv", registration_url=template.registration_url)

How it streams. reportlab's ``Canvas`` keeps every page (its content stream and dictionary)
in memory until ``save()`` and then builds the whole file in memory: about 13 kB a page for
a letter with a vector QR code, so 30,000 letters would hold some 400 MB. Drawing the
invariant text as a form XObject shrinks that, but it still grows with N. So this module writes
the PDF itself, object by object, straight to the output: the fonts and the invariant part of
each letter (letterhead, body, dates, labels, signatory — one form XObject per side) are written
once at the start, then each page adds only a small compressed content stream (the form, the
address, the code, the QR code) and its page dictionary. Nothing about a written page is kept;
the cross-reference lines go to a temporary file and the page tree's kids are computed, so
memory stays flat however many letters are printed. reportlab provides the font metrics
(``stringWidth``), the Reed–Solomon block table and function patterns of the QR code, and the
benchmark's comparison canvas.

QR codes. reportlab's ``QrCodeWidget`` takes about 28 ms a code (its mask selection is pure
Python): 14 minutes for 30,000 letters. Here a code is encoded with reportlab's QR tables
(Reed–Solomon blocks, function patterns, module placement), but the byte-mode data, the check
bytes and the eight-mask penalty choice are done with integer arithmetic and numpy, about
0.5 ms a code; `qr_matrix` gives the same modules as reportlab for the same mask (see the
tests). Each QR code is drawn as one filled vector path of module runs.

Text. The built-in PDF fonts (Helvetica) with WinAnsi encoding: Western European letters,
curly quotes, dashes and the euro sign. An organiser's text with characters beyond that is
refused with `LetterError` (the preview shows it) rather than printed as question marks; an
address with such characters is printed with their accents dropped. The organiser's text is
parsed by `markdown_lite` into plain runs and written as PDF strings, so no tag or markup of
any kind in it is interpreted.

Layout. A4 with a DL window envelope, or US Letter with a #10 window envelope: the address
block sits inside the window (inset from its edges so a letter that shifts in the envelope still
shows it). Top right, a box with the household's code in large type and the QR code. Then the
panel's title, the letter text at 12 pt, the dates, the registration box (web address, code,
phone) and the signatory. With a second language, every household gets a second page, the
back, with the same layout in that language (and no address), and the PDF asks viewers for
long-edge duplex printing. Viewers are also asked not to scale the page, since the address must
land in the window. A letter whose text does not fit on one page is refused with `LetterError`
naming how much is over.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
import tempfile
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import BinaryIO, TextIO

import numpy as np
from reportlab.graphics.barcode import qrencoder
from reportlab.lib.units import inch, mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from . import markdown_lite

__all__ = [
    "DEFAULT_LABELS", "ENVELOPE_WINDOWS", "Household", "LetterError", "LetterTemplate", "MAILHOUSE_COLUMNS",
    "preview_letters", "qr_matrix", "write_letters", "write_mailhouse_csv",
]

DEFAULT_LABELS: dict[str, str] = {
    "code": "Your registration code",
    "scan": "Scan to register",
    "register_at": "Register online at",
    "call": "Or call",
    "dates": "Dates",
}

PROGRESS_EVERY = 100  # letters between two calls of the progress callback


class LetterError(ValueError):
    """The letter cannot be printed as asked (text too long, characters the fonts lack, bad setting)."""


@dataclass
class LetterTemplate:
    organisation_name: str
    panel_title: str
    body: str  # the organiser's text in the Markdown subset of `markdown_lite`
    dates: list[str]  # human-readable session dates
    registration_url: str  # short address printed on the letter
    phone: str | None = None
    signatory: str | None = None  # e.g. "Olu Organiser, Democracy Team"; a line break starts a new line
    language: str = "en"
    back: LetterTemplate | None = None  # second language, printed on the back (double-sided)
    page_size: str = "A4"  # "A4" or "LETTER"
    envelope: str = "DL"  # "DL" (with A4) or "10" (#10, with US Letter)
    labels: dict[str, str] | None = None  # overrides of DEFAULT_LABELS, for another language


@dataclass
class Household:
    address_lines: list[str]  # normalised for printing, e.g. ["The Occupier", "12 Mill Lane", "Riverton", "RV1 2AB"]
    code: str  # as printed, e.g. "K7QFX-93XMR"
    qr_url: str  # registration address with the code filled in


# --------------------------------------------------------------------------- page geometry

@dataclass(frozen=True)
class _Window:
    """An envelope's window as it falls on the unfolded letter: from the page's top-left corner, in points."""

    left: float
    top: float
    width: float
    height: float


# (page size, envelope) -> (page width, page height, window)
ENVELOPE_WINDOWS: dict[tuple[str, str], tuple[float, float, _Window]] = {
    # DL window envelope (110 x 220 mm) holding A4 folded in three: window 90 x 35 mm, 20 mm from the left,
    # 45 mm from the top of the letter.
    ("A4", "DL"): (210 * mm, 297 * mm, _Window(20 * mm, 45 * mm, 90 * mm, 35 * mm)),
    # #10 window envelope holding US Letter folded in three: window 4.5 x 1.125 in, 7/8 in from the left,
    # 2 in from the top of the letter.
    ("LETTER", "10"): (8.5 * inch, 11 * inch, _Window(0.875 * inch, 2 * inch, 4.5 * inch, 1.125 * inch)),
}
# Clearance of the address text from the window's edges, for letters shifting in the envelope (USPS asks
# for 1/8 in on every side of a #10 window).
_WINDOW_INSET = {("A4", "DL"): (4 * mm, 3.5 * mm), ("LETTER", "10"): (inch / 8, inch / 8)}

REGULAR, BOLD = "Helvetica", "Helvetica-Bold"
_FONT_KEY = {REGULAR: b"/F1", BOLD: b"/F2"}

BODY_SIZE, BODY_LEADING = 12.0, 15.0
TITLE_SIZE, TITLE_LEADING = 18.0, 22.0
ORG_SIZE, ORG_LEADING = 16.0, 19.0
ADDRESS_SIZES = (12.0, 11.5, 11.0, 10.5, 10.0, 9.5, 9.0, 8.5, 8.0)
CODE_MAX_SIZE, CODE_MIN_SIZE, CODE_SPACING = 24.0, 14.0, 1.5
QR_SIZE = 32 * mm  # the printed square, quiet zone included (module about 0.8 mm)
QR_QUIET = 4  # modules of quiet zone around the code


def _page_key(template: LetterTemplate) -> tuple[str, str]:
    size = template.page_size.strip().upper().replace("US ", "").replace("US_", "")
    key = (size, template.envelope.strip().upper().lstrip("#"))
    if key not in ENVELOPE_WINDOWS:
        raise LetterError(f"Unsupported paper and envelope: {template.page_size!r} with {template.envelope!r}; "
                          f"use A4 with DL or LETTER with 10.")
    return key


def _page_setup(template: LetterTemplate) -> tuple[float, float, _Window]:
    return ENVELOPE_WINDOWS[_page_key(template)]


# --------------------------------------------------------------------------- text

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _unprintable(text: str) -> str:
    """Characters of `text` that the built-in fonts cannot print, in order of appearance."""
    bad = []
    for ch in text:
        if _CONTROL.match(ch):
            bad.append(ch)
            continue
        try:
            ch.encode("cp1252")
        except UnicodeEncodeError:
            bad.append(ch)
    return "".join(dict.fromkeys(bad))


def _check(text: str, where: str) -> str:
    bad = _unprintable(text)
    if bad:
        shown = ", ".join(f"“{c}” (U+{ord(c):04X})" for c in bad[:5])
        raise LetterError(f"{where} has characters the letter's fonts cannot print: {shown}. "
                          f"Only Western European letters and punctuation can be printed.")
    return text


_BASE_LETTERS = str.maketrans({"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i", "Ŧ": "T",
                               "ŧ": "t", "Ŀ": "L", "ŀ": "l", "ĸ": "k"})  # letters NFKD does not take apart


def _printable(text: str) -> str:
    """An address line as the fonts can print it: accents dropped, anything else as “?”."""
    text = _CONTROL.sub(" ", text)
    try:
        text.encode("cp1252")
        return text
    except UnicodeEncodeError:
        pass
    out = []
    for ch in text:
        try:
            ch.encode("cp1252")
            out.append(ch)
        except UnicodeEncodeError:
            base = "".join(c for c in unicodedata.normalize("NFKD", ch.translate(_BASE_LETTERS))
                           if not unicodedata.combining(c))
            out.append(base if base and not _unprintable(base) else "?")
    return "".join(out)


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252", "replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)").replace(
        b"\r", b"\\r").replace(b"\n", b"\\n") + b")"


def _num(value: float) -> bytes:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return (text if text not in ("", "-0") else "0").encode()


def _width(text: str, font: str, size: float) -> float:
    return stringWidth(text, font, size)


Piece = tuple[str, bool]  # (text, bold)


def _words(runs: Iterable[markdown_lite.Run]) -> Iterator[list[Piece] | None]:
    """Words as lists of pieces (a word may change weight inside); None for a hard line break."""
    word: list[Piece] = []
    for run in runs:
        if run.text == "\n":
            if word:
                yield word
                word = []
            yield None
            continue
        for part in re.split(r"(\s+)", run.text):
            if not part:
                continue
            if part.isspace():
                if word:
                    yield word
                    word = []
            else:
                word.append((part, run.bold))
    if word:
        yield word


def _word_width(word: list[Piece], size: float) -> float:
    return sum(_width(t, BOLD if b else REGULAR, size) for t, b in word)


def _split_long(word: list[Piece], width: float, size: float) -> list[list[Piece]]:
    """A word wider than the line (a long web address) broken between characters."""
    chars = [(c, b) for t, b in word for c in t]
    parts: list[list[Piece]] = []
    current: list[Piece] = []
    used = 0.0
    for c, b in chars:
        w = _width(c, BOLD if b else REGULAR, size)
        if current and used + w > width:
            parts.append(current)
            current, used = [], 0.0
        current.append((c, b))
        used += w
    if current:
        parts.append(current)
    return [_merge(p) for p in parts]


def _merge(pieces: list[Piece]) -> list[Piece]:
    merged: list[Piece] = []
    for text, bold in pieces:
        if merged and merged[-1][1] == bold:
            merged[-1] = (merged[-1][0] + text, bold)
        else:
            merged.append((text, bold))
    return merged


def _wrap(runs: Iterable[markdown_lite.Run], width: float, size: float) -> list[list[Piece]]:
    """Lines (each a list of pieces, spaces included) of the runs wrapped to `width`, greedily."""
    space = _width(" ", REGULAR, size)
    lines: list[list[Piece]] = []
    line: list[Piece] = []
    used = 0.0
    for word in _words(runs):
        if word is None:
            lines.append(_merge(line))
            line, used = [], 0.0
            continue
        w = _word_width(word, size)
        if line and used + space + w <= width:
            line.append((" ", line[-1][1]))
            line.extend(word)
            used += space + w
            continue
        if line:
            lines.append(_merge(line))
        if w > width:
            *whole, word = _split_long(word, width, size)
            lines.extend(whole)
            w = _word_width(word, size)
        line, used = list(word), w
    if line:
        lines.append(_merge(line))
    return lines


def _plain(text: str) -> list[markdown_lite.Run]:
    return [markdown_lite.Run(text)]


# --------------------------------------------------------------------------- content streams

class _Content:
    """A PDF content stream under construction, in top-down coordinates (y from the page's top)."""

    def __init__(self, height: float):
        self.height = height
        self.parts: list[bytes] = []

    def text(self, x: float, baseline: float, pieces: Iterable[Piece], size: float,
             spacing: float = 0.0) -> None:
        out = [b"BT ", _num(x), b" ", _num(self.height - baseline), b" Td "]
        if spacing:
            out += [_num(spacing), b" Tc "]
        for text, bold in pieces:
            out += [_FONT_KEY[BOLD if bold else REGULAR], b" ", _num(size), b" Tf ", _pdf_string(text), b" Tj "]
        if spacing:  # text state outlives ET: put it back
            out.append(b"0 Tc ")
        out.append(b"ET\n")
        self.parts.append(b"".join(out))

    def box(self, x: float, top: float, width: float, height: float, line: float = 1.0) -> None:
        self.parts.append(b"q 0.25 G %s w %s %s %s %s re S Q\n" % (
            _num(line), _num(x), _num(self.height - top - height), _num(width), _num(height)))

    def raw(self, data: bytes) -> None:
        self.parts.append(data)

    def bytes(self) -> bytes:
        return b"".join(self.parts)


def _baseline(top: float, size: float, leading: float) -> float:
    """Baseline of a line whose box (of height `leading`) starts at `top`."""
    return top + (leading - size) / 2 + 0.8 * size


@dataclass
class _Slots:
    """Where the per-household parts of a page go (top-down points)."""

    card_x: float = 0.0
    card_width: float = 0.0
    code_top: float = 0.0  # top of the code's line in the card
    qr_x: float = 0.0
    qr_top: float = 0.0
    reg_code_x: float = 0.0  # the code again, in the registration box
    reg_code_baseline: float = 0.0
    reg_code_width: float = 0.0
    address: _Window | None = None


@dataclass
class _Side:
    form: bytes  # the invariant content, drawn as a form XObject
    slots: _Slots


def _labels(template: LetterTemplate) -> dict[str, str]:
    labels = dict(DEFAULT_LABELS)
    extra = set(template.labels or {}) - set(labels)
    if extra:
        raise LetterError(f"Unknown letter labels: {', '.join(sorted(extra))}; known: {', '.join(labels)}.")
    labels.update({k: v for k, v in (template.labels or {}).items() if v})
    return labels


def _compose(template: LetterTemplate, front: bool) -> _Side:
    """The invariant content of one side of the letter, and where the variable parts go."""
    width, height, window = _page_setup(template)
    labels = _labels(template)
    side = "the letter" if front else f"the back ({template.language})"
    for name, value in [("The organisation's name", template.organisation_name),
                        ("The panel's title", template.panel_title), ("The letter text", template.body),
                        ("The registration address", template.registration_url),
                        ("The phone number", template.phone or ""), ("The signatory", template.signatory or ""),
                        *((f"The date “{d}”", d) for d in template.dates),
                        *((f"The label “{k}”", v) for k, v in labels.items())]:
        _check(value, f"{name} of {side}")

    left = window.left  # text aligns with the window's edge
    right = width - max(left, 15 * mm)
    top_margin, bottom_margin = 15 * mm, 15 * mm
    content = _Content(height)
    slots = _Slots()

    # top right: the card with the code and the QR code
    card_x = max(window.left + window.width + 6 * mm, right - 68 * mm)
    card_w = right - card_x
    pad = 3 * mm
    y = top_margin
    card_top = y
    y += pad
    for line in _wrap(_plain(labels["code"]), card_w - 2 * pad, BODY_SIZE):
        content.text(card_x + pad, _baseline(y, BODY_SIZE, BODY_LEADING), line, BODY_SIZE)
        y += BODY_LEADING
    slots.card_x, slots.card_width, slots.code_top = card_x, card_w, y
    y += CODE_MAX_SIZE * 1.25 + 1 * mm
    slots.qr_x, slots.qr_top = card_x + (card_w - QR_SIZE) / 2, y
    y += QR_SIZE
    for line in _wrap(_plain(labels["scan"]), card_w - 2 * pad, BODY_SIZE):
        w = sum(_width(t, REGULAR, BODY_SIZE) for t, _ in line)
        content.text(card_x + (card_w - w) / 2, _baseline(y, BODY_SIZE, BODY_LEADING), line, BODY_SIZE)
        y += BODY_LEADING
    y += pad
    content.box(card_x, card_top, card_w, y - card_top)
    card_bottom = y

    # top left: the organisation; the address in the window (front only)
    y = top_margin
    org_lines = _wrap([markdown_lite.Run(template.organisation_name, True)], card_x - left - 6 * mm, ORG_SIZE)
    for line in org_lines:
        content.text(left, _baseline(y, ORG_SIZE, ORG_LEADING), line, ORG_SIZE)
        y += ORG_LEADING
    if front:
        if y > window.top - 2 * mm:
            raise LetterError("The organisation's name is too long: it would show in the envelope's window.")
        dx, dy = _WINDOW_INSET[_page_key(template)]
        slots.address = _Window(window.left + dx, window.top + dy, window.width - 2 * dx, window.height - 2 * dy)
        y = window.top + window.height
    y = max(y, card_bottom) + 8 * mm

    # the letter
    text_width = right - left
    for line in _wrap([markdown_lite.Run(template.panel_title, True)], text_width, TITLE_SIZE):
        content.text(left, _baseline(y, TITLE_SIZE, TITLE_LEADING), line, TITLE_SIZE)
        y += TITLE_LEADING
    y += 6
    previous = None
    for block in markdown_lite.parse(template.body):
        listed = block.kind != "paragraph"
        if previous is not None:
            y += 3 if (listed and previous != "paragraph") else 7
        previous = block.kind
        indent = 16 if listed else 0
        marker = "\u2022" if block.kind == "bullet" else block.label
        for i, line in enumerate(_wrap(block.runs, text_width - indent, BODY_SIZE)):
            baseline = _baseline(y, BODY_SIZE, BODY_LEADING)
            if listed and i == 0:
                content.text(left + 2, baseline, [(marker, False)], BODY_SIZE)
            content.text(left + indent, baseline, line, BODY_SIZE)
            y += BODY_LEADING

    if template.dates:
        y += 10
        content.text(left, _baseline(y, BODY_SIZE, BODY_LEADING), [(labels["dates"], True)], BODY_SIZE)
        y += BODY_LEADING + 2
        for date in template.dates:
            for i, line in enumerate(_wrap(_plain(date), text_width - 16, BODY_SIZE)):
                baseline = _baseline(y, BODY_SIZE, BODY_LEADING)
                if i == 0:
                    content.text(left + 2, baseline, [("\u2022", False)], BODY_SIZE)
                content.text(left + 16, baseline, line, BODY_SIZE)
                y += BODY_LEADING

    # the registration box: web address, code, phone
    y += 12
    box_top = y
    inner = text_width - 2 * pad
    y += pad
    big, big_leading = 16.0, 20.0
    for line in _wrap(_plain(labels["register_at"]), inner, BODY_SIZE):
        content.text(left + pad, _baseline(y, BODY_SIZE, BODY_LEADING), line, BODY_SIZE)
        y += BODY_LEADING
    for line in _wrap([markdown_lite.Run(template.registration_url, True)], inner, big):
        content.text(left + pad, _baseline(y, big, big_leading), line, big)
        y += big_leading
    y += 4
    label = labels["code"] + ":"
    label_w = _width(label, REGULAR, BODY_SIZE)
    content.text(left + pad, _baseline(y, big, big_leading), [(label, False)], BODY_SIZE)
    slots.reg_code_x = left + pad + label_w + 6
    slots.reg_code_width = left + pad + inner - slots.reg_code_x
    if slots.reg_code_width < 100:  # a long label: the code goes on the next line
        y += big_leading
        slots.reg_code_x, slots.reg_code_width = left + pad, inner
    slots.reg_code_baseline = _baseline(y, big, big_leading)
    y += big_leading
    if template.phone:
        y += 4
        call = labels["call"] + " "
        call_w = _width(call, REGULAR, BODY_SIZE)
        phone_w = _width(template.phone, BOLD, big)
        baseline = _baseline(y, big, big_leading)
        if call_w + phone_w <= inner:
            content.text(left + pad, baseline, [(call, False)], BODY_SIZE)
            content.text(left + pad + call_w, baseline, [(template.phone, True)], big)
        else:
            for line in _wrap(_plain(labels["call"]), inner, BODY_SIZE):
                content.text(left + pad, _baseline(y, BODY_SIZE, BODY_LEADING), line, BODY_SIZE)
                y += BODY_LEADING
            content.text(left + pad, _baseline(y, big, big_leading), [(template.phone, True)], big)
        y += big_leading
    y += pad
    content.box(left, box_top, text_width, y - box_top)

    if template.signatory:
        y += 12
        for part in template.signatory.splitlines() or [""]:
            for line in _wrap(_plain(part), text_width, BODY_SIZE):
                content.text(left, _baseline(y, BODY_SIZE, BODY_LEADING), line, BODY_SIZE)
                y += BODY_LEADING

    limit = height - bottom_margin
    if y > limit:
        over = (y - limit) / BODY_LEADING
        raise LetterError(f"The text of {side} is too long for one page: shorten it by about "
                          f"{max(1, round(over + 0.49))} line(s) of text.")
    form = content.bytes()
    if not front:  # mark the back's language for screen readers and text extraction
        form = b"/Span <</Lang %s>> BDC\n%s EMC\n" % (_pdf_string(template.language), form)
    return _Side(form, slots)


def _fit(text: str, font: str, largest: float, smallest: float, width: float, spacing: float = 0.0) -> float:
    size = largest
    while size > smallest:
        if _width(text, font, size) + spacing * len(text) <= width:
            return size
        size -= 0.5
    return smallest


def _address_ops(content: _Content, lines: list[str], box: _Window, code: str) -> None:
    lines = [_printable(line).strip() for line in lines]
    lines = [line for line in lines if line]
    if not lines:
        raise LetterError(f"The household with code {code} has no address.")
    for size in ADDRESS_SIZES:
        leading = size * 1.12
        tall = (len(lines) - 1) * leading + size
        if tall <= box.height and all(_width(line, REGULAR, size) <= box.width for line in lines):
            break
    else:
        raise LetterError(f"The address of the household with code {code} does not fit the envelope's window "
                          f"({len(lines)} lines; the longest is “{max(lines, key=len)}”).")
    baseline = box.top + 0.8 * size
    for line in lines:
        content.text(box.left, baseline, [(line, False)], size)
        baseline += leading


def _variable_ops(content: _Content, slots: _Slots, household: Household, qr_ops: bytes) -> None:
    code = _printable(household.code)
    inner = slots.card_width - 6 * mm
    size = _fit(code, BOLD, CODE_MAX_SIZE, CODE_MIN_SIZE, inner, CODE_SPACING)
    w = _width(code, BOLD, size) + CODE_SPACING * (len(code) - 1)
    content.text(slots.card_x + (slots.card_width - w) / 2, _baseline(slots.code_top, size, CODE_MAX_SIZE * 1.25),
                 [(code, True)], size, CODE_SPACING)
    content.raw(b"q 1 0 0 1 %s %s cm %s Q\n" % (_num(slots.qr_x), _num(content.height - slots.qr_top - QR_SIZE),
                                                qr_ops))
    size = _fit(code, BOLD, 16, 11, slots.reg_code_width, 1.0)
    content.text(slots.reg_code_x, slots.reg_code_baseline, [(code, True)], size, 1.0)


# --------------------------------------------------------------------------- QR codes

_GF_EXP = [0] * 512
_GF_LOG = [0] * 256
_v = 1
for _i in range(255):
    _GF_EXP[_i] = _v
    _GF_LOG[_v] = _i
    _v <<= 1
    if _v & 0x100:
        _v ^= 0x11D
for _i in range(255, 512):
    _GF_EXP[_i] = _GF_EXP[_i - 255]
del _i, _v


def _gf_mul(a: int, b: int) -> int:
    return 0 if a == 0 or b == 0 else _GF_EXP[_GF_LOG[a] + _GF_LOG[b]]


@cache
def _rs_table(ec: int) -> tuple[tuple[int, ...], int]:
    """Reed–Solomon remainder step for `ec` check bytes: per feedback byte, the generator's multiple as an int."""
    gen = [1]
    for i in range(ec):  # multiply by (x - a^i)
        root = _GF_EXP[i]
        gen = [a ^ _gf_mul(b, root) for a, b in zip([*gen, 0], [0, *gen], strict=True)]
    tail = gen[1:]  # the leading coefficient is 1
    table = tuple(int.from_bytes(bytes(_gf_mul(c, f) for c in tail), "big") for f in range(256))
    return table, (1 << (8 * ec)) - 1


def _rs_remainder(data: bytes, ec: int) -> bytes:
    table, full = _rs_table(ec)
    shift = 8 * (ec - 1)
    rem = 0
    for byte in data:
        rem = ((rem << 8) & full) ^ table[byte ^ (rem >> shift)]
    return rem.to_bytes(ec, "big")


@dataclass
class _QrVersion:
    version: int
    size: int
    blocks: list[tuple[int, int]]  # (data codewords, check codewords) per block
    data_bytes: int
    order: np.ndarray  # codewords in placement order: indices into data blocks then check blocks, concatenated
    places: np.ndarray  # data module positions (row * n + column) in placement order
    templates: np.ndarray  # (8, n * n) bool: function patterns and format information for each mask
    masks: np.ndarray  # (8, positions) bool: each mask at the data positions


_EC_LEVEL = qrencoder.QRErrorCorrectLevel.M  # 15% of the code can be damaged or covered


@lru_cache(maxsize=64)
def _qr_version(version: int) -> _QrVersion:
    blocks = [(b.dataCount, b.totalCount - b.dataCount) for b in qrencoder.QRRSBlock.getRSBlocks(version, _EC_LEVEL)]
    templates = []
    qr = None
    for mask in range(8):
        qr = qrencoder.QRCode(version, _EC_LEVEL)
        qr.addData(qrencoder.QR8bitByte(b""))
        qr.makeImpl(False, mask)
        templates.append(np.array(qr.modules, dtype=bool))
    n = version * 4 + 17
    positions = qr.dataPosIterator()
    places = np.array([r * n + c for c, r in positions], dtype=np.intp)
    masks = np.array([[qrencoder.QRUtil.getMask(m)(r, c) for c, r in positions] for m in range(8)], dtype=bool)
    # interleaving: the first codeword of each block, then the second..., data blocks before check blocks
    order: list[int] = []
    for part in (0, 1):
        starts = list(itertools.accumulate((b[part] for b in blocks), initial=0 if part == 0 else
                                           sum(d for d, _ in blocks)))
        for i in range(max(b[part] for b in blocks)):
            order.extend(start + i for start, b in zip(starts, blocks, strict=False) if i < b[part])
    return _QrVersion(version, n, blocks, sum(d for d, _ in blocks), np.array(order, dtype=np.intp), places,
                      np.stack(templates).reshape(8, n * n), masks)


def _choose_version(length: int) -> _QrVersion:
    for version in range(1, 41):
        count_bits = 8 if version < 10 else 16
        blocks = qrencoder.QRRSBlock.getRSBlocks(version, _EC_LEVEL)
        if 4 + count_bits + 8 * length <= 8 * sum(b.dataCount for b in blocks):
            return _qr_version(version)
    raise LetterError(f"A QR code cannot hold {length} bytes.")


def _codewords(data: bytes, qv: _QrVersion) -> np.ndarray:
    """Byte-mode bit stream, terminator and padding, split in blocks, check bytes added, interleaved."""
    count_bits = 8 if qv.version < 10 else 16
    value = (0b0100 << count_bits) | len(data)
    value = (value << (8 * len(data))) | int.from_bytes(data, "big")
    bits = 4 + count_bits + 8 * len(data)
    capacity = 8 * qv.data_bytes
    terminator = min(4, capacity - bits)
    value <<= terminator
    bits += terminator
    value <<= -bits % 8
    bits += -bits % 8
    stream = value.to_bytes(bits // 8, "big")
    stream += bytes(itertools.islice(itertools.cycle((0xEC, 0x11)), qv.data_bytes - len(stream)))
    checks = []
    offset = 0
    for count, ec in qv.blocks:
        checks.append(_rs_remainder(stream[offset:offset + count], ec))
        offset += count
    return np.frombuffer(stream + b"".join(checks), dtype=np.uint8)[qv.order]


def _count(a: np.ndarray) -> np.ndarray:
    return np.count_nonzero(a, axis=(1, 2))


def _penalties(m: np.ndarray) -> np.ndarray:
    """The QR specification's mask penalty (rules 1-4) of each candidate in `m` (k, n, n)."""
    n = m.shape[1]
    lines = np.concatenate([m, m.transpose(0, 2, 1)], axis=1)  # (k, 2n, n): the rows, then the columns
    same = lines[:, :, 1:] == lines[:, :, :-1]
    same3 = same[:, :, :-1] & same[:, :, 1:]
    five = same3[:, :, :-2] & same3[:, :, 2:]  # five of one colour start here
    # rule 1: a run of L >= 5 scores L - 2: its L - 4 windows of five, plus 2 for the run
    windows = _count(five)
    score = windows + 2 * (windows - _count(five[:, :, 1:] & five[:, :, :-1]))
    # rule 2: 3 for each 2x2 block of one colour
    across, down = same[:, :n], same[:, n:].transpose(0, 2, 1)
    score += 3 * _count(across[:, :-1] & across[:, 1:] & down[:, :, :-1])
    # rule 3: 40 for each 1011101 with four light modules before or after it
    light = ~lines
    light2 = light[:, :, :-1] & light[:, :, 1:]
    light4 = light2[:, :, :-2] & light2[:, :, 2:]
    core = (lines[:, :, :-6] & light[:, :, 1:-5] & lines[:, :, 2:-4] & lines[:, :, 3:-3] & lines[:, :, 4:-2]
            & light[:, :, 5:-1] & lines[:, :, 6:])
    score += 40 * (_count(core[:, :, :n - 10] & light4[:, :, 7:]) + _count(core[:, :, 4:] & light4[:, :, :n - 10]))
    # rule 4: 10 for each 5% the share of dark modules is away from half
    dark = _count(m)
    score += 10 * (np.abs(100 * dark // (n * n) - 50) // 5)
    return score


def qr_matrix(data: str | bytes, mask: int | None = None) -> np.ndarray:
    """The modules (True is dark, no quiet zone) of a QR code of `data` in byte mode at level M.

    The mask is chosen by the specification's penalty unless given.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    qv = _choose_version(len(raw))
    bits = np.unpackbits(_codewords(raw, qv)).view(bool)
    placed = np.zeros(len(qv.places), dtype=bool)  # remainder bits are light before masking
    placed[:len(bits)] = bits
    n = qv.size
    if mask is not None:
        out = qv.templates[mask].copy()
        out[qv.places] = placed ^ qv.masks[mask]
        return out.reshape(n, n)
    candidates = qv.templates.copy()
    candidates[:, qv.places] = placed ^ qv.masks
    candidates = candidates.reshape(8, n, n)
    return candidates[int(np.argmin(_penalties(candidates)))]


def _qr_ops(data: str) -> bytes:
    """The QR code as one filled path of module runs, in a QR_SIZE square with its origin at the bottom left."""
    modules = qr_matrix(data)
    n = modules.shape[0]
    scale = QR_SIZE / (n + 2 * QR_QUIET)
    padded = np.zeros((n, n + 2), dtype=np.int8)
    padded[:, 1:-1] = modules
    step = np.diff(padded, axis=1)
    rows, starts = np.nonzero(step == 1)
    _, ends = np.nonzero(step == -1)
    # one "x y w 1 re" a run, in module units; the numbers written with numpy as fixed-width digits
    values = np.stack([starts + QR_QUIET, n - 1 - rows + QR_QUIET, ends - starts], axis=1)
    digits = len(str(n + 2 * QR_QUIET))
    powers = 10 ** np.arange(digits - 1, -1, -1)
    width = 3 * (digits + 1) + 5
    text = np.empty((len(values), width), dtype=np.uint8)
    for i in range(3):
        at = i * (digits + 1)
        text[:, at:at + digits] = values[:, i, None] // powers % 10 + 48
        text[:, at + digits] = 32
    text[:, width - 5:] = np.frombuffer(b"1 re\n", dtype=np.uint8)
    s = f"{scale:.4f}".encode()
    return b"q %s 0 0 %s 0 0 cm 0 g\n%sf Q" % (s, s, text.tobytes())


# --------------------------------------------------------------------------- the PDF file

class _PdfWriter:
    """Objects written as they come; their offsets go to a temporary file, so memory stays flat."""

    CATALOG, PAGES = 1, 2

    def __init__(self, out: BinaryIO, xref: BinaryIO):
        self.out = out
        self.offset = 0
        self.number = 2  # objects 1 (catalog) and 2 (page tree) are written last
        self.xref = xref  # a temporary file: one 20-byte cross-reference line per object from 3 on
        self.reserved: dict[int, int] = {}
        self._write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.offset += len(data)

    def add(self, body: bytes, stream: bytes | None = None, *, number: int | None = None) -> int:
        if number is None:
            self.number += 1
            number = self.number
            self.xref.write(b"%010d 00000 n \n" % self.offset)
        else:
            self.reserved[number] = self.offset
        if stream is None:
            self._write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
        else:
            self._write(b"%d 0 obj\n<<%s /Length %d>>\nstream\n%s\nendstream\nendobj\n" % (
                number, body, len(stream), stream))
        return number

    def add_pages(self, kids: Iterable[int], count: int) -> None:
        self.reserved[self.PAGES] = self.offset
        self._write(b"%d 0 obj\n<</Type /Pages /Count %d /Kids [" % (self.PAGES, count))
        kids = iter(kids)
        while chunk := list(itertools.islice(kids, 1000)):
            self._write(b" ".join(b"%d 0 R" % k for k in chunk) + b"\n")
        self._write(b"]>>\nendobj\n")

    def finish(self, info: int) -> None:
        start = self.offset
        self._write(b"xref\n0 %d\n0000000000 65535 f \n" % (self.number + 1))
        for number in (self.CATALOG, self.PAGES):
            self._write(b"%010d 00000 n \n" % self.reserved[number])
        self.xref.seek(0)
        while chunk := self.xref.read(1 << 16):
            self._write(chunk)
        self._write(b"trailer\n<</Size %d /Root %d 0 R /Info %d 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (
            self.number + 1, self.CATALOG, info, start))


def _text_string(text: str) -> bytes:
    """A PDF text string (document information): UTF-16 with a byte-order mark, in hex."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def _compressed(data: bytes) -> tuple[bytes, bytes]:
    return b"/Filter /FlateDecode", zlib.compress(data, 6)


@contextmanager
def _replacing(path: Path, mode: str, **kwargs):
    """A file written beside `path` and moved over it when complete: never a half-written file to print."""
    handle = tempfile.NamedTemporaryFile(mode, dir=path.parent, prefix=f".{path.name}.",  # noqa: SIM115
                                         suffix=".part", delete=False, **kwargs)
    try:
        with handle:
            yield handle
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


@contextmanager
def _binary_out(out: BinaryIO | str | Path):
    if isinstance(out, str | Path):
        with _replacing(Path(out), "wb", buffering=1 << 20) as handle:
            yield handle
    else:
        yield out


def write_letters(template: LetterTemplate, households: Iterable[Household], out: BinaryIO | str | Path,
                  progress: Callable[[int], None] | None = None) -> int:
    """Write one letter per household (two pages each with a back language) to `out`; the page count.

    Households are read once, in order, and nothing of a written page is kept. `progress` is
    called with the number of letters written every PROGRESS_EVERY letters and at the end.
    Raises LetterError for a template that cannot be printed (before anything is written), or
    for a household whose address does not fit the window (when it is reached).
    """
    if template.back is not None and template.back.back is not None:
        raise LetterError("A letter has two sides at most: the back cannot have a back.")
    width, height, _ = _page_setup(template)
    sides = [_compose(template, front=True)]
    if template.back is not None:
        back = template.back
        if _page_setup(back)[:2] != (width, height):
            raise LetterError("The back must have the same paper size as the front.")
        sides.append(_compose(back, front=False))
    language = template.language if re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", template.language) else "en"

    with _binary_out(out) as handle, tempfile.TemporaryFile() as xref:
        pdf = _PdfWriter(handle, xref)
        info = pdf.add(b"<</Title %s /Creator (civic-panels) /Producer (civic-panels letters)>>" % _text_string(
            f"Invitation letters: {template.panel_title}"))
        fonts = [pdf.add(b"<</Type /Font /Subtype /Type1 /BaseFont /%s /Encoding /WinAnsiEncoding>>" % name.encode())
                 for name in (REGULAR, BOLD)]
        font_dict = b"/Font <</F1 %d 0 R /F2 %d 0 R>>" % tuple(fonts)
        form_resources = pdf.add(b"<<%s /ProcSet [/PDF /Text]>>" % font_dict)
        media = b"[0 0 %s %s]" % (_num(width), _num(height))
        forms = []
        for side in sides:
            flt, data = _compressed(side.form)
            forms.append(pdf.add(b"/Type /XObject /Subtype /Form /BBox %s /Resources %d 0 R %s" % (
                media, form_resources, flt), data))
        page_resources = pdf.add(b"<<%s /XObject <<%s>> /ProcSet [/PDF /Text]>>" % (
            font_dict, b" ".join(b"/S%d %d 0 R" % (i, f) for i, f in enumerate(forms))))

        first_page = pdf.number + 2  # each page: its content stream, then its dictionary
        pages = letters = 0
        page_dict = b"<</Type /Page /Parent %d 0 R /MediaBox %s /Resources %d 0 R /Contents %%d 0 R>>" % (
            pdf.PAGES, media, page_resources)
        for household in households:
            qr = _qr_ops(household.qr_url)
            for i, side in enumerate(sides):
                content = _Content(height)
                content.raw(b"/S%d Do\n" % i)
                if side.slots.address is not None:
                    _address_ops(content, household.address_lines, side.slots.address, household.code)
                _variable_ops(content, side.slots, household, qr)
                flt, data = _compressed(content.bytes())
                stream = pdf.add(flt, data)
                pdf.add(page_dict % stream)
                pages += 1
            letters += 1
            if progress is not None and letters % PROGRESS_EVERY == 0:
                progress(letters)
        if progress is not None and letters % PROGRESS_EVERY:
            progress(letters)

        pdf.add_pages(range(first_page, first_page + 2 * pages, 2), pages)
        preferences = b"/PrintScaling /None"
        if len(sides) == 2:
            preferences += b" /Duplex /DuplexFlipLongEdge"
        pdf.add(b"<</Type /Catalog /Pages %d 0 R /Lang %s /ViewerPreferences <<%s>>>>" % (
            pdf.PAGES, _pdf_string(language), preferences), number=pdf.CATALOG)
        pdf.finish(info)
    return pages


def preview_letters(template: LetterTemplate, households: Iterable[Household], limit: int = 3) -> bytes:
    """The PDF of the first `limit` letters (both sides of each with a back language)."""
    buffer = io.BytesIO()
    write_letters(template, itertools.islice(households, limit), buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- the mail-house file

ADDRESS_COLUMNS = 6
MAILHOUSE_COLUMNS = ["sequence", *(f"address_line_{i}" for i in range(1, ADDRESS_COLUMNS + 1)), "code",
                     "registration_url", "qr_url"]


def _cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def write_mailhouse_csv(households: Iterable[Household], out: TextIO | str | Path, *,
                        registration_url: str) -> int:
    """One row per household, in print order, for mail houses that print the letters themselves.

    Columns: sequence (the letter's number in the PDF), address_line_1..6 (a longer address's
    last lines joined with ", " in the sixth), code, registration_url (as printed on the
    letter) and qr_url (the address with the code filled in). UTF-8; returns the rows written.
    """
    def rows(handle: TextIO) -> int:
        writer = csv.writer(handle)
        writer.writerow(MAILHOUSE_COLUMNS)
        count = 0
        for count, household in enumerate(households, start=1):
            lines = [line.strip() for line in household.address_lines if line and line.strip()]
            if len(lines) > ADDRESS_COLUMNS:
                lines = [*lines[:ADDRESS_COLUMNS - 1], ", ".join(lines[ADDRESS_COLUMNS - 1:])]
            lines += [""] * (ADDRESS_COLUMNS - len(lines))
            writer.writerow([count, *(_cell(v) for v in lines), _cell(household.code), registration_url,
                             household.qr_url])
        return count

    if isinstance(out, str | Path):
        with _replacing(Path(out), "w", newline="", encoding="utf-8") as handle:
            return rows(handle)
    return rows(out)

