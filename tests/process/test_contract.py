"""The plan as a contract: frozen at signature, a later change refused until frozen again with
a reason, which the lock keeps for the change record."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import edit

from evaluation.common.errors import FrozenModelError
from evaluation.data.partnership import load_plan
from evaluation.process.contract import check_plan, contract_changes, freeze_plan, plan_changes

Run = Callable[..., tuple[int, str, str]]


def test_the_demo_plan_is_frozen_at_contract_signature(demo_tender: Path) -> None:
    """The demo's lock was dated by hand to the contract's signature, before phase 1 ended."""
    status = check_plan(load_plan(demo_tender))
    assert status.frozen and "2027-02-01T10:00:00Z" == status.frozen_at
    assert status.frozen_at < "2027-10-31"


def test_a_plan_changed_after_freezing_is_refused_until_frozen_with_a_reason(
        make_tender: Callable[..., Path], run: Run, tmp_path: Path) -> None:
    tender = make_tender()
    path = tender / "partnership" / "plan.yaml"
    before = load_plan(tender)
    edit(path, "threshold: 55", "threshold: 50")
    with pytest.raises(FrozenModelError, match="a contract change: freeze it again"):
        check_plan(load_plan(tender))
    status, out, err = run("gate", tender, "--phase", "2", "--no-run")
    assert 2 == status and "the plan was changed after it was frozen" in err
    assert "--reason" in err
    status, out, err = run("freeze", path)
    assert 2 == status and "That is a contract change" in err
    status, out, err = run("freeze", path, "--reason", "Terskel senket etter avtale 1.3.2028")
    assert 0 == status and "kontraktsendring registrert" in out
    after = load_plan(tender)
    assert check_plan(after).frozen
    (change,) = contract_changes(path)
    assert "Terskel senket etter avtale 1.3.2028" == change["reason"]
    assert (before.sha256, after.sha256) == (change["previous_sha256"], change["sha256"])
    lock = json.loads(path.with_name("plan.lock.json").read_text(encoding="utf-8"))
    assert lock["sha256"] == after.sha256
    assert [{"what": "threshold", "target": "planlagt", "phase": "2", "old": 55.0,
             "new": 50.0}] == plan_changes(before, after)


def test_the_same_bytes_keep_their_lock_and_a_first_freeze_needs_no_reason(
        make_tender: Callable[..., Path]) -> None:
    tender = make_tender()
    path = tender / "partnership" / "plan.yaml"
    lock = path.with_name("plan.lock.json")
    kept = lock.read_bytes()
    assert (lock, False) == freeze_plan(path, reason="anything")
    assert kept == lock.read_bytes()
    lock.unlink()
    assert not check_plan(load_plan(tender)).frozen  # not frozen: said, not refused
    when = dt.datetime(2027, 2, 1, 10, tzinfo=dt.UTC)
    assert (lock, True) == freeze_plan(path, now=when)
    assert "2027-02-01T10:00:00Z" == json.loads(lock.read_text(encoding="utf-8"))["frozen_at"]


def test_every_kind_of_contract_change_is_named(make_tender: Callable[..., Path]) -> None:
    tender = make_tender()
    path = tender / "partnership" / "plan.yaml"
    before = load_plan(tender)
    edit(path, 'instalments: {"001": 3400000, "003": 2900000}',
         'instalments: {"001": 3300000, "003": 2900000}')
    edit(path, "rule: {at_least: 3}", "rule: all_arenas")
    edit(path, "amount: 12000000", "amount: 12500000")
    changes = plan_changes(before, load_plan(tender))
    assert {"what": "instalment", "phase": "2", "partner": "001", "old": 3400000.0,
            "new": 3300000.0} in changes
    assert {"what": "rule", "target": "planlagt", "phase": "2", "old": {"at_least": 3},
            "new": "all_arenas"} in changes
    assert {"what": "maximum_cost", "old": 12000000.0, "new": 12500000.0} in changes
    assert 3 == len(changes)
