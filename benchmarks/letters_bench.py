"""How fast, and in how much memory, are a mailing's invitation letters printed?

Writes N letters (default 30,000), each with its own address, code and QR code, with
``panels.invitations.letters.write_letters`` to a file in a temporary folder. It is timed next
to a bare reportlab canvas drawing the same text on the same number of pages with a QR code of
the same size pre-rendered once as an image (so the canvas does no QR encoding at all), in the
same process. Peak memory (tracemalloc) of ``write_letters`` is measured at N/10 and N letters
to show that it does not grow with N.

Targets: N = 30,000 in ≤ 60 s; ≤ 1.5 × the bare canvas; memory not growing with N.

Run: ``python benchmarks/letters_bench.py`` (``--quick`` for 2,000 letters, ``--n`` to choose,
``--bare-memory`` to also measure the bare canvas's peak memory at N/10).
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image
from reportlab.lib.utils import ImageReader, simpleSplit
from reportlab.pdfgen import canvas

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from panels.invitations.letters import (  # noqa: E402
    QR_QUIET,
    QR_SIZE,
    Household,
    LetterTemplate,
    qr_matrix,
    write_letters,
)

BODY = """Dear resident,

Your household is one of 30,000 chosen **at random** from every address in Riverton to be invited to
the **Riverton Climate Assembly**: 40 residents who will meet over three weekends to learn about,
discuss and recommend how our town should respond to climate change.

You do not need any special knowledge or experience. Members of the assembly:
- are paid **£150** for each weekend, with travel, meals and childcare covered;
- hear from experts and people affected, and ask them questions;
- decide together what the council should do, in a report it has promised to answer.

Anyone aged 16 or over who lives at this address can register. Not everyone who registers will be
selected: a second lottery picks the members so that together they reflect Riverton by age,
gender, area, education and views on climate change.

Registering takes about five minutes. Please register by **Friday 20 February**."""

TEMPLATE = LetterTemplate(
    organisation_name="Riverton Borough Council",
    panel_title="Riverton Climate Assembly",
    body=BODY,
    dates=["Saturday 7 and Sunday 8 March 2026", "Saturday 21 and Sunday 22 March 2026",
           "Saturday 4 and Sunday 5 April 2026"],
    registration_url="https://riverton.example/r/climate",
    phone="0300 123 4567",
    signatory="Olu Organiser, Democracy Team",
)
STREETS = ["Mill Lane", "High Street", "Station Road", "Church View", "Orchard Close", "Riverside Walk"]
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def households(n: int, seed: int = 7) -> Iterator[Household]:
    rng = np.random.default_rng(seed)
    for i in range(n):
        raw = "".join(ALPHABET[j] for j in rng.integers(0, len(ALPHABET), 10))
        lines = ["The Occupier", f"{i % 300 + 1} {STREETS[i % len(STREETS)]}"]
        if i % 4 == 0:
            lines.insert(1, f"Flat {i % 12 + 1}")
        lines += ["Riverton", f"RV{i % 9 + 1} {i % 10}{ALPHABET[i % 31]}{ALPHABET[(i // 31) % 31]}"]
        yield Household(lines, f"{raw[:5]}-{raw[5:]}", f"{TEMPLATE.registration_url}?code={raw}")


def bare_canvas(n: int, path: Path) -> int:
    """The same words and a same-size QR image, drawn by reportlab's canvas page by page."""
    width, height = 595.28, 841.89
    body = []
    for paragraph in BODY.replace("**", "").split("\n\n"):
        body += simpleSplit(" ".join(paragraph.split()), "Helvetica", 12, width - 2 * 56.7) + [""]
    modules = qr_matrix(f"{TEMPLATE.registration_url}?code=XXXXXXXXXX")
    picture = np.pad(~modules, QR_QUIET, constant_values=True).astype(np.uint8) * 255
    qr_image = ImageReader(Image.fromarray(picture, "L").resize((picture.shape[0] * 8,) * 2, Image.NEAREST))
    c = canvas.Canvas(str(path), pagesize=(width, height))
    c.setPageCompression(1)
    for household in households(n):
        c.setFont("Helvetica-Bold", 16)
        c.drawString(56.7, 800, TEMPLATE.organisation_name)
        c.setFont("Helvetica", 12)
        for i, line in enumerate(household.address_lines):
            c.drawString(68, 700 - 14 * i, line)
        c.drawString(360, 805, "Your registration code")
        c.setFont("Helvetica-Bold", 22)
        c.drawString(360, 780, household.code)
        c.drawImage(qr_image, 380, 680, QR_SIZE, QR_SIZE)
        c.setFont("Helvetica", 12)
        c.drawString(390, 665, "Scan to register")
        c.setFont("Helvetica-Bold", 18)
        c.drawString(56.7, 560, TEMPLATE.panel_title)
        c.setFont("Helvetica", 12)
        y = 535
        for line in body:
            c.drawString(56.7, y, line)
            y -= 15
        for line in [TEMPLATE.dates and "Dates", *TEMPLATE.dates]:
            c.drawString(56.7, y, line)
            y -= 15
        c.drawString(56.7, y, "Register online at")
        c.setFont("Helvetica-Bold", 16)
        c.drawString(56.7, y - 20, TEMPLATE.registration_url)
        c.drawString(200, y - 44, household.code)
        c.drawString(120, y - 68, TEMPLATE.phone)
        c.setFont("Helvetica", 12)
        c.drawString(56.7, y - 44, "Your registration code:")
        c.drawString(56.7, y - 68, "Or call")
        c.drawString(56.7, y - 100, TEMPLATE.signatory)
        c.showPage()
    c.save()
    return n


def timed(fn, *args) -> tuple[float, int]:
    gc.collect()
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def peak(fn, *args) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        fn(*args)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=30_000, help="letters (default 30,000)")
    parser.add_argument("--quick", action="store_true", help="2,000 letters")
    parser.add_argument("--bare-memory", action="store_true", help="also the bare canvas's peak memory at N/10")
    args = parser.parse_args(argv)
    n = 2_000 if args.quick else args.n
    tenth = max(1, n // 10)

    with tempfile.TemporaryDirectory(prefix="letters-bench-") as folder:
        ours_pdf, bare_pdf = Path(folder) / "letters.pdf", Path(folder) / "bare.pdf"
        write_letters(TEMPLATE, households(20), ours_pdf)  # warm-up: imports, QR tables, fonts
        ours_s, pages = timed(lambda: write_letters(TEMPLATE, households(n), ours_pdf))
        ours_size = ours_pdf.stat().st_size
        bare_s, bare_pages = timed(bare_canvas, n, bare_pdf)
        bare_size = bare_pdf.stat().st_size
        bare_pdf.unlink()
        mem_tenth = peak(lambda: write_letters(TEMPLATE, households(tenth), ours_pdf))
        mem_n = peak(lambda: write_letters(TEMPLATE, households(n), ours_pdf))
        bare_mem = peak(bare_canvas, tenth, bare_pdf) if args.bare_memory else None

    ratio = ours_s / bare_s
    growth = mem_n - mem_tenth
    flat = growth <= max(2e6, 0.1 * mem_tenth)
    mb = 1e6
    print(f"letters benchmark: N = {n:,} letters, A4 / DL window, QR code on every letter, single-sided")
    print(f"  pages                          {pages:,} (bare canvas {bare_pages:,})")
    print(f"  write_letters                  {ours_s:7.2f} s  ({1000 * ours_s / n:.2f} ms a letter, "
          f"file {ours_size / mb:.1f} MB)")
    print(f"  bare reportlab canvas          {bare_s:7.2f} s  ({1000 * bare_s / n:.2f} ms a page, "
          f"file {bare_size / mb:.1f} MB)")
    print(f"  ratio ours / bare              {ratio:7.2f}")
    print(f"  peak memory of write_letters   {mem_tenth / mb:.2f} MB at N/10 = {tenth:,};  "
          f"{mem_n / mb:.2f} MB at N = {n:,}  (growth {growth / mb:+.2f} MB)")
    if bare_mem is not None:
        print(f"  peak memory of bare canvas     {bare_mem / mb:.2f} MB at N/10 = {tenth:,}")
    print(f"  targets: ≤ 60 s: {'yes' if ours_s <= 60 else 'NO'};  ≤ 1.5 × bare canvas: "
          f"{'yes' if ratio <= 1.5 else 'NO'};  memory not growing with N: {'yes' if flat else 'NO'}")
    return 0 if ours_s <= 60 and ratio <= 1.5 and flat else 1


if __name__ == "__main__":
    sys.exit(main())
