"""A common term's postings split into a head (its best documents) and a rest, with a bound on the rest.

A word in most documents would make its first query download most of the index. So a term with
many postings keeps its best HEAD_POSTINGS documents (by lunr's BM25 weight, up to a tie) in its
term shard and the others in a rest file. With the head comes what bounds every document of the
rest at any corpus statistics: the rest's Pareto frontier of (term frequency, field length) per
field. lunr's weight of a field grows with the frequency and shrinks with the length, so the
heaviest document of the rest, whatever the document count and average lengths are when the
browser searches, is one of the frontier's points. The browser (layouts/assets/search-shards.js)
shows a first screen from heads alone only when these bounds prove it exact.

The choice of the head depends only on the term's own postings (average lengths are the term's
documents' own) and on the document count (the idf, as lunr rounds weights to 3 decimals), so an
edit changes the heads of its own terms only, and an addition moves another term's cut only where
the rounding of a weight at the cut flips; a head chosen with slightly different statistics than
the browser's is still proved or refused exactly, never guessed.

Postings are weighed a column at a time (slices, zip), only those that can reach the cut are
rounded, and the rest is the term's flat entry less the head's postings: a Python loop per posting
and field made splitting the common terms 70 % of a language's search files, and splitting them
whole still half (10,000 articles: a language's files took 2.9 s, now 1.7 s).
"""
from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from itertools import accumulate, chain

# Documents a split term's head holds at least: the first screen shows five results and "More
# results" fifteen, and a margin lets the head's last one shown outweigh the best of the rest.
HEAD_POSTINGS = 20
# Terms with at most this many postings stay whole: a rest file is worth a fetch only when large.
SPLIT_ABOVE = 3 * HEAD_POSTINGS

# A term's postings a column at a time: document numbers, then per field the term frequencies,
# then per field the field lengths (position k of each column is the k-th posting, in document order).
Columns = list[Sequence[int]]
# How far rounding to 3 decimals moves one field's weight at most (lunr's Builder rounds them).
_ROUNDING = 0.0005


def posting_columns(entry: Sequence[int], field_count: int) -> Columns:
    """A term's flat entry (rank, then gap, frequencies, lengths per document) as columns of absolute numbers."""
    stride = 1 + 2 * field_count
    return [list(accumulate(entry[1::stride]))] + [entry[1 + k::stride] for k in range(1, stride)]


def flat_postings(columns: Columns) -> list[int]:
    """Columns in document order as one flat list, each document number as the gap from the one before."""
    documents = columns[0]
    gaps = [document - before for document, before in zip(documents, [0, *documents])]
    return list(chain.from_iterable(zip(gaps, *columns[1:])))


def holders(columns: Columns, field_count: int) -> int:
    """How many fields of the term's documents hold it (lunr counts each field apart)."""
    return sum(len(columns[1 + f]) - columns[1 + f].count(0) for f in range(field_count))


def term_idf(columns: Columns, field_count: int, documents: int) -> float:
    """lunr's idf of a term: fields holding it against the document count."""
    held = holders(columns, field_count)
    return math.log(1 + abs((documents - held + 0.5) / (held + 0.5)))


def _weights(columns: Columns, boosts: Sequence[float], k1: float, b: float, idf: float | None = None,
             averages: Sequence[float] | None = None) -> list[float]:
    """Weigh each posting as lunr does (the sum over fields of lunr's BM25 term weight, boosted), with
    the term's own documents' average field lengths (or averages) standing in for the corpus'; with
    an idf, each field's weight rounded to 3 decimals as lunr's Builder rounds it."""
    count = len(boosts)
    totals = [0.0] * len(columns[0])
    for f, boost in enumerate(boosts):
        frequencies, lengths = columns[1 + f], columns[1 + count + f]
        average = averages[f] if averages else sum(lengths) / len(lengths) or 1.0
        norms = [k1 * (1 - b + b * (length / average)) for length in lengths]
        if idf is None:
            weights = [(k1 + 1) * tf / (norm + tf) * boost if tf else 0.0 for tf, norm in zip(frequencies, norms)]
        else:
            weights = [round(idf * ((k1 + 1) * tf) / (norm + tf) * boost, 3) if tf else 0.0
                       for tf, norm in zip(frequencies, norms)]
        totals = [total + weight for total, weight in zip(totals, weights)]  # 0.0 added where tf is 0: exact
    return totals


def _rough_weights(columns: Columns, boosts: Sequence[float], k1: float, b: float, idf: float,
                   averages: Sequence[float]) -> list[float]:
    """_weights unrounded, the formula rearranged to one pass a field: the same up to float error
    (far below _ROUNDING), for ranking postings only."""
    count = len(boosts)
    totals = [0.0] * len(columns[0])
    for f, boost in enumerate(boosts):
        frequencies, lengths = columns[1 + f], columns[1 + count + f]
        scale, base, per_char = idf * (k1 + 1) * boost, k1 * (1 - b), k1 * b / averages[f]
        totals = [total + scale * tf / (base + per_char * length + tf) if tf else total
                  for total, tf, length in zip(totals, frequencies, lengths)]
    return totals


def head_positions(columns: Columns, boosts: Sequence[float], k1: float, b: float, documents: int) -> list[int] | None:
    """The positions of a term's head (its heaviest documents, ties at the cut kept together), or
    None when it stays whole."""
    count = len(columns[0])
    if count <= SPLIT_ABOVE:
        return None
    # Weighed as lunr rounds weights: a word in nearly every document has so small an idf that its
    # weights tie by hundreds at three decimals, and a head cut inside such a tie proves nothing.
    # (The idf moves with the document count, so an addition may move such a term's cut.)
    idf = term_idf(columns, len(boosts), documents)
    # Rounding only the documents that can reach the cut: rounding moves a document's weight by at
    # most len(boosts) × _ROUNDING, so one further than twice that below the HEAD_POSTINGS-th
    # heaviest unrounded weight stays below the rounded cut (rounding every posting was a third
    # of splitting the common terms).
    averages = [sum(lengths) / count or 1.0 for lengths in columns[1 + len(boosts):]]  # the term's own
    raw = _rough_weights(columns, boosts, k1, b, idf, averages)
    reach = heapq.nlargest(HEAD_POSTINGS, raw)[-1] - 2 * len(boosts) * _ROUNDING - 1e-9
    near = [k for k, weight in enumerate(raw) if weight >= reach]
    weights = _weights(_at(columns, near), boosts, k1, b, idf, averages=averages)
    # Documents tied with the last one in stay in: a tie across the cut could never be proved.
    least = heapq.nlargest(HEAD_POSTINGS, weights)[-1]
    head = [k for k, weight in zip(near, weights) if weight >= least]
    return None if 2 * len(head) > count else head


def _at(columns: Columns, positions: Sequence[int]) -> Columns:
    """The columns of the postings at these positions."""
    return [[column[k] for k in positions] for column in columns]


def _without(columns: Columns, positions: Sequence[int]) -> Columns:
    """The columns of every posting but those at these positions (increasing)."""
    kept = [list(column) for column in columns]
    for k in reversed(positions):
        for column in kept:
            del column[k]
    return kept


def rest_postings(entry: Sequence[int], positions: Sequence[int], field_count: int) -> Sequence[int]:
    """The flat postings of a term's entry (as flat_postings writes them) without those at these
    positions (increasing): the entry's own, less the head's, each gap that followed a removed
    posting grown by its gap (a copy and a few deletions, not a list rebuilt per posting). Of the
    entry's type: the build's entries are arrays, which as lists of int objects took four times
    the memory (a language's rests were most of a search worker's, 95 MB at 10,000 articles)."""
    stride = 1 + 2 * field_count
    flat = entry[1:]
    for k in reversed(positions):
        at = k * stride
        if at + stride < len(flat):
            flat[at + stride] += flat[at]
        del flat[at:at + stride]
    return flat


def split_entry(entry: Sequence[int], boosts: Sequence[float], k1: float, b: float,
                documents: int) -> tuple[dict, Sequence[int]] | None:
    """A term's head entry (what its shard holds) and its rest's flat postings, or None when it stays whole."""
    columns = posting_columns(entry, len(boosts))
    head = head_positions(columns, boosts, k1, b, documents)
    if head is None:
        return None
    rest = _without(columns, head)
    return head_entry(entry[0], columns, _at(columns, head), rest, boosts, k1, b), \
        rest_postings(entry, head, len(boosts))


def _dominated(profile: tuple[int, ...], kept: Sequence[tuple[int, ...]], count: int) -> bool:
    """Tell whether one of kept weighs at least as much as profile at any statistics (at least its
    frequency and at most its length in every field that holds the term)."""
    held = [f for f in range(count) if profile[f]]
    for other in kept:
        for f in held:
            if other[f] < profile[f] or other[count + f] > profile[count + f]:
                break
        else:
            return True
    return False


def rest_frontier(rest: Columns, boosts: Sequence[float], k1: float, b: float) -> list[int]:
    """The rest's undominated profiles (frequency per field, then length per field; 0 where the
    frequency is 0), flat: the heaviest rest document is one of them at any statistics."""
    count = len(boosts)
    # Of profiles alike but for the last field's length (the body's, the most varied), only the
    # shortest can be undominated.
    shortest: dict[tuple[int, ...], int] = {}
    frequencies = rest[1:1 + count]
    lengths = [[length if tf else 0 for tf, length in zip(frequencies[f], rest[1 + count + f])]
               for f in range(count)]
    for profile in set(zip(*frequencies, *lengths)):  # distinct ones: far fewer than the postings
        known = shortest.get(profile[:-1])
        if known is None or profile[-1] < known:
            shortest[profile[:-1]] = profile[-1]
    profiles = [start + (last,) for start, last in shortest.items()]
    weights = dict(zip(profiles, _weights([[0] * len(profiles), *zip(*profiles)], boosts, k1, b)))
    # A profile's dominators weigh at least as much, and on a tie have more occurrences or shorter
    # fields: in this order each profile meets its dominators first.
    ordered = sorted(profiles, key=lambda p: (-weights[p], -sum(p[:count]), sum(p[count:]), p))
    kept: list[tuple[int, ...]] = []
    for profile in ordered:
        if not _dominated(profile, kept, count):
            kept.append(profile)
    return [n for profile in kept for n in profile]


def head_entry(rank: int, columns: Columns, head: Columns, rest: Columns,
               boosts: Sequence[float], k1: float, b: float) -> dict:
    """What a split term's shard holds: its first-seen rank and first document (lunr numbers terms by
    them), how many fields hold it (its idf), its document count, its head and its rest's frontier."""
    count = len(boosts)
    return {
        "r": rank, "f": columns[0][0], "h": holders(columns, count),
        "n": len(columns[0]), "p": flat_postings(head), "x": rest_frontier(rest, boosts, k1, b),
    }
