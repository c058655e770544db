"""`make mutate`: a mutmut run over the formula modules, its summary and its canary.

``python bench/mutation.py run`` runs mutmut: first the mutants of the canary's function (this
generates every mutant and records which tests reach which function), then every other mutant
except those judged equivalent and pinned to their code (below); ``run --all`` runs them too.

``python bench/mutation.py`` reads mutmut's results (``mutants/**/*.py.meta``), prints per
module how many mutants the fast tests killed, the score, and every survivor not listed as
equivalent in ``bench/mutants-equivalent.txt`` (one ``mutant name  [sha:fingerprint]  reason``
a line). A mutant judged equivalent survives every run by definition, and runs every test that
reaches its function, so once it has survived a run it is pinned (``python bench/mutation.py
pin``; ``pin NAME…`` re-pins a mutant whose function changed, once judged anew): the
fingerprint is a hash of the mutated function's syntax tree (without its name).
A run skips a pinned mutant whose fingerprint still matches and counts it as equivalent; when
the function changed, the mutant runs again and, if it survives, is printed for a new
judgement (a name may now be another mutant). What a fingerprint cannot see is a change
elsewhere that makes an equivalent mutant matter (a caller now reaching a branch judged dead):
``make mutate-all`` runs every mutant. Then the summary proves that the
mutants reached the code under test: with an editable install a mutation run can import the
unmutated package and pass every mutant, so one planted bug (a mutant of the shift
normalisation, ``S + (M − max S)`` made ``S + (M + max S)``) must fail the tests when activated
in ``mutants/``, where the package is imported from, while the same switch does nothing to the
editable install. Exit status 1 when the canary is not caught, when some mutants were not
checked (an interrupted run: the score printed is then over the checked ones only), or when the
score is under 90 %.
"""

from __future__ import annotations

import ast
import hashlib
import json
import os
import re
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


EQUIVALENT_LINE = re.compile(
    r"(?P<name>\S+)(?:\s+sha:(?P<sha>[0-9a-f]{12}))?(?:\s+(?P<reason>.*))?")


def equivalents() -> dict[str, tuple[str, str | None]]:
    """Return the mutants judged equivalent: the reason and the fingerprint pinned, if any."""
    if not EQUIVALENT.exists():
        return {}
    out = {}
    for line in EQUIVALENT.read_text(encoding="utf-8").splitlines():
        found = EQUIVALENT_LINE.fullmatch(line.strip())
        if found and not line.startswith("#"):
            out[found["name"]] = ((found["reason"] or "").strip(), found["sha"])
    return out


def fingerprints() -> dict[str, str]:
    """Return every mutant's fingerprint: a hash of its mutated function's syntax tree, the
    name left out (mutmut numbers a function's mutants in order; the number may move)."""
    out = {}
    for source in sorted(MUTANTS.rglob("*.py")):
        if not (source.parent / f"{source.name}.meta").exists():
            continue
        module = ".".join(source.relative_to(MUTANTS).with_suffix("").parts)
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and "__mutmut_" in node.name \
                    and not node.name.endswith("__mutmut_orig"):
                name, node.name = node.name, ""
                digest = hashlib.sha256(ast.dump(node).encode("utf-8")).hexdigest()[:12]
                out[f"{module}.{name}"] = digest
    return out


def pinned(equivalent: dict[str, tuple[str, str | None]], prints: dict[str, str]) -> set[str]:
    """Return the mutants judged equivalent whose pinned fingerprint matches their code."""
    return {name for name, (_, sha) in equivalent.items()
            if sha is not None and prints.get(name) == sha}


def results() -> dict[str, dict[str, int | None]]:
    """Return, per mutated module, every mutant's exit code."""
    out = {}
    for meta in sorted(MUTANTS.rglob("*.py.meta")):
        module = meta.relative_to(MUTANTS).as_posix()[: -len(".meta")]
        out[module] = json.loads(meta.read_text())["exit_code_by_key"]
    return out


def verdict(name: str, code: int | None, equivalent: dict[str, tuple[str, str | None]],
            skipped: set[str]) -> str:
    """Return one mutant's verdict: mutmut's status, or "equivalent" for a survivor judged
    equivalent (and still the mutant judged, where pinned), or "pinned" when skipped as one."""
    status = STATUS.get(code, "suspicious")
    if name in skipped and status == "not checked":
        return "pinned"
    if name in equivalent and status == "survived":
        sha = equivalent[name][1]
        return "equivalent" if sha is None or name in skipped else "changed"
    return status


def summary(found: dict[str, dict[str, int | None]],
            equivalent: dict[str, tuple[str, str | None]], skipped: set[str]) -> tuple[
        list[str], float, bool]:
    """Return the printed lines, the overall score (over the mutants checked) and whether
    every mutant was checked (or skipped as pinned equivalent)."""
    lines = [f"{'module':<34} {'mutants':>7} {'checked':>7} {'killed':>7} {'timeout':>7} "
             f"{'survived':>8} {'equiv.':>6} {'other':>5} {'score':>7}"]
    total = Counter[str]()
    named: dict[str, list[str]] = {"survived": [], "changed": [], "equivalent": [], "killed": [],
                                   "unknown": [], "timeout": []}
    for module, codes in found.items():
        verdicts = {name: verdict(name, code, equivalent, skipped) for name, code in codes.items()}
        count = Counter(verdicts.values())
        same = count["equivalent"] + count["pinned"]
        caught = count["killed"] + count["timeout"] + count["segfault"]
        checked = len(codes) - count["not checked"]
        survived = count["survived"] + count["changed"] + same
        other = checked - caught - survived
        # over the mutants checked: an interrupted run still says how the checked ones fared
        score = caught / max(checked - same, 1)
        lines.append(f"{module:<34} {len(codes):>7} {checked:>7} {count['killed']:>7} "
                     f"{count['timeout']:>7} {survived:>8} {same:>6} {other:>5} "
                     f"{100 * score:>6.1f}%")
        total.update({"mutants": len(codes), "checked": checked, "caught": caught,
                      "survived": survived, "equivalent": same, "pinned": count["pinned"],
                      "other": other})
        for name, said in sorted(verdicts.items()):
            if said in ("killed", "timeout", "segfault"):
                if name in equivalent:
                    named["killed"].append(name)
                if said == "timeout":
                    named["timeout"].append(name)
            elif said == "equivalent":
                if equivalent[name][1] is None:
                    named["equivalent"].append(name)
            elif said == "changed":
                named["changed"].append(name)
            elif said not in ("not checked", "pinned"):
                named["survived"].append(name)  # survived, no tests, or a status mutmut added
    every = {name for codes in found.values() for name in codes}
    named["unknown"] = sorted(name for name in equivalent if name not in every)
    overall = total["caught"] / max(total["checked"] - total["equivalent"], 1)
    lines.append(f"{'all formula modules':<34} {total['mutants']:>7} {total['checked']:>7} "
                 f"{total['caught']:>7} {'':>7} {total['survived']:>8} {total['equivalent']:>6} "
                 f"{total['other']:>5} {100 * overall:>6.1f}%   target >= {100 * TARGET:.0f} %")
    if total["pinned"]:
        lines.append(f"{total['pinned']} of the equivalent were skipped: pinned to their "
                     "unchanged code (`make mutate-all` runs them too)")
    if total["checked"] < total["mutants"]:
        lines.append(f"INCOMPLETE: {total['mutants'] - total['checked']} mutants not checked "
                     "(the run was interrupted): the score covers the checked ones only")
    for said, heading in (
            ("changed", "judged equivalent for other code (the function changed): judge again, "
                        "then `python bench/mutation.py pin NAME`"),
            ("equivalent", "judged equivalent, survived, not yet pinned "
                           "(`python bench/mutation.py pin`)"),
            ("killed", "listed as equivalent but killed: take them off the list"),
            ("unknown", "listed as equivalent but no such mutant (the function or module "
                        "changed): take them off the list"),
            ("timeout", "caught by a timeout only (a survivor on a loaded machine may read "
                        "as one: run these again on a quiet one)")):
        if named[said]:
            lines.append(f"{heading}: {len(named[said])}")
            lines += [f"  {name}" for name in named[said]]
    unjudged = len(named["survived"]) + len(named["changed"])
    lines.append(f"survivors not judged equivalent: {unjudged}")
    lines += [f"  {name}" for name in named["survived"]]
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


def run(everything: bool, children: int) -> int:
    """Run mutmut: the canary's function first (which generates every mutant and records which
    tests reach which function), then every mutant not yet checked, less the pinned
    equivalent ones unless ``everything``."""
    mutmut = [str(Path(sys.executable).with_name("mutmut")), "run", "--max-children", str(children)]
    first = subprocess.run([*mutmut, f"{CANARY_FUNCTION}*"], cwd=ROOT)
    if first.returncode:
        return first.returncode
    skip = set() if everything else pinned(equivalents(), fingerprints())
    rest = [name for codes in results().values() for name, code in codes.items()
            if code is None and name not in skip]
    print(f"skipped: {len(skip)} mutants judged equivalent and pinned to their unchanged code; "
          f"running the other {len(rest)}", flush=True)
    return subprocess.run([*mutmut, *rest], cwd=ROOT).returncode if rest else 0


def pin(again: list[str]) -> int:
    """Pin every mutant judged equivalent that survived the run in ``mutants/`` and has no
    fingerprint yet; re-pin one whose fingerprint no longer matches only when named in
    ``again`` (after judging it anew). Leave the other lines as they are. Return 1 when a
    listed mutant was left unpinned."""
    codes = {name: code for found in results().values() for name, code in found.items()}
    prints = fingerprints()
    lines, fresh, unpinned = [], [], []
    for line in EQUIVALENT.read_text(encoding="utf-8").splitlines():
        found = EQUIVALENT_LINE.fullmatch(line.strip())
        if line.startswith("#") or not found:
            lines.append(line)
            continue
        name, sha, reason = found["name"], found["sha"], (found["reason"] or "").strip()
        survived = STATUS.get(codes.get(name)) == "survived"
        if survived and (sha is None or (sha != prints[name] and name in again)):
            fresh.append(name)
            lines.append(f"{name}  sha:{prints[name]}  {reason}")
        else:
            lines.append(line)
            if sha is None or sha != prints.get(name):
                unpinned.append(name)
    EQUIVALENT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"pinned {len(fresh)} mutants judged equivalent to their code")
    for name in fresh:
        print(f"  pinned: {name}")
    for name in unpinned:
        status = STATUS.get(codes.get(name), "suspicious")
        why = "its code changed: judge it again, then `pin NAME`" if status == "survived" \
            else f"{status} in this run"
        print(f"  not pinned, {why}: {name}")
    return 1 if unpinned else 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["run"]:
        return run("--all" in argv, int(os.environ.get("MUTATE_CHILDREN", "2")))
    found = results()
    if not found:
        print("no mutmut results in mutants/: run `make mutate`")
        return 1
    if argv[:1] == ["pin"]:
        return pin(argv[1:])
    equivalent = equivalents()
    lines, overall, complete = summary(found, equivalent, pinned(equivalent, fingerprints()))
    canary_lines, caught = canary(found)
    print("\n".join([*lines, *canary_lines]))
    return 0 if caught and complete and overall >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
