"""Write the owner's review page (render/review.py) beside the output folder: `check --review`,
`build --review` and the dev server (at /_review/). It is never part of site/, so never deployed."""
from __future__ import annotations

from pathlib import Path

from diglot.build.cache import BuildCache, digest, tree_digest
from diglot.build.fileio import replace_bytes
from diglot.build.options import SHIPPED, Options, Summary
from diglot.content.documents import Document
from diglot.model.site import Site

REVIEW_LAYOUTS = ("review.html", "review-parts.html", "review.css")


def review_layouts(layouts: Path) -> Path:
    """The folder holding the review's layouts: the project's if it has them all (a project's own
    layouts may predate the review page), else diglot's."""
    return layouts if all((layouts / name).is_file() for name in REVIEW_LAYOUTS) else SHIPPED / "layouts"


def write_review(options: Options, site: Site, documents: list[Document], summary: Summary,
                 cache: BuildCache) -> Path:
    """Render the review page of this build and write it (atomically) to options.review_path.

    The dev server remembers between builds each article's segments and confidences (by the
    article's fingerprint: the content files it is made of) and each article's HTML (by all it
    shows), so an edit makes one article's part again, not a thousand."""
    from diglot.render import review  # only a build asked for a review loads it

    folder = review_layouts(options.layouts)
    env, css = cache.keep("review layouts", digest(folder.resolve(), tree_digest(folder)), lambda: (
        review.review_environment(folder), (folder / "review.css").read_text(encoding="utf-8")))
    overrides = {doc.path: str(doc.meta["alignment"]) for doc in documents if doc.meta.get("alignment")}
    segments = cache.remember("review segments", site.articles, lambda article: article.fingerprint,
                              review.segment_views)
    context = review.review_context(site, summary.seeds, summary.report, overrides, segments)
    items = review.articles_in_full(context)
    made = dict(zip(items, cache.remember("review articles", items, lambda item: item,
                                          lambda item: review.render_article(env, *item))))
    page = review.render_page(env, css, context, lambda env, view, open_: made[view, open_])
    path = options.review_path
    replace_bytes(path, page.encode("utf-8"))
    return path
