"""An edited article's own pages at once, before the rebuild: the dev server's preview.

At 10,000 articles a rebuild after an edit takes seconds, most of them spent on what every edit
touches a little of (listings, search files, the sitemap). The page the writer is looking at
depends on its article alone (its key is the article's fingerprint: render/pages.py), so it can be
rendered from the last build's site model with the edited files read again, exactly as the rebuild
will render it. The dev server shows these pages while the rebuild runs, then the rebuild's.

An edit that reaches past its article's pages (a content file added or removed, a new URL,
translation key or section) gets no preview: only the rebuild can show it.
"""
from __future__ import annotations

from pathlib import Path

from diglot.build.fileio import read_bytes
from diglot.build.steps import made_article, page_environment
from diglot.content.documents import CONTENT_LABEL, parse_file
from diglot.model.site import Article
from diglot.render.pages import render_page, sections_by_article, side_by_side_jobs, version_jobs


def preview_pages(content: Path, layouts: Path, cache, model: tuple, changed: set[str]) -> dict[str, bytes] | None:
    """Render the pages (site-relative path → bytes) of the articles whose content files changed
    (names in content/) as the rebuild will; None when the edit reaches past them."""
    config, site = model
    by_file = {version.path: article for article in site.articles for version in article.versions.values()}
    touched = [by_file.get(f"{CONTENT_LABEL}/{name}") for name in changed]
    if None in touched:
        return None  # a new file, or one no article is made of
    section_of = sections_by_article(site)
    _, env = page_environment(config, layouts, cache)
    pages: dict[str, bytes] = {}
    for old in {article.key: article for article in touched}.values():
        article = reread_article(content, old)
        if article is None:
            return None
        section = section_of.get(old.key)
        for job in version_jobs(article, section) + side_by_side_jobs(article, section):
            pages[job.page.path] = render_page(env, job)
    return pages


def reread_article(content: Path, old: Article) -> Article | None:
    """Make the article again from its content files as they are now; None when it would not be
    the same article at the same places (another translation key, language, URL or section)."""
    docs = {}
    for lang, version in old.versions.items():
        path = version.path
        doc = parse_file(read_bytes(content / path[len(CONTENT_LABEL) + 1:]), path)
        if doc.key != old.key or doc.lang != lang:
            return None
        docs[lang] = doc
    article, _ = made_article(old.key, docs)
    same_places = all(article.versions[lang].url == version.url and article.versions[lang].section == version.section
                      for lang, version in old.versions.items())
    return article if same_places else None
