"""Write the owner's review page (render/review.py) beside the output folder: `check --review`,
`build --review` and the dev server (at /_review/). It is never part of site/, so never deployed."""
from __future__ import annotations

from pathlib import Path

from diglot.build.fileio import replace_bytes
from diglot.build.options import REPO, Options, Summary
from diglot.content.documents import Document
from diglot.model.site import Site


def review_layouts(layouts: Path) -> Path:
    """The folder holding review.html and review.css: the project's layouts if they have them
    (a project's own layouts may predate the review page), else diglot's."""
    return layouts if (layouts / "review.html").is_file() and (layouts / "review.css").is_file() else REPO / "layouts"


def write_review(options: Options, site: Site, documents: list[Document], summary: Summary) -> Path:
    """Render the review page of this build and write it (atomically) to options.review_path."""
    from diglot.render.review import render_review  # only a build asked for a review loads it

    overrides = {doc.path: str(doc.meta["alignment"]) for doc in documents if doc.meta.get("alignment")}
    page = render_review(site, summary.seeds, summary.report, overrides, review_layouts(options.layouts))
    path = options.review_path
    replace_bytes(path, page.encode("utf-8"))
    return path
