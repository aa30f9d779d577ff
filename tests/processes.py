"""Run code in fresh interpreters with different hash seeds: output that depends on the order of a
set or dict of strings, or on hash(), differs between them, where two calls in one process agree."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HASH_SEEDS = ("1", "4242")


def run_fresh(args: list[str], hash_seed: str) -> str:
    """Run python with args in the repository under PYTHONHASHSEED=hash_seed; return its stdout."""
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout


def outputs_under_two_hash_seeds(code: str) -> list[str]:
    """What code prints in two fresh interpreters with different hash seeds."""
    return [run_fresh(["-c", code], seed) for seed in HASH_SEEDS]
