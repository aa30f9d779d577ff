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
from functools import lru_cache
from typing import NamedTuple

from diglot.model.align import LENGTH_RATIO, dice, length_cost
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
# A bead's confidence is its cost against this one's: a 1-1 of exactly fitting lengths that shares nothing.
_REFERENCE = -math.log(BEAD_PRIORS[1, 1])
# Variance of the length difference per character: Gale & Church fitted 6.8; 5 scored best on
# Text+Berg (bench/sentence_alignment.py, a grid of 4 to 10).
VARIANCE = 5.0
# Worth of shared evidence (Dice of the two sides' evidence sets), in -log probability units:
# within a segment lengths say little, shared words much (12 of 4 to 14 scored best on Text+Berg).
EVIDENCE_WEIGHT = 12.0
# Letters of a word kept as its cognate key, and the shortest word that has one.
COGNATE_KEY = 4
COGNATE_MIN = 5
# The words of COGNATE_MIN letters or more (a shorter run of letters has no such stretch in it).
_LONG_WORD = re.compile(r"[^\W\d_]{%d,}" % COGNATE_MIN)


class Bead(NamedTuple):
    """Sentences of each side that translate each other, and how sure the aligner is of it (0..1).
    (A named tuple: a build makes tens of thousands, and a frozen dataclass took three times as long
    to make, and pickled half as large again.)"""

    left: tuple[int, ...]
    right: tuple[int, ...]
    confidence: float


@lru_cache(maxsize=16384)
def evidence(sentence: str) -> frozenset[str]:
    """Return what of a sentence survives translation: its numbers and the keys of its long words."""
    return frozenset(map(cognate_key, _LONG_WORD.findall(sentence))).union(extract_numbers(sentence))


@lru_cache(maxsize=65536)
def cognate_key(word: str) -> str:
    """Return the key a word shares with its cognates (memoized: news repeats its words, and folding
    accents was most of the cost of a build's sentence alignment)."""
    return fold_accents(word)[:COGNATE_KEY]


def bead_cost(left: Sequence[str], right: Sequence[str], ratio: float) -> float:
    """Return a bead's cost: -log prior, plus the length cost, less the shared-evidence bonus."""
    prior = -math.log(BEAD_PRIORS.get((len(left), len(right)), min(BEAD_PRIORS.values())))
    if not (left and right):
        return prior
    mine, yours = frozenset().union(*map(evidence, left)), frozenset().union(*map(evidence, right))
    chars_left, chars_right = sum(map(len, left)), sum(map(len, right))
    return prior + length_cost(chars_left, chars_right, ratio, VARIANCE) - EVIDENCE_WEIGHT * dice(mine, yours)


def bead_confidence(left: Sequence[str], right: Sequence[str], ratio: float) -> float:
    """Return 0..1: a bead's cost against a 1-1 of exactly fitting lengths that shares nothing."""
    return min(1.0, math.exp(_REFERENCE - bead_cost(left, right, ratio)))


def segment_ratio(left: Sequence[str], right: Sequence[str]) -> float:
    """The segment's own length ratio: its sides translate each other as a whole."""
    chars_left, chars_right = sum(map(len, left)), sum(map(len, right))
    return chars_right / chars_left if chars_left and chars_right else 1.0


def align_sentences(left: Sequence[str], right: Sequence[str], ratio: float | None = None,
                    first: tuple[int, int] = (0, 0)) -> list[Bead]:
    """Align two sentence lists; every sentence lands in exactly one bead, in order. first: the
    numbers of left[0] and right[0] (beads number sentences from there)."""
    ratio = ratio or segment_ratio(left, right)
    n, m = len(left), len(right)
    back, own = _best_chains(_runs(left), _runs(right), n, m, ratio)
    beads = []
    i, j, width = n, m, m + 1
    while i or j:
        a, b = back[i * width + j]
        beads.append(Bead(tuple(range(first[0] + i - a, first[0] + i)), tuple(range(first[1] + j - b, first[1] + j)),
                          min(1.0, math.exp(_REFERENCE - own[i * width + j]))))
        i, j = i - a, j - b
    beads.reverse()
    return beads


def _best_chains(ours: list, theirs: list, n: int, m: int,
                 ratio: float) -> tuple[list[tuple[int, int]], list[float]]:
    """The DP: for each cell (i, j), flattened to i × (m + 1) + j, the last bead of the cheapest chain
    explaining the first i and j sentences, and that bead's own cost. A bead costs what bead_cost
    says, the same sums in the same order (length_cost written out), from each side's runs worked
    out once (ours, theirs: _runs): building them at every cell, and calls and lists of lists,
    were most of its time."""
    inf, width, log, erfc, sqrt, nextafter = math.inf, m + 1, math.log, math.erfc, math.sqrt, math.nextafter
    weight, spread, root_2 = EVIDENCE_WEIGHT, VARIANCE, _SQRT_2  # names local to the loop: faster
    left_alone, right_alone = _LONELY
    size = (n + 1) * width
    costs, back, own = [inf] * size, [(0, 0)] * size, [0.0] * size
    costs[0] = 0.0
    for cell, i, j, paired in _cells(n, m):
        # A sentence left alone first: its cost is its prior, and the cheaper of the two bounds the
        # paired beads below, most of which then need no evidence read.
        alone = inf
        if i:
            alone, alone_step, alone_cost = costs[cell - width] + left_alone, _LEFT_ALONE, left_alone
        if j and costs[cell - 1] + right_alone < alone:
            alone, alone_step, alone_cost = costs[cell - 1] + right_alone, _RIGHT_ALONE, right_alone
        # Of equal costs the first bead in BEAD_PRIORS' order wins: the 1-1 (tried first) wins a
        # tie with the lone sentence, as the search starts just above its cost; the others lose it.
        best, step, chosen_cost = nextafter(alone, inf), alone_step, alone_cost
        for a, b, offset, prior, bead in paired:
            base = costs[cell - offset]
            if base + (prior - weight) >= best:
                continue  # even sharing everything, with no length cost, it cannot win
            mine, chars_left = ours[i][a - 1]
            yours, chars_right = theirs[j][b - 1]
            shared = 2.0 * len(mine & yours) / (len(mine) + len(yours)) if mine and yours else 0.0
            if base + (prior - weight * shared) >= best:
                continue  # the length cost is never negative: this bead cannot win
            mean = (chars_left + chars_right / ratio) / 2.0
            if mean == 0:
                length = 0.0
            else:  # length_cost, inline
                z = abs((ratio * chars_left - chars_right) / sqrt(mean * spread)) / root_2
                length = -(log(erfc(z)) if z < 25.0 else -z * z - log(z * sqrt(math.pi)))
            bead_cost = prior + length - weight * shared
            if base + bead_cost < best:
                best, step, chosen_cost = base + bead_cost, bead, bead_cost
        if best >= alone and step != _ONE_ONE:
            best, step, chosen_cost = alone, alone_step, alone_cost
        costs[cell], back[cell], own[cell] = best, step, chosen_cost
    return back, own


_WIDEST = max(max(a, b) for a, b, _ in _BEAD_COSTS)
_SQRT_2 = math.sqrt(2.0)  # for the length cost written out in _best_chains
# The priors of a sentence of the left side alone (1-0) and of the right side alone (0-1), the
# only one-sided beads (the DP tries them apart from the others); the beads as the DP names them.
assert {bead for bead in BEAD_PRIORS if not all(bead)} == {(1, 0), (0, 1)}
_LONELY = (-math.log(BEAD_PRIORS[1, 0]), -math.log(BEAD_PRIORS[0, 1]))
_LEFT_ALONE, _RIGHT_ALONE, _ONE_ONE = (1, 0), (0, 1), (1, 1)


@lru_cache(maxsize=256)
def _cells(n: int, m: int) -> tuple[tuple[int, int, int, tuple], ...]:
    """The DP's cells after (0, 0) in order, each (flat index, i, j, the beads pairing sentences of both
    sides that fit there as (a, b, cell offset, prior, bead)): made once per segment shape (most
    are 2×2 to 4×4), so the DP tests no bead's fit and computes no index."""
    width = m + 1
    beads = [(a, b, a * width + b, prior, (a, b)) for a, b, prior in _BEAD_COSTS if a and b]
    return tuple((i * width + j, i, j, tuple(bead for bead in beads if bead[0] <= i and bead[1] <= j))
                 for i in range(n + 1) for j in range(m + 1) if i or j)


def _runs(sentences: Sequence[str]) -> list[list[tuple[frozenset[str], int]]]:
    """Gather the evidence and characters of every run of up to _WIDEST sentences: [stop][length - 1] is
    the run of that length ending before sentence stop (a list the DP indexes, not a dict it hashes
    a tuple key into at every bead). Each run extends one ending a sentence earlier."""
    runs: list[list[tuple[frozenset[str], int]]] = [[]]
    ending: list[tuple[frozenset[str], int]] = []
    for sentence in sentences:
        keys, chars = evidence(sentence), len(sentence)
        longer = [(keys, chars)]
        for more, length in ending[:_WIDEST - 1]:  # a loop, not a comprehension: a call less a sentence
            longer.append((keys | more, chars + length))
        runs.append(longer)
        ending = longer
    return runs


# A segment whose least sure bead is below this reads paragraph by paragraph: its sentences share
# one ID on both sides. (0.02 is a 1-1 whose lengths stray 2.3 deviations with nothing shared;
# an untranslated sentence, 0.011, always passes by its own rule below.)
CONFIDENCE_FLOOR = 0.02


def is_confident(beads: Sequence[Bead]) -> bool:
    """Tell whether a segment's sentence alignment is sure enough to show sentence by sentence:
    every bead that pairs sentences is at least CONFIDENCE_FLOOR, and most sentences are paired."""
    lowest, lonely, total = math.inf, 0, 0
    for left, right, confidence in beads:
        total += len(left) + len(right)
        if left and right:
            lowest = min(lowest, confidence)
        else:
            lonely += len(left) + len(right)
    return lowest >= CONFIDENCE_FLOOR and lowest != math.inf and lonely * 3 <= total


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
        first = (starts_left[lefts[0]] if lefts else 0, starts_right[rights[0]] if rights else 0)
        aligned.append(align_sentences(ours, theirs, segment_ratio_near(ours, theirs), first) if ours and theirs else [
            Bead(tuple(range(first[0], first[0] + len(ours))), tuple(range(first[1], first[1] + len(theirs))), 1.0)])
    return aligned


# French runs about LENGTH_RATIO (1.2) times the characters of its English; a segment's own ratio
# is trusted within this factor of it: beyond, an added or dropped sentence is skewing it.
RATIO_SLACK = 1.25


def segment_ratio_near(left: Sequence[str], right: Sequence[str]) -> float:
    """The segment's own length ratio, held within RATIO_SLACK of English–French's usual ratio."""
    return min(max(segment_ratio(left, right), LENGTH_RATIO / RATIO_SLACK), LENGTH_RATIO * RATIO_SLACK)


def _starts(paragraphs: Sequence[Sequence[str]]) -> list[int]:
    """The article-wide number of each paragraph's first sentence."""
    starts, total = [], 0
    for sentences in paragraphs:
        starts.append(total)
        total += len(sentences)
    return starts
