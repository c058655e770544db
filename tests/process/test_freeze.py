"""Tests for freezing a model: the lock, the check, score and run refusing a changed model."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import edit, model_of

from evaluation.common.errors import FrozenModelError
from evaluation.process.freeze import (
    FreezeStatus,
    check_frozen,
    lock_path,
    model_banner,
    model_sha256,
    read_lock,
    write_lock,
)

Run = Callable[..., tuple[int, str, str]]
ONE_BYTE = ("FICTIONAL DEMO MODEL", "FICTIONAL DEMO MODEl")  # a comment: still a valid model


def test_lock_beside_the_model(tmp_path: Path) -> None:
    model = tmp_path / "criteria" / "m.yaml"
    assert tmp_path / "criteria" / "m.lock.json" == lock_path(model)


def test_write_read_and_check(make_tender: Callable[[], Path]) -> None:
    model = model_of(make_tender())
    assert read_lock(model) is None
    status = check_frozen(model)
    assert ("not_frozen", False, False) == (status.state, status.frozen, status.changed)
    assert "not frozen" in status.text("en") and "ikke frosset" in status.text("nb")
    when = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.UTC)
    path, written = write_lock(model, {"seed": 5, "settings": {"competitions": 100, "seed": 5},
                                       "summary": {}}, now=when)
    assert written and lock_path(model) == path
    lock = read_lock(model)
    assert lock is not None
    assert (model.name, model_sha256(model), "2026-11-26T12:00:00Z", 5) == (
        lock.model_file, lock.sha256, lock.frozen_at, lock.model_test["seed"])
    status = check_frozen(model)
    assert ("frozen", True) == (status.state, status.frozen)
    assert status.as_dict() == FreezeStatus.from_dict(status.as_dict()).as_dict()
    # freezing the same bytes again keeps the first lock and its time
    assert (path, False) == write_lock(model, {"seed": 6}, now=when + dt.timedelta(days=1))
    assert "2026-11-26T12:00:00Z" == json.loads(path.read_text())["frozen_at"]


def test_changed_after_freezing(make_tender: Callable[[], Path]) -> None:
    model = model_of(make_tender())
    write_lock(model, {})
    before = model_sha256(model)
    edit(model, *ONE_BYTE)
    after = model_sha256(model)
    with pytest.raises(FrozenModelError) as info:
        check_frozen(model)
    message = str(info.value)
    assert str(lock_path(model)) in message and before in message and after in message
    status = check_frozen(model, allow_unfrozen=True)
    assert ("changed", False, True) == (status.state, status.frozen, status.changed)
    assert "CHANGED AFTER FREEZING" in status.text("en")
    assert 'class="evaluation-banner evaluation-warning"' in status.banner_html("en")
    with pytest.raises(FrozenModelError, match="--force"):
        write_lock(model, {})
    assert write_lock(model, {}, force=True)[1]
    assert check_frozen(model).frozen


def test_unreadable_lock_is_an_error(make_tender: Callable[[], Path], run: Run) -> None:
    tender = make_tender()
    lock_path(model_of(tender)).write_text("{not json", encoding="utf-8")
    status, _, err = run("score", tender)
    assert 2 == status and "not a readable lock file" in err


def test_cli_freeze_score_and_refusal(make_tender: Callable[[], Path], run: Run) -> None:
    tender = make_tender()
    model = model_of(tender)
    status, _, err = run("score", tender, "--language", "en")
    assert 0 == status and "the model is not frozen" in err
    status, out, _ = run("freeze", model, "--competitions", "200", "--language", "en")
    assert 0 == status and out.startswith(f"frozen: {lock_path(model)}")
    lock = json.loads(lock_path(model).read_text())
    assert 200 == lock["model_test"]["settings"]["competitions"]
    assert 20261126 == lock["model_test"]["seed"]
    assert "never_reversed" in lock["model_test"]["summary"]
    status, out, err = run("score", tender, "--language", "en")
    assert 0 == status and "the model is frozen (1000-bygg.lock.json" in err
    status, out, _ = run("score", tender, "--format", "json")
    assert "frozen" == json.loads(out)["model_frozen"]["state"]

    before = model_sha256(model)
    edit(model, *ONE_BYTE)
    after = model_sha256(model)
    status, out, err = run("score", tender)
    assert (2, "") == (status, out)
    assert str(lock_path(model)) in err and before in err and after in err
    status, out, err = run("score", tender, "--allow-unfrozen", "--language", "en")
    assert 0 == status and "warning: the model was CHANGED AFTER FREEZING" in err
    assert "001" in out
    status, out, _ = run("score", tender, "--allow-unfrozen", "--format", "json")
    assert 0 == status
    frozen = json.loads(out)["model_frozen"]
    assert ("changed", before, after) == (frozen["state"], frozen["locked_sha256"],
                                          frozen["sha256"])
    status, _, err = run("freeze", model)
    assert 2 == status and "--force" in err


def test_run_refuses_a_changed_model(make_tender: Callable[[], Path], run: Run,
                                     tmp_path: Path) -> None:
    tender = make_tender()
    model = model_of(tender)
    write_lock(model, {})
    edit(model, *ONE_BYTE)
    out = tmp_path / "runs"
    status, _, err = run("run", tender, "--out", out, "--quiet")
    assert 2 == status and "changed after it was frozen" in err
    assert not out.exists()


def test_run_evidence_uses_the_locked_settings(make_tender: Callable[[], Path],
                                               tmp_path: Path) -> None:
    from evaluation.data.criteria import load_model
    from evaluation.launch.evidence import export_run_model_test

    model = model_of(make_tender())
    write_lock(model, {"seed": 9, "settings": {"competitions": 120, "seed": 9},
                       "summary": {}})
    frozen = check_frozen(model).as_dict()
    folder = tmp_path / "run"
    folder.mkdir()
    assert "model_test.html" == export_run_model_test(folder, load_model(model), frozen, "en")
    page = (folder / "model_test.html").read_text(encoding="utf-8")
    assert "--competitions 120 --seed 9" in page
    assert 'id="model-frozen">Evaluation model: the model is frozen' in page
    assert "<script src=\"http" not in page  # offline: nothing fetched


def test_report_banner() -> None:
    changed = FreezeStatus(Path("m.yaml"), Path("m.lock.json"), frozen=False, changed=True,
                           sha256="a" * 64, locked_sha256="b" * 64, frozen_at="2026")
    html = model_banner(changed.as_dict(), "nb")
    assert html.startswith('<p class="evaluation-banner evaluation-warning" id="model-frozen">')
    assert "ENDRET ETTER FRYSING" in html
    assert "" == model_banner(None, "nb")
