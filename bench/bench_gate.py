"""A gate's batch at scale (issue 9/10): 10 partners × 6 pilot arenas × 30 interim targets,
one gate notebook per partner and the summary through ``evaluation``'s run, with the
time per notebook as a ratio to the award run's kernel floor (a kernel started and one trivial
cell, alone and through the run's pool of 2) measured side by side in the same process.
Target: <= 2 against the same pool's floor.
"""

from __future__ import annotations

import csv
import json
import statistics
import tempfile
import time
from pathlib import Path

from bench_runs import kernel_floor, pool_floor

PARTNERS, ARENAS, TARGETS = 10, 6, 30
RULES = ("all_arenas", "mean", "median", "{at_least: 4}")


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def make_tender(root: Path) -> Path:
    """Write a tender of 12 proposals whose 10 best are the partners, and a partnership plan
    with one phase of 30 targets over 6 arenas, measured everywhere (fictional)."""
    (root / "criteria").mkdir(parents=True)
    (root / "criteria" / "bench.yaml").write_text(
        "id: bench\ntitle: Bench\nlanguage: nb\nscale: {min: 0, max: 10}\npoints: 100\n"
        "aggregation: consensus\nenvironment_exception: benchmark, not a procurement\n"
        "criteria:\n  - {id: kvalitet, title: Kvalitet, weight: 70}\n"
        "  - {id: pris, title: Pris, weight: 30, price: {model: linear, field: price, "
        "direction: cost}}\n", encoding="utf-8")
    tender = root / "tenders" / "bench"
    tender.mkdir(parents=True)
    (tender / "tender.yaml").write_text(
        "title: Bench\ncriteria: ../../criteria/bench.yaml\ncurrency: NOK\n"
        f"partners: {PARTNERS}\nevaluators: [e1]\n", encoding="utf-8")
    ids = [f"P{k:02d}" for k in range(1, 13)]
    _write(tender / "proposals.csv", ["proposal_id", "supplier", "price"],
           [[p, f"Leverandør {p}", 8_000_000] for p in ids])
    scores = [[p, "kvalitet", 10 - k * 0.5, "begrunnelse"] for k, p in enumerate(ids)]
    _write(tender / "scores" / "e1.csv", ["proposal_id", "criterion_id", "score",
                                          "justification"], scores)
    _write(tender / "consensus.csv", ["proposal_id", "criterion_id", "score",
                                      "justification"], scores)
    partners, arenas = ids[:PARTNERS], [f"A{k}" for k in range(1, ARENAS + 1)]
    targets = "".join(
        f"      - {{id: t{k:02d}, title: Delmål {k}, metric: Måltall {k}, unit: '%', "
        f"direction: {'higher' if k % 3 else 'lower'}, threshold: 50, "
        f"rule: {RULES[k % len(RULES)]}}}\n" for k in range(TARGETS))
    plan = ("partners: [" + ", ".join(partners) + "]\narenas: [" + ", ".join(arenas) + "]\n"
            "ceiling: {per_partner: 10000000}\nphases:\n  - id: '1'\n    title: Fase 1\n"
            "    end: 2027-10-31\n    instalments: {" +
            ", ".join(f"{p}: 1000000" for p in partners) + "}\n    targets:\n" + targets)
    (tender / "partnership" / "1").mkdir(parents=True)
    (tender / "partnership" / "plan.yaml").write_text(plan, encoding="utf-8")
    rows: list[list[object]] = [
        [p, f"t{k:02d}", a, 40 + (7 * int(p[1:]) + 11 * k + 13 * int(a[1:])) % 30,
         "2027-10-20", "rapport"]
        for p in partners for k in range(TARGETS) for a in arenas]
    _write(tender / "partnership" / "1" / "measurements.csv",
           ["partner", "target_id", "arena", "value", "date", "evidence"], rows)
    _write(tender / "partnership" / "1" / "payments.csv", ["partner", "amount", "date"],
           [[p, 1_000_000, "2027-11-15"] for p in partners])
    return tender


def bench() -> list[str]:
    """Return the printed lines: the run's time, per-notebook times and the ratios."""
    from evaluation.launch.run import start_run

    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        tender = make_tender(tmp / "work")
        floor = kernel_floor(tmp)
        pooled = pool_floor(tmp, 2, PARTNERS + 1)
        start = time.perf_counter()
        result = start_run(tender, out=tmp / "runs", jobs=2, progress=False, stage="gate-1")
        whole = time.perf_counter() - start
        assert result.ok, [o.error for o in result.outcomes if not o.ok]
        manifest = json.loads((result.folder / "manifest.json").read_text(encoding="utf-8"))
        seconds = [n["seconds"] for n in manifest["notebooks"]]
        summary = seconds[0]
        partner = statistics.median(seconds[1:])
        report_mb = (result.folder / "report.html").stat().st_size / 1e6
    ratio = partner / pooled
    return [
        f"gate batch: {PARTNERS} partners × {ARENAS} arenas × {TARGETS} targets "
        f"({PARTNERS * ARENAS * TARGETS} measurements), {len(seconds)} notebooks, --jobs 2",
        f"  whole run (load, {len(seconds)} notebooks, report)   {whole:7.2f} s",
        f"  floor: kernel start + one trivial cell, alone   {floor:7.2f} s",
        f"  floor: the same, {PARTNERS + 1} through the run's pool of 2 {pooled:7.2f} s",
        f"  median partner notebook                          {partner:7.2f} s   ratio "
        f"{partner / floor:5.2f} (alone), {ratio:5.2f} (same pool)   target <= 2   "
        f"{'OK' if ratio <= 2 else 'SLOW'}",
        f"  summary notebook                                 {summary:7.2f} s   ratio "
        f"{summary / pooled:5.2f} (same pool)",
        f"  report.html {report_mb:6.2f} MB",
    ]


if __name__ == "__main__":
    print("\n".join(bench()))
