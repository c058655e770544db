"""Model-test speed: 10,000 fictitious competitions × 6 price models (issue 4/6).

Target: <= 10 s on this machine, vectorised (competitions padded to 10 proposal slots and a
decoy slot, 12 scenarios per competition, every model scored batch-wise). The model's own
price model runs too, so 7 variants are timed against the target for 6.
"""

from __future__ import annotations

import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COMPETITIONS = 10_000
TARGET_SECONDS = 10.0


def bench() -> list[str]:
    """Return the printed lines: the time of each run and its ratio to the 10 s target."""
    from evaluation.analysis.modeltest import PRICE_CANDIDATES, read_settings, run_model_test
    from evaluation.data.criteria import load_model

    model = load_model(ROOT / "criteria" / "1000-bygg.yaml")
    lines = []
    for label, models in ((f"{len(PRICE_CANDIDATES)} price models + own", PRICE_CANDIDATES),
                          ("all candidates + own", ())):
        settings = read_settings(model, {"competitions": COMPETITIONS, "models": models})
        began = time.perf_counter()
        result = run_model_test(model, settings)
        seconds = time.perf_counter() - began
        lines.append(f"model test, {COMPETITIONS:,} competitions × {label} "
                     f"({len(result.variants)} variants): {seconds:.2f} s "
                     f"(target <= {TARGET_SECONDS:.0f} s, ratio {seconds / TARGET_SECONDS:.2f})")
    return lines


if __name__ == "__main__":
    print("\n".join(bench()))
