"""Paragraph alignment: the reader's switch and side-by-side view land on the right paragraph."""
from __future__ import annotations

import math
import random
import re
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from diglot.model.align import (BEAD_PRIORS, FEATURE_WEIGHT, LENGTH_RATIO, align_paragraphs, dice,
                          format_alignment, length_cost, parse_alignment, segments_from_beads)
from diglot.seeds.features import extract_features

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SENTENCE_BREAK = re.compile(r"(?<=[.!?\"»])\s+(?=[A-Z«\"])")


def read_body(name: str, head: int) -> list[str]:
    """Blank-line separated blocks of a seed, without its header lines and source line."""
    lines = (SEEDS / name).read_text(encoding="utf-8").splitlines()
    body = "\n".join(lines[head:-1])
    return [block.strip() for block in re.split(r"\n\s*\n", body) if block.strip()]


EN = read_body("000_93e1ece940e5cf34.txt", 6)
FR = read_body("003_8b9f4e886e0ac533.txt", 3)


def one_to_one(n: int) -> list:
    return [((k,), (k,)) for k in range(n)]


def split_in_two(text: str) -> list[str] | None:
    """Cut a paragraph at its middle sentence boundary, or None if it is one sentence."""
    sentences = SENTENCE_BREAK.split(text)
    if len(sentences) < 2:
        return None
    middle = len(sentences) // 2
    return [" ".join(sentences[:middle]), " ".join(sentences[middle:])]


EDITS = ["keep", "split_en", "split_fr", "merge_fr", "merge_en", "merge3_fr", "drop_en", "drop_fr"]
EDIT_WEIGHTS = [70, 6, 4, 6, 4, 2, 4, 4]


def edit_unit(rng, units: list[int], k: int) -> tuple[list[str], list[str], int]:
    """Apply one random edit at unit k; return the EN and FR pieces and units consumed."""
    en, fr = EN[units[k]], FR[units[k]]
    edit = rng.choices(EDITS, EDIT_WEIGHTS)[0]
    rest = len(units) - k - 1
    if edit == "split_en" and split_in_two(en):
        return split_in_two(en), [fr], 1
    if edit == "split_fr" and split_in_two(fr):
        return [en], split_in_two(fr), 1
    if edit == "merge_fr" and rest >= 1:
        return [en, EN[units[k + 1]]], [fr + " " + FR[units[k + 1]]], 2
    if edit == "merge_en" and rest >= 1:
        return [en + " " + EN[units[k + 1]]], [fr, FR[units[k + 1]]], 2
    if edit == "merge3_fr" and rest >= 2:
        nxt = units[k + 1:k + 3]
        return [en] + [EN[u] for u in nxt], [" ".join([fr] + [FR[u] for u in nxt])], 3
    if edit == "drop_en":
        return [], [fr], 1
    if edit == "drop_fr":
        return [en], [], 1
    return [en], [fr], 1


def make_case(rng, units_count: int):
    """A synthetic EN/FR article from the seed's paragraph pairs, with its true beads."""
    units = [rng.randrange(len(EN)) for _ in range(units_count)]
    left: list[str] = []
    right: list[str] = []
    beads = []
    k = 0
    while k < len(units):
        en, fr, used = edit_unit(rng, units, k)
        beads.append((tuple(range(len(left), len(left) + len(en))),
                      tuple(range(len(right), len(right) + len(fr)))))
        left += en
        right += fr
        k += used
    return left, right, beads


def bead_accuracy(cases) -> float:
    """Share of true beads the aligner returns exactly."""
    found = total = 0
    for left, right, truth in cases:
        got = set(align_paragraphs(left, right))
        found += sum(bead in got for bead in truth)
        total += len(truth)
    return found / total


def test_seed_pair_aligns_one_to_one():
    assert len(EN) == len(FR) == 8
    assert align_paragraphs(EN, FR) == one_to_one(8)


def test_recovers_merges_splits_and_drops():
    rng = random.Random(20240510)
    cases = [make_case(rng, rng.randint(4, 20)) for _ in range(300)]
    # Measured 0.955 with these settings; the floor leaves room for tuning.
    assert bead_accuracy(cases) >= 0.9


def test_dropped_paragraph_becomes_its_own_segment():
    left = EN[:3] + EN[4:]
    segments = align_paragraphs(left, FR)
    assert ((), (3,)) in segments
    assert segments.count(((), (3,))) == 1
    assert len([s for s in segments if len(s[0]) == len(s[1]) == 1]) == 7


def test_merged_translation_becomes_a_two_to_one_segment():
    right = FR[:2] + [FR[2] + " " + FR[3]] + FR[4:]
    assert ((2, 3), (2,)) in align_paragraphs(EN, right)


def test_ratio_is_a_parameter():
    # Same text both sides: a 1.0 ratio must still pair them 1-1.
    assert align_paragraphs(EN, EN, ratio=1.0) == one_to_one(8)


def test_long_article_aligns_in_a_few_milliseconds():
    rng = random.Random(7)
    cases = []
    while len(cases) < 10:
        left, right, _ = make_case(rng, 64)
        if len(left) >= 55 and len(right) >= 55:
            cases.append((left, right))
    align_paragraphs(*cases[0])  # warm the feature cache like a rebuild would
    start = time.process_time()
    for left, right in cases:
        align_paragraphs(left, right)
    per_article = (time.process_time() - start) / len(cases)
    assert per_article < 0.05  # ~4 ms measured; generous for loaded CI machines


def test_empty_sides():
    assert align_paragraphs([], []) == []
    assert align_paragraphs(["Only English."], []) == [((0,), ())]
    assert align_paragraphs([], ["Seulement.", "Deux."]) == [((), (0,)), ((), (1,))]


paragraphs = st.lists(st.text(alphabet="ab 1,.Zé\n", max_size=60), max_size=12)


@settings(max_examples=200, deadline=None)
@given(paragraphs, paragraphs)
def test_every_paragraph_lands_once_in_order(left, right):
    segments = align_paragraphs(left, right)
    assert [i for seg in segments for i in seg[0]] == list(range(len(left)))
    assert [j for seg in segments for j in seg[1]] == list(range(len(right)))
    assert all(seg[0] or seg[1] for seg in segments)


@settings(max_examples=100, deadline=None)
@given(paragraphs, paragraphs)
def test_format_then_parse_gives_back_the_segments(left, right):
    segments = align_paragraphs(left, right)
    assert parse_alignment(format_alignment(segments), len(left), len(right)) == segments


def test_parse_override_beads():
    assert parse_alignment("1-1 2-1 0-1", 3, 3) == [((0,), (0,)), ((1, 2), (1,)), ((), (2,))]
    assert format_alignment([((0,), (0,)), ((1, 2), (1,)), ((), (2,))]) == "1-1 2-1 0-1"


@pytest.mark.parametrize("spec, message", [
    ("1-1 1-1", "covers 2 English and 2 French paragraphs, but the article has 3 and 2"),
    ("1-1 x 1-1", "'x' is not of the form L-R"),
    ("1-1 0-0 2-1", "'0-0' covers no paragraph"),
])
def test_parse_override_explains_mistakes(spec, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_alignment(spec, 3, 2)


def exhaustive_alignment(left: list[str], right: list[str], ratio: float = LENGTH_RATIO) -> list:
    """Align by the textbook programme: every cell, every bead, no band and no pruning."""
    best = {(0, 0): (0.0, None)}
    for i in range(len(left) + 1):
        for j in range(len(right) + 1):
            if i or j:
                best[i, j] = cheapest_bead(best, left, right, i, j, ratio)
    beads, i, j = [], len(left), len(right)
    while i or j:
        a, b = best[i, j][1]
        beads.append((a, b))
        i, j = i - a, j - b
    return segments_from_beads(reversed(beads))


def cheapest_bead(best: dict, left: list[str], right: list[str], i: int, j: int, ratio: float) -> tuple:
    """(cost, bead) of the cheapest bead ending at (i, j); the first in prior order wins ties."""
    winner = (math.inf, None)
    for (a, b), prior in BEAD_PRIORS.items():
        if a > i or b > j:
            continue
        cost = best[i - a, j - b][0] + -math.log(prior)
        if a and b:
            ours = frozenset().union(*map(extract_features, left[i - a:i]))
            theirs = frozenset().union(*map(extract_features, right[j - b:j]))
            chars = sum(map(len, left[i - a:i])), sum(map(len, right[j - b:j]))
            cost += length_cost(*chars, ratio) - FEATURE_WEIGHT * dice(ours, theirs)
        if cost < winner[0]:
            winner = (cost, (a, b))
    return winner


WORDS = ["Beijing", "Paris", "Li", "the", "of", "said", "1", "73", "2024", "12.5", "report"]
small_sides = st.lists(st.lists(st.sampled_from(WORDS), max_size=25).map(" ".join), max_size=4)


@settings(max_examples=300, deadline=None)
@given(small_sides, small_sides, st.sampled_from([LENGTH_RATIO, 1.0, 0.5]))
def test_banded_pruned_programme_finds_what_the_exhaustive_one_finds(left, right, ratio):
    # Up to four paragraphs a side, the starting band already spans the whole table: the test
    # below takes long articles.
    assert align_paragraphs(left, right, ratio) == exhaustive_alignment(left, right, ratio)


def stray_case(rng, units_count: int) -> tuple[list[str], list[str]]:
    """A long synthetic pair whose path leaves the diagonal: a run of 6 to 12 paragraphs that one
    side lacks (an untranslated stretch), among the usual random edits."""
    left, right, _ = make_case(rng, units_count)
    start, length = rng.randrange(len(left) // 2), rng.randint(6, 12)
    if rng.random() < 0.5:
        return left[:start] + left[start + length:], right
    return left, right[:start] + right[start + length:]


def test_banded_programme_on_long_articles_finds_what_the_exhaustive_one_finds():
    from diglot.model.align import BAND_START, band_columns, touches_band_edge
    rng = random.Random(22)
    cases = [make_case(rng, rng.randint(20, 30))[:2] for _ in range(6)] + [stray_case(rng, 24) for _ in range(8)]
    widened = 0
    for left, right in cases:
        n, m = len(left), len(right)
        # The starting band leaves out cells of the table, so the band is what is tested here.
        assert any(len(band_columns(i, n, m, BAND_START)) < m + 1 for i in range(n + 1)), (n, m)
        exhaustive = exhaustive_alignment(left, right)
        widened += touches_band_edge(exhaustive, n, m, max(BAND_START, math.ceil(m / max(n, 1)) + 1))
        assert align_paragraphs(left, right) == exhaustive, (n, m)
    assert widened >= 3  # paths the starting band cannot hold: its widening is tested too
