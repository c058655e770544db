"""`make bench`: runs every bench/bench_*.py and prints its lines (times, targets, ratios).

Benchmarks measure, they do not assert: speed is judged here, side by side in one run, not in
timed tests.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(names: list[str]) -> int:
    sys.path.insert(0, str(HERE))
    modules = sorted(HERE.glob("bench_*.py"))
    if names:
        modules = [m for m in modules if any(n in m.stem for n in names)]
    for path in modules:
        spec = importlib.util.spec_from_file_location(path.stem, path)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        start = time.perf_counter()
        print(f"== {path.stem}", flush=True)
        for line in module.bench():
            print(line, flush=True)
        print(f"   ({time.perf_counter() - start:.1f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
