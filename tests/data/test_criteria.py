"""Tests for evaluation.criteria (and the strict YAML reader it uses)."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import DEMO_MODEL, edit, line_of, model_of

from evaluation.common.errors import CriteriaError, ProblemList
from evaluation.core.model import Scale
from evaluation.data.criteria import load_model
from evaluation.data.yamlio import read_yaml

MODEL = "criteria/1000-bygg.yaml"


def set_key(path: Path, node_id: str, key: str, value: str) -> int:
    """Set ``key: value`` on criterion ``node_id`` of the model in ``path`` (adding it after the
    id line if absent); return the line it is on."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, text in enumerate(lines) if text.strip() == f"- id: {node_id}")
    indent = " " * (lines[start].index("-") + 2)
    target = start + 1
    for i in range(start + 1, len(lines)):
        text = lines[i].strip()
        if text.startswith("- id:") or text.startswith("criteria:"):
            lines.insert(start + 1, "")
            break
        if text.startswith(f"{key}:"):
            target = i
            break
    else:
        lines.insert(start + 1, "")
    lines[target] = f"{indent}{key}: {value}\n"
    path.write_text("".join(lines), encoding="utf-8")
    return target + 1


# --- the demo model ------------------------------------------------------------------------


def test_demo_model_loads() -> None:
    model = load_model(DEMO_MODEL)
    assert model.id == "1000-bygg"
    assert model.language == "nb"
    assert model.scale == Scale(0.0, 10.0)
    assert model.points == 100.0
    assert model.aggregation == "consensus"
    assert [c.id for c in model.criteria] == ["nytte", "klima", "gjennomforing", "pris"]
    assert [c.id for c in model.quality_leaves] == [
        "kostnadsreduksjon", "innovasjonsgrad", "skalerbarhet", "energisparing",
        "livslopsutslipp", "kompetanse", "plan"]
    assert [c.price.field for c in model.price_leaves if c.price] == [
        "price_development", "lifecycle_cost"]
    assert model.justifications_required
    assert model.environment_exception is None
    assert model.warnings == ()


def test_demo_global_weights() -> None:
    model = load_model(DEMO_MODEL)
    assert math.isclose(model.global_weight("kostnadsreduksjon"), 0.30 * 0.50)
    assert math.isclose(model.global_weight("pris_kjop"), 0.20 * 0.60)
    assert math.isclose(sum(model.global_weight(leaf.id) for leaf in model.leaves), 1.0)
    assert math.isclose(model.environment_weight(), 0.30)
    assert model.node("kompetanse").minimum == 4.0
    assert model.node("klima").weight_range == (30.0, 40.0)


# --- every model error, each with its message ----------------------------------------------


def _sum_not_100(t: Path) -> list[str]:
    m = model_of(t)
    set_key(m, "kostnadsreduksjon", "weight", "40")
    line = line_of(m, "- id: kostnadsreduksjon")
    return [f"{MODEL}:{line}: criteria.0.criteria: weights of siblings must sum to 100",
            "kostnadsreduksjon 40, innovasjonsgrad 25, skalerbarhet 25", "found 90",
            "expected 100"]


def _negative_weight(t: Path) -> list[str]:
    m = model_of(t)
    set_key(m, "kostnadsreduksjon", "weight", "100")
    line = set_key(m, "innovasjonsgrad", "weight", "-25")
    return [f"{MODEL}:{line}: criteria.0.criteria.1.weight: negative weight",
            "(found -25, expected >= 0)"]


def _duplicate_id(t: Path) -> list[str]:
    m = model_of(t)
    edit(m, "- id: skalerbarhet", "- id: innovasjonsgrad")
    first, second = line_of(m, "- id: innovasjonsgrad"), line_of(m, "- id: innovasjonsgrad", 2)
    return [f"{MODEL}:{second}: criteria.0.criteria.2.id: duplicate criterion id "
            f"(first used at line {first})", "found 'innovasjonsgrad'"]


def _unknown_price_model(t: Path) -> list[str]:
    m = model_of(t)
    edit(m, "model: linear, field: price_development", "model: quadratic, field: price_development")
    line = line_of(m, "model: quadratic")
    return [f"{MODEL}:{line}: criteria.3.criteria.0.price.model: unknown price model",
            "found 'quadratic', expected linear | "]


def _missing_price_parameter(t: Path) -> list[str]:
    m = model_of(t)
    edit(m, "model: linear, field: lifecycle_cost", "model: log, field: lifecycle_cost")
    line = line_of(m, "model: log")
    return [f"{MODEL}:{line}: criteria.3.criteria.1.price.zero_at: missing parameter of price "
            "model log", "expected zero_at"]


def _scale_min_above_max(t: Path) -> list[str]:
    m = model_of(t)
    edit(m, "scale: {min: 0, max: 10}", "scale: {min: 10, max: 0}")
    line = line_of(m, "scale: {min: 10, max: 0}")
    return [f"{MODEL}:{line}: scale: scale min must be below max",
            "found 'min 10, max 0', expected min < max"]


def _scale_min_equals_max(t: Path) -> list[str]:
    m = model_of(t)
    line = set_key(m, "plan", "scale", "{min: 5, max: 5}")
    return [f"{MODEL}:{line}: criteria.2.criteria.1.scale: scale min must be below max",
            "found 'min 5, max 5'"]


def _threshold_outside_scale(t: Path) -> list[str]:
    m = model_of(t)
    line = set_key(m, "kompetanse", "minimum", "11")
    return [f"{MODEL}:{line}: criteria.2.criteria.0.minimum: threshold outside the criterion's "
            "scale", "(found 11, expected 0 to 10)"]


def _group_threshold_outside_points(t: Path) -> list[str]:
    m = model_of(t)
    line = set_key(m, "gjennomforing", "minimum", "120")
    return [f"{MODEL}:{line}: criteria.2.minimum: a group threshold is points", "found 120",
            "expected 0 to 100"]


def _unknown_justifications(t: Path) -> list[str]:
    m = model_of(t)
    edit(m, "aggregation: consensus\n", "aggregation: consensus\njustifications: maybe\n")
    line = line_of(m, "justifications: maybe")
    return [f"{MODEL}:{line}: justifications: unknown value",
            "found 'maybe', expected required | optional"]


def _exception_without_reason(t: Path) -> list[str]:
    m = model_of(t)
    edit(m, "aggregation: consensus\n", 'aggregation: consensus\nenvironment_exception: ""\n')
    line = line_of(m, "environment_exception:")
    return [f"{MODEL}:{line}: environment_exception: an exception from FOA § 7-9 needs its "
            "reason"]


def _missing_model_file(t: Path) -> list[str]:
    model_of(t).unlink()
    return [f"{MODEL}: file: missing file", "found 'nothing'"]


def _empty_model_file(t: Path) -> list[str]:
    model_of(t).write_bytes(b"")
    return [f"{MODEL}: file: empty file", "found '0 bytes'"]


def _duplicate_yaml_key(t: Path) -> list[str]:
    m = model_of(t)
    edit(m, "points: 100\n", "points: 100\npoints: 10\n")
    return [f"{MODEL}:{line_of(m, 'points: 10', 2)}: points: key given twice"]


def _yaml_syntax(t: Path) -> list[str]:
    m = model_of(t)
    edit(m, "points: 100\n", "points: [100\n")
    return [f"{MODEL}:", ": syntax: not valid YAML"]


MODEL_ERRORS: list[Callable[[Path], list[str]]] = [
    _sum_not_100, _negative_weight, _duplicate_id, _unknown_price_model,
    _missing_price_parameter, _scale_min_above_max, _scale_min_equals_max,
    _threshold_outside_scale, _group_threshold_outside_points, _unknown_justifications,
    _exception_without_reason, _missing_model_file, _empty_model_file, _duplicate_yaml_key,
    _yaml_syntax,
]


@pytest.mark.parametrize("case", [
    pytest.param(f, id=f.__name__.strip("_").replace("_", "-")) for f in MODEL_ERRORS])
def test_model_error_reported(case: Callable[[Path], list[str]], make_tender: Callable[[], Path],
                              run: Callable[..., tuple[int, str, str]]) -> None:
    tender = make_tender()
    fragments = case(tender)
    status, out, err = run("validate", tender)
    assert status == 2
    assert out == ""
    problems = [line for line in err.splitlines() if "problem(er)" not in line]
    assert len(problems) == 1, err
    for fragment in fragments:
        assert fragment in problems[0]
    assert err.rstrip().endswith("1 problem(er); ingenting ble skrevet.")


def test_all_model_errors_at_once(tmp_path: Path) -> None:
    path = tmp_path / "model.yaml"
    path.write_text(DEMO_MODEL.read_text(encoding="utf-8"), encoding="utf-8")
    set_key(path, "innovasjonsgrad", "weight", "-25")  # negative, and the siblings sum to 50
    edit(path, "model: linear, field: price_development", "model: quadratic, field: x")
    set_key(path, "kompetanse", "minimum", "-1")
    with pytest.raises(CriteriaError) as info:
        load_model(path)
    messages = [str(p) for p in info.value.problems]
    assert len(messages) == 4, messages
    assert any("negative weight (found -25" in m for m in messages)
    assert any("weights of siblings must sum to 100" in m and "found 50" in m for m in messages)
    assert any("unknown price model (found 'quadratic'" in m for m in messages)
    assert any("threshold outside the criterion's scale (found -1" in m for m in messages)
    assert all(m.startswith(f"{path}:") for m in messages)


# --- environment criteria (FOA § 7-9) --------------------------------------------------------


def _move_ten_from_klima_to_nytte(model: Path) -> None:
    set_key(model, "klima", "weight", "20")
    set_key(model, "klima", "weight_range", "[15, 40]")
    set_key(model, "nytte", "weight", "40")
    set_key(model, "nytte", "weight_range", "[25, 45]")


def test_environment_under_30_percent_stops_validate_score_and_run(
        make_tender: Callable[[], Path], run: Callable[..., tuple[int, str, str]],
        tmp_path: Path) -> None:
    """FOA § 7-9 is clear for award criteria: under 30 % without the exception's reason is an
    error (exit 2) of every command that evaluates, and nothing is written."""
    tender = make_tender()
    _move_ten_from_klima_to_nytte(model_of(tender))
    excepted = tmp_path / "excepted.yaml"  # the same weights, with the exception's reason
    excepted.write_text(model_of(tender).read_text(encoding="utf-8") +
                        "environment_exception: a reason\n", encoding="utf-8")
    assert math.isclose(load_model(excepted).environment_weight(), 0.20)
    lines = model_of(tender).read_text(encoding="utf-8").splitlines()
    line = lines.index("criteria:") + 2  # the list of criteria starts on the next line
    expected = (f"criteria/1000-bygg.yaml:{line}: criteria: climate and environment (criteria "
                "tagged environment) weigh under 30 % of the award criteria (FOA § 7-9), at the "
                "lower end of the announced weight ranges (found '15 %', expected at least 30 %, "
                "or environment_exception: the reason given in the procurement documents)")
    for command in (("validate",), ("score",), ("run", "--out", tmp_path / "runs")):
        status, _, err = run(command[0], tender, *command[1:])
        assert 2 == status, command
        assert expected in err, err
    assert not (tmp_path / "runs").exists()


def test_environment_is_checked_at_the_lower_end_of_its_announced_range(
        make_tender: Callable[[], Path], run: Callable[..., tuple[int, str, str]]) -> None:
    """Published at 30 % but announced as 25–40 %: the committee may set 25 %."""
    tender = make_tender()
    set_key(model_of(tender), "klima", "weight_range", "[25, 40]")
    status, _, err = run("validate", tender)
    assert 2 == status
    assert "weigh under 30 % of the award criteria (FOA § 7-9), at the lower end of the " \
        "announced weight ranges (found '25 %'" in err


def test_environment_at_30_percent_is_silent(demo_tender: Path,
                                             run: Callable[..., tuple[int, str, str]]) -> None:
    status, _, err = run("validate", demo_tender)
    assert status == 0
    assert "7-9" not in err


def test_environment_share_is_compared_with_a_tolerance(tmp_path: Path) -> None:
    """75 % × 5 % + 75 % × 35 % computes as 0.29999999999999993: that is 30 %."""
    model = tmp_path / "m.yaml"
    model.write_text(
        "id: m\ntitle: m\naggregation: mean\ncriteria:\n"
        "  - {id: q, title: q, weight: 75, criteria: [\n"
        "      {id: e1, title: e1, weight: 5, tags: [environment]},\n"
        "      {id: e2, title: e2, weight: 35, tags: [environment]},\n"
        "      {id: o, title: o, weight: 60}]}\n"
        "  - {id: p, title: p, weight: 25, price: {model: linear, field: price}}\n",
        encoding="utf-8")
    loaded = load_model(model)
    assert loaded.environment_weight() < 0.3  # the exact comparison would refuse it
    assert math.isclose(loaded.environment_weight(), 0.3)


def test_environment_exception_allows_a_lower_share(
        make_tender: Callable[[], Path], run: Callable[..., tuple[int, str, str]]) -> None:
    tender = make_tender()
    model = model_of(tender)
    _move_ten_from_klima_to_nytte(model)
    reason = "Klima er dekket av kravspesifikasjonen (minstekrav til energiklasse)"
    edit(model, "aggregation: consensus\n", f'aggregation: consensus\nenvironment_exception: '
         f'"{reason}"\n')
    assert load_model(model).environment_exception == reason
    status, _, err = run("validate", tender)
    assert status == 0
    assert "7-9" not in err


def test_a_selection_model_is_not_held_to_the_environment_share(tmp_path: Path) -> None:
    """Prequalification's selection criteria are not award criteria (FOA § 7-9)."""
    model = tmp_path / "selection.yaml"
    model.write_text("id: s\ntitle: s\naggregation: mean\ncriteria:\n"
                     "  - {id: erfaring, title: Erfaring, weight: 100}\n", encoding="utf-8")
    with pytest.raises(CriteriaError, match="FOA § 7-9"):
        load_model(model)
    selection = load_model(model, purpose="selection")
    assert not selection.environment_rule_applies
    assert "selection" == selection.purpose


# --- strings stay strings --------------------------------------------------------------------


def test_yaml_scalars_stay_as_written(tmp_path: Path, yaml_parser: str) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: NO\nb: 007\nc: 0012\nd: yes\ne: 1.50\nf: ~\ng: ''\nh: [on, 08]\n",
                    encoding="utf-8")
    doc = read_yaml(path, ProblemList())
    assert doc is not None
    assert doc.data == {"a": "NO", "b": "007", "c": "0012", "d": "yes", "e": "1.50", "f": None,
                        "g": "", "h": ["on", "08"]}
    assert doc.line(("h", 1)) == 8


def test_both_yaml_parsers_read_the_demo_alike(monkeypatch: pytest.MonkeyPatch) -> None:
    import yaml

    files = [DEMO_MODEL, DEMO_MODEL.parents[1] / "tenders" / "1000-bygg" / "tender.yaml"]
    fast = [read_yaml(f, ProblemList()) for f in files]
    monkeypatch.delattr(yaml, "CBaseLoader", raising=False)
    slow = [read_yaml(f, ProblemList()) for f in files]
    assert all(d is not None for d in fast)
    assert [(d.data, d.lines) for d in fast if d] == [(d.data, d.lines) for d in slow if d]


def test_a_tab_is_refused_whichever_parser_pyyaml_has(tmp_path: Path, yaml_parser: str) -> None:
    """libyaml accepts a tab as a separator, the Python parser does not: a file must not be
    valid on one machine and invalid on another."""
    path = tmp_path / "x.yaml"
    path.write_text("a:\t1\n", encoding="utf-8")
    problems = ProblemList()
    assert read_yaml(path, problems) is None
    (problem,) = problems
    assert problem.field == "syntax" and "'\\t'" in problem.message


def test_yaml_syntax_error_names_the_line(tmp_path: Path, yaml_parser: str) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\nb: [1,\nc: 2\n", encoding="utf-8")
    problems = ProblemList()
    assert read_yaml(path, problems) is None
    (problem,) = problems
    assert (problem.field, problem.line) == ("syntax", 4)


def test_criterion_ids_stay_strings(tmp_path: Path) -> None:
    path = tmp_path / "model.yaml"
    text = DEMO_MODEL.read_text(encoding="utf-8")
    for old, new in (("kostnadsreduksjon", "NO"), ("innovasjonsgrad", "0012"),
                     ("skalerbarhet", "007")):
        text = text.replace(f"- id: {old}\n", f"- id: {new}\n")
    path.write_text(text, encoding="utf-8")
    model = load_model(path)
    assert [c.id for c in model.node("nytte").children] == ["NO", "0012", "007"]
    assert model.node("NO").path == ("nytte", "NO")


def test_justifications_optional_is_read(tmp_path: Path) -> None:
    path = tmp_path / "model.yaml"
    path.write_text(DEMO_MODEL.read_text(encoding="utf-8").replace(
        "aggregation: consensus\n", "aggregation: consensus\njustifications: optional\n"),
        encoding="utf-8")
    assert not load_model(path).justifications_required


@pytest.mark.parametrize(("price", "message"), [
    ("{model: fixed_endpoints, field: p, best: 200, worst: 100}",
     "price.best: for a cost the best price must be below the worst (found 'best 200, worst 100'"),
    ("{model: fixed_endpoints, field: p, direction: benefit, best: 100, worst: 200}",
     "price.best: for a benefit the best number must exceed the worst"),
    ("{model: linear, field: p, floor: 11}", "price.floor: the floor must lie on the leaf's scale"),
    ("{model: piecewise, field: p, breakpoints: [[50, 12], [100, 0]]}",
     "price.breakpoints.0.1: breakpoint score outside the leaf's scale (found 12"),
])
def test_price_parameters_checked_against_scale_and_direction(tmp_path, price, message):
    from evaluation.common.errors import CriteriaError
    from evaluation.data.criteria import load_model

    path = tmp_path / "m.yaml"
    path.write_text("id: m\ntitle: m\ncriteria:\n  - {id: q, title: q, weight: 50}\n"
                    f"  - {{id: p, title: p, weight: 50, price: {price}}}\n", encoding="utf-8")
    with pytest.raises(CriteriaError) as info:
        load_model(path)
    assert message in str(info.value)


@pytest.mark.parametrize(("line", "message"), [
    ("points: 0", "points: the maximum total must be positive (found 0)"),
    ("disagreement: 0", "disagreement: share of the scale range must lie in (0, 1] (found 0)"),
    ("abnormally_low: 0", "abnormally_low: share of the median under which a price is "
     "abnormally low (found 0"),
])
def test_zero_settings_are_refused_not_replaced_by_defaults(tmp_path, line, message):
    from evaluation.common.errors import CriteriaError
    from evaluation.data.criteria import load_model

    path = tmp_path / "m.yaml"
    path.write_text(f"id: m\ntitle: m\n{line}\ncriteria:\n  - {{id: q, title: q, weight: 100}}\n",
                    encoding="utf-8")
    with pytest.raises(CriteriaError) as info:
        load_model(path)
    assert message in str(info.value)


# --- unknown keys: errors with a suggestion, before anything that depends on them -----------


def test_a_misspelt_model_key_is_an_error_with_a_suggestion(
        make_tender: Callable[[], Path], run: Callable[..., tuple[int, str, str]]) -> None:
    """``agregation: mean`` was a warning, and the model fell back to consensus: the
    messages then spoke of consensus.csv. Now it is the only message."""
    tender = make_tender()
    edit(model_of(tender), "aggregation: consensus", "agregation: mean")
    (tender / "consensus.csv").unlink()
    status, _, err = run("validate", tender)
    assert 2 == status
    line = line_of(model_of(tender), "agregation:")
    lines = err.splitlines()
    assert 2 == len(lines), lines
    assert lines[0].endswith(f"criteria/1000-bygg.yaml:{line}: agregation: unknown key, did "
                             "you mean `aggregation`?")


def test_a_misspelt_criterion_key_is_an_error_with_a_suggestion(
        make_tender: Callable[[], Path], run: Callable[..., tuple[int, str, str]]) -> None:
    tender = make_tender()
    line = set_key(model_of(tender), "plan", "wieght", "50")
    status, _, err = run("validate", tender)
    assert 2 == status
    assert f"1000-bygg.yaml:{line}: " in err
    assert "wieght: unknown key, did you mean `weight`?" in err


def test_an_unknown_key_without_a_near_one_lists_none(tmp_path: Path) -> None:
    model = tmp_path / "m.yaml"
    model.write_text(DEMO_MODEL.read_text(encoding="utf-8") + "colour: blue\n", encoding="utf-8")
    with pytest.raises(CriteriaError) as info:
        load_model(model)
    assert [p.message for p in info.value.problems] == ["unknown key"]
