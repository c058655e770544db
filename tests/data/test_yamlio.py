"""Tests for evaluation.data.yamlio: YAML aliases, the billion-laughs bomb among them, are
refused before anything is expanded, whichever parser PyYAML has."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import edit, model_of

from evaluation.common.errors import ProblemList
from evaluation.data.yamlio import read_yaml

Run = Callable[..., tuple[int, str, str]]

# Nine levels of nine aliases: 9**9 (387 million) strings once expanded, in 800 bytes.
BOMB = "\n".join(['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
                  *(f"{b}: &{b} [{','.join(['*' + a] * 9)}]"
                    for a, b in zip("abcdefgh", "bcdefghi", strict=True))]) + "\n"


def test_a_billion_laughs_bomb_is_refused_naming_the_file(tmp_path: Path,
                                                          yaml_parser: str) -> None:
    assert len(BOMB) < 1000
    path = tmp_path / "bomb.yaml"
    path.write_text(BOMB, encoding="utf-8")
    problems = ProblemList()
    assert read_yaml(path, problems, label="criteria/bomb.yaml") is None
    (problem,) = problems
    assert ("criteria/bomb.yaml:2: b.0: YAML aliases (*name) are not accepted: write the "
            "value out (found 'an alias of the value of a (line 1)', expected plain values, "
            "no &anchors or *aliases)") == str(problem)


def test_a_recursive_alias_is_refused(tmp_path: Path, yaml_parser: str) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text("a: &a [1, *a]\n", encoding="utf-8")
    problems = ProblemList()
    assert read_yaml(path, problems) is None
    assert "a.1: YAML aliases (*name) are not accepted" in str(problems[0])


def test_an_anchor_without_an_alias_is_harmless(tmp_path: Path, yaml_parser: str) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("a: &a [1, 2]\nb: 3\n", encoding="utf-8")
    doc = read_yaml(path, ProblemList())
    assert doc is not None and {"a": ["1", "2"], "b": "3"} == doc.data


@pytest.mark.parametrize("where", ["tender.yaml", "model"])
def test_aliases_in_a_tender_or_a_model_are_bad_input(
        make_tender: Callable[..., Path], run: Run, where: str) -> None:
    tender = make_tender()
    if where == "tender.yaml":
        path, name = tender / "tender.yaml", "1000-bygg/tender.yaml"
        edit(path, "standstill_days: 10", "standstill_days: &d 10\nextra: *d")
    else:
        path, name = model_of(tender), "criteria/1000-bygg.yaml"
        edit(path, "scale: {min: 0, max: 10}", "scale: &s {min: 0, max: 10}\nfictional: *s")
    status, _, err = run("validate", tender)
    assert 2 == status
    assert f"{name}:" in err and "YAML aliases (*name) are not accepted" in err, err
