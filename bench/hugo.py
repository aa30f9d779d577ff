"""Turn a bench corpus into a minimal multilingual Hugo project, the baseline to beat.

The parser here reads only the format bench/corpus.py writes; it does not use
diglot's own seed reader, so the baseline does not depend on the code it measures.
Pairs come from the corpus answer key (truth.json), not from content matching.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from corpus import EN_MONTHS, FR_MONTHS, NBSP

CREDIT = re.compile(r"^[\w ]*Photo ?:")
FR_DATE = re.compile(r"^Publié : (\d\d) (\w+) (\d{4}) (\d\d)h(\d\d)$")
EN_DATE = re.compile(r"^Published: (\w+) (\d{1,2}), (\d{4}) (\d\d):(\d\d) ([AP]M)$")

CONFIG = """\
baseURL = "https://example.org/"
title = "Bench"
defaultContentLanguage = "en"
defaultContentLanguageInSubdir = true
disableKinds = ["taxonomy", "term"]

[languages.en]
contentDir = "content/en"
languageName = "English"
title = "Bench"
weight = 1

[languages.fr]
contentDir = "content/fr"
languageName = "Français"
title = "Banc"
weight = 2
"""

# Only what a reading site needs: language, alternates, title, date, paragraphs.
LAYOUTS = {
    "_default/baseof.html": """\
<!DOCTYPE html>
<html lang="{{ .Language.Lang }}">
<head>
<meta charset="utf-8">
<title>{{ .Title }}</title>
{{ range .AllTranslations }}<link rel="alternate" hreflang="{{ .Language.Lang }}" href="{{ .Permalink }}">
{{ end }}</head>
<body>
{{ block "main" . }}{{ end }}
</body>
</html>
""",
    "_default/single.html": """\
{{ define "main" }}<article>
<h1>{{ .Title }}</h1>
<time datetime="{{ .Date.Format "2006-01-02T15:04:05" }}">{{ .Date.Format "2006-01-02" }}</time>
<nav>{{ range .Translations }}<a href="{{ .RelPermalink }}" hreflang="{{ .Language.Lang }}">{{ .Language.LanguageName }}</a>{{ end }}</nav>
{{ .Content }}
</article>{{ end }}
""",
    "_default/list.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Date.Format "2006-01-02" }}</time></li>
{{ end }}</ul>{{ end }}
""",
}


@dataclass(frozen=True)
class Seed:
    """The parts of one bench seed that the Hugo pages show."""
    title: str | None
    date: dt.datetime | None
    paragraphs: tuple[str, ...]


def parse_en_date(line: str) -> dt.datetime | None:
    """Return the datetime of 'Published: May 10, 2024 03:00 PM', or None."""
    match = EN_DATE.match(line)
    if not match:
        return None
    month, day, year, hour, minute, half = match.groups()
    hour24 = int(hour) % 12 + (12 if half == "PM" else 0)
    return dt.datetime(int(year), EN_MONTHS.index(month) + 1, int(day), hour24, int(minute))


def parse_fr_date(line: str) -> dt.datetime | None:
    """Return the datetime of 'Publié : 03 juin 2024 09h15', or None."""
    match = FR_DATE.match(line)
    if not match:
        return None
    day, month, year, hour, minute = match.groups()
    return dt.datetime(int(year), FR_MONTHS.index(month) + 1, int(day), int(hour), int(minute))


def split_body(text: str) -> tuple[str, ...]:
    """Return the body paragraphs of text: blocks minus credits and the source line."""
    blocks = [block.strip() for block in re.split(r"\n{2,}", text.strip()) if block.strip()]
    return tuple(block for block in blocks[:-1] if not CREDIT.match(block))


def parse_seed(text: str, lang: str) -> Seed:
    """Return the title, date and paragraphs of one bench seed in language lang."""
    lines = text.split("\n")
    if lang == "en":
        return Seed(lines[1], parse_en_date(lines[2]), split_body("\n".join(lines[3:])))
    date = parse_fr_date(lines[0])
    rest = "\n".join(lines[1:]) if date else text
    return Seed(None, date, split_body(rest))


def slugify(title: str) -> str:
    """Return a lowercase ASCII slug of at most eight words."""
    words = re.findall(r"[a-z0-9]+", title.lower())
    return "-".join(words[:8]) or "article"


def fallback_title(seed: Seed) -> str:
    """Return a title for a French-only seed: the first words of its first paragraph."""
    words = seed.paragraphs[0].replace(NBSP, " ").split()
    return " ".join(words[:8])


def front_matter(title: str, date: dt.datetime | None, key: str) -> str:
    """Return YAML front matter; JSON strings are valid YAML and need no escaping rules."""
    lines = ["---", f"title: {json.dumps(title, ensure_ascii=False)}",
             f"translationKey: {json.dumps(key)}"]
    if date is not None:
        lines.append(f"date: {date.isoformat()}")
    return "\n".join(lines + ["---", ""])


def write_page(path: Path, seed: Seed, title: str, key: str, date: dt.datetime | None) -> None:
    """Write one Hugo content file."""
    path.write_text(front_matter(title, date, key) + "\n" + "\n\n".join(seed.paragraphs) + "\n",
                    encoding="utf-8")


def read_seed(folder: Path, name: str, lang: str) -> Seed:
    """Return the parsed seed folder/name."""
    return parse_seed((folder / name).read_text(encoding="utf-8"), lang)


def write_content(seeds: Path, truth: dict, project: Path) -> int:
    """Write content/en and content/fr from the corpus; return the number of pages."""
    en_dir, fr_dir = project / "content" / "en", project / "content" / "fr"
    en_dir.mkdir(parents=True), fr_dir.mkdir(parents=True)
    groups = ([(en, fr) for en, fr in truth["pairs"].items()]
              + [(en, None) for en in truth["en_only"]] + [(None, fr) for fr in truth["fr_only"]])
    pages = 0
    for en_name, fr_name in groups:
        key = Path(en_name or fr_name).stem
        en = read_seed(seeds, en_name, "en") if en_name else None
        fr = read_seed(seeds, fr_name, "fr") if fr_name else None
        title = en.title if en else fallback_title(fr)
        slug = f"{slugify(title)}-{key.split('_')[0]}"
        if en:
            write_page(en_dir / f"{slug}.md", en, title, key, en.date)
        if fr:
            write_page(fr_dir / f"{slug}.md", fr, title, key, fr.date or (en and en.date))
        pages += (en is not None) + (fr is not None)
    return pages


def write_project(seeds: Path, truth_path: Path, project: Path) -> int:
    """Write a Hugo project (project must not exist yet) for the corpus in seeds; return the article page count."""
    project.mkdir(parents=True)
    (project / "config.toml").write_text(CONFIG, encoding="utf-8")
    for name, text in LAYOUTS.items():
        path = project / "layouts" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    return write_content(seeds, truth, project)


def build_command(project: Path) -> list[str]:
    """Return the Hugo command that builds project into project/public."""
    return ["hugo", "--quiet", "--source", str(project),
            "--destination", str(project / "public"), "--cacheDir", str(project / ".hugo_cache")]


# What a Hugo build leaves behind; without them the next build is cold.
OUTPUTS = ("public", "resources", ".hugo_cache", ".hugo_build.lock")


def edit_target(project: Path) -> Path:
    """Return the content file the one-article-edit benchmark appends to."""
    return sorted((project / "content" / "en").glob("*.md"))[0]


def hugo_version() -> str | None:
    """Return Hugo's version line, or None when hugo is not installed."""
    if shutil.which("hugo") is None:
        return None
    result = subprocess.run(["hugo", "version"], capture_output=True, text=True, check=False)
    return result.stdout.strip() or None
