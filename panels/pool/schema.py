"""The registration schema in the organiser's plain-text formats, parsed with row-level errors.

Categories, one block per category:

    age: How old are you?
    16-29 = 16 to 29 = 21
    30-44 = 30 to 44 = 25

The first line is `key: question`; each following line is `value = label = census share`
(the share, in per cent, is optional but then given for every answer or for none).
The census share is typed in per cent and stored as a fraction of 1 (21 -> 0.21), as the
response statistics and the quotas read it. Every problem names its line and says how to fix
it; nothing is saved while any remain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
VALUE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+\-]{0,59}$")
SHORT_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{2,39}$")
MAX_QUESTION = 300
MAX_LABEL = 200
SHARE_TOLERANCE = 1.5  # census shares are rounded; their total may be off by this much


@dataclass
class Parsed:
    value: object
    errors: list[str] = field(default_factory=list)

    def error(self, line: int, message: str) -> None:
        self.errors.append(f"Line {line}: {message}")


def _lines(text: str | None):
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if line and not line.startswith("#"):
            yield number, line


def _share(text: str) -> float | None:
    cleaned = text.strip().rstrip("%").strip().replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        return None


def parse_categories(text: str | None) -> Parsed:
    """The categories textarea -> [{"key", "question", "options": [{"value", "label", "share"?}]}]."""
    result = Parsed([])
    categories: list[dict] = result.value
    seen_keys: dict[str, int] = {}
    current: dict | None = None
    skipping = False  # the answers under a rejected category line: its error says it all
    lines_of: dict[str, int] = {}

    for number, line in _lines(text):
        if "=" in line:
            parts = [p.strip() for p in line.split("=")]
            if skipping:
                continue
            if current is None:
                result.error(number, "this answer comes before any category. Put a line like "
                                     "“age: How old are you?” above it.")
                continue
            if len(parts) > 3:
                result.error(number, "write an answer as “value = label = census share”, with at most "
                                     "two “=” signs, for example “16-29 = 16 to 29 = 21”.")
                continue
            value, label = parts[0], parts[1]
            if not VALUE_RE.match(value):
                result.error(number, f"the value “{value}” can only use letters, digits and . _ + - "
                                     "(no spaces), for example “16-29” or “owner”.")
                continue
            if not label:
                result.error(number, f"give the answer “{value}” a label, as residents will read it: "
                                     f"“{value} = ...”.")
                continue
            if len(label) > MAX_LABEL:
                result.error(number, f"the label is too long; keep it under {MAX_LABEL} characters.")
                continue
            if any(o["value"] == value for o in current["options"]):
                result.error(number, f"the value “{value}” is already an answer of “{current['key']}”. "
                                     "Use each value once per category.")
                continue
            option = {"value": value, "label": label}
            if len(parts) == 3 and parts[2]:
                share = _share(parts[2])
                if share is None or not 0 <= share <= 100:
                    result.error(number, f"the census share “{parts[2]}” is not a percentage between "
                                         "0 and 100, for example 21 or 21.5.")
                    continue
                option["share"] = round(share / 100, 6)  # stored as a fraction of 1
            current["options"].append(option)
            continue

        key, colon, question = line.partition(":")
        key, question = key.strip(), question.strip()
        if not colon:
            result.error(number, "start a category with its key and question, like "
                                 "“age: How old are you?”, or write an answer as “value = label”.")
            current, skipping = None, True
            continue
        if not KEY_RE.match(key):
            result.error(number, f"the key “{key}” can only use small letters a-z, digits and _ "
                                 "(starting with a letter), for example “age_band”.")
            current, skipping = None, True
            continue
        if key in seen_keys:
            result.error(number, f"the category “{key}” is already defined on line {seen_keys[key]}. "
                                 "Use each key once.")
            current, skipping = None, True
            continue
        if not question:
            result.error(number, f"write the question for “{key}” after the colon, "
                                 f"like “{key}: How old are you?”.")
            current, skipping = None, True
            continue
        if len(question) > MAX_QUESTION:
            result.error(number, f"the question is too long; keep it under {MAX_QUESTION} characters.")
            current, skipping = None, True
            continue
        seen_keys[key] = number
        current, skipping = {"key": key, "question": question, "options": []}, False
        lines_of[key] = number
        categories.append(current)

    for category in categories:
        number = lines_of[category["key"]]
        options = category["options"]
        if len(options) < 2:
            result.error(number, f"the category “{category['key']}” needs at least two answers, "
                                 "one per line below it, like “16-29 = 16 to 29”.")
            continue
        with_share = [o for o in options if "share" in o]
        if with_share and len(with_share) != len(options):
            result.error(number, f"give a census share for every answer of “{category['key']}”, "
                                 "or for none.")
        elif with_share:
            total = round(sum(o["share"] for o in options) * 100, 4)
            if abs(total - 100) > SHARE_TOLERANCE:
                result.error(number, f"the census shares of “{category['key']}” add up to "
                                     f"{total:g} %; they should add up to 100 %.")
    if result.errors:
        result.errors.sort(key=lambda e: int(e.split(":")[0].split()[1]))
    return result


def format_categories(categories: list[dict]) -> str:
    blocks = []
    for category in categories or []:
        lines = [f"{category['key']}: {category['question']}"]
        for option in category.get("options", []):
            line = f"{option['value']} = {option['label']}"
            if option.get("share") is not None:
                line += f" = {round(option['share'] * 100, 4):g}"
            lines.append(line)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def parse_category_translations(text: str | None, categories: list[dict]) -> Parsed:
    """A language's words for the categories, same format without shares -> {"age": q, "age.16-29": l}."""
    result = Parsed({})
    words: dict[str, str] = result.value
    known = {c["key"]: {o["value"] for o in c.get("options", [])} for c in categories}
    current: str | None = None
    skipping = False
    for number, line in _lines(text):
        if "=" in line:
            value, _, label = (p.strip() for p in line.partition("="))
            label = label.split("=")[0].strip()
            if skipping:
                continue
            if current is None:
                result.error(number, "this answer comes before any category. Put the category's "
                                     "line, like “age: ¿Qué edad tiene?”, above it.")
            elif value not in known[current]:
                result.error(number, f"“{value}” is not an answer of “{current}”. The answers are: "
                                     f"{', '.join(sorted(known[current]))}.")
            elif not label:
                result.error(number, f"write the translated label after “{value} =”.")
            else:
                words[f"{current}.{value}"] = label
            continue
        key, colon, question = (p.strip() for p in line.partition(":"))
        if not colon or key not in known:
            result.error(number, f"“{key}” is not a category key. Start each block with a key from the "
                                 f"categories ({', '.join(known) or 'none yet'}) and the translated "
                                 "question, like “age: ¿Qué edad tiene?”.")
            current, skipping = None, True
            continue
        current, skipping = key, False
        if question:
            words[key] = question
    return result


def format_category_translations(words: dict, categories: list[dict]) -> str:
    blocks = []
    for category in categories or []:
        key = category["key"]
        lines = [f"{key}: {words.get(key, '')}".rstrip()]
        for option in category.get("options", []):
            label = words.get(f"{key}.{option['value']}")
            if label:
                lines.append(f"{option['value']} = {label}")
        if len(lines) > 1 or words.get(key):
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def parse_dates(text: str | None) -> Parsed:
    result = Parsed([])
    seen: dict[str, int] = {}
    for number, line in _lines(text):
        try:
            day = date.fromisoformat(line)
        except ValueError:
            result.error(number, f"“{line}” is not a date. Write one date per line as YYYY-MM-DD, "
                                 "for example 2026-03-07.")
            continue
        iso = day.isoformat()
        if iso in seen:
            result.error(number, f"{iso} is already on line {seen[iso]}. List each session date once.")
            continue
        seen[iso] = number
        result.value.append(iso)
    result.value.sort()
    return result


def parse_lines(text: str | None, *, max_length: int = 300) -> Parsed:
    result = Parsed([])
    for number, line in _lines(text):
        if len(line) > max_length:
            result.error(number, f"this line is too long; keep it under {max_length} characters.")
        else:
            result.value.append(line)
    return result


DEFAULT_CATEGORIES = [
    {"key": "age", "question": "How old are you?", "options": [
        {"value": "16-29", "label": "16 to 29"},
        {"value": "30-44", "label": "30 to 44"},
        {"value": "45-64", "label": "45 to 64"},
        {"value": "65+", "label": "65 or older"},
    ]},
    {"key": "gender", "question": "What is your gender?", "options": [
        {"value": "woman", "label": "Woman"},
        {"value": "man", "label": "Man"},
        {"value": "other", "label": "I describe myself in another way"},
    ]},
]

DEFAULT_PRIVACY_NOTICE = (
    "{organisation} uses your answers only to run this citizens' panel: to draw its members by lot "
    "and to contact you about it. We do not share them with anyone else. The draw uses a code "
    "instead of your name. You can change your answers or withdraw at any time with the link we "
    "send you."
)
