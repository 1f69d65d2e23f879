"""Run every benchmark and write BENCHMARKS.md (issue 9 benchmarks work fills this in)."""

import subprocess
import sys

for script in [
    "scripts/bench_smart.py",
    "scripts/bench_conflicts.py",
    "scripts/bench_survey.py",
    "scripts/bench_portfolio.py",
]:
    subprocess.run([sys.executable, script], check=True)
subprocess.run([sys.executable, "scripts/bench_network.py", "--quick"], check=True)
