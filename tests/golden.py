"""The golden site: the seed pair's built site/ kept under tests/golden/, so any change to the
output shows up as a reviewable diff. `make golden` (or `python tests/golden.py`) rebuilds it;
tests/test_golden.py compares a fresh build with it.

Kept whole: HTML pages, feeds, sitemap, robots.txt and the search files. The assets (copies of
layouts/assets and of node_modules' lunr files) are kept as a list of sha256 digests.
"""
from __future__ import annotations

import hashlib
import shutil
import sys
import tempfile
from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
GOLDEN = TESTS / "golden" / "seed-pair"
ASSET_DIGESTS = "assets.sha256"  # in GOLDEN: "<sha256>  <path>" for every file under site/assets/
BASE_URL = "https://example.org/"  # fixed: it reaches canonical links, feeds and the sitemap


def build_seed_pair(root: Path) -> Path:
    """Build the repository's seeds/ (the seed pair) in a fresh project under root; return its site/."""
    sys.path.insert(0, str(REPO))
    from diglot.build.pipeline import Options, build
    project = root / "project"
    (project / "seeds").mkdir(parents=True)
    for seed in sorted((REPO / "seeds").glob("*.txt")):
        shutil.copyfile(seed, project / "seeds" / seed.name)
    (project / "site.yaml").write_text(
        "title: {en: Test site, fr: Site de test}\n"
        f"default_language: en\nbase_url: {BASE_URL}\n", encoding="utf-8")
    build(Options(project=project))
    return project / "site"


def golden_files(site: Path) -> dict[str, bytes]:
    """What the golden tree keeps of a built site: every file but the assets, plus their digests."""
    files, digests = {}, []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site).as_posix()
        if rel.startswith("assets/"):
            digests.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {rel}\n")
        else:
            files[rel] = path.read_bytes()
    files[ASSET_DIGESTS] = "".join(digests).encode("utf-8")
    return files


def read_tree(root: Path) -> dict[str, bytes]:
    """Every file under root by its relative path."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def main() -> int:
    """Rebuild tests/golden/seed-pair from a fresh build of the seed pair."""
    with tempfile.TemporaryDirectory() as temp:
        files = golden_files(build_seed_pair(Path(temp)))
    shutil.rmtree(GOLDEN, ignore_errors=True)
    for rel, data in files.items():
        (GOLDEN / rel).parent.mkdir(parents=True, exist_ok=True)
        (GOLDEN / rel).write_bytes(data)
    print(f"wrote {len(files)} files to {GOLDEN.relative_to(REPO)}; review them with git diff")
    return 0


if __name__ == "__main__":
    sys.exit(main())
