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

Rows are taken apart and put together a column at a time (slices, zip, map): a Python loop per
row and field made splitting the common terms 70 % of a language's search files.
"""
from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from itertools import accumulate, chain
from operator import itemgetter

# Documents a split term's head holds at least: the first screen shows five results and "More
# results" fifteen, and a margin lets the head's last one shown outweigh the best of the rest.
HEAD_POSTINGS = 20
# Terms with at most this many postings stay whole: a rest file is worth a fetch only when large.
SPLIT_ABOVE = 3 * HEAD_POSTINGS

# One posting: its document number, then per field its term frequency, then per field its length.
Row = tuple[int, ...]




def posting_rows(entry: Sequence[int], field_count: int) -> list[Row]:
    """A term's flat entry (rank, then gap, frequencies, lengths per document) as rows of absolute numbers."""
    stride = 1 + 2 * field_count
    columns = [entry[1 + k::stride] for k in range(1, stride)]
    return list(zip(accumulate(entry[1::stride]), *columns))


def flat_postings(rows: Sequence[Row]) -> list[int]:
    """Rows in document order as one flat list, each document number as the gap from the one before."""
    rows = sorted(rows)
    documents = [row[0] for row in rows]
    gaps = [document - before for document, before in zip(documents, [0, *documents])]
    return list(chain.from_iterable(zip(gaps, *list(zip(*rows))[1:]))) if rows else []


def holders(rows: Sequence[Row], field_count: int) -> int:
    """How many fields of the term's documents hold it (lunr counts each field apart)."""
    return sum(len(rows) - list(map(itemgetter(1 + f), rows)).count(0) for f in range(field_count))


def term_idf(rows: Sequence[Row], field_count: int, documents: int) -> float:
    """lunr's idf of a term: fields holding it against the document count."""
    held = holders(rows, field_count)
    return math.log(1 + abs((documents - held + 0.5) / (held + 0.5)))


def _weights(rows: Sequence[Row], boosts: Sequence[float], k1: float, b: float, idf: float | None = None) -> list[float]:
    """Weigh each row as lunr does (the sum over fields of lunr's BM25 term weight, boosted), with the
    term's own documents' average field lengths standing in for the corpus'; with an idf, each
    field's weight rounded to 3 decimals as lunr's Builder rounds it."""
    count = len(boosts)
    totals = [0.0] * len(rows)
    for f, boost in enumerate(boosts):
        frequencies = list(map(itemgetter(1 + f), rows))
        lengths = list(map(itemgetter(1 + count + f), rows))
        average = sum(lengths) / len(rows) or 1.0
        norms = [k1 * (1 - b + b * (length / average)) for length in lengths]
        if idf is None:
            weights = [(k1 + 1) * tf / (norm + tf) * boost if tf else 0.0 for tf, norm in zip(frequencies, norms)]
        else:
            weights = [round(idf * ((k1 + 1) * tf) / (norm + tf) * boost, 3) if tf else 0.0
                       for tf, norm in zip(frequencies, norms)]
        totals = [total + weight for total, weight in zip(totals, weights)]  # 0.0 added where tf is 0: exact
    return totals


def split_rows(rows: Sequence[Row], boosts: Sequence[float], k1: float, b: float,
               documents: int) -> tuple[list[Row], list[Row]] | None:
    """A term's head (its heaviest documents, ties at the cut kept together) and rest, or None when it stays whole."""
    if len(rows) <= SPLIT_ABOVE:
        return None
    # Weighed as lunr rounds weights: a word in nearly every document has so small an idf that its
    # weights tie by hundreds at three decimals, and a head cut inside such a tie proves nothing.
    # (The idf moves with the document count, so an addition may move such a term's cut.)
    weights = _weights(rows, boosts, k1, b, term_idf(rows, len(boosts), documents))
    # Documents tied with the last one in stay in: a tie across the cut could never be proved.
    least = heapq.nlargest(HEAD_POSTINGS, weights)[-1]
    head = [row for row, weight in zip(rows, weights) if weight >= least]
    if 2 * len(head) > len(rows):
        return None
    return head, [row for row, weight in zip(rows, weights) if weight < least]


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


def rest_frontier(rest: Sequence[Row], boosts: Sequence[float], k1: float, b: float) -> list[int]:
    """The rest's undominated profiles (frequency per field, then length per field; 0 where the
    frequency is 0), flat: the heaviest rest document is one of them at any statistics."""
    count = len(boosts)
    # Of profiles alike but for the last field's length (the body's, the most varied), only the
    # shortest can be undominated.
    shortest: dict[tuple[int, ...], int] = {}
    frequencies = [list(map(itemgetter(1 + f), rest)) for f in range(count)]
    lengths = [[length if tf else 0 for tf, length in zip(frequencies[f], map(itemgetter(1 + count + f), rest))]
               for f in range(count)]
    for profile in zip(*frequencies, *lengths):
        known = shortest.get(profile[:-1])
        if known is None or profile[-1] < known:
            shortest[profile[:-1]] = profile[-1]
    profiles = [start + (last,) for start, last in shortest.items()]
    weights = dict(zip(profiles, _weights([(0, *p) for p in profiles], boosts, k1, b)))
    # A profile's dominators weigh at least as much, and on a tie have more occurrences or shorter
    # fields: in this order each profile meets its dominators first.
    ordered = sorted(profiles, key=lambda p: (-weights[p], -sum(p[:count]), sum(p[count:]), p))
    kept: list[tuple[int, ...]] = []
    for profile in ordered:
        if not _dominated(profile, kept, count):
            kept.append(profile)
    return [n for profile in kept for n in profile]


def head_entry(rank: int, rows: Sequence[Row], head: Sequence[Row], rest: Sequence[Row],
               boosts: Sequence[float], k1: float, b: float) -> dict:
    """What a split term's shard holds: its first-seen rank and first document (lunr numbers terms by
    them), how many fields hold it (its idf), its document count, its head and its rest's frontier."""
    count = len(boosts)
    return {
        "r": rank, "f": rows[0][0], "h": holders(rows, count),
        "n": len(rows), "p": flat_postings(head), "x": rest_frontier(rest, boosts, k1, b),
    }
