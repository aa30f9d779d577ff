"""Pair English drafts with their French translations by what they talk about.

File names and numbering say nothing about which seed translates which, so
pairs come from content alone: the numbers and names two drafts share, whether
their lengths fit a translation, and whether their dates agree.
"""
from __future__ import annotations

import heapq
import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence

from diglot.features import extract_features

# A score below this is chance overlap (a shared year, "China", a place).
# Measured on tests/test_pairing.py's synthetic corpus (60 pairs + 40 one-sided
# decoys, 6 seeds, the real seed pair mixed in): decoys reach 0.35 with rarity
# weights, true pairs stay above 0.34 (the real pair ~0.36, synthetic ones
# above 0.6). 0.1 let 6-11 decoys pair per run; 0.3 let 1 in 6 runs, 0 lost.
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


def profile_draft(draft: Draft) -> _Profile:
    """Return the features, body length and publication day of a draft."""
    text = "\n\n".join(([draft.title] if draft.title else []) + list(draft.paragraphs))
    day = draft.date.date() if draft.date is not None else None
    return _Profile(extract_features(text), sum(map(len, draft.paragraphs)), day)


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


def weigh(profile: _Profile, weights: Mapping[str, float]) -> tuple[dict[str, float], float]:
    """Return a profile's feature → weight map and its total weight."""
    mass = {f: weights.get(f, 1.0) for f in profile.features}
    return mass, sum(mass.values())


def score_weighed(en: _Profile, fr: _Profile, en_mass, fr_mass) -> float:
    """Return the 0..1 score: weighted Dice overlap × length fit × date cue."""
    (en_weights, en_total), (fr_weights, fr_total) = en_mass, fr_mass
    if not en_total + fr_total:
        return 0.0
    shared = sum(en_weights[f] + fr_weights[f] for f in en.features & fr.features)
    overlap = shared / (en_total + fr_total)
    score = overlap * length_factor(en.chars, fr.chars) * date_factor(en.day, fr.day)
    return min(1.0, score)


def score_pair(en: Draft, fr: Draft, weights: Weights | None = None) -> float:
    """Return the 0..1 likelihood that a French draft translates an English one.

    `weights` (English, French) map features to how telling they are;
    pair_drafts passes their rarity in the corpus. Without them every shared
    number or name counts the same.
    """
    en_weights, fr_weights = weights or ({}, {})
    en_profile, fr_profile = profile_draft(en), profile_draft(fr)
    return score_weighed(en_profile, fr_profile, weigh(en_profile, en_weights), weigh(fr_profile, fr_weights))


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


def score_candidates(english: Sequence[Draft], french: Sequence[Draft]) -> list[tuple[float, int, int]]:
    """Return (score, en index, fr index) for every candidate pair the index proposes."""
    en_profiles = [profile_draft(d) for d in english]
    fr_profiles = [profile_draft(d) for d in french]
    en_weights, fr_weights = rarity_weights(en_profiles), rarity_weights(fr_profiles)
    en_masses = [weigh(p, en_weights) for p in en_profiles]
    fr_masses = [weigh(p, fr_weights) for p in fr_profiles]
    index = index_features(fr_profiles)
    scored = []
    for e, profile in enumerate(en_profiles):
        for f in find_candidates(profile, index):
            score = score_weighed(profile, fr_profiles[f], en_masses[e], fr_masses[f])
            scored.append((score, e, f))
    return scored


def choose_pairs(scored: Iterable[tuple[float, int, int]], english, french, threshold: float):
    """Pick pairs greedily by descending score, each draft at most once."""
    order = sorted(scored, key=lambda s: (-s[0], english[s[1]].seed, french[s[2]].seed))
    taken_en: set[int] = set()
    taken_fr: set[int] = set()
    chosen = []
    for score, e, f in order:
        if score < threshold:
            break
        if e not in taken_en and f not in taken_fr:
            taken_en.add(e)
            taken_fr.add(f)
            chosen.append((score, e, f))
    return chosen


def describe(draft: Draft) -> str:
    """Name a draft in a decision line: its seed file and language."""
    return f"{draft.seed} ({draft.language})"


def describe_single(draft: Draft, best: tuple[float, Draft] | None, paired: set[str], threshold: float) -> str:
    """Explain why a draft stayed single, naming its best rejected candidate."""
    if draft.language not in ("en", "fr"):
        return f"single {describe(draft)}  only English and French drafts are paired"
    if best is None:
        return f"single {describe(draft)}  no candidate shares a number or name"
    score, other = best
    why = "already paired" if other.seed in paired else f"below threshold {threshold:.2f}"
    return f"single {describe(draft)}  best candidate {describe(other)} score {score:.2f} ({why})"


def best_rejected(scored, english, french) -> dict[str, tuple[float, Draft]]:
    """Return, per seed, its highest-scoring counterpart among all candidates."""
    best: dict[str, tuple[float, Draft]] = {}
    for score, e, f in sorted(scored, key=lambda s: (-s[0], english[s[1]].seed, french[s[2]].seed)):
        best.setdefault(english[e].seed, (score, french[f]))
        best.setdefault(french[f].seed, (score, english[e]))
    return best


def pair_drafts(drafts: Iterable[Draft], threshold: float = PAIR_THRESHOLD) -> Pairing:
    """Pair English drafts one-to-one with French ones by content; report every decision."""
    ordered = sorted(drafts, key=lambda d: d.seed)
    english = [d for d in ordered if d.language == "en"]
    french = [d for d in ordered if d.language == "fr"]
    scored = score_candidates(english, french)
    chosen = choose_pairs(scored, english, french, threshold)
    pairs = tuple(Pair(english[e], french[f], score) for score, e, f in chosen)
    paired = {p.original.seed for p in pairs} | {p.translation.seed for p in pairs}
    singles = tuple(d for d in ordered if d.seed not in paired)
    best = best_rejected(scored, english, french)
    decisions = [
        f"paired {describe(p.original)} ↔ {describe(p.translation)}  score {p.score:.2f}"
        for p in pairs
    ]
    decisions += [describe_single(d, best.get(d.seed), paired, threshold) for d in singles]
    return Pairing(pairs, singles, tuple(decisions))
