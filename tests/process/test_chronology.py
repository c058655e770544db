"""Tests for evaluation.process.chronology: recorded dates compared with each other, never with
today (design.md). The method must be fixed before the tenders are opened (KOFA 2023/0999,
legal.md); a declaration dated after the seal is a warning, not an error (refusing it would
invite backdating)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from conftest import edit, model_of

from evaluation.data.tender import load_tender
from evaluation.process.chronology import chronology_warnings
from evaluation.process.freeze import check_frozen, write_lock

Run = Callable[..., tuple[int, str, str]]


def test_the_demo_record_is_in_order(demo_tender: Path, run: Run) -> None:
    """The demo froze its model on 15.05.2026, before the declarations (20.05.2026) and the
    seals of its rounds (the final one 02.11.2026); it froze on 26.11.2026, after both, before
    issue 3/10."""
    tender = load_tender(demo_tender)
    frozen = check_frozen(tender.model.source)
    assert frozen.frozen and "2026-05-15T09:00:00Z" == frozen.frozen_at
    assert [] == chronology_warnings(tender, frozen.frozen_at)
    status, _, err = run("validate", demo_tender)
    assert 0 == status and "Modellen ble frosset" not in err


def test_a_model_frozen_after_the_declarations_and_the_seal_is_a_warning(
        make_tender: Callable[..., Path], run: Run) -> None:
    t = make_tender(sealed=True)
    write_lock(model_of(t), {}, now=dt.datetime(2026, 11, 26, 15, 47, tzinfo=dt.UTC), force=True)
    status, _, err = run("validate", t, "--language", "en")
    assert 0 == status, err
    assert ("warning: The model was frozen on 2026-11-26, after the declaration of anne.berg "
            "(2026-05-20), the declaration of jonas.haugen (2026-05-20), the declaration of "
            "sara.nilsen (2026-05-21), the seal (2026-11-02): the method must be fixed before "
            "the tenders are opened.") in err.splitlines()
    status, _, err = run("score", t)
    assert 0 == status
    assert "advarsel: Modellen ble frosset 26.11.2026, etter habilitetserklæringen til " \
        "anne.berg (20.05.2026)" in err


def test_a_declaration_dated_after_the_seal_is_a_warning(make_tender: Callable[..., Path],
                                                         run: Run) -> None:
    t = make_tender(sealed=True)
    edit(t / "declarations.csv", "jonas.haugen,2026-05-20", "jonas.haugen,20.11.2026")
    status, _, err = run("validate", t, "--language", "en")
    assert 0 == status, err
    assert ("warning: The impartiality declaration of jonas.haugen is dated 2026-11-20, after "
            "the quality scores were sealed on 2026-11-02.") in err.splitlines()


def test_dates_are_never_compared_with_today(make_tender: Callable[..., Path]) -> None:
    """A record far in the future or the past is compared only with itself."""
    t = make_tender(sealed=True)
    for evaluator in ("anne.berg", "jonas.haugen"):
        edit(t / "declarations.csv", f"{evaluator},2026-05-20", f"{evaluator},2099-10-05")
    edit(t / "declarations.csv", "sara.nilsen,2026-05-21", "sara.nilsen,2099-10-06")
    edit(t / "seal.json", '"sealed_at": "2026-11-02', '"sealed_at": "2099-11-02')
    tender = load_tender(t, ignore_seal=True)
    assert [] == chronology_warnings(tender, "2099-09-01T00:00:00Z")
