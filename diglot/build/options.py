"""How a build is asked for (Options) and what it did (Summary)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from diglot.errors import Report

# Where diglot's own layouts/ and node_modules/ (the browser search libraries) are: beside the
# package in a checkout, inside it when installed with pip (the wheel carries them: pyproject.toml).
PACKAGE = Path(__file__).resolve().parents[1]
SHIPPED = PACKAGE if (PACKAGE / "layouts").is_dir() else PACKAGE.parent


@dataclass(frozen=True)
class Options:
    """Where things are and how to build; paths default to the project folder's."""

    project: Path = Path(".")
    config: Path | None = None
    seeds: Path | None = None
    content: Path | None = None
    layouts: Path | None = None
    output: Path | None = None
    base_url: str | None = None
    strict: bool = False
    import_seeds: bool = True
    write: bool = True
    cache: Path | None = None
    use_cache: bool = True
    review: bool = False  # also write the owner's review page (review_path)
    # The dev server's: make the review page only when it is asked for (Summary.write_review), since
    # at 10,000 pairs rendering it was a third of an edit's rebuild.
    review_later: bool = False
    # The dev server's: the summary keeps the site model and its config (Summary.model), from which
    # an edited article's own pages are shown before the rebuild ends (build/preview.py).
    keep_model: bool = False

    def resolved(self) -> "Options":
        """Fill unset paths from the project folder (layouts fall back to diglot's own)."""
        p = self.project
        layouts = self.layouts or (p / "layouts" if (p / "layouts").is_dir() else SHIPPED / "layouts")
        return replace(self, config=self.config or p / "site.yaml", seeds=self.seeds or p / "seeds",
                       content=self.content or p / "content", layouts=layouts, output=self.output or p / "site",
                       cache=self.cache or p / ".cache")

    @property
    def review_path(self) -> Path:
        """Where the review page goes: beside the output folder, never in it (it is not deployed)."""
        return (self.output or self.project / "site").parent / "review.html"


@dataclass
class Summary:
    """What a build did, for the one-line summary and the tests."""

    articles: int = 0
    pages: int = 0
    files: int = 0
    languages: tuple[str, ...] = ()
    decisions: tuple[str, ...] = ()
    report: Report = field(default_factory=Report)
    seeds: tuple = ()  # what became of each seed (content/outcomes.py's SeedOutcome)
    seconds: float = 0.0
    rendered: int = 0  # pages rendered this time; the others came from the cache
    replayed: bool = False  # nothing had changed: the last build's summary, no step run
    duplicates: int = 0  # seeds not imported: copies and earlier versions of another seed
    skipped: int = 0  # seeds not imported: no article in them, or a language the site does not publish
    write_review: Callable[[], Path] | None = None  # with review_later: writes this build's review page
    model: tuple | None = None  # with keep_model: (config, site) of this build
