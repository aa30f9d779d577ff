"""The site model: articles, their language versions, aligned segments, listings, sections."""
from __future__ import annotations

import pickle
import zlib
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Callable

from diglot.config import Config
from diglot.content.documents import Document
from diglot.content.frontmatter import hash_text, parse_date
from diglot.content.slugs import slugify
from diglot.errors import DiglotError, Problem, Report
from diglot.model.align import align_paragraphs, parse_alignment
from diglot.model.sentence_ids import SentenceBead, html_spans, number_sentences
from diglot.model.sentences import split_sentences
from diglot.model.text import Block, render_blocks


class Blocks:
    """A version's blocks, read like a tuple, pickled as one bytes object and unpickled where first
    read: a build that takes a thousand articles from its cache reads the bodies of only those it
    renders again (unpickling every block of them was a tenth of a second, before any worker started).

    The bytes are compressed (zlib's fastest level): the site model holds every article's, and
    every worker forked from it counts them as its own. They were 7.9 KB an article; compressed,
    less than a third of that (a block's plain text repeats its HTML's): 54 MB less at 10,000."""

    __slots__ = ("_blocks", "_pickled")

    def __init__(self, blocks=(), pickled: bytes | None = None):
        self._blocks = None if pickled is not None else tuple(blocks)
        self._pickled = pickled

    @property
    def blocks(self) -> tuple[Block, ...]:
        """The blocks, unpickled on first use."""
        if self._blocks is None:
            self._blocks = pickle.loads(zlib.decompress(self.packed()))
        return self._blocks

    def packed(self) -> bytes:
        """The blocks pickled and compressed (what they are kept as)."""
        if self._pickled is None:
            self._pickled = zlib.compress(pickle.dumps(self._blocks, protocol=pickle.HIGHEST_PROTOCOL), 1)
        return self._pickled if isinstance(self._pickled, bytes) else self._pickled.read()

    def keep_in(self, put: Callable[[bytes], Any]) -> None:
        """Keep the packed bytes where put keeps them, by the handle it returns, whose read() gives
        them back (the build keeps a one-off build's on disk: bench/README.md, memory)."""
        self._pickled, self._blocks = put(self.packed()), None

    def __reduce__(self):
        """Pickle as the bytes of the blocks (the ones unpickled from, when there are)."""
        return Blocks, ((), self.packed())

    def forget(self) -> None:
        """Drop the unpickled blocks, keeping their bytes (read again when next asked for): a worker
        that reads thousands of bodies, once each, then holds none of them."""
        if self._pickled is not None:
            self._blocks = None

    def __iter__(self):
        """Each block in reading order."""
        return iter(self.blocks)

    def __len__(self) -> int:
        """How many blocks."""
        return len(self.blocks)

    def __getitem__(self, index):
        """A block, or a tuple of them for a slice."""
        return self.blocks[index]

    def __eq__(self, other) -> bool:
        """Equal when the blocks are, however each side is held."""
        return self.blocks == other.blocks if isinstance(other, Blocks) else NotImplemented

    def __hash__(self) -> int:
        """Hash of the blocks (a frozen Version hashes its fields)."""
        return hash(self.blocks)

    def __repr__(self) -> str:
        """The blocks, as a tuple would show them."""
        return f"Blocks({self.blocks!r})"



@dataclass(frozen=True)
class Version:
    """One language version of an article, ready to render."""

    lang: str
    slug: str
    title: str
    title_lang: str
    date: datetime | None
    section: str | None  # its own section line, else the other version's (site.yaml may translate it)
    source: str | None
    credits: tuple[str, ...]
    description: str
    blocks: Blocks
    path: str
    sha256: str  # of its content file: with summary_fingerprint, it keys the version's search document
    # Hash of everything but the body: what a listing may show of this version, so that editing the
    # body leaves listings alone (unless it changes the description). A field, not a property: made
    # once with the version and cached with its article, not hashed again by every build.
    summary_fingerprint: str = field(init=False, repr=False, compare=False)
    updated: datetime | None = None  # the latest update, when later than date
    authors: tuple[str, ...] = ()  # from the bylines, shown as written in every language
    summary: str = ""  # one line for listings: front matter's summary, else the body's first sentence

    def __post_init__(self) -> None:
        """Fingerprint what a listing may show."""
        shown = [getattr(self, f.name) for f in fields(self) if f.name not in _NOT_IN_SUMMARY]
        object.__setattr__(self, "summary_fingerprint", hash_text(repr(shown)))

    @property
    def url(self) -> str:
        """Site-relative URL of the article page."""
        return f"{self.lang}/{self.slug}/"


_NOT_IN_SUMMARY = frozenset({"blocks", "sha256", "summary_fingerprint"})


@dataclass(frozen=True)
class Article:
    """An article: its versions by language and, per language, the segment number of each block."""

    key: str
    versions: dict[str, Version]
    segments: dict[str, tuple[int, ...]]
    original: str
    fingerprint: str  # hash of the content files it is made of: changes when any of them does
    # Per language, each block's sentences as (start, end, ID) in its HTML ((-1, -1, ID): the whole
    # block); a sentence and its translation share an ID (sentence_ids.py). Any sequence: the build
    # keeps them pickled (build/packed.py).
    sentences: dict[str, Sequence[tuple[tuple[int, int, int], ...]]] = field(default_factory=dict)
    sentence_beads: Sequence[SentenceBead] = ()  # for the review page

    @property
    def date(self) -> datetime | None:
        """The article's date (shared by its versions)."""
        return self.versions[self.original].date

    def version(self, lang: str) -> Version:
        """The version in lang, or the original when there is none."""
        return self.versions.get(lang) or self.versions[self.original]

    def other(self, lang: str) -> Version | None:
        """The version in the other language, if it exists."""
        for other_lang in sorted(self.versions):
            if other_lang != lang:
                return self.versions[other_lang]
        return None


@dataclass(frozen=True)
class Section:
    """A section (from the seeds' section line) and its articles."""

    name: str
    slug: str
    articles: tuple[Article, ...]


@dataclass(frozen=True)
class Site:
    """Everything the renderer needs, gathered before anything is written."""

    articles: tuple[Article, ...]
    sections: tuple[Section, ...] = field(default=())


def build_site(config: Config, documents: list[Document], report: Report) -> Site:
    """Group documents into articles, render and align their bodies, sort newest first.

    (The build caches whole articles instead: steps.model_step.)"""
    groups = group_documents(documents, config)
    return assemble_site([make_article(key, docs, report) for key, docs in sorted(groups.items())])


def assemble_site(articles: list[Article]) -> Site:
    """The site of these articles (given in key order), newest first, with its sections."""
    articles = sorted(articles, key=lambda a: a.date or datetime.min, reverse=True)  # stable: ties keep key order
    return Site(tuple(articles), collect_sections(articles))


def group_documents(documents: list[Document], config: Config) -> dict[str, dict[str, Document]]:
    """Group by translation key; two files of one language claiming one key is an error."""
    groups: dict[str, dict[str, Document]] = defaultdict(dict)
    problems = []
    for doc in documents:
        clash = groups[doc.key].get(doc.lang)
        if clash:
            line = doc.key_lines.get("translation_key")
            problems.append(Problem(doc.path, f"claims the same {doc.lang} article as {clash.path} "
                                    f"(translation key {doc.key!r})",
                                    "give one of them another translation_key or slug", line))
        else:
            groups[doc.key][doc.lang] = doc
    if problems:
        raise DiglotError(*problems)
    return groups


def make_article(key: str, docs: dict[str, Document], report: Report) -> Article:
    """Build one article: versions with shared metadata and title fallbacks, and its segments."""
    original = "en" if "en" in docs else sorted(docs)[0]
    titled = {lang: d.meta.get("title") for lang, d in docs.items() if d.meta.get("title")}
    if not titled:
        doc = docs[original]
        raise DiglotError(Problem(doc.path, "has no title", "add a line 'title: …' to its front matter", 2))
    bodies = {lang: tuple(render_blocks(doc.body, lang)) for lang, doc in docs.items()}
    versions = {lang: make_version(doc, docs, docs[original], titled, bodies[lang], report)
                for lang, doc in docs.items()}
    fingerprint = hash_text("".join(docs[lang].sha256 for lang in sorted(docs)))
    segments = align_segments_of(docs, bodies, report)
    sentences, beads = number_sentences(bodies, segments, sentence_overrides(docs, bodies, segments, report)
                                        if segments else {})
    return Article(key, versions, segment_numbers(bodies, segments), original, fingerprint, sentences, beads)


def make_version(doc: Document, docs: dict, original: Document, titled: dict,
                 blocks: tuple[Block, ...], report: Report) -> Version:
    """One version; its own title and section, else the other's; date, update, source and authors
    from the original, else whichever version has them."""
    title_lang = doc.lang if doc.lang in titled else next(iter(sorted(titled)))
    if title_lang != doc.lang:
        report.warn(doc.path, f"has no title; showing the {title_lang} title for now",
                    "add 'title: …' to its front matter")

    def shared(key):
        return doc.meta.get(key) or original.meta.get(key) or next(
            (d.meta[key] for d in docs.values() if d.meta.get(key)), None)

    def common(key):
        return original.meta.get(key) or shared(key)

    date = doc.date or original.date
    updated = parse_date(shared("updated")) if shared("updated") else None
    authors = common("authors") or ()
    description = doc.meta.get("description") or summarize(blocks)
    return Version(lang=doc.lang, slug=doc.slug, title=titled[title_lang], title_lang=title_lang,
                   date=date, section=shared("section"), source=common("source"),
                   credits=tuple(str(c) for c in doc.meta.get("credits") or ()),
                   description=description, blocks=Blocks(blocks), path=doc.path, sha256=doc.sha256,
                   updated=updated if updated and (date is None or updated > date) else None,
                   authors=(authors,) if isinstance(authors, str) else tuple(str(a) for a in authors),
                   summary=doc.meta.get("summary") or first_sentence(blocks, doc.lang))


def first_sentence(blocks: tuple[Block, ...], lang: str, limit: int = 200) -> str:
    """The body's first sentence (cut on a word past limit), for a listing's one-line summary."""
    text = blocks[0].text.strip() if blocks else ""
    spans = split_sentences(text, lang)
    sentence = text[spans[0][0]:spans[0][1]] if spans else text
    return sentence if len(sentence) <= limit else sentence[:limit].rsplit(" ", 1)[0] + "…"


def summarize(blocks: tuple[Block, ...], limit: int = 160) -> str:
    """The first words of the body, cut on a word, for meta descriptions and snippets."""
    text = " ".join(b.text for b in blocks[:2]).strip()
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def align_segments_of(docs: dict[str, Document], bodies: dict, report: Report):
    """The segments of an English–French article (front matter's, else the aligner's), or None."""
    if set(docs) != {"en", "fr"}:
        return None
    left, right = bodies["en"], bodies["fr"]
    segments = override_alignment(docs, len(left), len(right), report)
    return segments if segments is not None else align_paragraphs([b.text for b in left], [b.text for b in right])


def segment_numbers(bodies: dict, segments) -> dict[str, tuple[int, ...]]:
    """Give every block a segment number; translated blocks share numbers across languages."""
    if segments is None:
        return {lang: tuple(range(1, len(blocks) + 1)) for lang, blocks in bodies.items()}
    numbers = {"en": [0] * len(bodies["en"]), "fr": [0] * len(bodies["fr"])}
    for n, (lefts, rights) in enumerate(segments, start=1):
        for i in lefts:
            numbers["en"][i] = n
        for j in rights:
            numbers["fr"][j] = n
    return {lang: tuple(nums) for lang, nums in numbers.items()}


def sentence_overrides(docs: dict[str, Document], bodies: dict, segments, report: Report) -> dict:
    """The front matter's `sentence_alignment:` (segment number: beads such as "1-1 2-1", or "off"
    to read it paragraph by paragraph), as sentence_ids.number_sentences takes it; bad entries warn."""
    overrides = {}
    for doc in (docs["en"], docs["fr"]):
        spec = doc.meta.get("sentence_alignment")
        if not spec:
            continue
        line = doc.key_lines.get("sentence_alignment")
        if not isinstance(spec, dict):
            report.warn(doc.path, "sentence_alignment is ignored: it is not a mapping",
                        "write one line per segment, e.g. '  3: 1-1 2-1' or '  3: off'", line)
            continue
        for number, beads in spec.items():
            try:
                if not isinstance(number, int) or isinstance(number, bool):
                    raise ValueError(f"{number!r} is not a segment number (1, 2, … as data-seg and #sN count them)")
                overrides[number] = parse_sentence_beads(number, str(beads), bodies, segments)
            except (ValueError, IndexError) as exc:
                report.warn(doc.path, f"sentence_alignment of segment {number} is ignored: {exc}",
                            "fix the beads (they count sentences), write 'off', or remove the line", line)
    return overrides


def parse_sentence_beads(number, spec: str, bodies: dict, segments):
    """One segment's sentence beads, from a bead string over its sentences; None for "off"."""
    if spec.strip().lower() in ("off", "paragraph", "none"):
        return None
    index = int(number) - 1
    if not 0 <= index < len(segments):
        raise ValueError(f"there is no segment {number} (the article has {len(segments)})")
    lefts, rights = segments[index]
    count = {lang: sum(len(html_spans(bodies[lang][k], lang)) for k in ks)
             for lang, ks in (("en", lefts), ("fr", rights))}
    return parse_alignment(spec, count["en"], count["fr"], "sentences", f"segment {number}")


def override_alignment(docs: dict[str, Document], n_left: int, n_right: int, report: Report):
    """Segments from an 'alignment' front-matter key, or None; a bad spec is a warning."""
    for doc in (docs["fr"], docs["en"]):
        spec = doc.meta.get("alignment")
        if spec:
            try:
                return parse_alignment(spec, n_left, n_right)
            except ValueError as exc:
                report.warn(doc.path, f"alignment is ignored: {exc}", "fix the beads or remove the key",
                            doc.key_lines.get("alignment"))
    return None


def collect_sections(articles: list[Article]) -> tuple[Section, ...]:
    """Sections by slug, each with its articles in listing order: names that make one slug ("World",
    "WORLD") are one section, which would otherwise share a page; it is called by its most used name."""
    by_slug: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        name = article.versions[article.original].section
        if name:
            by_slug[slugify(name)].append(article)
    sections = []
    for slug, arts in by_slug.items():
        names = Counter(article.versions[article.original].section for article in arts)
        sections.append(Section(min(names, key=lambda name: (-names[name], name)), slug, tuple(arts)))
    return tuple(sorted(sections, key=lambda section: (section.name, section.slug)))
