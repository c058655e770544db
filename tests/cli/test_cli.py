"""Tests for the command line: exit status, messages, nothing written, ids kept as strings."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from conftest import ROOT, edit, line_of, model_of

Run = Callable[..., tuple[int, str, str]]


def snapshot(root: Path) -> dict[str, str]:
    """Return every file under ``root`` with the sha256 of its bytes."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_module_help() -> None:
    done = subprocess.run([sys.executable, "-m", "evaluation", "--help"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: evaluation")
    assert "validate" in done.stdout and "score" in done.stdout


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    from evaluation.cli import main

    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.startswith("evaluation ")


def test_validate_demo(demo_tender: Path, run: Run) -> None:
    status, out, _ = run("validate", demo_tender, "--language", "en")
    assert status == 0
    assert out == (f"OK: {demo_tender}: 6 proposals, 3 evaluators, 7 quality criteria, "
                   "2 price criteria\n")
    status, out, _ = run("validate", demo_tender)
    assert status == 0 and "6 tilbud, 3 evaluatorer" in out


@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_score_demo(demo_tender: Path, run: Run, fmt: str) -> None:
    status, out, _ = run("score", demo_tender, "--format", fmt)
    assert status == 0
    assert "001" in out and "006" in out
    if fmt == "json":
        result = json.loads(out)
        assert result["winner"] == "001"
        assert result["partners"] == ["001", "003"]
        assert [p["id"] for p in result["proposals"]] == ["001", "003", "004", "002", "005", "006"]
        assert result["proposals"][-1]["rank"] is None


def test_score_csv_cells_never_run_as_formulas(make_tender: Callable[[], Path],
                                               run: Run) -> None:
    """OWASP CSV injection: text beginning with =, +, -, @, tab or CR is prefixed with ',
    while numbers stay numbers: 002 at 20 MNOK scores below 0 on the linear price model."""
    tender = make_tender()
    payloads = {"001": "=cmd|' /C calc'!A0", "003": "+47 55 55 55 55", "004": "@SUM(A1:A9)",
                "005": "-2+3+cmd|' /C calc'!A0"}
    frame = pd.read_csv(tender / "proposals.csv", dtype=str, keep_default_na=False)
    frame["supplier"] = [payloads.get(p, s) for p, s in zip(frame["proposal_id"],
                                                            frame["supplier"], strict=True)]
    frame.loc[frame["proposal_id"] == "002", "price_development"] = "20000000"
    frame.to_csv(tender / "proposals.csv", index=False)
    status, out, _ = run("score", tender, "--format", "csv")
    assert 0 == status
    rows = list(csv.DictReader(io.StringIO(out)))
    suppliers = {r["proposal_id"]: r["supplier"] for r in rows}
    for pid, payload in payloads.items():
        assert "'" + payload == suppliers[pid]
    assert all(not v.startswith(("=", "+", "@", "\t", "\r")) for r in rows for v in r.values())
    (price,) = [r for r in rows
                if (r["proposal_id"], r["criterion_id"]) == ("002", "pris_utvikling")]
    assert float(price["score"]) < 0 and float(price["points"]) < 0  # a negative number, as is


def test_no_such_tender(tmp_path: Path, run: Run) -> None:
    status, out, err = run("validate", tmp_path / "nowhere")
    assert status == 2 and out == ""
    assert f"{tmp_path / 'nowhere'}: folder: no such tender folder" in err


@pytest.mark.parametrize("argv", [
    pytest.param(("validate",), id="validate"),
    pytest.param(("score",), id="score-table"),
    pytest.param(("score", "--format", "json"), id="score-json"),
    pytest.param(("score", "--format", "csv"), id="score-csv"),
])
def test_failing_command_writes_nothing(argv: tuple[str, ...], make_tender: Callable[[], Path],
                                        run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    tender = make_tender()
    root = tender.parent.parent
    f = tender / "scores/anne.berg.csv"
    edit(f, "001,kostnadsreduksjon,8,", "001,kostnadsreduksjon,11,")
    edit(f, "002,plan,", "002,plna,")
    monkeypatch.chdir(root)  # anything written relative to the working folder shows up too
    before = snapshot(root)
    status, out, err = run(argv[0], "tenders/1000-bygg", *argv[1:])
    assert status == 2
    assert out == ""
    lines = err.splitlines()
    name = "1000-bygg/scores/anne.berg.csv"
    assert any(x.startswith(f"{name}:{line_of(f, ',11,')}: score: ") for x in lines)
    assert any(x.startswith(f"{name}:{line_of(f, ',plna,')}: criterion_id: ") for x in lines)
    assert lines[-1] == f"{len(lines) - 1} problem(er); ingenting ble skrevet."
    assert snapshot(root) == before


# --- ids stay strings ------------------------------------------------------------------------

PROPOSALS = {"001": "NO", "002": "0012", "003": "007"}
CRITERIA = {"kostnadsreduksjon": "NO", "innovasjonsgrad": "0012", "skalerbarhet": "007"}


def _rename_ids(tender: Path) -> None:
    model = model_of(tender)
    for old, new in CRITERIA.items():
        edit(model, f"- id: {old}\n", f"- id: {new}\n")
    tables = [tender / "proposals.csv", tender / "prices.csv", tender / "consensus.csv",
              *sorted((tender / "scores").glob("*.csv"))]
    for path in tables:
        raw = path.read_bytes()
        bom = b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b""
        text = raw[len(bom):].decode("utf-8")
        for old, new in PROPOSALS.items():
            text = re.sub(rf"(?m)^{old}(?=[,;])", new, text)
        for old, new in CRITERIA.items():
            text = re.sub(rf"(?m)^([^,;\n]+)([,;]){old}\2", rf"\g<1>\g<2>{new}\g<2>", text)
        path.write_bytes(bom + text.encode("utf-8"))


def test_ids_stay_strings_end_to_end(demo_tender: Path, make_tender: Callable[[], Path],
                                     run: Run) -> None:
    tender = make_tender()
    _rename_ids(tender)
    status, out, err = run("score", tender, "--format", "json")
    assert status == 0, err
    renamed = json.loads(out)
    status, out, _ = run("score", demo_tender, "--format", "json")
    demo = json.loads(out)
    ids = [p["id"] for p in renamed["proposals"]]
    assert ids == [PROPOSALS.get(p["id"], p["id"]) for p in demo["proposals"]]
    assert ids[:2] == ["NO", "007"]
    assert renamed["winner"] == "NO"
    assert renamed["partners"] == ["NO", "007"]
    assert "0012" in ids
    for new, old in zip(renamed["proposals"], demo["proposals"], strict=True):
        # the same numbers up to rounding (sorting by id changes the order of summation)
        assert _same(new["total"], old["total"])
        assert {"NO", "0012", "007"} <= set(new["criteria"])
        for old_id, new_id in CRITERIA.items():
            assert _same(new["criteria"][new_id], old["criteria"][old_id])


def _same(a: object, b: object) -> bool:
    """Equal, with floats equal up to rounding."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b


# --- abnormally low prices are flagged, not refused -------------------------------------------


def test_abnormally_low_price_flagged(demo_tender: Path, run: Run) -> None:
    status, out, _ = run("score", demo_tender, "--format", "json")
    assert status == 0
    result = json.loads(out)
    proposals = {p["id"]: p for p in result["proposals"]}
    assert proposals["004"]["abnormally_low"] == ["price_development"]
    assert proposals["004"]["rank"] == 3
    assert proposals["004"]["excluded"] is False
    assert proposals["004"]["total"] > 0
    assert all(not p["abnormally_low"] for pid, p in proposals.items() if pid != "004")
    assert any("FOA § 24-9" in w and "004" in w for w in result["warnings"])
    status, _, err = run("score", demo_tender, "--language", "en")
    assert status == 0
    warning = [line for line in err.splitlines() if "FOA § 24-9" in line]
    assert len(warning) == 1
    assert warning[0].startswith("warning: ") and "004" in warning[0]
    assert "abnormally low" in warning[0]


def test_lab_command_opens_the_notebooks_with_this_environment() -> None:
    import sys

    from evaluation.cli.lab import NOTEBOOKS, lab_command

    cmd = lab_command(NOTEBOOKS, 8899, True)
    assert cmd[:4] == [sys.executable, "-m", "jupyter", "lab"]
    assert f"--ServerApp.root_dir={NOTEBOOKS}" in cmd and "--ServerApp.port=8899" in cmd
    assert (NOTEBOOKS / "committee.ipynb").is_file()


# --- what run refuses, validate reports -----------------------------------------------------


def test_validate_reports_a_model_changed_since_freezing(make_tender: Callable[[], Path],
                                                         run: Run) -> None:
    """Before, validate said OK and run then refused the model."""
    from evaluation.process.freeze import write_lock

    t = make_tender()
    write_lock(model_of(t), {})
    edit(model_of(t), "tie_break:", "# changed after freezing\ntie_break:")
    status, out, err = run("validate", t)
    assert (2, "") == (status, out)
    assert "1000-bygg.lock.json: sha256: " in err
    assert "the model was changed after it was frozen" in err
    assert err.endswith("1 problem(er); ingenting ble skrevet.\n")
    status, _, err = run("validate", t, "--allow-unfrozen", "--language", "en")
    assert 0 == status and "warning: the model was CHANGED AFTER FREEZING" in err


def test_validate_reports_an_absolute_model_path(make_tender: Callable[[], Path],
                                                 run: Run) -> None:
    t = make_tender()
    absolute = model_of(t).resolve()
    edit(t / "tender.yaml", "../../criteria/1000-bygg.yaml", str(absolute))
    status, _, err = run("validate", t)
    assert 2 == status
    assert ("1000-bygg/tender.yaml: criteria: a run needs the model's path relative to the "
            f"tender folder, so that the run folder is complete on its own (found '{absolute}'"
            ) in err
    assert 0 == run("score", t)[0]  # scoring alone needs no self-contained folder


def test_before_the_seal_score_says_quality_only_in_its_first_line(
        make_tender: Callable[..., Path], run: Run) -> None:
    t = make_tender(sealed=True)
    (t / "seal.json").unlink()
    status, out, err = run("score", t, "--language", "en")
    assert 0 == status
    assert out.splitlines()[0].startswith("QUALITY ONLY: the prices are not opened "
                                          "(price_opening: after_seal, quality not sealed)")
    status, out, _ = run("score", t)
    assert out.splitlines()[0].startswith("BARE KVALITET: prisene er ikke åpnet")
    status, out, _ = run("score", t, "--format", "json", "--language", "en")
    assert json.loads(out)["quality_only"].startswith("QUALITY ONLY")
    status, _, err = run("validate", t, "--language", "en")
    assert 0 == status
    assert ("warning: evaluation run and evaluation notice refuse the tender until quality is "
            "sealed (evaluation seal).") in err.splitlines()


def test_mean_aggregation_with_a_consensus_file_warns_it_is_not_used(
        make_tender: Callable[[], Path], run: Run) -> None:
    t = make_tender()
    edit(model_of(t), "aggregation: consensus", "aggregation: mean")
    status, _, err = run("validate", t, "--language", "en")
    assert 0 == status
    assert ("warning: 1000-bygg/consensus.csv: the model's aggregation is mean: the consensus "
            "scores are not used") in err.splitlines()


def test_sensitivity_and_sheets_say_when_the_model_is_not_the_frozen_one(
        make_tender: Callable[[], Path], run: Run, tmp_path: Path) -> None:
    from evaluation.process.freeze import write_lock

    t = make_tender()
    write_lock(model_of(t), {})
    edit(model_of(t), "tie_break:", "# changed after freezing\ntie_break:")
    status, _, err = run("sensitivity", t, "--samples", "50", "--language", "en")
    assert 0 == status
    assert err.startswith("warning: the model was CHANGED AFTER FREEZING")
    status, _, err = run("sheets", t, "--out", tmp_path / "sheets", "--language", "en")
    assert 0 == status
    assert err.startswith("warning: the model was CHANGED AFTER FREEZING")


# --- the command line speaks the tender's language ------------------------------------------


def test_the_summary_line_follows_the_tenders_language(make_tender: Callable[[], Path],
                                                       run: Run) -> None:
    t = make_tender()
    edit(t / "scores/anne.berg.csv", "001,kostnadsreduksjon,8,", "001,kostnadsreduksjon,11,")
    line = f"1000-bygg/scores/anne.berg.csv:{line_of(t / 'scores/anne.berg.csv', ',11,')}: "
    _, _, nb = run("validate", t)
    _, _, en = run("validate", t, "--language", "en")
    # the technical prefix is the same in both languages
    assert nb.splitlines()[0] == en.splitlines()[0] and nb.startswith(line)
    assert "1 problem(er); ingenting ble skrevet." == nb.splitlines()[-1]
    assert "1 problem(s); nothing was written." == en.splitlines()[-1]
    edit(model_of(t), "language: nb", "language: en")
    assert "1 problem(s); nothing was written." == run("validate", t)[2].splitlines()[-1]


def test_ctrl_c_outside_a_run_is_one_line(make_tender: Callable[[], Path], run: Run,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import evaluation.data.tender as loader

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(loader, "load_tender", interrupted)
    assert (130, "", "avbrutt\n") == run("validate", make_tender())
