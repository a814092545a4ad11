"""Members' texts: a Markdown subset rendered to HTML, sanitised on output, and readable diffs.

Stored text is always the author's source. Rendering goes through markdown-it with raw HTML
switched off, then nh3 with a short allowlist, so no script or attribute handler can ever
reach a page, whatever was stored.
"""

from __future__ import annotations

import difflib
import re

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

_MD = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable(
    ["image", "html_block", "html_inline"])
TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "a", "code", "h3", "h4"}
ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https", "mailto"}
_HEADING = re.compile(r"^(#{1,6})\s", re.M)


def render(source: str | None) -> Markup:
    """Safe HTML for a page; headings are demoted to h3/h4 so they sit under the page's own."""
    if not source:
        return Markup("")
    source = _HEADING.sub(lambda m: "###" + ("#" if len(m.group(1)) > 1 else "") + " ", source)
    html = _MD.render(source)
    clean = nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                      link_rel="noopener noreferrer nofollow")
    return Markup(clean)  # noqa: S704 - sanitised by nh3 just above


def plain(source: str | None) -> str:
    """The text without markup (for PDFs, CSV and e-mail)."""
    if not source:
        return ""
    html = render(source)
    text = re.sub(r"</(p|li|h3|h4|blockquote)>", "\n", str(html))
    text = re.sub(r"<li>", "• ", text)
    text = re.sub(r"<[^>]+>", "", text)
    import html as html_module

    return re.sub(r"\n{3,}", "\n\n", html_module.unescape(text)).strip()


def diff(old: str | None, new: str | None) -> Markup:
    """A word-level diff as HTML: removed words in <del>, added words in <ins>, the rest as is."""
    a = re.findall(r"\S+|\s+", old or "")
    b = re.findall(r"\S+|\s+", new or "")
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(Markup("<del>%s</del>") % "".join(a[i1:i2]))
        if op in ("insert", "replace"):
            out.append(Markup("<ins>%s</ins>") % "".join(b[j1:j2]))
    return Markup("").join(out)


def diff_counts(old: str | None, new: str | None) -> tuple[int, int]:
    """Words added and removed, for a one-line summary of a change."""
    a, b = (old or "").split(), (new or "").split()
    added = removed = 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("delete", "replace"):
            removed += i2 - i1
        if op in ("insert", "replace"):
            added += j2 - j1
    return added, removed
