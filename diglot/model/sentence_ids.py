"""Give every sentence of an article an ID that its translation shares.

Each paragraph's sentences are found in its HTML (sentences.py on the text between its tags, so a
sentence is an HTML range that a `<span data-sent>` can wrap; a break inside an inline element such
as `<em>` is not taken). Inside each segment the sentences are aligned (sentalign.py); every bead
gets one ID, used by all its sentences on both sides. A segment whose alignment is not confident,
or that the front matter turns off, is one bead: it reads paragraph by paragraph, as before.
Blocks other than paragraphs (headings, lists, quotes) are one sentence each, marked on the block.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from itertools import chain, count
from typing import NamedTuple

from diglot.model.blocks import Block
from diglot.model.sentalign import Bead, align_segments, bead_confidence, is_confident, segment_ratio
from diglot.model.sentences import split_sentences

# (start, end) of a sentence in its block's HTML; (-1, -1): the whole block is one sentence.
WHOLE = (-1, -1)
_TAG = re.compile(r"<(/?)([a-zA-Z0-9]+)[^>]*?(/?)>")
_VOID = frozenset({"br", "img", "wbr", "hr", "input", "source"})
Segment = tuple[tuple[int, ...], tuple[int, ...]]


class SentenceBead(NamedTuple):
    """A bead for the review page: its segment, each side's sentence numbers, confidence, and
    whether the segment is read sentence by sentence."""

    segment: int
    left: tuple[int, ...]
    right: tuple[int, ...]
    confidence: float
    shown: bool


def html_spans(block: Block, lang: str) -> tuple[tuple[int, int], ...]:
    """Return the HTML range of each sentence of a paragraph block (WHOLE alone for other blocks)."""
    if block.tag != "p":
        return (WHOLE,)
    source = block.html
    start, stop = source.index(">") + 1, source.rindex("</")
    inner = source[start:stop]
    if "<" not in inner:  # the usual paragraph: the text is the HTML
        return tuple(split_sentences(inner, lang, start)) or (WHOLE,)
    visible, where, depth = _visible(inner)
    spans = split_sentences("".join(visible), lang)
    cuts = [(b, a2) for (_, b), (a2, _) in zip(spans, spans[1:]) if depth[b] == 0]
    edges = [0] + [x for b, a2 in cuts for x in (where[b], where[a2 - 1] + 1)] + [len(inner)]
    return tuple((start + edges[k], start + edges[k + 1]) for k in range(0, len(edges), 2)) or (WHOLE,)


def _visible(inner: str) -> tuple[list[str], list[int], list[int]]:
    """The characters of inner outside tags, the HTML offset of each, and the element depth there."""
    visible, where, depth, level, at = [], [], [], 0, 0
    for match in _TAG.finditer(inner):
        for offset in range(at, match.start()):
            visible.append(inner[offset])
            where.append(offset)
            depth.append(level)
        closing, name, self_closing = match.groups()
        if name.lower() not in _VOID and not self_closing:
            level += -1 if closing else 1
        at = match.end()
    for offset in range(at, len(inner)):
        visible.append(inner[offset])
        where.append(offset)
        depth.append(level)
    return visible, where, depth


def span_texts(block: Block, spans: Iterable[tuple[int, int]]) -> list[str]:
    """The plain text of each sentence of a block (the whole block's for WHOLE): for the aligner,
    and for the review page, which reads each (start, end) of the block's marks."""
    source = block.html
    if "&" not in source and source.count("<") == 2:  # the usual block: no markup inside, no entity
        return [block.text if span == WHOLE else source[span[0]:span[1]] for span in spans]
    return [block.text if span == WHOLE else html.unescape(_TAG.sub("", source[span[0]:span[1]])) for span in spans]


def number_sentences(bodies: dict[str, Sequence[Block]], segments: Sequence[Segment] | None,
                     overrides: dict[int, list[Segment] | None]):
    """Return (marks, beads): for each language, each block's (start, end, ID) marks; and the
    sentence beads of every segment for the review page. segments is None when there is no
    English–French pair: every sentence then has its own ID. overrides maps a segment number to
    its sentence beads as segments of sentence numbers, or None to read it paragraph by paragraph."""
    spans = {lang: [html_spans(block, lang) for block in blocks] for lang, blocks in bodies.items()}
    if segments is None:  # IDs in order, the languages one after the other
        marks, first = {}, 1
        for lang in bodies:
            total = sum(map(len, spans[lang]))
            marks[lang], first = _marks(spans[lang], range(first, first + total)), first + total
        return marks, ()
    texts = {lang: [span_texts(block, block_spans) for block, block_spans in zip(bodies[lang], spans[lang])]
             for lang in ("en", "fr")}
    aligned = align_segments(texts["en"], texts["fr"], segments)
    # Each side's sentences numbered over the article (every one is in a segment's bead): its ID.
    ids = {lang: [0] * sum(map(len, spans[lang])) for lang in ("en", "fr")}
    left_ids, right_ids = ids["en"], ids["fr"]
    review, next_id = [], 1
    for number, segment_beads, (lefts, rights) in zip(count(1), aligned, segments):
        chosen, shown = _chosen_beads(number, segment_beads, overrides, texts, lefts, rights)
        for left, right, confidence in chosen:
            for i in left:
                left_ids[i] = next_id
            for j in right:
                right_ids[j] = next_id
            next_id += 1
            review.append(SentenceBead(number, left, right, confidence, shown))
    return {lang: _marks(spans[lang], ids[lang]) for lang in ("en", "fr")}, tuple(review)


def _marks(spans: list[tuple[tuple[int, int], ...]], ids: Sequence[int]) -> tuple:
    """Each block's (start, end, ID) marks, from its spans and the side's IDs in order."""
    marked = [(a, b, number) for (a, b), number in zip(chain.from_iterable(spans), ids)]
    blocks, at = [], 0
    for block in spans:
        blocks.append(tuple(marked[at:at + len(block)]))
        at += len(block)
    return tuple(blocks)


def _chosen_beads(number: int, beads: list[Bead], overrides: dict, texts: dict,
                  lefts: tuple[int, ...], rights: tuple[int, ...]) -> tuple[list[Bead], bool]:
    """The beads a segment is shown with, and whether it reads sentence by sentence."""
    if number not in overrides and is_confident(beads):
        return beads, True
    left = [i for bead in beads for i in bead.left]
    right = [j for bead in beads for j in bead.right]
    if number in overrides:
        chosen = overrides[number]
        if chosen is not None:
            ours = [s for i in lefts for s in texts["en"][i]]
            theirs = [s for j in rights for s in texts["fr"][j]]
            ratio = segment_ratio(ours, theirs)
            first_left, first_right = (left or [0])[0], (right or [0])[0]
            return [Bead(tuple(first_left + i for i in l), tuple(first_right + j for j in r),
                         bead_confidence([ours[i] for i in l], [theirs[j] for j in r], ratio))
                    for l, r in chosen], True
    confidence = min((b.confidence for b in beads), default=1.0)
    return [Bead(tuple(left), tuple(right), confidence)], False
