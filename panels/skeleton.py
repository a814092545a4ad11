"""Render a page once, fill its few per-request values many times.

A busy public page (the registration form) or message (its confirmation email) is the same for
everyone except a handful of values: a token, a name, a link. Rendering it through Jinja on every
request costs milliseconds; rendering it once with markers in those places and then joining the
pieces with the real values costs microseconds. The markers are letters and digits only (with a
random part), so HTML escaping and URL quoting leave them intact and nothing typed can imitate one.
Escaping is the caller's job: each value goes in exactly as it should appear in the output.
"""

from __future__ import annotations

import re
import secrets

_NONCE = secrets.token_hex(6)
_MARK = re.compile(rf"SLOT{_NONCE}x([a-z_]+)xTOLS")


def marker(name: str) -> str:
    """The text to render where the value called `name` (small letters and _) will go."""
    return f"SLOT{_NONCE}x{name}xTOLS"


class Skeleton:
    """A rendered text cut at its markers; fill() puts the values in."""

    __slots__ = ("_parts", "counts")

    def __init__(self, text: str):
        pieces = _MARK.split(text)
        # pieces alternates text, slot name, text, ...: keep the texts and the names apart.
        self._parts = [(pieces[i], pieces[i + 1] if i + 1 < len(pieces) else None)
                       for i in range(0, len(pieces), 2)]
        self.counts: dict[str, int] = {}
        for name in pieces[1::2]:
            self.counts[name] = self.counts.get(name, 0) + 1
        if f"SLOT{_NONCE}" in "".join(pieces[::2]):
            raise ValueError("a marker was changed by the rendering (escaped or quoted)")

    def fill(self, **values: str) -> str:
        out = []
        for text, name in self._parts:
            out.append(text)
            if name is not None:
                out.append(values[name])
        return "".join(out)
