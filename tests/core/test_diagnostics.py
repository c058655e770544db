"""Diagnostics (evaluation.core.diagnostics) that a complaint could turn on, by hand."""

from __future__ import annotations

import numpy as np
import pytest
from builders import leaf, result, write_tender

from evaluation.core.diagnostics import abnormally_low


def test_abnormally_low_is_measured_against_the_median() -> None:
    """design.md: a price under 70 % of the median is flagged (FOA § 24-9 asks for an
    explanation). Prices 100, 100, 100, 65, 400: median 100, threshold 70, only 65 flagged.
    Against the mean (153) the threshold would be 107.1 and every 100 flagged too."""
    flags, threshold = abnormally_low(np.array([100.0, 100.0, 100.0, 65.0, 400.0]), 0.7)
    assert threshold == pytest.approx(70)
    assert [False, False, False, True, False] == flags.tolist()
    # a price exactly at the threshold is not under it; NaN (no price) never flagged
    flags, _ = abnormally_low(np.array([100.0, 70.0, np.nan, 100.0]), 0.7)
    assert [False, False, False, False] == flags.tolist()
    flags, threshold = abnormally_low(np.array([10.0, np.nan]), 0.7)  # one price: no median
    assert not flags.any() and np.isnan(threshold)


def test_abnormally_low_in_the_score_json(tmp_path) -> None:
    """The same five prices scored: only E (65) is listed."""
    model = {"id": "d", "title": "d", "aggregation": "mean", "points": 100,
             "criteria": [leaf("p", 100, price={"model": "linear", "field": "price"})]}
    prices = {"A": 100, "B": 100, "C": 100, "E": 65, "F": 400}
    folder = write_tender(tmp_path, model, [{"proposal_id": k, "supplier": k, "price": v}
                                            for k, v in prices.items()])
    obj = result(folder)
    assert ["E"] == sorted(obj["diagnostics"]["abnormally_low"])
