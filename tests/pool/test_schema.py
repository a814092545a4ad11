"""The organiser's plain-text formats: categories, translations, dates, with line-numbered errors."""

from __future__ import annotations

from panels.pool import schema

GOOD = """age: How old are you?
16-29 = 16 to 29 = 21
30-64 = 30 to 64 = 57.5
65+ = 65 or older = 21,5 %

# a comment
tenure: Do you own or rent your home?
owner = I own it
renter = I rent it
"""


def test_categories_parse():
    parsed = schema.parse_categories(GOOD)
    assert parsed.errors == []
    assert parsed.value == [
        {"key": "age", "question": "How old are you?", "options": [
            {"value": "16-29", "label": "16 to 29", "share": 0.21},
            {"value": "30-64", "label": "30 to 64", "share": 0.575},
            {"value": "65+", "label": "65 or older", "share": 0.215}]},
        {"key": "tenure", "question": "Do you own or rent your home?", "options": [
            {"value": "owner", "label": "I own it"}, {"value": "renter", "label": "I rent it"}]},
    ]
    assert schema.parse_categories(schema.format_categories(parsed.value)).value == parsed.value


def test_category_errors_name_the_line_and_the_fix():
    text = """16-29 = 16 to 29
Age Band: How old?
age: How old are you?
16 29 = 16 to 29
16-29 =
16-29 = 16 to 29 = abc
16-29 = 16 to 29 = 50
16-29 = again
30+ = 30 or older = 30
a = b = c = d
just some words
gender:
tenure: Own or rent?
owner = Own
"""
    errors = schema.parse_categories(text).errors
    assert errors == [
        "Line 1: this answer comes before any category. Put a line like “age: How old are you?” above it.",
        "Line 2: the key “Age Band” can only use small letters a-z, digits and _ (starting with a letter), "
        "for example “age_band”.",
        "Line 3: the census shares of “age” add up to 80 %; they should add up to 100 %.",
        "Line 4: the value “16 29” can only use letters, digits and . _ + - (no spaces), for example "
        "“16-29” or “owner”.",
        "Line 5: give the answer “16-29” a label, as residents will read it: “16-29 = ...”.",
        "Line 6: the census share “abc” is not a percentage between 0 and 100, for example 21 or 21.5.",
        "Line 8: the value “16-29” is already an answer of “age”. Use each value once per category.",
        "Line 10: write an answer as “value = label = census share”, with at most two “=” signs, for "
        "example “16-29 = 16 to 29 = 21”.",
        "Line 11: start a category with its key and question, like “age: How old are you?”, or write an "
        "answer as “value = label”.",
        "Line 12: write the question for “gender” after the colon, like “gender: How old are you?”.",
        "Line 13: the category “tenure” needs at least two answers, one per line below it, like "
        "“16-29 = 16 to 29”.",
    ]


def test_duplicate_keys_and_partial_shares():
    text = "age: A?\na = A = 50\nb = B\n\nage: Again?\nx = X\ny = Y\n"
    assert schema.parse_categories(text).errors == [
        "Line 1: give a census share for every answer of “age”, or for none.",
        "Line 5: the category “age” is already defined on line 1. Use each key once.",
    ]


def test_translations_parse_and_check_against_the_categories():
    categories = schema.parse_categories(GOOD).value
    text = "age: ¿Qué edad tiene?\n16-29 = De 16 a 29\n99 = Nada\n\ncolour: ¿Color?\n"
    parsed = schema.parse_category_translations(text, categories)
    assert parsed.value == {"age": "¿Qué edad tiene?", "age.16-29": "De 16 a 29"}
    assert parsed.errors == [
        "Line 3: “99” is not an answer of “age”. The answers are: 16-29, 30-64, 65+.",
        "Line 5: “colour” is not a category key. Start each block with a key from the categories "
        "(age, tenure) and the translated question, like “age: ¿Qué edad tiene?”.",
    ]
    words = {"age": "¿Edad?", "age.16-29": "16 a 29"}
    assert schema.parse_category_translations(
        schema.format_category_translations(words, categories), categories).value == words


def test_dates():
    parsed = schema.parse_dates("2026-03-21\n2026-03-07\n\n7 March\n2026-03-07\n")
    assert parsed.value == ["2026-03-07", "2026-03-21"]
    assert parsed.errors == [
        "Line 4: “7 March” is not a date. Write one date per line as YYYY-MM-DD, for example 2026-03-07.",
        "Line 5: 2026-03-07 is already on line 2. List each session date once.",
    ]
