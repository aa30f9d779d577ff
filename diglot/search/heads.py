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
"""
from __future__ import annotations

import heapq
import math
from collections.abc import Sequence

# Documents a split term's head holds at least: the first screen shows ten results, and a margin
# lets the head's tenth document outweigh the best of the rest.
HEAD_POSTINGS = 20
# Terms with at most this many postings stay whole: a rest file is worth a fetch only when large.
SPLIT_ABOVE = 3 * HEAD_POSTINGS

# One posting: its document number, then per field its term frequency, then per field its length.
Row = tuple[int, ...]


def posting_rows(entry: Sequence[int], field_count: int) -> list[Row]:
    """A term's flat entry (rank, then gap, frequencies, lengths per document) as rows of absolute numbers."""
    stride = 1 + 2 * field_count
    rows, doc = [], 0
    for start in range(1, len(entry), stride):
        doc += entry[start]
        rows.append((doc, *entry[start + 1:start + stride]))
    return rows


def flat_postings(rows: Sequence[Row]) -> list[int]:
    """Rows in document order as one flat list, each document number as the gap from the one before."""
    flat, last = [], 0
    for row in sorted(rows):
        flat += (row[0] - last, *row[1:])
        last = row[0]
    return flat


def holders(rows: Sequence[Row], field_count: int) -> int:
    """How many fields of the term's documents hold it (lunr counts each field apart)."""
    return sum(1 for row in rows for f in range(field_count) if row[1 + f])


def term_idf(rows: Sequence[Row], field_count: int, documents: int) -> float:
    """lunr's idf of a term: fields holding it against the document count."""
    held = holders(rows, field_count)
    return math.log(1 + abs((documents - held + 0.5) / (held + 0.5)))


def _weigher(rows: Sequence[Row], boosts: Sequence[float], k1: float, b: float, idf: float | None = None):
    """A row's lunr weight, with the term's own documents' average field lengths standing in for the
    corpus'; with an idf, each field's weight rounded to 3 decimals as lunr's Builder rounds it."""
    count = len(boosts)
    averages = [sum(row[1 + count + f] for row in rows) / len(rows) or 1.0 for f in range(count)]

    def weight(row: Row) -> float:
        """Sum over fields of lunr's BM25 term weight, boosted."""
        total = 0.0
        for f in range(count):
            tf = row[1 + f]
            if tf:
                norm = k1 * (1 - b + b * (row[1 + count + f] / averages[f]))
                if idf is None:
                    total += (k1 + 1) * tf / (norm + tf) * boosts[f]
                else:
                    total += round(idf * ((k1 + 1) * tf) / (norm + tf) * boosts[f], 3)
        return total
    return weight


def split_rows(rows: Sequence[Row], boosts: Sequence[float], k1: float, b: float,
               documents: int) -> tuple[list[Row], list[Row]] | None:
    """A term's head (its heaviest documents, ties at the cut kept together) and rest, or None when it stays whole."""
    if len(rows) <= SPLIT_ABOVE:
        return None
    # Weighed as lunr rounds weights: a word in nearly every document has so small an idf that its
    # weights tie by hundreds at three decimals, and a head cut inside such a tie proves nothing.
    # (The idf moves with the document count, so an addition may move such a term's cut.)
    weights = list(map(_weigher(rows, boosts, k1, b, term_idf(rows, len(boosts), documents)), rows))
    # Documents tied with the last one in stay in: a tie across the cut could never be proved.
    least = heapq.nlargest(HEAD_POSTINGS, weights)[-1]
    head = [row for row, weight in zip(rows, weights) if weight >= least]
    if 2 * len(head) > len(rows):
        return None
    return head, [row for row, weight in zip(rows, weights) if weight < least]


def _dominates(a: tuple[int, ...], b: tuple[int, ...], count: int) -> bool:
    """Whether a field profile weighs at least as much as another at any statistics."""
    for f in range(count):
        if b[f] and (a[f] < b[f] or a[count + f] > b[count + f]):
            return False
    return True


def rest_frontier(rest: Sequence[Row], boosts: Sequence[float], k1: float, b: float) -> list[int]:
    """The rest's undominated profiles (frequency per field, then length per field; 0 where the
    frequency is 0), flat: the heaviest rest document is one of them at any statistics."""
    count = len(boosts)
    # Of profiles alike but for the last field's length (the body's, the most varied), only the
    # shortest can be undominated.
    shortest: dict[tuple[int, ...], int] = {}
    for row in rest:
        profile = tuple(row[1:1 + count]) + tuple(row[1 + count + f] if row[1 + f] else 0 for f in range(count))
        known = shortest.get(profile[:-1])
        if known is None or profile[-1] < known:
            shortest[profile[:-1]] = profile[-1]
    profiles = [start + (last,) for start, last in shortest.items()]
    weight = _weigher([(0, *p) for p in profiles], boosts, k1, b)
    # A profile's dominators weigh at least as much, and on a tie have more occurrences or shorter
    # fields: in this order each profile meets its dominators first.
    ordered = sorted(profiles, key=lambda p: (-weight((0, *p)), -sum(p[:count]), sum(p[count:]), p))
    kept: list[tuple[int, ...]] = []
    for profile in ordered:
        if not any(_dominates(k, profile, count) for k in kept):
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
