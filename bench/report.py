"""Turn measured benchmark figures into Markdown tables."""

from __future__ import annotations

# (label, figure key, format, target ratio to Hugo's cold build or None)
ROWS = (
    ("cold build (s, median)", "cold", "{:.2f}", 2.5),
    ("fresh-clone build: content/ committed, no site/ or cache (s, median)", "clone", "{:.2f}", None),
    ("no-change rebuild (s, median)", "nochange", "{:.2f}", 0.3),
    ("one-article edit rebuild (s, median)", "edit", "{:.2f}", 1.0),
    ("cold build CPU, user + system (s, median)", "cold_cpu", "{:.2f}", None),
    ("peak RSS (MiB)", "rss", "{:.0f}", None),
    ("HTML pages", "pages", "{:.0f}", None),
    ("pages per second (cold)", "pps", "{:.0f}", None),
    ("site size (MB)", "size_mb", "{:.1f}", None),
    ("site files", "files", "{:.0f}", None),
    ("search indexes raw (KB)", "index_raw_kb", "{:.0f}", None),
    ("search indexes gzip (KB)", "index_gz_kb", "{:.0f}", None),
)
TIMES = ("cold", "clone", "nochange", "edit")
TARGETS = {key: target for _, key, _, target in ROWS if target is not None}  # ratios to Hugo's cold build
# CPU seconds compare with Hugo's cold CPU seconds, not its wall time.


def base_of(key: str, hugo: dict) -> float | None:
    """Return the Hugo cold-build figure a figure is compared with."""
    return hugo.get("cold") if key in TIMES else hugo.get(key)


def format_cell(value: float | None, fmt: str) -> str:
    """Return a figure for the table, or a dash when it was not measured."""
    return "—" if value is None else fmt.format(value)


def format_ratio(value: float | None, base: float | None) -> str:
    """Return value / base as '1.23×', or a dash."""
    if value is None or not base:
        return "—"
    return f"{value / base:.2f}×"


def format_target(value: float | None, base: float | None, target: float | None) -> str:
    """Return the target and whether it was met."""
    if target is None:
        return ""
    if value is None or not base:
        return f"≤ {target}×"
    return f"≤ {target}× {'met' if value / base <= target else 'MISSED'}"


def main_table(hugo: dict, diglot: dict) -> str:
    """Return the table of every figure for both tools, with ratios to Hugo's cold build."""
    lines = ["| figure | Hugo | Hugo ÷ Hugo cold | diglot | diglot ÷ Hugo cold | target |",
             "|---|---:|---:|---:|---:|---|"]
    for label, key, fmt, target in ROWS:
        base = base_of(key, hugo)
        lines.append(f"| {label} | {format_cell(hugo.get(key), fmt)} "
                     f"| {format_ratio(hugo.get(key), base)} "
                     f"| {format_cell(diglot.get(key), fmt)} "
                     f"| {format_ratio(diglot.get(key), base)} "
                     f"| {format_target(diglot.get(key), base, target)} |")
    return "\n".join(lines)


def per_thousand(figures: dict, key: str, pairs: int) -> float | None:
    """Return a figure divided by thousands of articles."""
    value = figures.get(key)
    return None if value is None else value / (pairs / 1000)


# Peak RSS targets (issue 23) by corpus size: up to this many articles, at most this many MiB.
RSS_TARGETS = ((10_000, 1024), (100_000, 2048))


def rss_target(pairs: int) -> int | None:
    """Return the peak RSS target (MiB) for a corpus of this size, or None above the largest."""
    return next((limit for size, limit in RSS_TARGETS if pairs <= size), None)


def judged(value: float | None, base: float | None, target: float | None) -> str:
    """Return value / base as a ratio, followed by whether it meets target (when there is one)."""
    ratio = format_ratio(value, base)
    if target is None or value is None or not base:
        return ratio
    return f"{ratio} ({'met' if value / base <= target else 'MISSED'} ≤ {target}×)"


def scale_rows(name: str, sizes: list[tuple[int, dict, dict]], position: int) -> list[str]:
    """Return one tool's scaling rows: each size's cold build, its cost per 1,000 and its growth
    against the smallest size, peak RSS, and the rebuilds as ratios to Hugo's cold build there."""
    rows = []
    base = per_thousand(sizes[0][position], "cold", sizes[0][0])
    for pairs, *figures in sizes:
        mine, hugo_cold = figures[position - 1], figures[0].get("cold")
        per = per_thousand(mine, "cold", pairs)
        rss, limit = mine.get("rss"), rss_target(pairs) if name == "diglot" else None
        verdict = "" if rss is None or limit is None else f" ({'met' if rss <= limit else 'MISSED'} ≤ {limit})"
        rows.append(f"| {name} | {pairs} | {format_cell(mine.get('cold'), '{:.2f}')} "
                    f"| {format_cell(per, '{:.3f}')} | {format_ratio(per, base)} "
                    f"| {format_cell(rss, '{:.0f}')}{verdict} "
                    f"| {judged(mine.get('nochange'), hugo_cold, TARGETS['nochange'] if name == 'diglot' else None)} "
                    f"| {judged(mine.get('edit'), hugo_cold, TARGETS['edit'] if name == 'diglot' else None)} "
                    f"| {format_cell(per_thousand(mine, 'size_mb', pairs), '{:.2f}')} |")
    return rows


def scale_table(sizes: list[tuple[int, dict, dict]]) -> str:
    """Return the scaling table: (articles, Hugo's figures, diglot's) for each size, smallest first.
    Linear cost keeps "s per 1,000" flat: its growth near 1.00×."""
    lines = ["| tool | N | cold build (s) | s per 1,000 | growth per 1,000 | peak RSS (MiB) "
             "| no-change ÷ Hugo cold | edit ÷ Hugo cold | site MB per 1,000 |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for position, name in ((1, "Hugo"), (2, "diglot")):
        lines += scale_rows(name, sizes, position)
    return "\n".join(lines)
