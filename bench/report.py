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


def scale_rows(name: str, small: tuple[int, dict], large: tuple[int, dict]) -> list[str]:
    """Return the scaling rows of one tool: both sizes and the growth of cost per 1,000."""
    rows = []
    for pairs, figures in (small, large):
        rows.append(f"| {name} | {pairs} | {format_cell(figures.get('cold'), '{:.2f}')} "
                    f"| {format_cell(per_thousand(figures, 'cold', pairs), '{:.3f}')} "
                    f"| {format_cell(figures.get('rss'), '{:.0f}')} "
                    f"| {format_cell(figures.get('size_mb'), '{:.1f}')} "
                    f"| {format_cell(per_thousand(figures, 'size_mb', pairs), '{:.2f}')} |")
    growth = [per_thousand(large[1], k, large[0]) for k in ("cold", "size_mb")]
    bases = [per_thousand(small[1], k, small[0]) for k in ("cold", "size_mb")]
    rows.append(f"| {name} | growth per 1,000 (large ÷ small) "
                f"| | {format_ratio(growth[0], bases[0])} | | | {format_ratio(growth[1], bases[1])} |")
    return rows


def scale_table(small: tuple[int, dict, dict], large: tuple[int, dict, dict]) -> str:
    """Return the scaling table: cold build cost and size per 1,000 articles at two sizes."""
    lines = ["| tool | N | cold build (s) | s per 1,000 | peak RSS (MiB) | site (MB) | MB per 1,000 |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for position, name in ((1, "Hugo"), (2, "diglot")):
        lines += scale_rows(name, (small[0], small[position]), (large[0], large[position]))
    rss = large[2].get("rss")
    if rss is not None:
        verdict = "met" if rss <= 1024 else "MISSED"
        lines.append(f"\ndiglot peak RSS at N={large[0]}: {rss:.0f} MiB (target ≤ 1024 MiB: {verdict})")
    return "\n".join(lines)
