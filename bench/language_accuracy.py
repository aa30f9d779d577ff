"""Language detection accuracy on tests/data/languages (hand-written news articles in seven
languages): whole articles, one-paragraph articles (headline + one paragraph) and bare paragraphs.

    .venv/bin/python bench/language_accuracy.py
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diglot.seeds.language import detect_language, spread_sample  # noqa: E402
from diglot.seeds.parse import LANGUAGE_SAMPLE  # noqa: E402

SAMPLES = Path(__file__).resolve().parents[1] / "tests" / "data" / "languages"


def read_articles(path: Path) -> list[list[str]]:
    """The articles of one language's sample file: headline first, then the paragraphs."""
    return [[p.strip() for p in article.split("\n\n") if p.strip()]
            for article in path.read_text(encoding="utf-8").split("\n===\n")]


def sample_texts(articles: list[list[str]]) -> dict[str, list[str]]:
    """The texts each measure detects, by measure."""
    return {
        "whole article": ["\n\n".join(a) for a in articles],
        "one-paragraph article": [f"{a[0]}\n\n{p}" for a in articles for p in a[1:]],
        "bare paragraph": [p for a in articles for p in a[1:]],
    }


def measure() -> dict[str, dict[str, tuple[int, int, list[str]]]]:
    """(right, total, wrong guesses) by measure and language."""
    found: dict[str, dict[str, tuple[int, int, list[str]]]] = {}
    for path in sorted(SAMPLES.glob("*.txt")):
        for measure_name, texts in sample_texts(read_articles(path)).items():
            guesses = [detect_language(spread_sample(text, LANGUAGE_SAMPLE))[0] for text in texts]
            wrong = [guess for guess in guesses if guess != path.stem]
            found.setdefault(measure_name, {})[path.stem] = (len(texts) - len(wrong), len(texts), wrong)
    return found


def main() -> None:
    """Print accuracy per measure and language, and the time per detection."""
    started = time.perf_counter()
    results = measure()
    for measure_name, by_language in results.items():
        right = sum(r for r, _, _ in by_language.values())
        total = sum(t for _, t, _ in by_language.values())
        cells = ", ".join(f"{lang} {r}/{t}" + (f" (as {'/'.join(w)})" if w else "")
                          for lang, (r, t, w) in by_language.items())
        print(f"{measure_name}: {right}/{total} = {right / total:.1%}  [{cells}]")
    print(f"{time.perf_counter() - started:.3f} s in all")


if __name__ == "__main__":
    main()
