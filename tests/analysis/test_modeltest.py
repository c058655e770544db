"""Tests for the model test: batch kernels, generator, reversal properties, CLI and notebook."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from builders import NO_ENVIRONMENT_CRITERIA, examples
from conftest import DEMO_MODEL, ROOT, edit, line_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation.analysis.modeltest import (
    DECOY,
    MAX_PROPOSALS,
    Settings,
    batch_price_scores,
    batch_price_slopes,
    generate_competitions,
    normal_cdf,
    read_settings,
    run_model_test,
)
from evaluation.common.errors import CriteriaError
from evaluation.common.payload import dumps
from evaluation.core.model import Model
from evaluation.core.price_models import price_slope, score_price
from evaluation.data.criteria import load_model

Run = Callable[..., tuple[int, str, str]]
NOTEBOOK = ROOT / "notebooks" / "model_test.ipynb"
ABSOLUTE = ("fixed_endpoints", "piecewise", "monetised", "surcharge", "value_for_money")

KERNEL_CASES: list[tuple[str, str, dict[str, Any]]] = [
    ("linear", "cost", {}),
    ("linear", "cost", {"slope": 0.5, "floor": 0.0}),
    ("linear", "benefit", {"slope": 2.0}),
    ("proportional", "cost", {}),
    ("proportional", "benefit", {}),
    ("two_sided", "cost", {}),
    ("two_sided", "benefit", {}),
    ("fixed_endpoints", "cost", {"best": 80.0, "worst": 150.0}),
    ("log", "cost", {"zero_at": 2.0}),
    ("log", "benefit", {"zero_at": 3.0, "floor": 0.0}),
    ("piecewise", "cost", {"breakpoints": ((50.0, 10.0), (100.0, 6.0), (160.0, 0.0))}),
    ("piecewise", "cost", {"breakpoints": ((60.0, 10.0), (140.0, 0.0)),
                           "outside": "extrapolate"}),
    ("bilinear_mean", "benefit", {"x": 0.85}),
    ("ratio_to_largest", "benefit", {}),
]


@pytest.fixture(scope="module")
def demo() -> Model:
    return load_model(DEMO_MODEL)


def write_model(folder: Path, price: str, *, extra: str = "", minimum: str = "") -> Path:
    """Write a small weighted model (two quality leaves, one price leaf) and return its path."""
    path = folder / "small.yaml"
    path.write_text(f"""id: small
title: Small
language: en
environment_exception: "{NO_ENVIRONMENT_CRITERIA}"
tie_break: [quality, price]
criteria:
  - id: quality
    title: Quality
    weight: 60
    criteria:
      - {{id: q1, title: Q1, weight: 50{minimum}}}
      - {{id: q2, title: Q2, weight: 50}}
  - id: price
    title: Price
    weight: 40
    price: {price}
{extra}""", encoding="utf-8")
    return path


# --- kernels ------------------------------------------------------------------------------


@pytest.mark.parametrize(("model_id", "direction", "params"), KERNEL_CASES)
def test_batch_kernels_agree_with_score_price(model_id: str, direction: str,
                                              params: dict[str, Any]) -> None:
    """Masked batch scores and slopes equal price.score_price/price_slope on each subset."""
    rng = np.random.default_rng(7)
    prices = rng.uniform(40.0, 200.0, size=(300, 8))
    prices[:5] = 100.0  # all prices equal: the degenerate guards
    prices[5:10, :3] = prices[5:10, 3:4]  # ties with the best
    mask = rng.random((300, 8)) < 0.7
    mask[:, 0] = True
    scores = batch_price_scores(model_id, prices, mask, maximum=10.0, direction=direction,
                                params=params)
    slopes = batch_price_slopes(model_id, prices, mask, maximum=10.0, direction=direction,
                                params=params)
    for row in range(prices.shape[0]):
        admitted = prices[row, mask[row]]
        expected = score_price(model_id, admitted, maximum=10.0, direction=direction,
                               params=params)
        np.testing.assert_allclose(scores[row, mask[row]], expected, rtol=1e-12, atol=1e-12)
        expected_slope = price_slope(model_id, admitted, maximum=10.0, direction=direction,
                                     params=params)
        np.testing.assert_allclose(slopes[row, mask[row]], expected_slope, rtol=1e-12,
                                   atol=1e-12)


def test_normal_cdf_matches_erf() -> None:
    """Abramowitz & Stegun 7.1.26: absolute error below 1.5e-7."""
    u = np.linspace(-6.0, 6.0, 1201)
    expected = np.array([0.5 * (1.0 + math.erf(x / math.sqrt(2.0))) for x in u])
    assert np.max(np.abs(normal_cdf(u) - expected)) < 1.5e-7


# --- generator ----------------------------------------------------------------------------


def test_generator_shapes_decoy_and_settings(demo: Model) -> None:
    s = Settings(competitions=400, seed=3, proposals=(4, 6), spread=0.1, correlation=0.7,
                 budget={"price_development": 5e6})
    batch = generate_competitions(demo, s)
    drawn = batch.drawn[:, :MAX_PROPOSALS].sum(axis=1)
    assert 4 == drawn.min() and 6 == drawn.max()
    assert not batch.admitted[:, DECOY].any()
    dev = batch.fields.index("price_development")
    logs = np.log(batch.prices[:, :MAX_PROPOSALS, dev][batch.drawn[:, :MAX_PROPOSALS]] / 5e6)
    assert abs(logs.mean()) < 0.01 and 0.09 < logs.std() < 0.11
    for c in np.flatnonzero(batch.admitted.any(axis=1)):
        rows = batch.admitted[c]
        # strictly dominated: dearer than everybody, no better than anybody on every leaf
        assert (batch.prices[c, DECOY] > batch.prices[c, rows].max(axis=0)).all()
        assert (batch.quality[c, DECOY] <= batch.quality[c, rows].min(axis=0)).all()
    # quality rises with price for a positive correlation
    q = batch.quality[:, :MAX_PROPOSALS].mean(axis=-1)[batch.drawn[:, :MAX_PROPOSALS]]
    p = batch.prices[:, :MAX_PROPOSALS].sum(axis=-1)[batch.drawn[:, :MAX_PROPOSALS]]
    assert np.corrcoef(q, p)[0, 1] > 0.3


def test_thresholds_exclude_as_in_scoring(demo: Model) -> None:
    """The demo's competence minimum (4 of 10) excludes proposals scoring under it."""
    batch = generate_competitions(demo, Settings(competitions=300, seed=1))
    column = [leaf.id for leaf in demo.quality_leaves].index("kompetanse")
    drawn = batch.drawn
    assert (batch.admitted == (drawn & (batch.quality[..., column] >= 4))).all()


# --- reversal properties ------------------------------------------------------------------


def by_id(result: Any) -> dict[str, Any]:
    return {s.variant.id: s for s in result.variants}


@pytest.mark.parametrize("overrides", [
    {}, {"spread": 0.1, "correlation": -0.3}, {"spread": 0.4, "correlation": 0.7},
    {"proposals": [3, 4], "seed": 99}])
def test_absolute_models_never_reverse(demo: Model, overrides: dict[str, Any]) -> None:
    result = run_model_test(demo, read_settings(demo, {"competitions": 2000, **overrides}))
    variants = by_id(result)
    for cid in (*ABSOLUTE, "log"):  # unfloored log: a new Pmin shifts every score alike
        s = variants[cid]
        assert (0, 0, 0, 0) == (s.removal_changed, s.decoy_changed, s.removal_order_changed,
                                s.decoy_order_changed), cid
        assert s.never_reversed
    assert s.removal_tested > 1500


def test_relative_models_reverse_at_default_settings(demo: Model) -> None:
    result = run_model_test(demo, read_settings(demo, {"competitions": 2000}))
    variants = by_id(result)
    for cid in ("proportional", "two_sided", "linear"):
        assert variants[cid].removal_changed > 0, cid
        assert not variants[cid].never_reversed
    assert variants["two_sided"].decoy_changed > 0  # the decoy moves Pmax
    assert 0 == variants["proportional"].decoy_changed  # … but never Pmin
    assert result.own.removal_changed == variants["linear"].removal_changed


@settings(max_examples=examples(8), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), spread=st.floats(0.1, 0.4),
       correlation=st.floats(-0.3, 0.7))
def test_absolute_models_never_reverse_any_settings(seed: int, spread: float,
                                                    correlation: float) -> None:
    model = load_model(DEMO_MODEL)
    result = run_model_test(model, Settings(competitions=300, seed=seed, spread=spread,
                                            correlation=correlation, models=ABSOLUTE))
    assert all(s.never_reversed for s in result.variants[1:])


def test_own_absolute_model_never_reverses(tmp_path: Path) -> None:
    path = write_model(tmp_path, "{model: fixed_endpoints, field: price, best: 6e5, "
                       "worst: 1.6e6}", extra="model_test: {budget: {price: 1000000}}\n",
                       minimum=", minimum: 3")
    model = load_model(path)
    result = run_model_test(model, read_settings(model, {"competitions": 2000}))
    assert result.own.never_reversed
    assert result.own.clipped is not None and result.own.clipped > 0


def test_normalised_quality_makes_absolute_prices_relative(tmp_path: Path) -> None:
    path = write_model(tmp_path, "{model: fixed_endpoints, field: price, best: 6e5, "
                       "worst: 1.6e6}", extra="model_test: {budget: 1000000}\n")
    text = path.read_text().replace("    weight: 60\n", "    weight: 60\n"
                                    "    normalisation: proportional\n")
    path.write_text(text)
    model = load_model(path)
    result = run_model_test(model, read_settings(model, {"competitions": 1000}))
    assert result.own.variant.relative
    assert not result.own.never_reversed


# --- diagnostics --------------------------------------------------------------------------


def test_nok_per_point_closed_forms(demo: Model) -> None:
    """Fixed endpoints and monetised: (budget mix) / (points × w_p); the demo's model_test
    budgets are 8 and 9.5 MNOK, price weighs 20 of 100 points: 17.5 MNOK / 20."""
    result = run_model_test(demo, read_settings(demo, {"competitions": 500}))
    variants = by_id(result)
    assert variants["monetised"].nok["median"] == pytest.approx(17_500_000 / 20)
    assert variants["fixed_endpoints"].nok["median"] == pytest.approx(17_500_000 / 20)
    assert variants["linear"].nok["median"] == pytest.approx(result.own.nok["median"])


def test_realised_weights_and_flags(demo: Model) -> None:
    result = run_model_test(demo, read_settings(demo, {"competitions": 500}))
    variants = by_id(result)
    two_sided = variants["two_sided"].realised
    # two-sided scoring always spreads price over the whole scale: price weighs more than its
    # nominal share on average
    assert two_sided["pris_kjop"]["mean"] > two_sided["pris_kjop"]["nominal"]
    means = [r["mean"] for r in result.own.realised.values()]
    assert sum(means) == pytest.approx(1.0, abs=1e-9)
    assert variants["linear"].negative and variants["linear"].negative > 0
    assert variants["linear"].unbeatable is None  # unfloored: no bound on price points
    assert variants["two_sided"].unbeatable == variants["fixed_endpoints"].unbeatable
    assert variants["two_sided"].variant.leaks_prices is False
    assert variants["proportional"].variant.leaks_prices is True
    assert variants["surcharge"].variant.leaks_prices is None
    assert result.never_reversed == [s.variant.id for s in result.variants if s.never_reversed]


def test_same_seed_same_report(demo: Model) -> None:
    first = dumps(run_model_test(demo, read_settings(demo, {"competitions": 500})
                                 ).as_dict("nb"))
    second = dumps(run_model_test(demo, read_settings(demo, {"competitions": 500})
                                  ).as_dict("nb"))
    other = dumps(run_model_test(demo, read_settings(demo, {"competitions": 500, "seed": 1})
                                 ).as_dict("nb"))
    assert first == second
    assert first != other
    assert json.loads(first)["settings"]["seed"] == 20261126


# --- settings -----------------------------------------------------------------------------


def test_model_test_section_is_read(tmp_path: Path) -> None:
    path = write_model(tmp_path, "{model: proportional, field: price}", extra=(
        "model_test:\n  competitions: 300\n  seed: 5\n  spread: 0.15\n  correlation: -0.2\n"
        "  proposals: [3, 5]\n  budget: {price: 2500000}\n  models: [two_sided, monetised]\n"))
    model = load_model(path)
    s = read_settings(model)
    assert (300, 5, 0.15, -0.2, (3, 5)) == (s.competitions, s.seed, s.spread, s.correlation,
                                            s.proposals)
    assert {"price": 2_500_000.0} == dict(s.budget)
    result = run_model_test(model, s)
    assert ["own", "two_sided", "monetised"] == [v.variant.id for v in result.variants]
    assert 7 == read_settings(model, {"seed": 7}).seed  # options override the file


def test_bad_model_test_section_reports_every_problem_with_lines(tmp_path: Path) -> None:
    path = write_model(tmp_path, "{model: linear, field: price}", extra=(
        "model_test:\n  spread: 2\n  budget: {prise: 100}\n  colour: blue\n"))
    model = load_model(path)
    with pytest.raises(CriteriaError) as info:
        read_settings(model)
    text = str(info.value)
    spread, budget, colour = (line_of(path, k) for k in ("spread: 2", "prise", "colour"))
    assert f"{path}:{spread}: model_test.spread: out of range (found '2'" in text
    assert f"{path}:{budget}: model_test.budget.prise: not a price field of the model" in text
    assert f"{path}:{colour}: model_test.colour: unknown setting" in text
    with pytest.raises(CriteriaError, match="option competitions: not a whole number"):
        read_settings(model, {"competitions": 0})


# --- command line and notebook ------------------------------------------------------------


def test_cli_model_test_table_and_json(run: Run) -> None:
    status, out, _ = run("model-test", DEMO_MODEL, "--competitions", "300", "--language", "en")
    assert 0 == status
    assert out.startswith("Model test: 1000-bygg (1000-bygg.yaml, sha256 ")
    assert "300 fictitious competitions" in out and "seed 20261126" in out
    assert "Never reversed a ranking: Interpolation between fixed endpoints" in out
    assert "Realised weights of the model's own price model" in out
    status, out, _ = run("model-test", DEMO_MODEL, "--competitions", "300", "--seed", "11",
                         "--format", "json")
    assert 0 == status
    obj = json.loads(out)
    assert 11 == obj["settings"]["seed"] and "own" == obj["models"][0]["id"]
    assert {"fixed_endpoints", "piecewise", "monetised"} <= set(obj["never_reversed"])


def test_cli_model_test_bad_input(run: Run, tmp_path: Path) -> None:
    status, _, err = run("model-test", DEMO_MODEL, "--competitions", "0")
    assert 2 == status and "option competitions: not a whole number" in err
    model = tmp_path / "m.yaml"
    model.write_text(DEMO_MODEL.read_text(encoding="utf-8"), encoding="utf-8")
    edit(model, "weight: 30\n", "weight: 31\n")
    status, _, err = run("model-test", model)
    assert 2 == status and "weights of siblings must sum to 100" in err


def test_notebook_template_is_clean() -> None:
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    assert "python3" == nb["metadata"]["kernelspec"]["name"]
    parameters = [c for c in nb["cells"] if "parameters" in c["metadata"].get("tags", [])]
    assert 1 == len(parameters)
    source = "".join(parameters[0]["source"])
    for line in ('criteria: str = "../criteria/1000-bygg.yaml"  # model to test',
                 "competitions: int = 2000  #", "seed: int = 20261126  #",
                 'language: str = "nb"  #'):
        assert line in source
    for cell in nb["cells"]:
        assert cell.get("id")
        if cell["cell_type"] == "code":
            assert [] == cell["outputs"] and cell["execution_count"] is None


@pytest.mark.notebooks
def test_notebook_executes(tmp_path: Path) -> None:
    import papermill

    from evaluation.runs.execute import read_payload

    out = tmp_path / "model_test.ipynb"
    papermill.execute_notebook(str(NOTEBOOK), str(out), kernel_name="python3",
                               parameters={"criteria": str(DEMO_MODEL), "competitions": 200,
                                           "seed": 5, "language": "en"},
                               progress_bar=False)
    payload = read_payload(out)
    assert payload is not None and "model_test" == payload["notebook"]
    results = payload["results"]
    assert {"competitions": 200, "seed": 5} == {k: results["settings"][k]
                                                for k in ("competitions", "seed")}
    assert "own" == results["models"][0]["id"] and len(results["models"]) == 10
    expected = run_model_test(load_model(DEMO_MODEL), read_settings(
        load_model(DEMO_MODEL), {"competitions": 200, "seed": 5})).as_dict("en")
    assert json.loads(dumps(expected))["models"] == results["models"]


# --- one normalisation, one ranking rule ----------------------------------------------------


def _one_competition(quality: list[list[float]], prices: list[float]) -> Any:
    """Return a batch of one fictitious competition with the given proposals in its slots."""
    from evaluation.analysis.modeltest import SLOTS, Competitions

    n = len(prices)
    q = np.zeros((1, SLOTS, len(quality[0])))
    q[0, :n] = quality
    p = np.full((1, SLOTS, 1), 100.0)
    p[0, :n, 0] = prices
    admitted = np.zeros((1, SLOTS), dtype=bool)
    admitted[0, :n] = True
    return Competitions(p, q, admitted, admitted.copy(), ("price",))


def test_model_test_normalises_as_scoring_does_on_a_one_to_five_scale(tmp_path: Path) -> None:
    """Quality q on 1–5 (proportional, 40 %), r on 0–10 (40 %), price 20 % (all prices equal).
    Scores 2, 3, 4 on q: scoring gives S·5/4 = 2.5, 3.75, 5, values 0.375, 0.6875, 1 (spread
    0.625; the model test's own copy gave 1/3, 2/3, 1: spread 2/3). r 0, 5, 10: spread 1.
    Realised weight of q = 0.4·0.625 / (0.4·0.625 + 0.4·1) = 0.3846 (the copy: 0.4)."""
    from evaluation.analysis.modeltest import build_variants, simulate_variant

    path = tmp_path / "n.yaml"
    path.write_text(
        "id: n\ntitle: n\naggregation: mean\npoints: 100\n"
        f'environment_exception: "{NO_ENVIRONMENT_CRITERIA}"\ncriteria:\n'
        "  - {id: q, title: q, weight: 40, scale: {min: 1, max: 5}, "
        "normalisation: proportional}\n"
        "  - {id: r, title: r, weight: 40}\n"
        "  - {id: p, title: p, weight: 20, price: {model: linear, field: price}}\n")
    model = load_model(path)
    own = build_variants(model, read_settings(model))[0][0]
    outcome = simulate_variant(model, own, _one_competition([[2, 0], [3, 5], [4, 10]],
                                                            [100, 100, 100]))
    np.testing.assert_allclose(outcome.realised[0], [0.25 / 0.65, 0.4 / 0.65, 0.0])


def test_model_test_shares_a_tie_as_scoring_does(tmp_path: Path) -> None:
    """Two equal proposals (same scores, same price) tie after every tie-break rule: scoring
    names no winner; so the model test may not count removing the third proposal as a
    change of winner, nor treat the first slot as the winner (it used to: lowest slot)."""
    from evaluation.analysis.modeltest import build_variants, simulate_variant

    path = tmp_path / "t.yaml"
    path.write_text(
        "id: t\ntitle: t\naggregation: mean\npoints: 100\ntie_break: [quality, price]\n"
        f'environment_exception: "{NO_ENVIRONMENT_CRITERIA}"\n'
        "criteria:\n  - {id: q, title: q, weight: 60}\n"
        "  - {id: p, title: p, weight: 40, price: {model: proportional, field: price}}\n")
    model = load_model(path)
    own = build_variants(model, read_settings(model))[0][0]
    outcome = simulate_variant(model, own, _one_competition([[8], [8], [3]], [90, 90, 200]))
    assert 1 == outcome.removals[0]  # only the third can be removed: both others are first
    assert not outcome.removal_changed[0]
    assert np.isnan(outcome.nok[0])  # no single winner whose price to read
