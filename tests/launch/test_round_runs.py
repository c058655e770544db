"""A negotiation round's run (``runs/<tender>/round-<id>/``) keeps auditing when later rounds
add their folders and rows to the negotiation record."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import delete_line

from evaluation.cli import main
from evaluation.launch.run import start_run

pytestmark = pytest.mark.notebooks


def test_an_earlier_rounds_run_audits_clean_after_later_rounds_are_added(
        make_tender: Callable[..., Path], tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    tender = make_tender(rounds=True, sealed=True)
    later = tmp_path / "later"
    later.mkdir()
    for r in ("2-revised", "3-final"):
        shutil.move(str(tender / "rounds" / r), str(later / r))
    records = {name: (tender / name).read_bytes() for name in ("negotiations.csv",
                                                               "changes_sent.csv")}
    for n in range(1, 7):
        delete_line(tender / "negotiations.csv", f"2-revised,00{n},")
    delete_line(tender / "changes_sent.csv", "2-revised,")
    result = start_run(tender, out=tmp_path / "runs", jobs=2, progress=False)
    assert result.ok, [o for o in result.outcomes if not o.ok]
    assert "round-1-initial" == result.folder.parent.name == result.manifest["stage"]
    results = (result.folder / "results.json").read_text(encoding="utf-8")
    assert '"winner": "003"' in results  # 003 led the initial round
    for r in ("2-revised", "3-final"):  # the later rounds arrive
        shutil.move(str(later / r), str(tender / "rounds" / r))
    for name, data in records.items():
        (tender / name).write_bytes(data)
    assert 0 == main(["audit", str(result.folder), "--quiet", "--hashes-only"])
    out = capsys.readouterr().out
    assert "negotiations.csv: rows were added to the original" in out
    assert "added to the tender folder" not in out and "changed since the run" not in out
    # a row the run read that changes is still a failure
    edit_first = (tender / "negotiations.csv").read_text(encoding="utf-8").replace(
        "2026-09-08", "2026-09-07", 1)
    (tender / "negotiations.csv").write_text(edit_first, encoding="utf-8")
    assert 1 == main(["audit", str(result.folder), "--quiet", "--hashes-only"])
    assert "negotiations.csv: the original" in capsys.readouterr().out
