"""The site owner's review page: what became of every seed, and every pair's alignment side by side
with each segment's confidence and sentence beads, what needs a look first (pure: model and outcomes in, HTML out).

The page is one self-contained file (it is opened from disk after `check --review`, or served by
the dev server at /_review/): its stylesheet is inline, allowed by its sha256 in the page's CSP
(no 'unsafe-inline'), and it has no script, so its "needs attention" filter is the order of the
page: what needs a look comes first, open; the rest follows, folded.
"""
from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from diglot.content.outcomes import NOT_IMPORTED, PAIRED, SINGLE, SeedOutcome
from diglot.errors import Problem, Report
from diglot.model.align import format_alignment, segment_confidences
from diglot.model.sentence_ids import span_texts
from diglot.model.site import Article, Site

# A segment below this confidence is highlighted (align.segment_confidence: a 1-1 whose length
# is ~1.6 standard deviations off the usual ratio with nothing shared, or a 2-1 merge sharing
# little). The real seed pair's segments are all at 0.58 or more.
LOW_CONFIDENCE = 0.2
# A pair scored below this needs a look: the pairing threshold is 0.30 (pairing.PAIR_THRESHOLD),
# chance overlaps reach 0.28, the real seed pair scores 0.55.
WEAK_PAIR = 0.4
# Articles that look fine are shown in full (alignment side by side) up to this many; past it each
# is one row (title, alignment, files), so the page still opens: in full, 10,000 pairs made a
# 139 MB page, nine tenths of it articles that need no look. What needs attention is always in full.
FINE_IN_FULL = 1_000
LANGUAGE_NAMES = {"en": "English", "fr": "French"}


@dataclass(frozen=True)
class SentenceBeadView:
    """One sentence bead of a segment: how many sentences on each side, the aligner's confidence."""

    left: int
    right: int
    confidence: float

    @property
    def bead(self) -> str:
        """The bead as `sentence_alignment:` writes it, e.g. 2-1."""
        return f"{self.left}-{self.right}"


# A paragraph's sentences, each with the number of its bead in the segment (1, 2, …).
Sentences = tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class SegmentView:
    """One segment of an alignment: its paragraphs on each side, its bead and confidence, and its
    sentence beads (by_sentence: the pages read it sentence by sentence, else paragraph by paragraph)."""

    number: int
    left: tuple[str, ...]
    right: tuple[str, ...]
    confidence: float
    flag: str  # "untranslated" (1-0, 0-1), "low" (below LOW_CONFIDENCE) or ""
    beads: tuple[SentenceBeadView, ...] = ()
    by_sentence: bool = False
    left_sentences: tuple[Sentences, ...] = ()  # per paragraph of left (empty: show left as it is)
    right_sentences: tuple[Sentences, ...] = ()

    @property
    def bead(self) -> str:
        """The segment as a bead of the `alignment:` syntax, e.g. 2-1."""
        return f"{len(self.left)}-{len(self.right)}"


@dataclass(frozen=True)
class ArticleView:
    """One article as the review shows it: files, seeds, alignment and why it needs a look."""

    anchor: str
    title: str
    files: tuple[tuple[str, str], ...]  # (language, content file)
    seeds: tuple[SeedOutcome, ...]
    segments: tuple[SegmentView, ...]
    beads: str  # the alignment in `alignment:` syntax
    override: str  # the content file whose `alignment:` set it by hand, or ""
    edit_file: str  # where an `alignment:` line goes (the translation's file)
    problems: tuple[str, ...]
    reasons: tuple[str, ...]  # why it needs attention; empty when it looks fine

    @property
    def paragraphs(self) -> tuple[int, int]:
        """How many English and French paragraphs the alignment covers (what its beads add up to)."""
        return sum(len(s.left) for s in self.segments), sum(len(s.right) for s in self.segments)


@dataclass(frozen=True)
class SeedView:
    """One seed's row: its outcome, the article it became, and what the build said about it."""

    outcome: SeedOutcome
    anchor: str
    title: str
    messages: tuple[str, ...]
    attention: bool


def segment_views(article: Article) -> tuple[SegmentView, ...]:
    """An English-French article's segments, rebuilt from its blocks' segment numbers, with
    confidences; none for an article in one language."""
    if not {"en", "fr"} <= article.versions.keys():
        return ()
    sides = []
    for lang in ("en", "fr"):
        groups: dict[int, list[str]] = {}
        for block, number in zip(article.versions[lang].blocks, article.segments[lang]):
            groups.setdefault(number, []).append(block.text)
        sides.append(groups)
    numbers = sorted(set(sides[0]) | set(sides[1]))
    left, right = [tuple(sides[0].get(n, ())) for n in numbers], [tuple(sides[1].get(n, ())) for n in numbers]
    # Confidences of the segments as the aligner sees them: each side's paragraphs as one list.
    flat_left, flat_right = [t for group in left for t in group], [t for group in right for t in group]
    segments, i, j = [], 0, 0
    for lefts, rights in zip(left, right):
        segments.append((tuple(range(i, i + len(lefts))), tuple(range(j, j + len(rights)))))
        i, j = i + len(lefts), j + len(rights)
    confidences = segment_confidences(flat_left, flat_right, segments)
    views = [SegmentView(n, lefts, rights, confidence, flag_of(lefts, rights, confidence))
             for n, lefts, rights, confidence in zip(numbers, left, right, confidences)]
    texts = {lang: sentence_texts(article, lang) for lang in ("en", "fr")}
    return tuple(with_sentences(view, texts, sentence_beads) for view, sentence_beads
                 in zip(views, sentence_beads_by_segment(article, numbers)))


def sentence_texts(article: Article, lang: str) -> list[list[str]]:
    """The text of each sentence of each block of a version, as its marks cut it (the build's
    sentences: none split again)."""
    return [span_texts(block, [(start, end) for start, end, _ in marks])
            for block, marks in zip(article.versions[lang].blocks, article.sentences.get(lang, ()))]


def sentence_beads_by_segment(article: Article, numbers: list[int]) -> list[list]:
    """The article's sentence beads (model.sentence_ids.SentenceBead), grouped by segment, in order."""
    grouped: dict[int, list] = {}
    for bead in article.sentence_beads:
        grouped.setdefault(bead.segment, []).append(bead)
    return [grouped.get(n, []) for n in numbers]


def with_sentences(view: SegmentView, texts: dict[str, list[list[str]]], beads: list) -> SegmentView:
    """A segment with its sentence beads, and its paragraphs' sentences (texts: sentence_texts of
    each language) marked with their bead's number (only when it reads sentence by sentence: else
    it is one bead, nothing to mark)."""
    if not beads or not (view.left and view.right):
        return view
    shown = beads[0].shown
    found = {"en": {}, "fr": {}}
    for number, bead in enumerate(beads, start=1):
        found["en"].update((i, number) for i in bead.left)
        found["fr"].update((j, number) for j in bead.right)
    marked = {lang: paragraph_sentences(texts[lang], found[lang]) if shown else () for lang in ("en", "fr")}
    return replace(view, beads=tuple(SentenceBeadView(len(b.left), len(b.right), b.confidence) for b in beads),
                   by_sentence=shown, left_sentences=marked["en"], right_sentences=marked["fr"])


def paragraph_sentences(paragraphs: list[list[str]], bead_of: dict[int, int]) -> tuple[Sentences, ...]:
    """The sentences of the paragraphs holding bead_of's sentences (article-wide numbers), each with
    its bead's number, paragraph by paragraph."""
    found, at = [], 0
    for sentences in paragraphs:
        if any(at + k in bead_of for k in range(len(sentences))):
            found.append(tuple((bead_of.get(at + k, 0), text) for k, text in enumerate(sentences)))
        at += len(sentences)
    return tuple(found)


def flag_of(left: tuple[str, ...], right: tuple[str, ...], confidence: float) -> str:
    """What to highlight a segment for: an untranslated paragraph, a low confidence, or nothing."""
    if not left or not right:
        return "untranslated"
    return "low" if confidence < LOW_CONFIDENCE else ""


def messages_by_file(report: Report) -> dict[str, list[str]]:
    """The build's warnings and notes by the file they name (seeds/x.txt, content/x.en.md)."""
    found: dict[str, list[str]] = {}
    for problem in report.warnings:
        found.setdefault(problem.path, []).append("warning: " + describe_problem(problem))
    for note in report.notes:
        path, colon, rest = note.partition(": ")
        if colon and path.startswith("seeds/"):
            found.setdefault(path, []).append(rest)
    return found


def describe_problem(problem: Problem) -> str:
    """A warning without its file name (the row names it): line, what, what to do."""
    where = f"line {problem.line}: " if problem.line else ""
    return where + problem.what + (f" — {problem.fix}" if problem.fix else "")


def article_anchor(article: Article) -> str:
    """The article's id on the page: its original's language and slug (unique, like its file name)."""
    return f"{article.original}-{article.versions[article.original].slug}"


def article_view(article: Article, segments: tuple[SegmentView, ...], seeds: dict[str, SeedOutcome],
                 messages: dict[str, list[str]], overrides: dict[str, str]) -> ArticleView:
    """Review one article (segments: its segment_views): files and seeds, alignment, warnings, reasons to look."""
    versions = [article.versions[lang] for lang in sorted(article.versions)]
    files = tuple((v.lang, v.path) for v in versions)
    own_seeds = tuple(seeds[v.path] for v in versions if v.path in seeds)
    problems = tuple(m for v in versions for m in messages.get(v.path, ()))
    paired = {"en", "fr"} <= article.versions.keys()
    edit = article.versions["fr"].path if paired else ""
    override = next((v.path for v in (article.versions.get("fr"), article.versions.get("en"))
                     if paired and v.path in overrides), "")
    beads = format_alignment([(s.left, s.right) for s in segments])
    return ArticleView(article_anchor(article), article.versions[article.original].title, files, own_seeds,
                       segments, beads, override, edit, problems,
                       attention_reasons(segments, own_seeds, paired))


def attention_reasons(segments, seeds: tuple[SeedOutcome, ...], paired: bool) -> tuple[str, ...]:
    """Why an article needs a look: untranslated or doubtful segments, a weak pair, a lone version."""
    reasons = []
    untranslated = sum(s.flag == "untranslated" for s in segments)
    low = sum(s.flag == "low" for s in segments)
    if untranslated:
        reasons.append(f"{untranslated} untranslated paragraph{'s' * (untranslated > 1)} (1-0 or 0-1)")
    if low:
        reasons.append(f"{low} segment{'s' * (low > 1)} below confidence {LOW_CONFIDENCE:.2f}")
    score = next((s.score for s in seeds if s.score is not None), None)
    if score is not None and score < WEAK_PAIR:
        reasons.append(f"weak pair: score {score:.2f} (below {WEAK_PAIR:.2f})")
    if not paired and any(s.kind == SINGLE for s in seeds):
        reasons.append("no translation was paired with it")
    return tuple(reasons)  # its files' warnings are shown with it, and counted by problem (warning_groups)


def seed_views(outcomes: tuple[SeedOutcome, ...], articles: dict[str, ArticleView],
               messages: dict[str, list[str]]) -> tuple[SeedView, ...]:
    """Every seed: the import's outcomes and any other seed the build said something about."""
    known = {o.seed: o for o in outcomes}
    for path in messages:
        if path.startswith("seeds/") and path[6:] not in known:
            known[path[6:]] = SeedOutcome(path[6:], NOT_IMPORTED)
    views = []
    for name, outcome in sorted(known.items()):
        said = tuple(messages.get(f"seeds/{name}", ()))
        article = articles.get(outcome.file)
        weak = outcome.kind == PAIRED and outcome.score is not None and outcome.score < WEAK_PAIR
        attention = outcome.kind != PAIRED or weak or any(m.startswith("warning: ") for m in said)
        views.append(SeedView(outcome, article.anchor if article else "", article.title if article else "",
                              said, attention))
    return tuple(views)


def review_context(site: Site, outcomes: tuple[SeedOutcome, ...], report: Report,
                   overrides: dict[str, str], segments: list | None = None) -> dict:
    """What the review layout shows: counts, seeds, and articles split by whether they need a look.

    segments: segment_views of every article of the site, in order, when they were made already
    (the dev server remembers them between builds)."""
    messages = messages_by_file(report)
    by_file = {o.file: o for o in outcomes if o.file}
    segments = [segment_views(a) for a in site.articles] if segments is None else segments
    articles = [article_view(a, views, by_file, messages, overrides) for a, views in zip(site.articles, segments)]
    by_path = {path: view for view in articles for _, path in view.files}
    seeds = seed_views(outcomes, by_path, messages)
    kinds = {kind: sum(s.outcome.kind == kind for s in seeds) for kind in (PAIRED, SINGLE, NOT_IMPORTED)}
    return {"seeds": seeds, "attention_seeds": [s for s in seeds if s.attention],
            "attention": [a for a in articles if a.reasons], "fine": [a for a in articles if not a.reasons],
            "articles": len(articles), "kinds": kinds, "imported": bool(outcomes),
            "warnings": len(report.warnings),
            "warning_groups": warning_groups(report, {path: view.anchor for path, view in by_path.items()})}


def warning_groups(report: Report, anchors: dict[str, str], shown: int = 3) -> list[tuple[str, int, list]]:
    """The build's warnings grouped by problem, as the build log counts them: (what, how many, the
    first few (file, article anchor or "")). One problem of a thousand files is one line, not a
    thousand articles needing attention (a folder whose French seeds have no headline)."""
    return [(f"{same[0].what} — {same[0].fix}" if same[0].fix else same[0].what, len(same),
             [(p.path, anchors.get(p.path, "")) for p in same[:shown]]) for same in report.warnings_by_problem()]


def style_hash(css: str) -> str:
    """The CSP source that allows exactly this inline stylesheet."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode("ascii") + "'"


def review_environment(layouts: Path) -> Environment:
    """The Jinja2 environment of review.html and review-parts.html (in layouts), with the review's globals."""
    env = Environment(loader=FileSystemLoader(str(layouts)), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.globals.update(language_names=LANGUAGE_NAMES, low_confidence=LOW_CONFIDENCE, weak_pair=WEAK_PAIR)
    return env


def render_article(env: Environment, view: ArticleView, open_: bool) -> Markup:
    """One article's part of the page (open_: unfolded), as markup the page includes unescaped."""
    return env.get_template("review-parts.html").module.article(view, open_)


def fine_in_full(context: dict) -> bool:
    """Tell whether a review_context's page shows its articles that look fine in full (at most FINE_IN_FULL)."""
    return len(context["fine"]) <= FINE_IN_FULL


def articles_in_full(context: dict) -> list[tuple[ArticleView, bool]]:
    """The articles a review_context's page shows in full, each with whether it is unfolded: every
    one that needs attention, then those that look fine (fine_in_full)."""
    fine = context["fine"] if fine_in_full(context) else []
    return [(view, True) for view in context["attention"]] + [(view, False) for view in fine]


def render_page(env: Environment, css: str, context: dict, render=render_article) -> str:
    """The whole page of a review_context; render(env, view, open) makes each article's part shown
    in full (the dev server passes one that remembers them)."""
    shown = [(open_, render(env, view, open_)) for view, open_ in articles_in_full(context)]
    parts = {"attention_html": [html for open_, html in shown if open_],
             "fine_html": [html for open_, html in shown if not open_],
             "fine_in_full": fine_in_full(context), "fine_limit": FINE_IN_FULL}
    return env.get_template("review.html").render(css=css, style_source=style_hash(css), **context, **parts)
