"""`diglot new DIR`: a ready project folder (site.yaml, seeds/, content/), built with diglot's own layouts
until the folder has a layouts/ of its own."""
from __future__ import annotations

import json
from pathlib import Path

from diglot.errors import DiglotError, Problem

SITE_YAML = """\
# diglot site configuration (unknown keys are errors).
title:
  en: {name}
  fr: {name}
description:
  en: News to read in English and in French, side by side.
  fr: L'actualité à lire en français et en anglais, côte à côte.
default_language: en
# Public URL of the site; a path such as https://example.org/news/ works too (--base-url overrides it).
base_url: http://127.0.0.1:8000/
# Section names as the seeds write them, with their translations, e.g.
# sections:
#   CHINA / SOCIETY:
#     en: China / Society
#     fr: Chine / Société
sections: {{}}
"""

GITIGNORE = "/site/\n/.cache/\n/review.html\n"



def create_project(folder: Path) -> list[Path]:
    """Create a project folder (refusing one that already holds a project); the paths created."""
    if (folder / "site.yaml").exists():
        raise DiglotError(Problem(str(folder / "site.yaml"), "already exists: this folder is a diglot project",
                                  "choose a new folder name, or build this one with 'diglot build --project'"))
    name = folder.resolve().name.replace("-", " ").replace("_", " ").strip() or "diglot"
    # Hidden files keep the empty folders in git; the import skips hidden seeds.
    files = {folder / "site.yaml": SITE_YAML.format(name=json.dumps(name.capitalize(), ensure_ascii=False)),
             folder / ".gitignore": GITIGNORE, folder / "seeds" / ".gitkeep": "", folder / "content" / ".gitkeep": ""}
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_text(text, encoding="utf-8")
    return [folder / "site.yaml", folder / "seeds", folder / "content"]
