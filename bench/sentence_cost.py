"""What sentence splitting and alignment cost a cold build: interleaved cold builds of one corpus,
with sentences as usual and with every block one sentence of its own (the step skipped).

    .venv/bin/python bench/sentence_cost.py [--pairs 1000] [--runs 8]

Prints each build's wall and CPU seconds and the share of the median cold build the sentence step
takes (1 - without / with; also from the medians of pairs and from the fastest build of each kind,
which a busy machine moves least), in wall time (what issue 20 asks: at most 10 % at 1,000 pairs) and in
CPU time (the build process and its workers: other work on the machine moves it far less). The
two kinds alternate, so a machine that speeds up or slows down during the run weighs on both alike.
Then the same share from the model stage alone, where the step runs: the difference of its median
wall seconds with and without, over the median cold build. The other stages' noise (the pages
stage's wall time moved by ±0.5 s between builds on this VM) stays out of it; the sentence spans
the pages then carry are not counted. Then the step alone: its CPU seconds over every article of
the corpus in one process (the calls a serial build made, replayed with every memo emptied, best
of --runs), for tuning it.
"""
from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL_STAGE = "model stage seconds: "  # the line a child build prints (build_once)
SITE_YAML = "title: {en: Bench, fr: Banc}\ndefault_language: en\nbase_url: https://example.org/\n"


def build_once(project: str, with_sentences: bool) -> None:
    """Build project cold in this process (its workers fork from it), the sentence step skipped
    unless with_sentences; print the model stage's wall seconds (MODEL_STAGE)."""
    sys.path.insert(0, str(ROOT))
    import diglot.build.steps as steps

    make_model = steps.model_step

    def timed_model_step(*args, **kwargs):
        """The model stage, timed (its workers run inside it)."""
        started = time.perf_counter()
        try:
            return make_model(*args, **kwargs)
        finally:
            print(f"{MODEL_STAGE}{time.perf_counter() - started:.4f}", flush=True)

    steps.model_step = timed_model_step
    if not with_sentences:
        import diglot.model.site as site

        def one_sentence_a_block(bodies, segments, overrides):
            """Every block one sentence with an ID of its own: what the pages need, nothing aligned."""
            ids = iter(range(1, 1 << 30))
            return {lang: tuple(((-1, -1, next(ids)),) for _ in blocks) for lang, blocks in bodies.items()}, ()

        site.number_sentences = one_sentence_a_block
    from diglot.cli import main

    main(["build", "--project", project, "--quiet"])


def step_alone(project: str, runs: int) -> None:
    """Build project serially, keeping the sentence step's calls, then print the best CPU seconds of
    the step over all of them, every memo of the sentence modules emptied first (as a cold build's
    workers start)."""
    os.environ["DIGLOT_SERIAL"] = "1"
    sys.path.insert(0, str(ROOT))
    import diglot.model.sentalign as sentalign
    import diglot.model.sentences as sentences
    import diglot.model.site as site
    from diglot.cli import main

    calls, step = [], site.number_sentences
    site.number_sentences = lambda *args: calls.append(args) or step(*args)
    main(["build", "--project", project, "--quiet"])
    memos = [f for module in (sentences, sentalign) for f in vars(module).values() if hasattr(f, "cache_clear")]
    best = float("inf")
    for _ in range(runs):
        for memo in memos:
            memo.cache_clear()
        started = time.process_time()
        for args in calls:
            step(*args)
        best = min(best, time.process_time() - started)
    print(f"sentence step alone: {best:.3f} s CPU over {len(calls):,} articles (best of {runs})")


def children_cpu() -> float:
    """CPU seconds (user and system) of this process' finished children and their own workers."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_build(corpus: Path, work: Path, with_sentences: bool) -> tuple[float, float, float]:
    """Copy the corpus to a fresh folder and time one cold build of it, in a child process: wall
    and CPU seconds, and the model stage's wall seconds. The folder is new each time and nothing
    is deleted until the end: files created soon after many were deleted cost ext4 several times
    as much system time (bench/README.md, "Remove")."""
    shutil.copytree(corpus, work)
    subprocess.run(["sync"], check=False)
    cpu, started = children_cpu(), time.perf_counter()
    child = subprocess.run([sys.executable, __file__, "--one", str(work), "--with" if with_sentences else "--without"],
                           check=True, stdout=subprocess.PIPE, text=True)
    wall, cpu = time.perf_counter() - started, children_cpu() - cpu
    model = next(float(line[len(MODEL_STAGE):]) for line in child.stdout.splitlines() if line.startswith(MODEL_STAGE))
    return wall, cpu, model


def main() -> int:
    """Run the interleaved builds and print the sentence step's share."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1000, help="article pairs of the synthetic corpus")
    parser.add_argument("--runs", type=int, default=8, help="cold builds of each kind")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    parser.add_argument("--with", dest="with_sentences", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--without", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--alone", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        build_once(args.one, args.with_sentences)
        return 0
    if args.alone:
        step_alone(args.alone, args.runs)
        return 0
    with tempfile.TemporaryDirectory(prefix="diglot-sentence-cost-") as folder:
        corpus = Path(folder) / "corpus"
        subprocess.run([sys.executable, str(ROOT / "bench" / "corpus.py"), str(args.pairs), str(corpus / "seeds")],
                       check=True, stdout=subprocess.DEVNULL)
        (corpus / "site.yaml").write_text(SITE_YAML, encoding="utf-8")
        timings: dict[bool, list[tuple[float, float, float]]] = {True: [], False: []}
        for run in range(args.runs):
            for with_sentences in (True, False):
                work = Path(folder) / f"work-{run}-{int(with_sentences)}"
                timings[with_sentences].append(timed_build(corpus, work, with_sentences))
        for kind, index in (("wall", 0), ("CPU", 1)):
            seconds = {key: [timing[index] for timing in runs] for key, runs in timings.items()}
            for with_sentences, label in ((True, "with sentences"), (False, "without")):
                print(f"{kind:>4} {label:>15}: " + " ".join(f"{s:.2f}" for s in seconds[with_sentences])
                      + f"  median {statistics.median(seconds[with_sentences]):.2f} s")
            share = 1 - statistics.median(seconds[False]) / statistics.median(seconds[True])
            pairwise = statistics.median(1 - b / a for a, b in zip(seconds[True], seconds[False]))
            # The fastest build of each kind: another process on the machine only ever adds time.
            fastest = 1 - min(seconds[False]) / min(seconds[True])
            print(f"sentence step, {kind} time: {share:.1%} of a cold build at {args.pairs:,} pairs "
                  f"(median of pairs: {pairwise:.1%}; fastest of each: {fastest:.1%}; target ≤ 10 % of wall time)")
        model = {key: statistics.median(timing[2] for timing in runs) for key, runs in timings.items()}
        cold = statistics.median(timing[0] for timing in timings[True])
        print(f"model stage, wall: {model[True]:.2f} s with sentences, {model[False]:.2f} s without: the step is "
              f"{(model[True] - model[False]) / cold:.1%} of the median cold build ({cold:.2f} s)")
        run_step_alone(corpus, Path(folder) / "alone", args.runs)
    return 0


def run_step_alone(corpus: Path, work: Path, runs: int) -> None:
    """step_alone on a fresh copy of the corpus, in a child process."""
    shutil.copytree(corpus, work)
    subprocess.run([sys.executable, __file__, "--alone", str(work), "--runs", str(runs)], check=True)


if __name__ == "__main__":
    sys.exit(main())
