"""The gate's target rules on hand-made values (design.md: thresholds inclusive; a missing
arena is "not evidenced", never "met"), the verdict, and a decision against the targets."""

from __future__ import annotations

import math

import pytest

from evaluation.common.labels import Label
from evaluation.core.gate import (
    MET,
    NOT_EVIDENCED,
    NOT_MET,
    margin,
    meets,
    target_result,
    verdict,
)
from evaluation.core.partnership import Rule, Target

ARENAS = ("Bergen", "Bærum", "Oslo", "Askøy")


def target(rule: Rule, threshold: float = 60.0, direction: str = "higher") -> Target:
    return Target("t", Label("T", "T"), Label("m", "m"), Label("%", "%"), direction, threshold,
                  rule)


def test_a_value_exactly_at_the_threshold_meets_it() -> None:
    """Thresholds are inclusive: ≥ for higher, ≤ for lower (design.md)."""
    assert meets(60.0, target(Rule("all_arenas")))
    assert not meets(59.999, target(Rule("all_arenas")))
    assert meets(2.0, target(Rule("all_arenas"), 2.0, "lower"))
    assert not meets(2.001, target(Rule("all_arenas"), 2.0, "lower"))
    assert 0.0 == margin(60.0, target(Rule("all_arenas")))
    assert -1.5 == margin(3.5, target(Rule("all_arenas"), 2.0, "lower"))


def test_every_arena() -> None:
    """Hand derivation: min(61, 60, 75, 62) = 60 ≥ 60 → met with margin 0 (60 exactly at the
    threshold); one arena at 59 → not met; one missing, the rest above → not evidenced."""
    t = target(Rule("all_arenas"))
    r = target_result(t, ARENAS, {"Bergen": 61, "Bærum": 60, "Oslo": 75, "Askøy": 62})
    assert (MET, 60.0, 0.0) == (r.status, r.statistic, r.margin)
    r = target_result(t, ARENAS, {"Bergen": 61, "Bærum": 59, "Oslo": 75, "Askøy": 62})
    assert (NOT_MET, 59.0, -1.0) == (r.status, r.statistic, r.margin)
    r = target_result(t, ARENAS, {"Bergen": 61, "Bærum": 60, "Oslo": 75})
    assert NOT_EVIDENCED == r.status and ("Askøy",) == r.missing
    assert r.arena_met("Askøy") is None and r.arena_met("Bærum") is True
    # a failing arena decides even when another is missing: not met, not "not evidenced"
    r = target_result(t, ARENAS, {"Bergen": 50, "Bærum": 60, "Oslo": 75})
    assert NOT_MET == r.status


def test_mean() -> None:
    """(7.9 + 8.1) / 2 = 8.0 meets ≥ 8 (exactly at the threshold, whatever the binary
    rounding); (7.9 + 8.09) / 2 = 7.995 does not; a missing arena leaves the mean unknown."""
    t = target(Rule("mean"), 8.0)
    r = target_result(t, ("a", "b"), {"a": 7.9, "b": 8.1})
    assert MET == r.status and math.isclose(8.0, r.statistic or 0.0)
    assert NOT_MET == target_result(t, ("a", "b"), {"a": 7.9, "b": 8.1 - 0.01}).status
    # (0.1 + 0.2 + 0.3) / 3 is 0.19999999999999998 in binary: still the threshold 0.2
    r = target_result(target(Rule("mean"), 0.2), ("a", "b", "c"), {"a": 0.1, "b": 0.2, "c": 0.3})
    assert r.statistic != 0.2 and MET == r.status
    r = target_result(t, ("a", "b", "c"), {"a": 20.0, "b": 20.0})
    assert (NOT_EVIDENCED, None, ("c",)) == (r.status, r.statistic, r.missing)


def test_median() -> None:
    """median(44, 46, 48, 51) = (46 + 48) / 2 = 47 ≥ 45 → met, margin 2; ≤ 45 for a lower
    target → not met, margin −2."""
    values = {"Bergen": 48, "Bærum": 46, "Oslo": 51, "Askøy": 44}
    r = target_result(target(Rule("median"), 45.0), ARENAS, values)
    assert (MET, 47.0, 2.0) == (r.status, r.statistic, r.margin)
    r = target_result(target(Rule("median"), 45.0, "lower"), ARENAS, values)
    assert (NOT_MET, 47.0, -2.0) == (r.status, r.statistic, r.margin)
    r = target_result(target(Rule("median"), 45.0), ARENAS, {"Bergen": 48})
    assert NOT_EVIDENCED == r.status


def test_at_least_k_arenas() -> None:
    """At least 3 of 4 arenas ≥ 55: the demo's partner 003 has 57, 59, 48, 52 → 2 meet, not
    met; the 3rd best value 52 is 3 short. With one arena missing and 2 meeting, 3 are still
    possible: not evidenced; with 3 meeting, met whatever the missing one."""
    t = target(Rule("at_least", 3), 55.0)
    r = target_result(t, ARENAS, {"Bergen": 57, "Bærum": 59, "Oslo": 48, "Askøy": 52})
    assert (NOT_MET, 52.0, -3.0) == (r.status, r.statistic, r.margin)
    r = target_result(t, ARENAS, {"Bergen": 57, "Bærum": 59, "Oslo": 48})
    assert NOT_EVIDENCED == r.status
    r = target_result(t, ARENAS, {"Bergen": 57, "Bærum": 59, "Oslo": 55})
    assert (MET, 55.0, 0.0) == (r.status, r.statistic, r.margin)
    r = target_result(t, ARENAS, {"Bergen": 57, "Bærum": 40, "Oslo": 40})
    assert NOT_MET == r.status  # 1 met + 1 missing < 3


def test_no_measurement_at_all_is_not_evidenced_under_every_rule() -> None:
    for rule in (Rule("all_arenas"), Rule("mean"), Rule("median"), Rule("at_least", 1)):
        r = target_result(target(rule), ARENAS, {})
        assert NOT_EVIDENCED == r.status and ARENAS == r.missing


def test_the_phase_verdict() -> None:
    t = target(Rule("all_arenas"))
    met = target_result(t, ("a",), {"a": 70})
    unmet = target_result(t, ("a",), {"a": 10})
    missing = target_result(t, ("a",), {})
    assert MET == verdict([met, met])
    assert NOT_EVIDENCED == verdict([met, missing])
    assert NOT_MET == verdict([met, missing, unmet])


@pytest.mark.parametrize("language,expected", [("nb", "≥ 4,15 av 5"), ("en", "≥ 4.15 of 5")])
def test_thresholds_read_in_the_language(language: str, expected: str) -> None:
    t = Target("b", Label("B", "B"), Label("m", "m"), Label("av 5", "of 5"), "higher", 4.15,
               Rule("median"))
    assert expected == t.threshold_text(language).replace("\u00a0", " ")
    assert "86 %" == target(Rule("mean")).show(86.0, language).replace("\u00a0", " ")
