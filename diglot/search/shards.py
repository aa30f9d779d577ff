"""Per-language search files split by term, so a query downloads a few kilobytes at any archive size.

One language's search lives in search/<lang>/:

- manifest.json: what scoring and routing need of the whole language (lunr's fields and boosts,
  BM25 parameters, the query pipeline's labels, the document count, the average field lengths,
  the shard keys, and the hollow ones that hold no term and have no file, the size of a metadata
  block). Loaded on the search box's first focus.
- t/<key>.json: the terms whose longest shard key prefix is <key> (terms after the pipeline:
  stemmed, folded), each with its postings: document number, raw term frequency per field
  and the document's field lengths. The browser computes lunr's BM25 weights from these (the
  same operations as lunr's Builder, so the same floats), builds a partial lunr.Index of the
  query's terms and searches it unchanged (layouts/assets/search-shards.js). A term with many
  postings keeps only its head there, with a bound on the rest (search/heads.py).
- r/<key>.json: the rests of split terms, sharded by their own keys; fetched only when the heads
  cannot prove a first screen exact, or for a query that needs every posting.
- m/<n>.json: what a result shows (URL, title, date, snippet) of documents n*BLOCK .. n*BLOCK+BLOCK-1.

Weights are not stored: they move with every document added (document count, average lengths,
document frequencies), and storing them would rewrite every shard on every edit. Shard keys
depend only on the terms under them, so an edit rewrites the shards of its terms, its metadata
block and the manifest.

Files per language stay within max(FILE_FLOOR, documents / 50) (static hosts cap a site's files):
metadata blocks take one file per META_BLOCK documents, and term shards and rest shards share
what is left, their posting limits growing by eighths (term shards) or quarters (rests) until they fit;
a key that holds no term itself, only the way to longer keys ("pub" when "publish" alone is over
the limit), gets no file and is listed as hollow in the manifest. A limit changes only when the corpus
outgrows it (then every shard of that kind is rewritten once); otherwise keys stay put.
"""
from __future__ import annotations

import json
import re
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate, chain
from typing import NamedTuple

from diglot.search.heads import SPLIT_ABOVE, split_entry
from diglot.search.pipeline import make_pipeline

# A term shard holds at most this many postings unless one term alone has more (gzip: ~4 bytes
# each), or the file cap asks for fewer, bigger shards: the smallest limit, grown by steps, that fits.
SHARD_POSTINGS = 1000
# Term shards' limit grows by an eighth at a time: every query fetches one, and a quarter could leave
# a fifth of the files unused (10,000 articles: limit 1,800 postings, not 1,953). A limit changes only
# when the archive outgrows it; then every term shard is rewritten once.
SHARD_STEP = 8
# Rests are fetched only for queries the heads cannot answer: a quarter of the files, bigger.
REST_POSTINGS = 20000
REST_SHARE = 4
# Rests grow their posting limit by quarters when they outnumber their share of the files.
REST_STEP = 4
# Documents per metadata block: a result list of 10 fetches at most 10 blocks.
META_BLOCK = 100
# Search files per language: at most one per FILE_SHARE documents, or FILE_FLOOR for a small site
# (a manifest, a block or a few, a term shard and a rest shard).
FILE_SHARE = 50
FILE_FLOOR = 8
SHARDED_FORMAT = 3
# How layouts/assets/search-shards.js says which format it reads.
_SCRIPT_FORMAT = re.compile(rb"\bvar FORMAT ?= ?(\d+);")  # as written, or minified


def script_format(script: bytes) -> int | None:
    """Return the manifest format a copy of search-shards.js reads (None when it does not say)."""
    found = _SCRIPT_FORMAT.search(script)
    return int(found.group(1)) if found else None


def _first_seen_ranks(fields) -> dict[str, int]:
    """Each term of a document numbered in the order lunr's Builder meets it (title terms, then body)."""
    ranks: dict[str, int] = {}
    for _length, counts in fields:
        for term in counts:
            ranks.setdefault(term, len(ranks))
    return ranks


class Collected(NamedTuple):
    """What the search files need of a language's documents, gathered in one pass over them."""

    # Each term's entry: its rank in its first document, then per document holding it (in document
    # order) the document number's gap from the last one and its frequency in each field, as one
    # flat array (4 bytes a number: a list of int objects took four times as much). The files
    # write each posting with its document's field lengths too (with_lengths), which the entries
    # leave to `lengths`: 12 bytes a posting instead of 20 (100,000 articles: 130 MB a language).
    entries: dict[str, array]
    count: int  # documents
    averages: list[float]  # average length of each field
    listings: list[str]  # each document's entry in its metadata block
    lengths: list[array]  # per field, each document's length in terms


def collect_terms(terms: Iterable) -> Collected:
    """Gather every document's postings, field lengths and listing, in document order, holding no
    document's terms once read: the build streams them (a language's documents, term counts and
    all, were half of a search worker's memory)."""
    entries: dict[str, array] = {}
    last: dict[str, int] = {}
    lengths = (array("i"), array("i"))
    listings = []
    for number, doc_terms in enumerate(terms):
        (title_length, title), (body_length, body) = doc_terms.fields
        for term, rank in _first_seen_ranks(doc_terms.fields).items():
            entry = entries.get(term)
            if entry is None:
                entry = entries[term] = array("i", (rank,))
            entry.extend((number - last.get(term, 0), title.get(term, 0), body.get(term, 0)))
            last[term] = number
        lengths[0].append(title_length)
        lengths[1].append(body_length)
        listings.append(doc_terms.listing)
    count = len(listings)
    return Collected(entries, count, [sum(field) / count for field in lengths] if count else [], listings, list(lengths))


def with_lengths(postings: Sequence[int], lengths: Sequence[array], start: int = 0) -> list[int]:
    """Compact postings (after `start` leading numbers: per document its gap from the last one and
    its frequency per field) with each document's field lengths after its frequencies, as the
    files and search/heads.py read them."""
    stride = 1 + len(lengths)
    gaps = postings[start::stride]
    documents = list(accumulate(gaps))
    columns = [gaps, *(postings[start + 1 + f::stride] for f in range(len(lengths))),
               *(map(field.__getitem__, documents) for field in lengths)]
    return [*postings[:start], *chain.from_iterable(zip(*columns))]


def without_lengths(postings: Sequence[int], field_count: int) -> array:
    """Postings as with_lengths writes them (no leading numbers), their field lengths left out."""
    stride = 1 + 2 * field_count
    return array("i", chain.from_iterable(zip(*(postings[k::stride] for k in range(1 + field_count)))))


def shard_loads(sizes: dict[str, int], limit: int = SHARD_POSTINGS,
                tree: dict[str, list] | None = None) -> dict[str, int]:
    """Choose the prefixes to shard terms by (a term goes to the longest key it starts with), with the
    postings each key holds itself (0 for a hollow key, on the way to longer ones: "pub" when
    "publish" alone is bigger than the limit). A prefix holding more than limit postings gives its
    biggest next-letter groups keys of their own until what is left fits: a key depends only on
    the terms under it, so growth splits keys locally. tree: prefix groups found by an earlier
    call with the same sizes (they do not depend on the limit), kept for the next."""
    tree = {} if tree is None else tree
    loads = {}
    pending = [("", sizes, sum(sizes.values()))]
    while pending:
        prefix, under, total = pending.pop()
        if total > limit:
            for child, child_under, child_total in _prefix_groups(prefix, under, tree):
                if total <= limit:
                    break
                total -= child_total
                pending.append((child, child_under, child_total))
        loads[prefix] = total
    return loads


def _prefix_groups(prefix: str, under: dict[str, int], tree: dict[str, list]) -> list:
    """The terms under prefix grouped by their next letter, as (longer prefix, its terms' sizes,
    their sum), biggest first; remembered in tree."""
    found = tree.get(prefix)
    if found is None:
        groups: dict[str, dict[str, int]] = defaultdict(dict)
        for term, size in under.items():
            if len(term) > len(prefix):
                groups[prefix + term[len(prefix)]][term] = size
        totals = {child: sum(group.values()) for child, group in groups.items()}
        found = tree[prefix] = [(child, groups[child], totals[child])
                                for child in sorted(groups, key=lambda c: (-totals[c], c))]
    return found


def shard_of(term: str, keys: set[str]) -> str:
    """The shard key of a term: the longest key it starts with."""
    for end in range(len(term), -1, -1):
        if term[:end] in keys:
            return term[:end]
    raise ValueError("shard keys lack the empty root key")


def shard_file_name(key: str) -> str:
    """A shard's file name: its key when made of ASCII lowercase letters and digits, else "_" and the
    hex of its UTF-8 (no plain key holds "_"; the root key "" is "_")."""
    if key and all("a" <= c <= "z" or "0" <= c <= "9" for c in key):
        return key
    return "_" + key.encode("utf-8").hex()


def _compact(value) -> str:
    """JSON without spaces, UTF-8 text kept as it is (a term's postings array as a list)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=list)


def split_terms(entries: dict[str, array], lengths: Sequence[array], boosts: Sequence[float],
                bm25: tuple[float, float], documents: int) -> tuple[dict[str, object], dict[str, array]]:
    """Each term's shard entry (its compact postings, or a split term's head entry) and each split
    term's rest (compact: Collected.entries), taken out of entries as they are made: a split term
    is not held whole beside its parts (a search worker's peak: 290 MB at 100,000 articles)."""
    heads: dict[str, object] = {}
    rests: dict[str, array] = {}
    stride = 1 + len(boosts)
    for term in list(entries):
        entry = entries.pop(term)
        if len(entry) <= 1 + SPLIT_ABOVE * stride:
            heads[term] = entry  # most terms: too few postings to split, not worth unpacking
            continue
        split = split_entry(array("i", with_lengths(entry, lengths, 1)), boosts, *bm25, documents)
        if split is None:
            heads[term] = entry
        else:
            heads[term], rests[term] = split[0], without_lengths(split[1], len(boosts))
    return heads, rests


def fitted_keys(sizes: dict[str, int], budget: int, limit: int, step: int) -> tuple[list[str], list[str]]:
    """Shard keys for these sizes, the limit grown by 1/step until those holding terms are at most
    budget files; returned apart from the hollow keys, which hold none and get no file."""
    if not sizes:
        return [], []
    tree: dict[str, list] = {}
    loads = shard_loads(sizes, limit, tree)
    while sum(1 for load in loads.values() if load) > max(budget, 1):
        # Small steps: doubling could jump from too many files to one big one.
        limit += max(1, limit // step)
        loads = shard_loads(sizes, limit, tree)
    return sorted(key for key, load in loads.items() if load), sorted(key for key, load in loads.items() if not load)


def file_budget(count: int) -> int:
    """Term and rest shard files a language may have: its cap less the manifest and the metadata blocks."""
    cap = max(FILE_FLOOR, count // FILE_SHARE)
    return cap - 1 - -(-count // META_BLOCK)


def _sharded(entries: dict, keys: list[str]) -> dict[str, dict]:
    """Entries grouped under their shard keys, terms sorted."""
    key_set = set(keys)
    shards: dict[str, dict] = {key: {} for key in keys}
    for term in sorted(entries):
        shards[shard_of(term, key_set)][term] = entries[term]
    return shards


def sharded_search_files(lang: str, collected: Collected, fields: Sequence[str], boosts: Sequence[int],
                         bm25: tuple[float, float], lunr_version: str) -> Iterator[tuple[str, bytes]]:
    """Make one language's manifest, term shards, rest shards and metadata blocks from what
    collect_terms gathered of its documents (its entries are taken: split_terms): (path, bytes),
    one at a time (the build writes each as it comes; a language's files are 23 MB at 10,000 articles)."""
    count, lengths = collected.count, collected.lengths
    heads, rests = split_terms(collected.entries, lengths, boosts, bm25, count)
    budget = file_budget(count)
    stride, compact = 1 + 2 * len(fields), 1 + len(fields)
    head_sizes = {t: len(e["p"]) // stride if isinstance(e, dict) else len(e) // compact for t, e in heads.items()}
    # A hollow rest key routes no split term: it is left out.
    rest_keys, _ = fitted_keys({t: len(e) // compact for t, e in rests.items()}, budget // REST_SHARE, REST_POSTINGS, REST_STEP)
    head_keys, hollow = fitted_keys(head_sizes, budget - len(rest_keys), SHARD_POSTINGS, SHARD_STEP)
    if not head_keys:
        head_keys, hollow = [""], []  # no terms at all: one empty shard still answers
    averages = collected.averages if count else [0.0] * len(fields)
    manifest = {
        "format": SHARDED_FORMAT, "lunr": lunr_version, "fields": list(fields), "boosts": list(boosts),
        "k1": bm25[0], "b": bm25[1], "pipeline": make_pipeline(lang, for_query=True).serialize(),
        "count": count, "averages": averages, "block": META_BLOCK,
        "shards": {key: shard_file_name(key) for key in head_keys},
        # Keys holding no term, on the way to longer ones: a prefix query under one needs no fetch there.
        "hollow": hollow,
        "rests": {key: shard_file_name(key) for key in rest_keys},
    }
    base = f"search/{lang}/"
    yield base + "manifest.json", _compact(manifest).encode("utf-8")
    for folder, entries, keys, leading in (("t", heads, head_keys, 1), ("r", rests, rest_keys, 0)):
        for key, shard in _sharded(entries, keys).items():
            written = {term: entry if isinstance(entry, dict) else with_lengths(entry, lengths, leading)
                       for term, entry in shard.items()}  # a term's rank leads its shard entry, not its rest
            yield f"{base}{folder}/{shard_file_name(key)}.json", _compact(written).encode("utf-8")
    for start in range(0, count, META_BLOCK):
        listings = ",".join(collected.listings[start:start + META_BLOCK])
        yield f"{base}m/{start // META_BLOCK}.json", f"[{listings}]".encode("utf-8")
