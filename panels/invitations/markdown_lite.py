"""The small Markdown subset of an organiser's letter text, parsed into plain blocks and runs.

Supported, and nothing else (everything else is shown as the text it is):

* paragraphs separated by a blank line; single line breaks inside a paragraph join with a space,
  as in Markdown; a line ending in two spaces or a backslash keeps its line break;
* ``**bold**`` inside a paragraph or list item (an unmatched ``**`` stays as written);
* bullet lists, one item a line starting with ``- `` or ``* ``, and numbered lists with
  ``1. `` or ``1) ``; a following line that is not an item continues the item;
* ``\\*`` and ``\\\\`` to write a literal asterisk or backslash.

The result is plain data (no markup string), so nothing in the organiser's text — angle
brackets, ``<b>``, ``<font>``, ``&amp;`` — can ever be interpreted by a renderer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

BlockKind = Literal["paragraph", "bullet", "numbered"]

_ITEM = re.compile(r"^\s{0,3}(?:(?P<bullet>[-*])|(?P<number>\d{1,3})[.)])\s+(?P<rest>.*)$")
_HARD_BREAK = re.compile(r"(?:  +|\\)$")


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of text in one weight; ``text == "\\n"`` is a hard line break."""

    text: str
    bold: bool = False


@dataclass(frozen=True, slots=True)
class Block:
    kind: BlockKind
    runs: tuple[Run, ...]
    label: str = ""  # the marker of a numbered item as written ("1."), empty otherwise

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


def parse(text: str) -> list[Block]:
    """Blocks of `text` in order: paragraphs and list items (one block per item)."""
    blocks: list[Block] = []
    kind: BlockKind | None = None
    label = ""
    lines: list[str] = []

    def flush() -> None:
        nonlocal kind, label, lines
        if kind is not None and lines:
            runs = _inline(lines)
            if runs:
                blocks.append(Block(kind, runs, label))
        kind, label, lines = None, "", []

    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not raw.strip():
            flush()
            continue
        item = _ITEM.match(raw)
        if item:
            flush()
            if item.group("bullet"):
                kind = "bullet"
            else:
                kind, label = "numbered", item.group("number") + "."
            lines = [item.group("rest")]
        elif kind is None:
            kind, lines = "paragraph", [raw]
        else:  # continuation of the paragraph or (lazily) of the list item
            lines.append(raw)
    flush()
    return blocks


def _inline(lines: list[str]) -> tuple[Run, ...]:
    """Runs of one block: whitespace collapsed, hard breaks kept, ``**bold**`` applied."""
    pieces: list[str] = []
    for i, line in enumerate(lines):
        last = i == len(lines) - 1
        hard = not last and _HARD_BREAK.search(line) is not None
        if hard and line.endswith("\\") and not line.endswith("\\\\"):
            line = line[:-1]
        pieces.append(" ".join(line.split()))
        if not last:
            pieces.append("\n" if hard else " ")
    return _bold_runs("".join(pieces))


_TOKEN = re.compile(r"\\[\\*]|\*\*|\n|[^\\*\n]+|.", re.S)


def _bold_runs(text: str) -> tuple[Run, ...]:
    # Tokens: escapes, ``**`` delimiters, line breaks and text; delimiters pair left to right.
    tokens: list[tuple[str, str]] = []  # (type, text): "t" text, "d" delimiter, "n" line break
    for m in _TOKEN.finditer(text):
        tok = m.group()
        if tok == "**":
            tokens.append(("d", tok))
        elif tok == "\n":
            tokens.append(("n", tok))
        elif len(tok) == 2 and tok[0] == "\\" and tok[1] in "\\*":
            tokens.append(("t", tok[1]))
        else:
            tokens.append(("t", tok))
    delims = [i for i, (kind, _) in enumerate(tokens) if kind == "d"]
    if len(delims) % 2:  # the last one has no partner: literal
        tokens[delims.pop()] = ("t", "**")
    opening = set(delims[0::2])
    closing = set(delims[1::2])

    runs: list[Run] = []
    bold = False
    for i, (kind, tok) in enumerate(tokens):
        if i in opening:
            bold = True
        elif i in closing:
            bold = False
        elif kind == "n":
            runs.append(Run("\n"))
        elif runs and runs[-1].bold == bold and runs[-1].text != "\n":
            runs[-1] = Run(runs[-1].text + tok, bold)
        else:
            runs.append(Run(tok, bold))
    # a block of only whitespace or breaks has nothing to show
    if not any(r.text.strip() for r in runs):
        return ()
    return tuple(runs)
