"""Align the paragraphs of an article with those of its translation.

A length-based dynamic programme in the family of Gale & Church (1993): a
translation's paragraph is about `ratio` times as long as its original, so the
cheapest chain of beads (1-1, 2-1, 1-0, …) that explains both lengths is the
alignment. Shared numbers and names (features.py) lower a bead's cost, which
settles the cases length alone cannot.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from diglot.seeds.features import extract_features

Segment = tuple[tuple[int, ...], tuple[int, ...]]

# French runs about 1.2× the characters of its English original (measured on
# the seed pair and on Global Times articles while planning).
LENGTH_RATIO = 1.2
# Variance of the length difference per character. Gale & Church fitted 6.8 on
# sentences; paragraphs of loose translation drift more. 12 scored best on the
# merge/split test when French lengths are also jittered by ±10 %.
VARIANCE = 12.0
# How much a bead's share of common numbers and names is worth, in the same
# units as the -log probabilities of the length model.
FEATURE_WEIGHT = 5.0
# Prior probability of each bead (left count, right count). Gale & Church's
# sentence priors, with rare 3-1/1-3 beads added for merged paragraphs.
BEAD_PRIORS = {
    (1, 1): 0.89,
    (1, 0): 0.01,
    (0, 1): 0.01,
    (2, 1): 0.0445,
    (1, 2): 0.0445,
    (2, 2): 0.011,
    (3, 1): 0.003,
    (1, 3): 0.003,
}
# (left count, right count, -log prior), in the priors' order, which settles ties.
_BEAD_COSTS = tuple((a, b, -math.log(p)) for (a, b), p in BEAD_PRIORS.items())
# How far (in paragraphs) the path may first stray from the diagonal; the band
# doubles while the best path runs along its edge. Keeps long articles fast.
BAND_START = 4
_SQRT_2 = math.sqrt(2.0)


def log_tail(delta: float) -> float:
    """Return log P(|Z| ≥ |delta|) for a standard normal Z, without underflow."""
    z = abs(delta) / _SQRT_2
    if z < 25.0:
        return math.log(math.erfc(z))
    # Asymptotic erfc(z) ≈ exp(-z²) / (z √π), where erfc itself underflows.
    return -z * z - math.log(z * math.sqrt(math.pi))


def length_cost(left_chars: int, right_chars: int, ratio: float, variance: float = VARIANCE) -> float:
    """Return -log P(lengths) of a bead: how badly right ≈ ratio × left fails (variance: of the
    length difference per character; sentences have their own, sentalign.VARIANCE)."""
    mean = (left_chars + right_chars / ratio) / 2.0
    if mean == 0:
        return 0.0
    delta = (ratio * left_chars - right_chars) / math.sqrt(mean * variance)
    return -log_tail(delta)


def dice(ours: frozenset[str], theirs: frozenset[str]) -> float:
    """Return the Dice overlap of two feature sets (0 when either is empty)."""
    if not ours or not theirs:
        return 0.0
    return 2.0 * len(ours & theirs) / (len(ours) + len(theirs))


def run_unions(features: Sequence[frozenset[str]], longest: int) -> list[list[frozenset[str]]]:
    """Return unions[k][i]: the features of the k paragraphs ending before index i."""
    unions = [[frozenset()] * (len(features) + 1) for _ in range(longest + 1)]
    for k in range(1, longest + 1):
        for i in range(k, len(features) + 1):
            unions[k][i] = unions[k - 1][i - 1] | features[i - 1] if k > 1 else features[i - 1]
    return unions


def prefix_sums(paragraphs: Sequence[str]) -> list[int]:
    """Return running character totals, so any run's length is one subtraction."""
    sums = [0]
    for paragraph in paragraphs:
        sums.append(sums[-1] + len(paragraph))
    return sums


class _Sides:
    """What the DP needs of both sides, precomputed once: lengths and features of runs."""

    def __init__(self, left: Sequence[str], right: Sequence[str], ratio: float):
        self.ratio = ratio
        self.left_sums = prefix_sums(left)
        self.right_sums = prefix_sums(right)
        longest = max(max(bead) for bead in BEAD_PRIORS)
        self.left_unions = run_unions([paragraph_features(p) for p in left], longest)
        self.right_unions = run_unions([paragraph_features(p) for p in right], longest)


@lru_cache(maxsize=4096)
def paragraph_features(paragraph: str) -> frozenset[str]:
    """Return a paragraph's features, cached: the dev server realigns unchanged text."""
    return extract_features(paragraph)


def band_columns(i: int, n: int, m: int, width: int) -> range:
    """Return the right-side indexes worth a look in row i: a band around the diagonal."""
    if n == 0:
        return range(m + 1)
    centre = i * m / n
    return range(max(0, math.floor(centre - width)), min(m, math.ceil(centre + width)) + 1)


def touches_band_edge(segments: Sequence[Segment], n: int, m: int, width: int) -> bool:
    """Tell whether the path ran along the band's edge, so a wider band might do better."""
    i = j = 0
    for left, right in segments:
        i, j = i + len(left), j + len(right)
        columns = band_columns(i, n, m, width)
        if (j == columns.start and j > 0) or (j == columns.stop - 1 and j < m):
            return True
    return False


def fill_table(sides: _Sides, n: int, m: int, width: int) -> list[list[tuple[int, int]]]:
    """Return, for every cell of the band, the bead by which the cheapest path reaches it."""
    costs = [[math.inf] * (m + 1) for _ in range(n + 1)]
    beads = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    costs[0][0] = 0.0
    # The cells are many and the beads few: everything a step reads is a local name here.
    left_sums, right_sums, ratio = sides.left_sums, sides.right_sums, sides.ratio
    left_unions, right_unions = sides.left_unions, sides.right_unions
    for i in range(n + 1):
        for j in band_columns(i, n, m, width):
            if not (i or j):
                continue
            winner_cost, winner_bead = math.inf, (0, 0)
            for a, b, prior in _BEAD_COSTS:
                if a > i or b > j:
                    continue
                cost = costs[i - a][j - b] + prior
                if cost - FEATURE_WEIGHT >= winner_cost:
                    continue  # even a perfect length and feature match would lose
                if a and b:
                    # An untranslated paragraph (1-0, 0-1) costs its prior whatever its
                    # length: charging for length would push it into a neighbour's bead.
                    bonus = FEATURE_WEIGHT * dice(left_unions[a][i], right_unions[b][j])
                    if cost - bonus >= winner_cost:
                        continue  # the length cost is never negative, so this bead would lose
                    chars_left, chars_right = left_sums[i] - left_sums[i - a], right_sums[j] - right_sums[j - b]
                    cost += length_cost(chars_left, chars_right, ratio) - bonus
                if cost < winner_cost:
                    winner_cost, winner_bead = cost, (a, b)
            costs[i][j], beads[i][j] = winner_cost, winner_bead
    return beads


def trace_back(beads_table: list[list[tuple[int, int]]], n: int, m: int) -> list[Segment]:
    """Walk the winning beads back from (n, m) into segments in reading order."""
    beads: list[tuple[int, int]] = []
    i, j = n, m
    while i or j:
        a, b = beads_table[i][j]
        beads.append((a, b))
        i, j = i - a, j - b
    return segments_from_beads(reversed(beads))


def segments_from_beads(beads: Iterable[tuple[int, int]]) -> list[Segment]:
    """Number the paragraphs of consecutive beads (left count, right count) from 0 on each side."""
    segments: list[Segment] = []
    i = j = 0
    for a, b in beads:
        segments.append((tuple(range(i, i + a)), tuple(range(j, j + b))))
        i, j = i + a, j + b
    return segments


def align_paragraphs(
    left: Sequence[str], right: Sequence[str], ratio: float = LENGTH_RATIO
) -> list[Segment]:
    """Align two paragraph lists; every paragraph lands in exactly one segment, in order."""
    sides = _Sides(left, right, ratio)
    n, m = len(left), len(right)
    # Wider than the step m/n per row, so consecutive rows always connect.
    width = max(BAND_START, math.ceil(m / max(n, 1)) + 1)
    while True:
        segments = trace_back(fill_table(sides, n, m, width), n, m)
        if width > n + m or not touches_band_edge(segments, n, m, width):
            return segments
        width *= 2


def segment_confidence(left: Sequence[str], right: Sequence[str], ratio: float = LENGTH_RATIO) -> float:
    """Return 0..1: how sure the length-and-feature model is of one segment (its paragraphs on each side).

    It is the bead's cost in fill_table's terms (prior + length cost - feature bonus) measured
    against a 1-1 bead whose lengths fit the ratio exactly and that shares nothing, as the
    likelihood ratio exp(reference - cost), capped at 1. So 1 is a 1-1 at least that good;
    a 1-1 whose French runs one standard deviation off the ratio is 0.32, two off 0.05, unless
    shared numbers and names lift it back (a Dice of 0.5 multiplies by e^2.5 = 12); a 2-1 merge
    starts at 0.05 (its prior against a 1-1's) and needs shared features to reach 1; an
    untranslated paragraph (1-0, 0-1) is 0.01. Pure: the alignment itself is not changed."""
    a, b = len(left), len(right)
    # A hand-written override may use beads the aligner never tries (4-1): the rarest prior.
    prior = -math.log(BEAD_PRIORS.get((a, b), min(BEAD_PRIORS.values())))
    cost = prior
    if a and b:
        features = (frozenset().union(*map(paragraph_features, left)),
                    frozenset().union(*map(paragraph_features, right)))
        cost += length_cost(sum(map(len, left)), sum(map(len, right)), ratio) - FEATURE_WEIGHT * dice(*features)
    return min(1.0, math.exp(-math.log(BEAD_PRIORS[1, 1]) - cost))


def segment_confidences(left: Sequence[str], right: Sequence[str], segments: Sequence[Segment],
                        ratio: float = LENGTH_RATIO) -> list[float]:
    """Return segment_confidence of every segment of an alignment of left with right."""
    return [segment_confidence([left[i] for i in lefts], [right[j] for j in rights], ratio)
            for lefts, rights in segments]


_BEAD = re.compile(r"^(\d+)-(\d+)$")


def parse_alignment(spec: str, n_left: int, n_right: int, units: str = "paragraphs",
                    whole: str = "the article") -> list[Segment]:
    """Turn a front-matter override such as `"1-1 2-1 0-1"` into segments (of paragraphs, or of the
    sentences of one segment: units and whole name them in the error)."""
    beads = [_parse_bead(token) for token in spec.replace(",", " ").split()]
    used_left = sum(a for a, _ in beads)
    used_right = sum(b for _, b in beads)
    if (used_left, used_right) != (n_left, n_right):
        raise ValueError(
            f"{spec!r} covers {used_left} English and {used_right} French "
            f"{units}, but {whole} has {n_left} and {n_right}; "
            "make the left numbers add up to the first and the right numbers to the second"
        )
    return segments_from_beads(beads)


def _parse_bead(token: str) -> tuple[int, int]:
    """Read one `L-R` bead, refusing anything else with a message that shows the form."""
    match = _BEAD.match(token)
    if not match:
        raise ValueError(f"alignment bead {token!r} is not of the form L-R, e.g. 1-1 or 2-1")
    a, b = int(match.group(1)), int(match.group(2))
    if a == b == 0:
        raise ValueError("alignment bead '0-0' covers no paragraph; remove it")
    return a, b


def format_alignment(segments: Sequence[Segment]) -> str:
    """Write segments as the bead string that parse_alignment reads back."""
    return " ".join(f"{len(left)}-{len(right)}" for left, right in segments)
