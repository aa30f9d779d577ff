"""What a build reads and the keys that stand for it: seeds' stats, content files and their hashes,
layouts, the browser search libraries."""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from diglot.build.cache import BuildCache, digest, tree_digest
from diglot.build.content_files import read_content
from diglot.build.minify import minified
from diglot.build.options import SHIPPED, Options
from diglot.config import Config
from diglot.errors import DiglotError, Problem

LUNR_FILES = {
    "assets/lunr/lunr.min.js": "lunr/lunr.min.js",
    "assets/lunr/lunr.stemmer.support.js": "lunr-languages/min/lunr.stemmer.support.min.js",
    "assets/lunr/lunr.fr.js": "lunr-languages/min/lunr.fr.min.js",
}


def seed_stats(seeds: Path) -> list[tuple[str, int, int]]:
    """The seeds' names, sizes and modification times."""
    # Names, sorted, and one stat each: sorting thousands of Path objects alone cost a tenth of a
    # second, and sorting os.scandir's entries left 187 MiB of the build process's small-object
    # arenas resident at 192,000 seeds (43 MiB this way, the stats themselves).
    if not seeds.is_dir():
        return []
    folder, stats = os.fspath(seeds), []
    for name in sorted(os.listdir(folder)):
        st = os.stat(os.path.join(folder, name))
        stats.append((name, st.st_size, st.st_mtime_ns))
    return stats


def collect_assets(layouts: Path) -> dict[str, bytes]:
    """Static files: layouts/assets/* (scripts and style sheets minified) and the browser search
    libraries from node_modules (minified already)."""
    files = {}
    for path in sorted((layouts / "assets").rglob("*")):
        if path.is_file():
            name = f"assets/{path.relative_to(layouts / 'assets').as_posix()}"
            files[name] = minified(name, path.read_bytes())
    for target, source in LUNR_FILES.items():
        path = SHIPPED / "node_modules" / source
        if not path.exists():
            raise DiglotError(Problem(str(path), "is missing", "run 'make site' (it runs npm ci)"))
        files[target] = path.read_bytes()
    return files


def inputs_key(options: Options, config: Config, seeds: list, hashes: dict[str, str]) -> str:
    """Everything a build reads, but its own code (the cache is stamped with that): options,
    config, seeds' stats, content files (hashes: content_hashes), layouts and the browser search libraries."""
    libraries = [(SHIPPED / "node_modules" / source).read_bytes() if (SHIPPED / "node_modules" / source).exists()
                 else b"" for source in LUNR_FILES.values()]
    return digest(repr(options), repr(config), seeds, tree_digest(options.layouts), *libraries,
                  *(part for item in hashes.items() for part in item))


def read_content_again(options: Options, cache: BuildCache) -> dict[str, bytes]:
    """read_content of content/; the dev server reads again only the files whose stat changed."""
    return read_content(options.content, cache.keep("content files", str(options.content), dict)
                        if cache.long_lived else None)


def content_hashes(content: dict[str, bytes], cache: BuildCache) -> dict[str, str]:
    """The sha256 of every content file by name (the dev server hashes only bytes it has not seen)."""
    return dict(zip(content, cache.remember("content hashes", content.items(), lambda item: item,
                                            lambda item: hashlib.sha256(item[1]).hexdigest())))
