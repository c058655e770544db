"""`make mutate`: the summary of a mutmut run over the formula modules, and its canary.

Reads mutmut's results (``mutants/**/*.py.meta``), prints per module how many mutants the fast
tests killed, the score, and every survivor not listed as equivalent in
``bench/mutants-equivalent.txt`` (one ``mutant name  reason`` a line). Then proves that the
mutants reached the code under test: with an editable install a mutation run can import the
unmutated package and pass every mutant, so one planted bug (a mutant of the shift
normalisation, ``S + (M − max S)`` made ``S + (M + max S)``) must fail the tests when activated
in ``mutants/``, where the package is imported from, while the same switch does nothing to the
editable install. Exit status 1 when the canary is not caught, when some mutants were not
checked (an interrupted run: the score printed is then over the checked ones only), or when the
score is under 90 %.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MUTANTS = ROOT / "mutants"
EQUIVALENT = ROOT / "bench" / "mutants-equivalent.txt"
TARGET = 0.90
STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests",
          34: "skipped", 36: "timeout", 24: "timeout", -24: "timeout", 152: "timeout",
          255: "timeout", -9: "segfault", -11: "segfault", None: "not checked"}
CANARY_FUNCTION = "evaluation.core.normalise.x_normalise_shift__mutmut_"
CANARY_TEST = "tests/core/test_normalise.py"


def equivalents() -> dict[str, str]:
    """Return the mutants judged equivalent, with the reason."""
    if not EQUIVALENT.exists():
        return {}
    out = {}
    for line in EQUIVALENT.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, reason = line.strip().partition(" ")
            out[name] = reason.strip()
    return out


def results() -> dict[str, dict[str, int | None]]:
    """Return, per mutated module, every mutant's exit code."""
    out = {}
    for meta in sorted(MUTANTS.rglob("*.py.meta")):
        module = meta.relative_to(MUTANTS).as_posix()[: -len(".meta")]
        out[module] = json.loads(meta.read_text())["exit_code_by_key"]
    return out


def summary(found: dict[str, dict[str, int | None]], equivalent: dict[str, str]) -> tuple[
        list[str], float, bool]:
    """Return the printed lines, the overall score (over the mutants checked) and whether
    every mutant was checked."""
    lines = [f"{'module':<34} {'mutants':>7} {'checked':>7} {'killed':>7} {'timeout':>7} "
             f"{'survived':>8} {'equiv.':>6} {'other':>5} {'score':>7}"]
    total = Counter[str]()
    survivors = []
    for module, codes in found.items():
        count = Counter(STATUS.get(code, "suspicious") for code in codes.values())
        same = sum(1 for name, code in codes.items()
                   if name in equivalent and STATUS.get(code) == "survived")
        caught = count["killed"] + count["timeout"] + count["segfault"]
        checked = len(codes) - count["not checked"]
        other = checked - caught - count["survived"]
        # over the mutants checked: an interrupted run still says how the checked ones fared
        score = caught / max(checked - same, 1)
        lines.append(f"{module:<34} {len(codes):>7} {checked:>7} {count['killed']:>7} "
                     f"{count['timeout']:>7} {count['survived']:>8} {same:>6} {other:>5} "
                     f"{100 * score:>6.1f}%")
        total.update({"mutants": len(codes), "checked": checked, "caught": caught,
                      "survived": count["survived"], "equivalent": same, "other": other})
        survivors += [name for name, code in sorted(codes.items())
                      if STATUS.get(code) not in ("killed", "timeout", "segfault", "not checked")
                      and name not in equivalent]
    overall = total["caught"] / max(total["checked"] - total["equivalent"], 1)
    lines.append(f"{'all formula modules':<34} {total['mutants']:>7} {total['checked']:>7} "
                 f"{total['caught']:>7} {'':>7} {total['survived']:>8} {total['equivalent']:>6} "
                 f"{total['other']:>5} {100 * overall:>6.1f}%   target >= {100 * TARGET:.0f} %")
    if total["checked"] < total["mutants"]:
        lines.append(f"INCOMPLETE: {total['mutants'] - total['checked']} mutants not checked "
                     "(the run was interrupted): the score covers the checked ones only")
    lines.append(f"survivors not judged equivalent: {len(survivors)}")
    lines += [f"  {name}" for name in survivors]
    return lines, overall, total["checked"] == total["mutants"]


def canary(found: dict[str, dict[str, int | None]]) -> tuple[list[str], bool]:
    """Return the lines of the planted-bug check and whether it was caught."""
    source = (MUTANTS / "evaluation" / "core" / "normalise.py").read_text(encoding="utf-8")
    planted = None
    for block in source.split("\ndef ")[1:]:
        name = block.split("(", 1)[0]
        if name.startswith(CANARY_FUNCTION.rsplit(".", 1)[1]) and \
                "return scores + (maximum + best_score(scores))" in block:
            planted = f"evaluation.core.normalise.{name}"
            break
    if planted is None:
        return ["canary: the planted bug (maximum + best) is not among the mutants"], False
    env = {**os.environ, "MUTANT_UNDER_TEST": planted}
    where = subprocess.run([sys.executable, "-c", "import evaluation; print(evaluation.__file__)"],
                           cwd=MUTANTS, env=env, capture_output=True, text=True).stdout.strip()
    test = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", CANARY_TEST]
    in_copy = subprocess.run(test, cwd=MUTANTS, env=env, capture_output=True, text=True)
    editable = subprocess.run(test, cwd=ROOT, env=env, capture_output=True, text=True)
    last = (in_copy.stdout.strip().splitlines() or ["?"])[-1]
    untouched = (editable.stdout.strip().splitlines() or ["?"])[-1]
    caught = in_copy.returncode != 0 and Path(where).is_relative_to(MUTANTS)
    return [f"canary: planted bug {planted} (S + (M + max S)), package imported from {where}",
            f"  in mutants/: {last}   {'CAUGHT' if caught else 'NOT CAUGHT'}",
            f"  the same switch on the editable install (unmutated): {untouched}"], caught


def main() -> int:
    found = results()
    if not found:
        print("no mutmut results in mutants/: run `make mutate`")
        return 1
    lines, overall, complete = summary(found, equivalents())
    canary_lines, caught = canary(found)
    print("\n".join([*lines, *canary_lines]))
    return 0 if caught and complete and overall >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
