"""Sentence splitting of English and French news text, measured on cases written for it
(tests/data/sentences/: abbreviations, initials, decimals, quotes and guillemets, ellipses)."""
from __future__ import annotations

from pathlib import Path

import pytest

from diglot.model.sentences import sentence_texts, split_sentences
from diglot.model.typography import typeset

CASES = Path(__file__).parent / "data" / "sentences"


def read_cases(lang: str) -> list[list[str]]:
    """Each case's sentences (one case a line, sentences separated by ' | ')."""
    lines = (CASES / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
    return [[s.strip() for s in line.split(" | ")] for line in lines if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_the_case_sets_are_large_enough_to_measure(lang):
    assert len(read_cases(lang)) >= 150


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("typeset_first", [False, True], ids=["as-written", "typeset"])
def test_splits_at_least_98_percent_of_the_cases_exactly(lang, typeset_first):
    """Typeset text is what the model splits: French has no-break spaces before ? ! : and inside « »."""
    cases = read_cases(lang)
    shape = (lambda s: typeset(s, lang)) if typeset_first else (lambda s: s)
    wrong = [case for case in cases
             if sentence_texts(shape(" ".join(case)), lang) != [shape(s) for s in case]]
    assert 1 - len(wrong) / len(cases) >= 0.98, wrong[:5]


@pytest.mark.parametrize("text, lang, expected", [
    ("Mr. Smith went to the U.S. Her plan failed.", "en", ["Mr. Smith went to the U.S.", "Her plan failed."]),
    ("Trading opened at 9 a.m. Tuesday and fell.", "en", ["Trading opened at 9 a.m. Tuesday and fell."]),
    ("Le vote est prévu le 15 janv. 2025. Il sera serré.", "fr", ["Le vote est prévu le 15 janv. 2025.", "Il sera serré."]),
    ("Il a dit : « C'est personnelle. » Puis il est parti.", "fr", ["Il a dit : « C'est personnelle. »", "Puis il est parti."]),
    ("MM. Martin et Durand, p. ex. en mai. Elle a hésité… Puis signé.", "fr",
     ["MM. Martin et Durand, p. ex. en mai.", "Elle a hésité…", "Puis signé."]),
])
def test_hard_cases(text, lang, expected):
    assert sentence_texts(text, lang) == expected


def test_spans_index_the_text_itself_so_markup_can_wrap_them():
    text = "Il a dit\u202f: «\u202fNon.\u202f» Puis  il est parti. "
    spans = split_sentences(text, "fr")
    assert [text[a:b] for a, b in spans] == ["Il a dit\u202f: «\u202fNon.\u202f»", "Puis  il est parti."]
