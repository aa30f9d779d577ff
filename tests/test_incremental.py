"""The build cache: a rebuild with the cache writes the same site/ as a clean build, and skips work."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import REPO, make_project
from diglot.build import content_files
from diglot.content import documents
from diglot.build import import_step as importing
from diglot.build import parallel
from diglot.build import steps, templates
from diglot.build.cache import FORMAT, MISSING, BuildCache
from diglot.config import load_config
from diglot.build.content_files import read_content
from diglot.errors import DiglotError, Report
from diglot.build.pipeline import Options, build, open_cache


def corpus_seeds(count: int, folder: Path, seed: int = 3) -> dict[str, bytes]:
    """Seeds of a small synthetic corpus from bench/corpus.py (pairs, singles, merges, splits)."""
    subprocess.run([sys.executable, str(REPO / "bench" / "corpus.py"), str(count), str(folder), "--seed", str(seed)],
                   check=True, capture_output=True)
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.txt"))}


def tree(root: Path) -> dict[str, bytes]:
    """Every file under root by relative path, with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def clean_build_of(project: Path, where: Path) -> dict[str, bytes]:
    """Build a copy of project's inputs from scratch (no cache, no previous site/) and return site/."""
    shutil.copytree(project, where, ignore=shutil.ignore_patterns("site", ".cache", ".site*"))
    build(Options(project=where, use_cache=False))
    return tree(where / "site")


def seeds_of(content: Path) -> list[str]:
    """The seed file names a content file was imported from."""
    return re.findall(r"^seed: ['\"]?(.+?)['\"]?$", content.read_text(encoding="utf-8"), re.M)


@pytest.fixture
def corpus_project(tmp_path) -> Path:
    """A built project of 12 synthetic articles, with its own copy of the layouts."""
    project = make_project(tmp_path / "project", corpus_seeds(12, tmp_path / "corpus"))
    shutil.copytree(REPO / "layouts", project / "layouts")
    build(Options(project=project))
    return project


def test_rebuild_after_edits_additions_and_deletions_equals_a_clean_build(corpus_project, tmp_path):
    project = corpus_project
    english = sorted((project / "content").glob("*.en.md"))
    french = sorted((project / "content").glob("*.fr.md"))
    # edit a body, and a French title
    english[0].write_text(english[0].read_text(encoding="utf-8") + "\nA sentence added by hand.\n", encoding="utf-8")
    french[0].write_text(french[0].read_text(encoding="utf-8").replace("title: ", "title: Modifié — ", 1),
                         encoding="utf-8")
    # rename an article (a new slug: new URLs, in the search indexes too)
    for path in (project / "content").glob(english[1].name.replace(".en.md", ".*.md")):
        path.rename(path.with_name(path.name.replace(english[1].name[:-len(".en.md")], "a-renamed-article")))
    # delete an article: its seeds and its content files
    gone = english[-1]
    for name in seeds_of(gone):
        (project / "seeds" / name).unlink()
    for path in (project / "content").glob(gone.name.replace(".en.md", ".*.md")):
        path.unlink()
    # add articles: new seeds from another corpus
    for name, data in list(corpus_seeds(3, tmp_path / "more", seed=11).items()):
        (project / "seeds" / f"new-{name}").write_bytes(data)
    # and a changed interface string
    strings = project / "layouts" / "strings" / "fr.yaml"
    strings.write_text(strings.read_text(encoding="utf-8") + "\n", encoding="utf-8")

    build(Options(project=project))

    incremental = tree(project / "site")
    assert incremental == clean_build_of(project, tmp_path / "clean")
    slug = gone.name[:-len(".en.md")]
    assert not any(f"/{slug}/" in f"/{path}" for path in incremental)
    assert not any(slug.encode() in data for data in incremental.values())


def test_a_rebuild_with_no_change_renders_nothing_and_rewrites_nothing(corpus_project):
    before = {p: p.stat().st_ino for p in (corpus_project / "site").rglob("*") if p.is_file()}
    summary = build(Options(project=corpus_project))
    assert summary.rendered == 0
    assert {p: p.stat().st_ino for p in (corpus_project / "site").rglob("*") if p.is_file()} == before


def test_an_edit_re_renders_the_article_its_translation_and_the_pages_that_list_it(corpus_project):
    english = sorted((corpus_project / "content").glob("*.en.md"))[0]
    english.write_text(english.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    summary = build(Options(project=corpus_project))
    assert 2 <= summary.rendered < summary.pages // 2


def test_a_corrupt_or_foreign_cache_never_changes_the_site(corpus_project, tmp_path):
    english = sorted((corpus_project / "content").glob("*.en.md"))[0]
    english.write_text(english.read_text(encoding="utf-8") + "\nChanged after the cache was made.\n",
                       encoding="utf-8")
    damaged = [p for p in sorted((corpus_project / ".cache").rglob("*"))
               if p.is_file() and "site" not in p.parts and p.name != "lock"]
    assert any(p.parent.name == "templates" for p in damaged)  # compiled templates are damaged too
    for n, path in enumerate(damaged):
        data = path.read_bytes()
        # truncated, flipped byte in the payload, garbage
        path.write_bytes([data[: len(data) // 2], data[:-10] + bytes([data[-10] ^ 1]) + data[-9:], b"junk"][n % 3])
    build(Options(project=corpus_project))
    assert tree(corpus_project / "site") == clean_build_of(corpus_project, tmp_path / "clean")


def test_diglots_own_layouts_are_compiled_once_for_every_project(tmp_path, monkeypatch):
    monkeypatch.setattr(templates, "PRECOMPILED", tmp_path / "precompiled")
    assert {"article.html", "parallel.html", "partials/site-header.html"} <= set(templates.precompile_layouts())
    def compiled_in(project: Path) -> list[Path]:
        """The templates a project's build compiled into its cache."""
        return sorted((project / ".cache" / "templates").glob("*.jinja"))

    first = make_project(tmp_path / "first")
    build(Options(project=first))
    assert compiled_in(first) == []  # every template came precompiled
    # A damaged precompiled file is compiled again (into the project's cache), never read.
    for path in sorted((tmp_path / "precompiled").glob("*.jinja")):
        data = path.read_bytes()
        path.write_bytes(data[:-10] + bytes([data[-10] ^ 1]) + data[-9:])
    second = make_project(tmp_path / "second")
    build(Options(project=second))
    assert len(compiled_in(second)) >= 10
    assert tree(first / "site") == tree(second / "site") == clean_build_of(first, tmp_path / "clean")


def test_articles_from_the_cache_unpickle_their_bodies_only_when_read(corpus_project):
    table = BuildCache(corpus_project / ".cache").table("articles")
    articles = [table.get(key)[0] for key in sorted(table.blobs)]
    versions = [version for article in articles for version in article.versions.values()]
    assert versions and all(version.blocks._blocks is None for version in versions)  # taken, not yet read
    made = {version.path: version.blocks for version in steps.model_step(
        load_config(corpus_project / "site.yaml", {}), steps.load_step(read_content(corpus_project / "content"),
                                                                       BuildCache(None), corpus_project / "content"),
        Report(), BuildCache(None), corpus_project / "content").articles[0].versions.values()}
    assert all(tuple(version.blocks) == tuple(made[version.path]) for version in versions if version.path in made)


def test_a_dev_server_reads_again_only_content_files_that_changed_or_had_just_changed(tmp_path, monkeypatch):
    monkeypatch.setattr(content_files, "SETTLED_NS", 200_000_000)  # a file system whose stamps tick every 0.2 s
    old, new = tmp_path / "old.en.md", tmp_path / "new.en.md"
    old.write_bytes(b"---\ntitle: Old\n---\nSaved a while ago.\n")
    time.sleep(0.3)
    new.write_bytes(b"---\ntitle: New\n---\nSaved just now.\n")
    last: dict = {}
    first, second = read_content(tmp_path, last), read_content(tmp_path, last)
    assert first == second == {"new.en.md": new.read_bytes(), "old.en.md": old.read_bytes()}
    assert second["old.en.md"] is first["old.en.md"]  # not read again: the same bytes, known to every memo
    # Saved within its time stamp's tick, it might change again unseen: read again until it settles.
    assert second["new.en.md"] is not first["new.en.md"]


def test_a_cache_made_by_other_code_is_ignored(tmp_path):
    old = BuildCache(tmp_path, version="older diglot")
    old.table("pages").put("key", b"stale page")
    old.commit()
    assert BuildCache(tmp_path, version="newer diglot").table("pages").get("key") is MISSING
    assert BuildCache(tmp_path, version="older diglot").table("pages").get("key") == b"stale page"


def test_a_build_on_every_core_writes_the_same_site_as_a_serial_one(tmp_path, monkeypatch):
    seeds = corpus_seeds(12, tmp_path / "corpus")
    monkeypatch.setenv(parallel.SERIAL_ENV, "1")
    build(Options(project=make_project(tmp_path / "serial", seeds), use_cache=False))
    monkeypatch.delenv(parallel.SERIAL_ENV)
    monkeypatch.setattr(importing, "FORK_MIN_SEEDS", 2)  # fork even for this small site
    monkeypatch.setattr(steps, "FORK_MIN_ITEMS", 2)
    monkeypatch.setattr(steps, "FORK_MIN_PAGES", 2)
    forks, split_ranges = [], parallel.split_ranges
    monkeypatch.setattr(parallel, "split_ranges", lambda *args: forks.append(args) or split_ranges(*args))
    build(Options(project=make_project(tmp_path / "forked", seeds), use_cache=False))
    if parallel.usable_cores() > 1:
        assert len(forks) >= 4  # seeds, bodies, alignments, pages (and search) went to workers
    assert tree(tmp_path / "forked" / "content") == tree(tmp_path / "serial" / "content")
    assert tree(tmp_path / "forked" / "site") == tree(tmp_path / "serial" / "site")



def test_a_rebuild_with_no_change_still_repairs_a_site_changed_by_hand(corpus_project):
    built = tree(corpus_project / "site")
    page = sorted((corpus_project / "site" / "en").glob("*/index.html"))[0]
    page.write_bytes(b"<p>overwritten by hand</p>")
    (corpus_project / "site" / "sitemap.xml").unlink()
    (corpus_project / "site" / "stray.html").write_bytes(b"not from the build")
    build(Options(project=corpus_project))
    assert tree(corpus_project / "site") == built


@pytest.mark.parametrize("lost", [("site",), ("site", ".cache/site")])
def test_pages_the_cache_knows_but_no_tree_holds_are_rendered_again(corpus_project, lost):
    english = sorted((corpus_project / "content").glob("*.en.md"))[0]
    english.write_text(english.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    build(Options(project=corpus_project))  # the tree swapped out is now the shadow in .cache/site
    built = tree(corpus_project / "site")
    for name in lost:
        shutil.rmtree(corpus_project / name)
    summary = build(Options(project=corpus_project))
    assert tree(corpus_project / "site") == built
    if lost == ("site",):  # the shadow still holds every page the edit did not touch
        assert 2 <= summary.rendered < summary.pages // 2
    else:
        assert summary.rendered == summary.pages


def test_the_page_and_search_caches_keep_digests_not_files(corpus_project):
    cache = BuildCache(corpus_project / ".cache")
    pages, search = cache.table("pages"), cache.table("search")
    values = [pages.get(key) for key in list(pages.blobs)]
    values += [digest for key in list(search.blobs) for digest in search.get(key).values()]
    assert len(search.blobs) == 2 and all(isinstance(value, str) and len(value) == 64 for value in values)
    # the whole table is far smaller than the site it describes
    site_bytes = sum(len(data) for data in tree(corpus_project / "site").values())
    assert cache.path("pages").stat().st_size < site_bytes / 20


def test_the_document_cache_keeps_no_bodies_yet_gives_back_whole_documents(corpus_project):
    cache = BuildCache(corpus_project / ".cache")
    files = read_content(corpus_project / "content")
    parsed = [documents.parse_file(data, f"content/{name}") for name, data in files.items()]
    sizes = sum(map(len, files.values()))
    # a one-off build's documents come without bodies: the model's workers read them again
    assert steps.load_step(files, cache, corpus_project / "content") == [replace(document, body="") for document in parsed]
    assert files == {}  # taken as parsed: no file held twice
    kept = {fields[0]: (fields, length) for fields, length in
            (cache.table("documents").get(key) for key in list(cache.table("documents").blobs))}
    assert len(kept) == len(parsed)
    for document in parsed:  # each entry: every field but the body, and the body's length
        fields, length = kept[document.path]
        assert length == len(document.body) and document.body not in fields and document.sha256 in fields
    # the bodies are in content/ already: the table is far smaller than the files
    assert cache.path("documents").stat().st_size < sizes / 2


def test_the_model_reads_bodies_again_from_the_files_and_refuses_one_changed_since_it_was_parsed(corpus_project):
    content = corpus_project / "content"
    config, cache = load_config(corpus_project / "site.yaml", {}), BuildCache(None)
    documents = steps.load_step(read_content(content), cache, content)
    site = steps.model_step(config, documents, Report(), cache, content)
    english = sorted(content.glob("*.en.md"))[0]
    version = next(article.versions["en"] for article in site.articles
                   if article.versions.get("en") and article.versions["en"].path == f"content/{english.name}")
    first_paragraph = english.read_text(encoding="utf-8").split("\n---\n", 1)[1].strip().split("\n\n")[0]
    assert version.blocks[0].text.split()[:5] == first_paragraph.split()[:5]  # the body came back
    english.write_text(english.read_text(encoding="utf-8") + "\nEdited meanwhile.\n", encoding="utf-8")
    documents = steps.load_step(read_content(content), BuildCache(None), content)
    english.write_text(english.read_text(encoding="utf-8") + "\nAnd again.\n", encoding="utf-8")
    with pytest.raises(DiglotError) as error:
        steps.model_step(config, documents, Report(), BuildCache(None), content)
    assert f"content/{english.name}" in str(error.value) and "changed while the site was being built" in str(error.value)
    files = read_content(content)  # and between the content's hashes and the load step's own reading
    english.write_text(english.read_text(encoding="utf-8") + "\nOnce more.\n", encoding="utf-8")
    with pytest.raises(DiglotError) as error:
        steps.load_step(files, BuildCache(None), content)
    assert f"content/{english.name}" in str(error.value) and "changed while the site was being built" in str(error.value)


def test_a_dev_server_takes_its_last_documents_as_they_are_and_keeps_them_in_the_table(corpus_project):
    cache = open_cache(Options(project=corpus_project).resolved(), defer_saves=True)
    files = read_content(corpus_project / "content")
    first = steps.load_step(files, cache, corpus_project / "content")
    cache.commit()
    cache.begin()  # the next rebuild of the same server
    assert all(again is document for again, document in zip(steps.load_step(files, cache, corpus_project / "content"), first))
    cache.commit()
    cache.save()
    assert len(BuildCache(corpus_project / ".cache").table("documents").blobs) == len(files)


def test_a_saved_table_keeps_only_what_the_last_build_used_and_reads_back_the_same(tmp_path):
    cache = BuildCache(tmp_path, version="v")
    table = cache.table("t")
    for key in "abc":
        table.put(key, {"value": key * 3})
    cache.commit()
    cache = BuildCache(tmp_path, version="v")
    cache.begin()
    table = cache.table("t")
    assert table.get("a") == {"value": "aaa"} and table.get("b") == {"value": "bbb"}
    table.put("d", ("new",))
    cache.commit()
    again = BuildCache(tmp_path, version="v").table("t")
    assert sorted(again.blobs) == ["a", "b", "d"] and again.get("d") == ("new",) and again.get("c") is MISSING


def test_the_cache_stamp_names_the_installed_library_versions():
    from importlib import metadata

    from diglot.build.cache import LIBRARIES, library_versions
    assert library_versions() == [f"{name}=={metadata.version(name)}" for name in LIBRARIES]


def test_a_dev_server_cache_is_written_when_saved_not_on_every_build(tmp_path):
    cache = BuildCache(tmp_path, version="v", defer_saves=True)
    cache.table("pages").put("key", "digest")
    cache.commit()
    assert not list(tmp_path.iterdir())  # the reload did not wait for the disk
    cache.save()
    assert BuildCache(tmp_path, version="v").table("pages").get("key") == "digest"


def test_a_dev_server_unpickles_the_cached_search_terms_while_idle_not_in_every_edits_worker(corpus_project):
    from diglot.serve.server import SAVE_AFTER_S, DevState

    options = Options(project=corpus_project).resolved()
    state = DevState(options, open_cache(options, defer_saves=True), options.output)
    english = sorted((corpus_project / "content").glob("*.en.md"))[0]
    english.write_text(english.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    state.rebuild()
    state.save_cache_when_idle(time.monotonic() + SAVE_AFTER_S)
    for lang in ("en", "fr"):
        terms = state.cache.table(f"search-terms-{lang}")
        documents = len(list((corpus_project / "content").glob(f"*.{lang}.md")))
        assert len(terms.values) == len(terms.blobs) == documents  # ready for the next build's worker to inherit


def test_a_dev_server_loads_its_whole_cache_while_idle_so_the_first_edit_reads_none_of_it(corpus_project, monkeypatch):
    from diglot.build import cache
    from diglot.serve.server import DevState

    options = Options(project=corpus_project).resolved()
    state = DevState(options, open_cache(options, defer_saves=True), options.output)
    state.rebuild()  # replayed: nothing changed since the fixture's build
    state.warm_up()
    assert state.replayed and "environment" in state.cache.objects  # a build ran every step: templates loaded
    read_table = cache.read_table
    monkeypatch.setattr(cache, "read_table", lambda *args: pytest.fail(f"read {args[0]} during the edit"))
    english = sorted((corpus_project / "content").glob("*.en.md"))[0]
    english.write_text(english.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    state.rebuild()
    assert state.error is None
    monkeypatch.setattr(cache, "read_table", read_table)
    assert tree(corpus_project / "site") == clean_build_of(corpus_project, corpus_project.parent / "clean")


def test_library_versions_are_read_from_egg_info_folders_too(tmp_path, monkeypatch):
    from diglot.build.cache import library_versions
    (tmp_path / "PyYAML-5.4.1-py3.11.egg-info").mkdir()
    (tmp_path / "Markdown-3.4.1.egg-info").mkdir()
    monkeypatch.setattr(sys, "path", [str(tmp_path)] + sys.path)
    versions = library_versions()
    assert "pyyaml==5.4.1" in versions and "markdown==3.4.1" in versions


def test_a_build_waits_for_another_build_of_the_same_project(corpus_project):
    import threading
    import time
    english = sorted((corpus_project / "content").glob("*.en.md"))[0]
    english.write_text(english.read_text(encoding="utf-8") + "\nWritten while another build ran.\n",
                       encoding="utf-8")
    done = threading.Event()
    with BuildCache(corpus_project / ".cache").locked():  # the other build
        waiting = threading.Thread(target=lambda: build(Options(project=corpus_project)) and done.set())
        waiting.start()
        time.sleep(1.0)
        assert not done.is_set()
    waiting.join(60)
    assert done.is_set()
    assert b"Written while another build ran." in b"".join(tree(corpus_project / "site").values())


def test_a_rebuild_that_makes_the_same_pages_again_leaves_no_temporary_tree(tmp_path):
    project = make_project(tmp_path / "project")
    build(Options(project=project))  # the first build: no shadow tree yet, so the next one writes a fresh tree
    before = tree(project / "site")
    edited = next((project / "content").glob("*.en.md"))
    edited.write_text(edited.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")  # same page, new inputs
    summary = build(Options(project=project))
    assert summary.rendered > 0  # its pages were made again (into the fresh tree)...
    assert tree(project / "site") == before  # ...byte for byte
    assert sorted(path.name for path in project.iterdir()) == [".cache", "content", "seeds", "site", "site.yaml"]


def test_renaming_an_article_alone_moves_it_in_the_search_files_too(corpus_project, tmp_path):
    english = sorted((corpus_project / "content").glob("*.en.md"))[0]
    slug = english.name[:-len(".en.md")]
    for path in (corpus_project / "content").glob(f"{slug}.*.md"):
        path.rename(path.with_name(path.name.replace(slug, "a-renamed-article")))
    build(Options(project=corpus_project))
    incremental = tree(corpus_project / "site")
    assert b"a-renamed-article" in b"".join(data for path, data in incremental.items() if path.startswith("search/en/m/"))
    assert incremental == clean_build_of(corpus_project, tmp_path / "clean")


def test_an_edit_to_one_language_reassembles_only_that_languages_index(corpus_project, monkeypatch):
    assembled = []
    assemble = steps.sharded_files
    monkeypatch.setattr(steps, "sharded_files", lambda lang, *rest: assembled.append(lang) or assemble(lang, *rest))
    monkeypatch.setenv(parallel.SERIAL_ENV, "1")  # assembled here, where the list can see it
    english = sorted((corpus_project / "content").glob("*.en.md"))[0]
    english.write_text(english.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    build(Options(project=corpus_project))
    assert assembled == ["en"]


def test_an_edit_makes_the_search_terms_of_the_edited_document_alone(corpus_project, tmp_path, monkeypatch):
    made = tmp_path / "made"  # written by the forked search workers, which saved their tables themselves
    make = steps.document_terms

    def recorded(lang, doc):
        with open(made, "a", encoding="utf-8") as out:
            out.write(f"{lang} {doc.url}\n")
        return make(lang, doc)

    monkeypatch.setattr(steps, "document_terms", recorded)
    english = sorted((corpus_project / "content").glob("*.en.md"))[0]
    english.write_text(english.read_text(encoding="utf-8") + "\nOne more line.\n", encoding="utf-8")
    build(Options(project=corpus_project))
    assert made.read_text(encoding="utf-8").split() == ["en", f"en/{english.name[:-len('.en.md')]}/"]
    assert sorted(path.name for path in (corpus_project / ".cache").glob("search-terms*")) == [
        f"search-terms-{lang}.v{FORMAT}.pickle" for lang in ("en", "fr")]


def test_a_table_entry_kept_on_disk_by_a_handle_is_read_and_saved_like_bytes(tmp_path):
    from diglot.build.table import pickled
    from diglot.build.spill import Spill
    cache = BuildCache(tmp_path, version="v")
    cache.table("t").put_blob("spilled", Spill(tmp_path).put(pickled("a value kept on disk")))
    assert cache.table("t").get("spilled") == "a value kept on disk"
    cache.commit()
    assert BuildCache(tmp_path, version="v").table("t").get("spilled") == "a value kept on disk"


def test_a_build_appends_what_it_changed_instead_of_writing_the_table_again(tmp_path):
    cache = BuildCache(tmp_path, version="v")
    for n in range(100):
        cache.table("t").put(f"key{n}", "x" * 1000)
    cache.commit()
    before = cache.path("t").read_bytes()
    again = BuildCache(tmp_path, version="v")
    again.begin()
    for n in range(1, 100):
        again.table("t").keep(f"key{n}")  # key0 is no longer used
    again.table("t").put("new", "y" * 1000)
    again.commit()
    after = cache.path("t").read_bytes()
    assert after.startswith(before) and len(after) - len(before) < 1200  # one entry and one dropped key
    table = BuildCache(tmp_path, version="v").table("t")
    assert sorted(table.blobs) == sorted([f"key{n}" for n in range(1, 100)] + ["new"])
    assert table.get("new") == "y" * 1000 and table.get("key0") is MISSING


def test_tables_saved_on_workers_are_appended_to_by_the_same_process_next_time(tmp_path):
    cache = BuildCache(tmp_path, version="v")
    for name in "abc":  # several tables: they are written on forked workers
        for n in range(100):
            cache.table(name).put(f"key{n}", name * 1000)
    cache.commit()
    before = {name: cache.path(name).read_bytes() for name in "abc"}
    cache.begin()  # the dev server's way: the same cache, build after build
    for name in "abc":
        for n in range(100):
            cache.table(name).keep(f"key{n}")
        cache.table(name).put("new", "y")
    cache.commit()
    for name in "abc":  # this process knew what the workers wrote: it appended one entry
        after = cache.path(name).read_bytes()
        assert after.startswith(before[name]) and len(after) - len(before[name]) < 200
        assert BuildCache(tmp_path, version="v").table(name).get("new") == "y"


def test_committing_saves_the_other_tables_while_the_block_runs_and_the_named_ones_after(tmp_path):
    cache = BuildCache(tmp_path, version="v")
    for name in ("articles", "pages", "output"):
        cache.table(name).put("old", name)
    with cache.committing("output"):
        cache.table("output").put("written", "by the block")
    table = BuildCache(tmp_path, version="v").table
    assert table("articles").get("old") == "articles" and table("pages").get("old") == "pages"
    assert table("output").get("written") == "by the block"
    cache.begin()
    cache.table("pages").put("new", 1)
    cache.table("output").put("new", 1)
    with pytest.raises(OSError), cache.committing("output"):
        raise OSError("the site could not be written")
    table = BuildCache(tmp_path, version="v").table
    assert table("output").get("new") is MISSING  # not saved: the build failed
    assert table("pages").get("new") == 1  # final before the block: written whole even so
    assert table("output").get("written") == "by the block"  # the last good save is intact
    assert not [path.name for path in tmp_path.iterdir() if ".tmp-" in path.name]


def test_a_one_off_build_lets_go_of_the_tables_its_workers_save_while_the_block_runs(tmp_path):
    cache = BuildCache(tmp_path, version="v")  # one-off: a dev server's cache keeps its tables
    for name in ("articles", "pages", "output"):
        cache.table(name).put("old", name)
    with cache.committing("output"):
        if parallel.may_fork():  # the writers have their copies (else the tables are saved after the block)
            assert set(cache.tables) == {"output"}  # at 100,000 articles, the site model's last holder
    assert set(cache.tables) == {"output"}
    table = BuildCache(tmp_path, version="v").table
    assert table("articles").get("old") == "articles" and table("pages").get("old") == "pages"


def test_a_save_redone_after_its_writer_died_skips_the_tables_already_let_go(tmp_path, monkeypatch):
    cache = BuildCache(tmp_path, version="v")
    for name in ("articles", "pages", "output"):
        cache.table(name).put("old", name)
    write = BuildCache.write_table_file

    def dies_in_a_worker(self, name, keep_blobs=True):
        if parallel._in_worker:  # as a writer killed for want of memory would
            os._exit(1)
        return write(self, name, keep_blobs)

    monkeypatch.setattr(BuildCache, "write_table_file", dies_in_a_worker)
    with cache.committing("output"):
        cache.table("output").put("written", "by the block")
    assert BuildCache(tmp_path, version="v").table("output").get("written") == "by the block"


def test_a_table_file_that_would_be_mostly_stale_is_written_anew(tmp_path):
    for n in range(10):  # every build replaces the one entry: each append would be all stale
        cache = BuildCache(tmp_path, version="v")
        cache.table("records").put("trees", str(n) * 10_000)
        cache.commit()
    assert cache.path("records").stat().st_size < 1.5 * 10_000 + 200
    assert BuildCache(tmp_path, version="v").table("records").get("trees") == "9" * 10_000


def test_a_torn_append_loses_that_table_and_the_next_save_writes_it_anew(tmp_path):
    cache = BuildCache(tmp_path, version="v")
    for n in range(50):
        cache.table("t").put(f"key{n}", "x" * 1000)
    cache.commit()
    cache.table("t").put("late", "z" * 100)
    cache.commit()  # appended
    path = cache.path("t")
    path.write_bytes(path.read_bytes()[:-5])  # a crash in the middle of that append
    torn = BuildCache(tmp_path, version="v")
    assert torn.table("t").get("key1") is MISSING  # a table not whole is not trusted at all
    torn.table("t").put("fresh", 1)
    torn.commit()
    assert BuildCache(tmp_path, version="v").table("t").get("fresh") == 1


def test_a_warm_cache_reused_build_after_build_makes_what_a_clean_build_makes(corpus_project, tmp_path):
    from diglot.build.pipeline import open_cache
    options = Options(project=corpus_project).resolved()
    warm = open_cache(options, defer_saves=True)  # as the dev server holds it, with its in-memory keys
    build(options, warm)
    english = sorted((corpus_project / "content").glob("*.en.md"))
    french = sorted((corpus_project / "content").glob("*.fr.md"))
    slug = english[2].name[:-len(".en.md")]
    edits = [
        lambda: english[0].write_text(english[0].read_text(encoding="utf-8") + "\nA line.\n", encoding="utf-8"),
        lambda: french[1].write_text(french[1].read_text(encoding="utf-8").replace("title: ", "title: Neuf — ", 1),
                                     encoding="utf-8"),
        lambda: [path.rename(path.with_name(path.name.replace(slug, "moved-here")))
                 for path in (corpus_project / "content").glob(f"{slug}.*.md")],
    ]
    for number, edit in enumerate(edits):
        edit()
        build(options, warm)
        assert tree(corpus_project / "site") == clean_build_of(corpus_project, tmp_path / f"clean{number}"), number


def test_remember_makes_again_only_what_the_last_build_had_not_seen():
    cache, made = BuildCache(None), []
    make = lambda item: made.append(item) or item.upper()  # noqa: E731
    assert cache.remember("k", ["a", "b"], str, make) == ["A", "B"]
    assert cache.remember("k", ["b", "c"], str, make) == ["B", "C"]
    assert cache.remember("k", ["a"], str, make) == ["A"]  # "a" was not kept by the build in between
    assert made == ["a", "b", "c", "a"]
