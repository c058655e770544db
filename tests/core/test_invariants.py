"""Hypothesis invariants of scoring and ranking (issue 1/6, "Tests")."""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import random
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from builders import NO_ENVIRONMENT_CRITERIA, examples, tender_in_memory
from conftest import plain_award
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation.core.results import score_object
from evaluation.core.scoring import evaluate_tender
from evaluation.data.tender import load_tender

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = settings(max_examples=examples(40), deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _model(tmp: Path, price: dict, normalisation: str = "none") -> Path:
    model = {"id": "m", "title": "m", "aggregation": "mean", "points": 100,
             "environment_exception": NO_ENVIRONMENT_CRITERIA, "criteria": [
                 {"id": "q", "title": "q", "weight": 60, "criteria": [
                     {"id": "q1", "title": "q1", "weight": 70, "normalisation": normalisation},
                     {"id": "q2", "title": "q2", "weight": 30}]},
                 {"id": "p", "title": "p", "weight": 40,
                  "price": {"field": "price", **price}}]}
    path = tmp / "m.yaml"
    path.write_text(yaml.safe_dump(model))
    return path


ABSOLUTE = [{"model": "fixed_endpoints", "best": 50, "worst": 250},
            {"model": "piecewise", "breakpoints": [[50, 10], [120, 6], [250, 0]]}]
RELATIVE_SCALE_FREE = [{"model": "linear"}, {"model": "proportional"}, {"model": "two_sided"}]

competitions = st.integers(2, 7).flatmap(lambda n: st.tuples(
    st.lists(st.floats(60, 240), min_size=n, max_size=n),
    st.lists(st.tuples(st.integers(0, 10), st.integers(0, 10)), min_size=n, max_size=n),
    st.lists(st.tuples(st.integers(0, 10), st.integers(0, 10)), min_size=n, max_size=n)))


def _tender(tmp: Path, price: dict, comp, normalisation: str = "none"):
    prices, s1, s2 = comp
    ids = [f"{i:03d}" for i in range(len(prices))]
    scores = {"e1": {pid: {"q1": a, "q2": b} for pid, (a, b) in zip(ids, s1, strict=True)},
              "e2": {pid: {"q1": a, "q2": b} for pid, (a, b) in zip(ids, s2, strict=True)}}
    return tender_in_memory(_model(tmp, price, normalisation),
                            {pid: {"price": p} for pid, p in zip(ids, prices, strict=True)},
                            scores)


@pytest.mark.parametrize("price", ABSOLUTE, ids=lambda p: p["model"])
@SETTINGS
@given(comp=competitions)
def test_total_stays_in_range_under_absolute_models(tmp_path, price, comp):
    ev = evaluate_tender(_tender(tmp_path, price, comp))
    assert np.all(ev.totals >= -1e-9)
    assert np.all(ev.totals <= ev.model.points + 1e-9)


@pytest.mark.parametrize("price", RELATIVE_SCALE_FREE, ids=lambda p: p["model"])
@SETTINGS
@given(comp=competitions, factor=st.floats(0.01, 100))
def test_scaling_every_price_leaves_scores_unchanged(tmp_path, price, comp, factor):
    tender = _tender(tmp_path, price, comp)
    scaled = dataclasses.replace(tender, prices=tender.prices * factor)
    a, b = evaluate_tender(tender), evaluate_tender(scaled)
    np.testing.assert_allclose(a.scores, b.scores, rtol=1e-9, atol=1e-9)
    assert a.order == b.order


@pytest.mark.parametrize("price", [*ABSOLUTE, *RELATIVE_SCALE_FREE], ids=lambda p: p["model"])
@SETTINGS
@given(comp=competitions, who=st.integers(0, 6), leaf=st.sampled_from(["q1", "q2"]),
       normalisation=st.sampled_from(["none", "proportional", "shift"]))
def test_raising_a_score_never_lowers_total_or_rank(tmp_path, price, comp, who, leaf,
                                                     normalisation):
    tender = _tender(tmp_path, price, comp, normalisation)
    pid = tender.proposal_ids[who % len(tender.proposal_ids)]
    raised = tender.scores.copy()
    mask = (raised["proposal_id"] == pid) & (raised["criterion_id"] == leaf)
    raised.loc[mask, "score"] = np.minimum(raised.loc[mask, "score"] + 1, 10)
    before = evaluate_tender(tender)
    after = evaluate_tender(dataclasses.replace(tender, scores=raised))
    i = before.index(pid)
    assert after.totals[i] >= before.totals[i] - 1e-9
    assert after.rank[i] <= before.rank[i]


@pytest.mark.parametrize("price", ABSOLUTE, ids=lambda p: p["model"])
@SETTINGS
@given(comp=competitions, drop=st.integers(0, 6))
def test_removing_a_proposal_keeps_the_order_of_the_others_under_absolute_models(
        tmp_path, price, comp, drop):
    tender = _tender(tmp_path, price, comp)
    gone = tender.proposal_ids[drop % len(tender.proposal_ids)]
    keep = [p for p in tender.proposal_ids if p != gone]
    smaller = dataclasses.replace(
        tender, proposals=tender.proposals.loc[keep], prices=tender.prices.loc[keep],
        scores=tender.scores[tender.scores["proposal_id"] != gone])
    before = [p for p in evaluate_tender(tender).order if p != gone]
    assert list(evaluate_tender(smaller).order) == before


def _shuffle_csv(path: Path, rng: random.Random) -> None:
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    sep = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    frame = pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    order = list(range(len(frame)))
    rng.shuffle(order)
    out = frame.iloc[order].to_csv(index=False, sep=sep)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + out.encode("utf-8"))


def _unsealed_demo_copy(root: Path) -> Path:
    """Copy the demo without its seal: shuffled files no longer match the sealed bytes."""
    shutil.copytree(ROOT / "criteria", root / "criteria")
    folder = root / "tenders" / "1000-bygg"
    shutil.copytree(ROOT / "tenders" / "1000-bygg", folder)
    plain_award(folder)  # the final round's files at the root
    (folder / "seal.json").unlink()
    (folder / "tender.yaml").write_text((folder / "tender.yaml").read_text(
        encoding="utf-8").replace("price_opening: after_seal", ""), encoding="utf-8")
    return folder


@functools.cache
def _unshuffled_scores(mutant: str | None) -> str:
    """The unsealed demo's score object as sorted JSON, computed once per program (every
    example of the row-order test compares with it). Keyed on mutmut's mutant: its workers
    are forked from a process whose tests ran the unmutated code, and would otherwise compare
    a mutant's shuffled result with the unmutated one."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = _unsealed_demo_copy(Path(tmp))
        return json.dumps(score_object(evaluate_tender(load_tender(folder))), sort_keys=True)


@settings(max_examples=examples(10), deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_ranking_does_not_depend_on_row_order(seed):
    original = _unshuffled_scores(os.environ.get("MUTANT_UNDER_TEST"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = _unsealed_demo_copy(Path(tmp))
        rng = random.Random(seed)
        for name in ("proposals.csv", "prices.csv", "consensus.csv", "declarations.csv",
                     "recusals.csv", *(f"scores/{p.name}" for p in (folder / "scores").iterdir())):
            _shuffle_csv(folder / name, rng)
        shuffled = score_object(evaluate_tender(load_tender(folder)))
    assert json.dumps(shuffled, sort_keys=True) == original
