"""Python-Markdown's side of render_blocks: safe, typeset HTML blocks for a body that is more than
plain paragraphs (text.py renders those itself, and loads this module only when a body needs it)."""
from __future__ import annotations

import html
import re
from functools import lru_cache
from xml.etree.ElementTree import Element

import markdown
from markdown import util
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

from diglot.model.blocks import Block, fold_layout
from diglot.model.typography import typeset, typeset_tree

# Markdown deletes STX and ETX from its input, so this marker cannot come from content.
_BLOCK_END = f"{util.STX}diglot-block-end{util.ETX}"
_STASHED = re.compile(util.HTML_PLACEHOLDER % r"([0-9]+)")
_OBFUSCATED_ENTITY = re.compile(re.escape(util.AMP_SUBSTITUTE) + r"(#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z0-9]+);")
_SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"([a-z][a-z0-9+.-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f-\x9f\s\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]+")


def render_markdown(markdown_text: str, lang: str) -> list[Block]:
    """Render a non-blank body through Python-Markdown and the finishing pass."""
    renderer, extension = _renderer(lang)
    renderer.reset()
    pieces = renderer.convert(markdown_text).split(_BLOCK_END)
    return [Block(tag, piece.strip(), text) for (tag, text), piece in zip(extension.found, pieces)]


class DiglotExtension(Extension):
    """Python-Markdown without raw HTML, plus a pass that makes URLs safe and sets typography."""

    def __init__(self, lang: str):
        super().__init__()
        self.lang = lang
        self.found: list[tuple[str, str]] = []

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        """Switch raw HTML off and run the finishing pass after Markdown's own tree passes."""
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_FinishingPass(md, self), "diglot_finish", -10)


class _FinishingPass(Treeprocessor):
    """Make each top-level block safe and typeset, note its tag and text, and mark where it ends."""

    def __init__(self, md: markdown.Markdown, extension: DiglotExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, root: Element) -> None:
        """Finish every top-level block of the document."""
        stash = self.md.htmlStash.rawHtmlBlocks
        found = []
        for block in root:
            _restore_entities(block, stash)
            _drop_unsafe_urls(block)
            typeset_tree(block, self.extension.lang)
            found.append((block.tag, _block_text(block)))
            block.tail = _BLOCK_END
        self.extension.found = found


@lru_cache(maxsize=None)
def _renderer(lang: str) -> tuple[markdown.Markdown, DiglotExtension]:
    """Build one reusable Markdown instance per language (rendering is the hot path)."""
    typeset("", lang)  # refuses an unknown language before any Markdown is built
    extension = DiglotExtension(lang)
    return markdown.Markdown(extensions=[extension], output_format="html"), extension


def _restore_entities(block: Element, stash: list) -> None:
    """Put the characters of stashed and obfuscated entities back into the tree as plain text."""
    for element in block.iter():
        if element.text:
            element.text = _unstash(element.text, stash)
        if element.tail and element is not block:
            element.tail = _unstash(element.tail, stash)
        for name, value in element.items():
            element.set(name, _unstash(value, stash))


def _unstash(text: str, stash: list) -> str:
    """Replace Markdown's entity placeholders with the characters they stand for."""
    if util.STX not in text:
        return text
    text = _STASHED.sub(lambda m: html.unescape(str(stash[int(m.group(1))])), text)
    return _OBFUSCATED_ENTITY.sub(lambda m: html.unescape("&" + m.group(1) + ";"), text)


def _is_safe_url(url: str) -> bool:
    """Allow relative URLs and http, https and mailto; nothing a browser could run."""
    folded = _INVISIBLE.sub("", html.unescape(url)).lower()
    scheme = _SCHEME.match(folded)
    return scheme is None or scheme.group(1) in _SAFE_SCHEMES


def _drop_unsafe_urls(block: Element) -> None:
    """Unwrap links and replace images whose URL is not safe, keeping what the reader sees."""
    # Deepest first, so an image inside an unsafe link is settled before the link is unwrapped.
    for parent in reversed(list(block.iter())):
        for index in reversed(range(len(parent))):
            child = parent[index]
            if child.tag == "a" and not _is_safe_url(child.get("href", "")):
                _unwrap(parent, index, child.text or "", list(child))
            elif child.tag == "img" and not _is_safe_url(child.get("src", "")):
                _unwrap(parent, index, child.get("alt", ""), [])


def _unwrap(parent: Element, index: int, text: str, children: list[Element]) -> None:
    """Replace parent[index] by `text` followed by `children`, keeping its tail."""
    tail = parent[index].tail or ""
    del parent[index]
    if children:
        children[-1].tail = (children[-1].tail or "") + tail
    else:
        text += tail
    _append_text(parent, index, text)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)


def _append_text(parent: Element, index: int, text: str) -> None:
    """Add `text` where parent's child number `index` would start."""
    if index == 0:
        parent.text = (parent.text or "") + text
    else:
        parent[index - 1].tail = (parent[index - 1].tail or "") + text


def _block_text(block: Element) -> str:
    """Return what a reader reads in the block; layout whitespace folds except in preformatted text."""
    text = "".join(block.itertext())
    if block.tag == "pre":
        return text
    return fold_layout(text)
