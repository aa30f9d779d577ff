"""Align the sentences of a segment with those of its translation.

The same family of dynamic programme as the paragraph aligner (align.py), one level down: the
cheapest chain of beads (1-1, 2-1, 1-2, 1-0, 0-1, 2-2, 3-1, 1-3) that explains both sides. A bead
costs its prior, how far its lengths stray from the segment's own length ratio (Gale & Church),
less a bonus for the evidence both sides share: numbers, names and cognates (words that keep their
first letters across English, French and German: `ministre`/`minister`, `Gletscher`/`glacier` do
not, `Präsident`/`président` do). Each bead gets a confidence, so a segment whose sentences do not
line up well can fall back to being read paragraph by paragraph.
"""
from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from diglot.model.align import log_tail
from diglot.seeds.features import extract_numbers, fold_accents

# Priors of the beads inside a segment. Gale & Church's, with 1-0/0-1 a little likelier: inside a
# paragraph a translator drops or adds a clause-sentence more often than across a whole text.
BEAD_PRIORS = {
    (1, 1): 0.89,
    (1, 0): 0.0099,
    (0, 1): 0.0099,
    (2, 1): 0.04,
    (1, 2): 0.04,
    (2, 2): 0.0011,
    (3, 1): 0.004,
    (1, 3): 0.004,
}
_BEAD_COSTS = tuple((a, b, -math.log(p)) for (a, b), p in BEAD_PRIORS.items())
# Variance of the length difference per character: Gale & Church fitted 6.8; 5 scored best on
# Text+Berg (bench/sentence_alignment.py, a grid of 4 to 10).
VARIANCE = 5.0
# Worth of shared evidence (Dice of the two sides' evidence sets), in -log probability units:
# within a segment lengths say little, shared words much (12 of 4 to 14 scored best on Text+Berg).
EVIDENCE_WEIGHT = 12.0
# Letters of a word kept as its cognate key, and the shortest word that has one.
COGNATE_KEY = 4
COGNATE_MIN = 5
_WORD = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class Bead:
    """Sentences of each side that translate each other, and how sure the aligner is of it (0..1)."""

    left: tuple[int, ...]
    right: tuple[int, ...]
    confidence: float


@lru_cache(maxsize=16384)
def evidence(sentence: str) -> frozenset[str]:
    """Return what of a sentence survives translation: its numbers and the keys of its long words."""
    keys = {fold_accents(word)[:COGNATE_KEY] for word in _WORD.findall(sentence) if len(word) >= COGNATE_MIN}
    return frozenset(keys).union(extract_numbers(sentence))


def length_cost(left_chars: int, right_chars: int, ratio: float) -> float:
    """Return -log P(lengths) of a bead whose right side should be ratio × its left."""
    mean = (left_chars + right_chars / ratio) / 2.0
    if mean == 0:
        return 0.0
    return -log_tail((ratio * left_chars - right_chars) / math.sqrt(mean * VARIANCE))


def bead_cost(left: Sequence[str], right: Sequence[str], ratio: float) -> float:
    """Return a bead's cost: -log prior, plus the length cost, less the shared-evidence bonus."""
    prior = -math.log(BEAD_PRIORS.get((len(left), len(right)), min(BEAD_PRIORS.values())))
    if not (left and right):
        return prior
    ours = frozenset().union(*map(evidence, left))
    theirs = frozenset().union(*map(evidence, right))
    shared = 2.0 * len(ours & theirs) / (len(ours) + len(theirs)) if ours and theirs else 0.0
    chars = sum(map(len, left)), sum(map(len, right))
    return prior + length_cost(*chars, ratio) - EVIDENCE_WEIGHT * shared


def bead_confidence(left: Sequence[str], right: Sequence[str], ratio: float) -> float:
    """Return 0..1: a bead's cost against a 1-1 of exactly fitting lengths that shares nothing."""
    reference = -math.log(BEAD_PRIORS[1, 1])
    return min(1.0, math.exp(reference - bead_cost(left, right, ratio)))


def segment_ratio(left: Sequence[str], right: Sequence[str]) -> float:
    """The segment's own length ratio: its sides translate each other as a whole."""
    chars_left, chars_right = sum(map(len, left)), sum(map(len, right))
    return chars_right / chars_left if chars_left and chars_right else 1.0


def align_sentences(left: Sequence[str], right: Sequence[str], ratio: float | None = None) -> list[Bead]:
    """Align two sentence lists; every sentence lands in exactly one bead, in order."""
    ratio = ratio or segment_ratio(left, right)
    n, m = len(left), len(right)
    costs = [[math.inf] * (m + 1) for _ in range(n + 1)]
    back = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    costs[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            for a, b, _ in _BEAD_COSTS:
                if (a or b) and a <= i and b <= j and costs[i - a][j - b] < math.inf:
                    cost = costs[i - a][j - b] + bead_cost(left[i - a:i], right[j - b:j], ratio)
                    if cost < costs[i][j]:
                        costs[i][j], back[i][j] = cost, (a, b)
    steps = []
    i, j = n, m
    while i or j:
        a, b = back[i][j]
        steps.append((i - a, i, j - b, j))
        i, j = i - a, j - b
    return [Bead(tuple(range(i0, i1)), tuple(range(j0, j1)),
                 bead_confidence(left[i0:i1], right[j0:j1], ratio)) for i0, i1, j0, j1 in reversed(steps)]


# A segment whose least sure bead is below this reads paragraph by paragraph: its sentences share
# one ID on both sides. (0.02 is a 1-1 whose lengths stray 2.3 deviations with nothing shared;
# an untranslated sentence, 0.011, always passes by its own rule below.)
CONFIDENCE_FLOOR = 0.02


def is_confident(beads: Sequence[Bead]) -> bool:
    """Tell whether a segment's sentence alignment is sure enough to show sentence by sentence:
    every bead that pairs sentences is at least CONFIDENCE_FLOOR, and most sentences are paired."""
    paired = [bead for bead in beads if bead.left and bead.right]
    if not paired:
        return False
    lonely = sum(len(bead.left) + len(bead.right) for bead in beads if not (bead.left and bead.right))
    total = sum(len(bead.left) + len(bead.right) for bead in beads)
    return min(bead.confidence for bead in paired) >= CONFIDENCE_FLOOR and lonely * 3 <= total


def align_segments(left: Sequence[Sequence[str]], right: Sequence[Sequence[str]],
                   segments: Sequence[tuple[tuple[int, ...], tuple[int, ...]]]) -> list[list[Bead]]:
    """Align the sentences inside each segment (its paragraphs' sentences in order, across
    paragraph breaks). left[i] is paragraph i's sentences; beads number sentences over the whole
    article, from 0 on each side."""
    starts_left, starts_right = _starts(left), _starts(right)
    aligned = []
    for lefts, rights in segments:
        ours = [s for i in lefts for s in left[i]]
        theirs = [s for j in rights for s in right[j]]
        first_left = starts_left[lefts[0]] if lefts else 0
        first_right = starts_right[rights[0]] if rights else 0
        beads = align_sentences(ours, theirs, segment_ratio_near(ours, theirs)) if ours and theirs else [
            Bead(tuple(range(len(ours))), tuple(range(len(theirs))), 1.0)]
        aligned.append([Bead(tuple(first_left + i for i in bead.left), tuple(first_right + j for j in bead.right),
                             bead.confidence) for bead in beads])
    return aligned


# French runs about 1.2 times the characters of its English (align.py's LENGTH_RATIO); a segment's
# own ratio is trusted within this factor of it: beyond, an added or dropped sentence is skewing it.
EN_FR_RATIO = 1.2
RATIO_SLACK = 1.25


def segment_ratio_near(left: Sequence[str], right: Sequence[str]) -> float:
    """The segment's own length ratio, held within RATIO_SLACK of English–French's usual ratio."""
    return min(max(segment_ratio(left, right), EN_FR_RATIO / RATIO_SLACK), EN_FR_RATIO * RATIO_SLACK)


def _starts(paragraphs: Sequence[Sequence[str]]) -> list[int]:
    """The article-wide number of each paragraph's first sentence."""
    starts, total = [], 0
    for sentences in paragraphs:
        starts.append(total)
        total += len(sentences)
    return starts
