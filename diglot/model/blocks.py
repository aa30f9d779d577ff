"""A rendered body's unit: one top-level HTML element with its plain text."""
from __future__ import annotations

import re
from dataclasses import dataclass

# Runs of layout whitespace other than a lone space: the only ones folding changes.
_LAYOUT_SPACE = re.compile(r"(?: [ \t\n\r\f]|[\t\n\r\f])[ \t\n\r\f]*")


@dataclass(frozen=True)
class Block:
    """One top-level element of a rendered body."""

    tag: str
    html: str
    text: str

    def __reduce__(self):
        """Pickle a plain paragraph, the usual block, as its text alone: its HTML is that text
        between <p> tags (the cache and the workers' pipes carry half the bytes)."""
        if self.tag == "p" and self.html == f"<p>{self.text}</p>":
            return paragraph_block, (self.text,)
        return Block, (self.tag, self.html, self.text)


def paragraph_block(text: str) -> Block:
    """The Block of a paragraph whose text needs no markup: the text between <p> tags."""
    return Block("p", f"<p>{text}</p>", text)


def fold_layout(text: str) -> str:
    """Fold runs of layout whitespace to one space and trim the ends, as a browser shows them."""
    return _LAYOUT_SPACE.sub(" ", text).strip(" ")
