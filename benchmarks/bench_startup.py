"""Whole-process start-up of the commands a researcher runs many times a day.

Each command is run as its own process (``python -m thesis_analysis …``) on the shipped
project, once to warm the caches (compiled code, the lemma table, the segment cache), then
``--runs`` times; the best and the median wall time and the peak memory of the child are
printed beside the issue's targets:

- ``code-texts`` on a one-line CSV ≤ 1.5 s;
- ``validate`` ≤ 0.7 s;
- ``evaluate`` ≤ 2.5 s.

Usage: ``python benchmarks/bench_startup.py [--runs 5]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"code-texts (one line)": 1.5, "validate": 0.7, "evaluate": 2.5}


def time_command(args: list[str], cwd: Path) -> tuple[float, float]:
    """Wall seconds and peak memory (MiB) of one run of ``python -m thesis_analysis args``."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "thesis_analysis", *args],
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(args)} failed with status {child.returncode}")
    return seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        one_line = Path(tmp) / "one.csv"
        one_line.write_text("id,text\n1,Målstyringa gir oss berre tellekantar.\n", encoding="utf-8")
        commands = {
            "code-texts (one line)": ["code-texts", str(one_line), "--out", f"{tmp}/out.csv"],
            "validate": ["validate"],
            "evaluate": ["evaluate"],
        }
        print(f"{'command':<24}{'best s':>8}{'median s':>10}{'target s':>10}{'peak MiB':>10}")
        for name, args in commands.items():
            time_command(args, ROOT)  # warm: compiled code, lemma table, segment cache
            times = [time_command(args, ROOT)[0] for _ in range(runs)]
            peak = time_command(args, ROOT)[1]
            best, median = min(times), statistics.median(times)
            verdict = "ok" if best <= TARGETS[name] else "over"
            print(
                f"{name:<24}{best:>8.2f}{median:>10.2f}{TARGETS[name]:>10.1f}{peak:>10.0f}"
                f"  {verdict}"
            )
    print(f"({runs} runs each after one warm-up; load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
