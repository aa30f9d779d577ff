"""Pair English drafts with their French translations by what they talk about.

File names and numbering say nothing about which seed translates which, so
pairs come from content alone: the numbers and names two drafts share, whether
their lengths fit a translation, whether their dates agree, and whether their
paragraph breaks fall at the same places.

Two passes. The first looks up each English draft's rarest numbers and names
and weighs shared ones by rarity. Drafts it leaves alone get a second, pairwise
look among themselves that needs no rare word: a folder of articles from one
newspaper shares "China", "2024" and "ministry" throughout, so there the
paragraph shape (where the breaks fall) and the length carry the decision.
"""
from __future__ import annotations

import bisect
import heapq
import math
from collections import defaultdict
from dataclasses import dataclass
from itertools import accumulate
from typing import Any, Callable, Iterable, Mapping, Sequence

from diglot.seeds.candidates import needed_candidates
from diglot.seeds.features import extract_features

# A score below this is chance overlap (a shared year, "China", a place).
# Measured on tests/test_pairing.py's synthetic corpus (60 pairs + 40 one-sided
# decoys, 6 seeds, the real seed pair mixed in): decoys reached 0.35 with rarity
# weights alone, 0.28 since paragraph shape nudges the score; true pairs stay
# above 0.33 (the real pair 0.34-0.37, synthetic ones above 0.6).
PAIR_THRESHOLD = 0.3
# French runs about 1.2× the characters of its English original.
LENGTH_RATIO = 1.2
# Spread (natural log of the length ratio) a translation's length may drift.
LENGTH_SPREAD = 0.35
# Dates that disagree halve the score; dates that agree lift it a little.
DATE_MISMATCH_FACTOR = 0.5
DATE_MATCH_FACTOR = 1.2
# Candidate search looks up only a draft's rarest features (a shared "2024"
# or "chin" says little) and scores the best-hit candidates among them.
RARE_FEATURES = 12
MAX_CANDIDATES = 12
# Postings walked per draft before common features are left out of the search.
POSTINGS_BUDGET = 300
# Raising rarity to a power lets the unique numbers and names of a true pair
# outweigh the handful of mid-frequency ones two unrelated drafts share.
RARITY_POWER = 2.0
# Unshared mass added to every first-pass overlap: the weight of two features
# half the drafts have. It is nothing next to a rare feature (a unique one
# weighs log(N+1)², 47 among 1,000 drafts) but swamps overlaps made only of
# features every draft has, which rarity weights alone would still rate high.
COMMON_PRIOR = 2 * math.log(2.0) ** RARITY_POWER
# Paragraph breaks, as fractions of the body's characters, land within about
# ±0.02 of each other in a translation (measured on bench/corpus.py: 95 % of
# breaks within 0.015, the real seed pair within 0.005); the width of the bell.
SHAPE_TOLERANCE = 0.02
SHAPE_CUTOFF = 4 * SHAPE_TOLERANCE
# Agreement of two drafts without any break (one paragraph each): no evidence.
SHAPE_NEUTRAL = 0.5
# In the first pass shape only nudges (a merged or split paragraph must not
# sink a pair its rare names already prove): the factor runs SHAPE_FLOOR..1.
SHAPE_FLOOR = 0.5
# Second pass: among drafts the first pass left alone, each English one is
# compared with the French ones nearest a translation's length, at most this many.
FALLBACK_CANDIDATES = 64
# Second-pass scores count common names and numbers in full, so chance runs
# higher: every unrelated candidate of bench/corpus.py at N = 1,000 stays at
# or below 0.37; the real seed pair scores 0.61 among them.
FALLBACK_THRESHOLD = 0.45
# A second-pass pair must beat every other candidate of both its drafts by this
# factor, or both stay single: two drafts of one shape are a coin toss. On a
# corpus with no rare word at all (bench/corpus.py's sentences, no facts) it
# cut the wrong pairs from 2 to 1 for 789 → 784 right ones out of 921.
FALLBACK_MARGIN = 1.1

Draft = Any  # diglot.seeds.Draft, read by duck typing: language, seed, title, date, paragraphs
Weights = tuple[Mapping[str, float], Mapping[str, float]]  # (English, French) feature weights


@dataclass(frozen=True)
class Pair:
    """An English original and the French draft that translates it."""

    original: Draft
    translation: Draft
    score: float


@dataclass(frozen=True)
class Pairing:
    """The pairs found, the drafts left alone, and a line per decision for the build log."""

    pairs: tuple[Pair, ...]
    singles: tuple[Draft, ...]
    decisions: tuple[str, ...]


@dataclass(frozen=True)
class _Profile:
    """What scoring reads of a draft, computed once."""

    features: frozenset[str]
    chars: int
    day: Any
    breaks: tuple[float, ...]


@dataclass(frozen=True)
class _Match:
    """One candidate pair (English and French indexes), its score and the cues behind it."""

    score: float
    en: int
    fr: int
    overlap: float
    length: float
    date: float
    shape: float
    second_pass: bool


def paragraph_breaks(paragraphs: Sequence[str]) -> tuple[float, ...]:
    """Return where each paragraph break falls, as a fraction of the body's characters."""
    total = sum(map(len, paragraphs))
    if not total:
        return ()
    ends = accumulate(len(p) for p in paragraphs[:-1])
    return tuple(end / total for end in ends)


def profile_draft(draft: Draft) -> _Profile:
    """Return the features, body length, publication day and paragraph breaks of a draft."""
    text = "\n\n".join(([draft.title] if draft.title else []) + list(draft.paragraphs))
    day = draft.date.date() if draft.date is not None else None
    chars = sum(map(len, draft.paragraphs))
    return _Profile(extract_features(text), chars, day, paragraph_breaks(draft.paragraphs))


def length_factor(en_chars: int, fr_chars: int) -> float:
    """Return 0.5..1: how well the French length fits a translation of the English."""
    if not en_chars or not fr_chars:
        return 0.5
    drift = math.log(fr_chars / (LENGTH_RATIO * en_chars)) / LENGTH_SPREAD
    return 0.5 + 0.5 * math.exp(-drift * drift / 2.0)


def date_factor(en_day, fr_day) -> float:
    """Return the date cue: neutral when a date is missing, else agree or disagree."""
    if en_day is None or fr_day is None:
        return 1.0
    return DATE_MATCH_FACTOR if abs((en_day - fr_day).days) <= 1 else DATE_MISMATCH_FACTOR


def gaps_to(ours: Sequence[float], theirs: Sequence[float]) -> list[float]:
    """Return, for each of our breaks, the distance to the nearest of theirs (1 when they have none)."""
    gaps, j, count = [], 0, len(theirs)
    # Both are sorted, so one forward walk finds every neighbour.
    for point in ours:
        while j < count and theirs[j] < point:
            j += 1
        before = point - theirs[j - 1] if j else 1.0
        after = theirs[j] - point if j < count else 1.0
        gaps.append(before if before < after else after)
    return gaps


def shape_agreement(ours: Sequence[float], theirs: Sequence[float]) -> float:
    """Return 0..1: how closely two drafts' paragraph breaks fall at the same places.

    Breaks on both sides count, so a merged or split paragraph costs one
    break's share and a different paragraph count costs in proportion. Lengths
    are fractions of each body, so French running longer does not matter.
    """
    if not ours and not theirs:
        return SHAPE_NEUTRAL
    if len(ours) == len(theirs):
        # Same paragraph count: break i must meet break i, not just any break
        # (paragraphs of similar lengths in another order would meet some).
        gaps = [abs(a - b) for a, b in zip(ours, theirs)] * 2
    else:
        gaps = gaps_to(ours, theirs) + gaps_to(theirs, ours)
    # Beyond four tolerances a break is simply unmatched (its bell is < 0.0004).
    near = [gap for gap in gaps if gap < SHAPE_CUTOFF]
    matched = sum(math.exp(-0.5 * (gap / SHAPE_TOLERANCE) ** 2) for gap in near)
    return matched / len(gaps)


def weigh(profile: _Profile, weights: Mapping[str, float]) -> tuple[dict[str, float], float]:
    """Return a profile's feature → weight map and its total weight."""
    mass = {f: weights.get(f, 1.0) for f in profile.features}
    return mass, sum(mass.values())


def overlap(en: _Profile, fr: _Profile, en_mass, fr_mass, prior: float = 0.0) -> float:
    """Return the weighted Dice overlap of two drafts' numbers and names.

    `prior` is unshared mass added to the denominator: when every feature is
    common, rarity weights are all tiny yet their ratio would still look high.
    """
    (en_weights, en_total), (fr_weights, fr_total) = en_mass, fr_mass
    if not en_total + fr_total + prior:
        return 0.0
    shared = sum(en_weights[f] + fr_weights[f] for f in en.features & fr.features)
    return shared / (en_total + fr_total + prior)


def match(e: int, f: int, en: _Profile, fr: _Profile, shared: float, second_pass: bool) -> _Match:
    """Score a candidate pair: overlap × length fit × date cue × paragraph shape.

    In the first pass rare names carry the score and shape only nudges it; in
    the second, where the names are common ones, shape counts in full.
    """
    length = length_factor(en.chars, fr.chars)
    date = date_factor(en.day, fr.day)
    shape = shape_agreement(en.breaks, fr.breaks)
    shape_cue = shape if second_pass else SHAPE_FLOOR + (1.0 - SHAPE_FLOOR) * shape
    score = min(1.0, shared * length * date * shape_cue)
    return _Match(score, e, f, shared, length, date, shape, second_pass)


def score_pair(en: Draft, fr: Draft, weights: Weights | None = None) -> float:
    """Return the 0..1 likelihood that a French draft translates an English one.

    `weights` (English, French) map features to how telling they are;
    pair_drafts passes their rarity in the corpus. Without them every shared
    number or name counts the same.
    """
    en_weights, fr_weights = weights or ({}, {})
    en_profile, fr_profile = profile_draft(en), profile_draft(fr)
    en_mass, fr_mass = weigh(en_profile, en_weights), weigh(fr_profile, fr_weights)
    shared = overlap(en_profile, fr_profile, en_mass, fr_mass, COMMON_PRIOR if weights else 0.0)
    return match(0, 0, en_profile, fr_profile, shared, second_pass=False).score


def rarity_weights(profiles: Sequence[_Profile]) -> dict[str, float]:
    """Return feature → log((N+1)/df) over one language's drafts.

    A number or name most drafts mention ("China", "2024") weighs almost
    nothing; one that only a single draft has weighs the most.
    """
    counts: dict[str, int] = defaultdict(int)
    for profile in profiles:
        for feature in profile.features:
            counts[feature] += 1
    total = len(profiles) + 1
    return {f: math.log(total / df) ** RARITY_POWER for f, df in counts.items()}


def index_features(profiles: Sequence[_Profile]) -> dict[str, list[int]]:
    """Return feature → indexes of the profiles that have it (an inverted index)."""
    index: dict[str, list[int]] = defaultdict(list)
    for position, profile in enumerate(profiles):
        for feature in profile.features:
            index[feature].append(position)
    return index


def find_candidates(profile: _Profile, index: dict[str, list[int]]) -> list[int]:
    """Return the French indexes sharing the most of this draft's rarest features."""
    present = sorted((len(index[f]), f) for f in profile.features if f in index)
    hits: dict[int, int] = defaultdict(int)
    visited = 0
    for df, feature in present[:RARE_FEATURES]:
        if visited and visited + df > POSTINGS_BUDGET:
            break  # the rest are common features: costly to walk, little to tell
        visited += df
        for position in index[feature]:
            hits[position] += 1
    return heapq.nsmallest(MAX_CANDIDATES, hits, key=lambda position: (-hits[position], position))


def score_candidates(en_profiles: Sequence[_Profile], fr_profiles: Sequence[_Profile],
                     map_items: Callable = map, threshold: float = PAIR_THRESHOLD) -> list[_Match]:
    """First pass: score the candidates that share an English draft's rarest numbers and names
    (each English draft on its own, through map_items: the build passes one that uses every core);
    those a decision reads (needed_candidates)."""
    en_weights, fr_weights = rarity_weights(en_profiles), rarity_weights(fr_profiles)
    fr_masses = [weigh(p, fr_weights) for p in fr_profiles]
    index = index_features(fr_profiles)

    def candidates_of(e: int) -> list[_Match]:
        """The scored candidates of one English draft."""
        profile = en_profiles[e]
        en_mass = weigh(profile, en_weights)
        return [match(e, f, profile, fr_profiles[f], overlap(profile, fr_profiles[f], en_mass, fr_masses[f],
                                                            COMMON_PRIOR), second_pass=False)
                for f in find_candidates(profile, index)]

    return needed_candidates(candidates_of, range(len(en_profiles)), threshold, map_items)


def nearest_in_length(target: float, by_length: Sequence[tuple[float, int]], count: int) -> list[int]:
    """Return the indexes of the `count` entries whose log-length is nearest `target`."""
    at = bisect.bisect_left(by_length, (target, -1))
    window = by_length[max(0, at - count):at + count]
    nearest = heapq.nsmallest(count, window, key=lambda entry: (abs(entry[0] - target), entry[1]))
    return [f for _, f in nearest]


def score_leftovers(en_profiles, fr_profiles, en_left: Sequence[int], fr_left: Sequence[int],
                    map_items: Callable = map) -> list[_Match]:
    """Second pass: score each unpaired English draft against unpaired French ones of fitting length
    (each English draft on its own, through map_items, as in score_candidates); those a decision
    reads (needed_candidates).

    Every shared number or name counts the same here: the first pass already
    tried rarity, and these drafts have no rare feature in common.
    """
    by_length = sorted((math.log(fr_profiles[f].chars or 1), f) for f in fr_left)
    fr_masses = {f: weigh(fr_profiles[f], {}) for f in fr_left}

    def candidates_of(e: int) -> list[_Match]:
        """The scored fallback candidates of one unpaired English draft."""
        profile = en_profiles[e]
        en_mass = weigh(profile, {})
        target = math.log(LENGTH_RATIO * (profile.chars or 1))
        return [match(e, f, profile, fr_profiles[f], overlap(profile, fr_profiles[f], en_mass, fr_masses[f]),
                      second_pass=True)
                for f in nearest_in_length(target, by_length, FALLBACK_CANDIDATES)]

    return needed_candidates(candidates_of, en_left, FALLBACK_THRESHOLD, map_items)


def clear_winners(scored: Sequence[_Match]) -> list[_Match]:
    """Keep the matches that beat every other candidate of both their drafts by FALLBACK_MARGIN.

    Without a rare name to tell them apart, two French drafts of the same shape
    are a coin toss: leaving the English one single is better than guessing.
    """
    rivals: dict[tuple[str, int], list[float]] = defaultdict(list)
    for found in scored:
        rivals["en", found.en].append(found.score)
        rivals["fr", found.fr].append(found.score)
    runner_up = {side: heapq.nlargest(2, scores)[1:] for side, scores in rivals.items()}
    best = {side: max(scores) for side, scores in rivals.items()}
    def clear(found: _Match, side: tuple[str, int]) -> bool:
        """Tell whether a match is its draft's best, ahead of the runner-up by the margin."""
        rival = max(runner_up[side], default=0.0)
        return found.score == best[side] and found.score >= FALLBACK_MARGIN * rival

    return [found for found in scored if clear(found, ("en", found.en)) and clear(found, ("fr", found.fr))]


def by_score(english, french):
    """Return a sort key: best score first, ties broken by seed names so order never matters."""
    return lambda m: (-m.score, english[m.en].seed, french[m.fr].seed)


def choose_pairs(scored: Iterable[_Match], english, french, threshold: float) -> list[_Match]:
    """Pick pairs greedily by descending score, each draft at most once."""
    taken_en: set[int] = set()
    taken_fr: set[int] = set()
    chosen = []
    # Only the candidates that reach the threshold are sorted: most are far below it.
    for found in sorted((found for found in scored if found.score >= threshold), key=by_score(english, french)):
        if found.en not in taken_en and found.fr not in taken_fr:
            taken_en.add(found.en)
            taken_fr.add(found.fr)
            chosen.append(found)
    return chosen


def describe(draft: Draft) -> str:
    """Name a draft in a decision line: its seed file and language."""
    return f"{draft.seed} ({draft.language})"


def describe_cues(found: _Match) -> str:
    """Say which cues gave a score: the pass that decided, then each cue's value."""
    how = "paragraph shape, second pass" if found.second_pass else "rare numbers and names"
    dates = {DATE_MATCH_FACTOR: "dates agree", DATE_MISMATCH_FACTOR: "dates differ"}
    date = dates.get(found.date, "no date to compare")
    return (f"by {how}: shared numbers/names {found.overlap:.2f}, "
            f"paragraph shape {found.shape:.2f}, length fit {found.length:.2f}, {date}")


def describe_single(
    draft: Draft, best: tuple[_Match, Draft] | None, paired: set[str], threshold: float
) -> str:
    """Explain why a draft stayed single, naming its best rejected candidate."""
    if best is None:
        return (f"single {describe(draft)}  no candidate: none shares a rare number or name, "
                "and no draft of the other language is left")
    found, other = best
    limit = FALLBACK_THRESHOLD if found.second_pass else threshold
    why = "already paired" if other.seed in paired else f"below threshold {limit:.2f}"
    return (f"single {describe(draft)}  best candidate {describe(other)} score {found.score:.2f} "
            f"({why}; {describe_cues(found)})")


def best_rejected(scored: Iterable[_Match], english, french, singles) -> dict[str, tuple[_Match, Draft]]:
    """Return, per single draft's seed, its highest-scoring counterpart among all candidates
    (first by_score order, as choose_pairs would take it)."""
    # One pass, not a sort: the candidates are many (14,000 at 1,000 pairs), the singles few.
    wanted, rank, best = {draft.seed for draft in singles}, by_score(english, french), {}
    for found in scored:
        en, fr = english[found.en], french[found.fr]
        for seed, other in ((en.seed, fr), (fr.seed, en)):
            if seed in wanted and (seed not in best or rank(found) < best[seed][0]):
                best[seed] = (rank(found), found, other)
    return {seed: (found, other) for seed, (_, found, other) in best.items()}


def unpaired(count: int, chosen: Iterable[int]) -> list[int]:
    """Return the indexes below `count` that no chosen pair uses."""
    taken = set(chosen)
    return [i for i in range(count) if i not in taken]


def pair_drafts(drafts: Iterable[Draft], threshold: float = PAIR_THRESHOLD,
                profiles: Mapping[str, _Profile] | None = None, map_items: Callable = map) -> Pairing:
    """Pair English drafts one-to-one with French ones by content; report every decision.

    profiles: profile_draft of each draft by seed name, when they were made already (on every core);
    map_items: a map over the English drafts' candidates (see score_candidates and score_leftovers)."""
    ordered = sorted(drafts, key=lambda d: d.seed)
    english = [d for d in ordered if d.language == "en"]
    french = [d for d in ordered if d.language == "fr"]
    profile = profile_draft if profiles is None else (lambda draft: profiles[draft.seed])
    en_profiles = [profile(d) for d in english]
    fr_profiles = [profile(d) for d in french]
    first = score_candidates(en_profiles, fr_profiles, map_items, threshold)
    chosen = choose_pairs(first, english, french, threshold)
    en_left = unpaired(len(english), (m.en for m in chosen))
    fr_left = unpaired(len(french), (m.fr for m in chosen))
    second = score_leftovers(en_profiles, fr_profiles, en_left, fr_left, map_items)
    chosen += choose_pairs(clear_winners(second), english, french, FALLBACK_THRESHOLD)
    pairs = tuple(Pair(english[m.en], french[m.fr], m.score) for m in chosen)
    paired = {p.original.seed for p in pairs} | {p.translation.seed for p in pairs}
    singles = tuple(d for d in ordered if d.seed not in paired)
    best = best_rejected(first + second, english, french, singles)
    decisions = [
        f"paired {describe(english[m.en])} ↔ {describe(french[m.fr])}  "
        f"score {m.score:.2f}  {describe_cues(m)}"
        for m in chosen
    ]
    decisions += [describe_single(d, best.get(d.seed), paired, threshold) for d in singles]
    return Pairing(pairs, singles, tuple(decisions))
