"""Ids as the loaders read them: the grammar where an id is defined, NFC everywhere, code
points where a lookalike differs (evaluation.data.identifiers, called by every loader)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import edit, line_of, model_of, rename_proposal

Run = Callable[..., tuple[int, str, str]]


@pytest.mark.parametrize(("written", "message"), [
    ("2026/002", "proposal_id: an id cannot hold '/' or '\\' (it becomes a file name) "
                 "(found '2026/002', expected e.g. 2026-002)"),
    ("../../../../x", "proposal_id: an id cannot hold '/' or '\\'"),
    ("<img src=x onerror=alert(1)>", "proposal_id: an id cannot hold white space"),
    ('x"onload="y', "proposal_id: character not allowed in an id (U+0022 '\"', U+003D '=')"),
    ("a<b", "proposal_id: character not allowed in an id (U+003C '<')"),
    (".env", "proposal_id: an id cannot start with '.'"),
    ("x" * 65, "proposal_id: id longer than 64 characters (65)"),
])
def test_a_proposal_id_that_could_not_be_a_file_name_is_refused(
        make_tender: Callable[..., Path], run: Run, written: str, message: str) -> None:
    tender = make_tender()
    rename_proposal(tender, "002", written, only=("proposals.csv",))
    status, _, err = run("validate", tender)
    assert 2 == status
    line = line_of(tender / "proposals.csv", "Tindrevik")
    assert f"1000-bygg/proposals.csv:{line}: {message}" in err, err


def test_an_evaluator_id_with_a_space_is_refused_in_tender_yaml(
        make_tender: Callable[..., Path], run: Run) -> None:
    tender = make_tender()
    edit(tender / "tender.yaml", "[anne.berg,", "[anne berg,")
    status, _, err = run("validate", tender)
    assert 2 == status
    line = line_of(tender / "tender.yaml", "evaluators:")
    assert (f"1000-bygg/tender.yaml:{line}: evaluators: an id cannot hold white space "
            "(U+0020)") in err, err


def test_evaluators_that_differ_only_in_case_are_refused(
        make_tender: Callable[..., Path], run: Run) -> None:
    tender = make_tender()
    edit(tender / "tender.yaml", "sara.nilsen]", "sara.nilsen, Sara.Nilsen]")
    status, _, err = run("validate", tender)
    assert 2 == status
    assert ("evaluators: evaluator ids that differ only in case (their score files would be "
            "one file on Windows and macOS) (found 'Sara.Nilsen, sara.nilsen'") in err, err


def test_a_criterion_id_with_a_slash_is_refused_in_the_model(
        make_tender: Callable[..., Path], run: Run) -> None:
    tender = make_tender()
    model = model_of(tender)
    edit(model, "id: plan\n", "id: plan/2\n")
    status, _, err = run("validate", tender)
    assert 2 == status
    assert (f"criteria/1000-bygg.yaml:{line_of(model, 'id: plan/2')}: criteria.2.criteria"
            in err and ".id: an id cannot hold '/' or '\\' (it becomes a file name) (found "
            "'plan/2', expected e.g. plan-2)" in err), err


def test_an_id_typed_with_a_combining_accent_is_the_same_id(
        make_tender: Callable[..., Path], run: Run) -> None:
    """proposals.csv holds 'Sé-6' as one code point, the score files as 'e' + U+0301."""
    from evaluation.data.tender import load_tender

    tender = make_tender()
    rename_proposal(tender, "006", "S\u00e9-6", only=("proposals.csv", "prices.csv"))
    rename_proposal(tender, "006", "Se\u0301-6")
    assert "S\u00e9-6" in load_tender(tender).proposal_ids
    assert 0 == run("validate", tender)[0]


def test_a_score_file_named_in_decomposed_form_belongs_to_its_evaluator(
        make_tender: Callable[..., Path]) -> None:
    """macOS writes file names decomposed (NFD): 'åse.berg.csv' arrives as 'a' + U+030A +
    'se.berg.csv'; the evaluator listed in tender.yaml (NFC) still finds the file."""
    from evaluation.data.tender import load_tender

    tender = make_tender()
    edit(tender / "tender.yaml", "anne.berg,", "\u00e5se.berg,")
    (tender / "scores" / "anne.berg.csv").rename(tender / "scores" / "a\u030ase.berg.csv")
    edit(tender / "declarations.csv", "anne.berg,", "\u00e5se.berg,")
    assert "\u00e5se.berg" in load_tender(tender).evaluators


def test_a_lookalike_id_shows_its_code_points(make_tender: Callable[..., Path],
                                              run: Run) -> None:
    tender = make_tender()
    f = tender / "scores" / "anne.berg.csv"
    edit(f, "\n003,", "\n\u041e03,")  # CYRILLIC CAPITAL LETTER O, not the digit 0
    status, _, err = run("validate", tender)
    assert 2 == status
    assert ("proposal_id: score for an unknown proposal (found '\u041e03 [U+041E CYRILLIC "
            "CAPITAL LETTER O]', expected an id from proposals.csv)") in err, err


def test_column_headers_are_nfc(make_tender: Callable[..., Path]) -> None:
    """The model names the price field 'pris_mål' (å one code point); proposals.csv's header
    spells it 'a' + U+030A."""
    from evaluation.data.tender import load_tender

    tender = make_tender()
    edit(model_of(tender), "field: price_development", "field: pris_m\u00e5l")
    edit(tender / "proposals.csv", "supplier,price_development", "supplier,pris_ma\u030al")
    edit(tender / "tender.yaml", "budget: {price_development:", "budget: {pris_m\u00e5l:")
    assert 9_400_000 == load_tender(tender).prices.loc["001", "pris_m\u00e5l"]
