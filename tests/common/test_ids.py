"""Tests for evaluation.common.ids: the id grammar, file names and paths made from ids."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from evaluation.common.ids import (
    UnsafePathError,
    file_names,
    fold,
    id_path,
    id_problem,
    inside,
    is_id,
    nfc,
    show_id,
)


@pytest.mark.parametrize("text", ["001", "2026-002", "anne.berg", "kvalitet_1", "Åse.Øvre",
                                  "ÆØÅ", "Ελληνικά", "007.", "a" * 64, "-1", "e\u0301x"])
def test_letters_digits_dash_underscore_and_dot_are_ids(text: str) -> None:
    assert id_problem(nfc(text)) is None


@pytest.mark.parametrize(("text", "what"), [
    ("../../../../x", "cannot hold '/'"),
    ("2026/002", "cannot hold '/'"),
    ("a\\b", "cannot hold '/' or '\\'"),
    (".hidden", "cannot start with '.'"),
    ("..", "cannot start with '.'"),
    ("a b", "white space"),
    ("a\tb", "white space"),
    ("a\u00a0b", "white space"),
    ("a\x00b", "control or invisible"),
    ("a\u200bb", "control or invisible"),  # zero-width space
    ("a\u202eb", "control or invisible"),  # right-to-left override
    ("<img>", "not allowed"),
    ('x"y', "not allowed"),
    ("a:b", "not allowed"),
    ("a" * 65, "longer than 64"),
])
def test_what_breaks_the_grammar_is_named(text: str, what: str) -> None:
    problem = id_problem(text)
    assert problem is not None and what in problem[0], problem


def test_a_case_number_with_a_slash_gets_the_hint_to_use_a_dash() -> None:
    assert ("an id cannot hold '/' or '\\' (it becomes a file name)", "e.g. 2026-002") == \
        id_problem("2026/002")


@pytest.mark.parametrize("text", ["<script>", "a/b", 'a"b', "a<b", "x>y", "q'q", "&amp;"])
def test_ids_with_markup_or_path_characters_are_refused(text: str) -> None:
    """The characters HTML and paths need are never part of an id."""
    assert not is_id(text)


def test_an_accent_typed_two_ways_is_one_id_after_nfc() -> None:
    assert nfc("Se\u0301n") == nfc("S\u00e9n") == "S\u00e9n"
    assert not is_id("Se\u0301n")  # as written (not NFC); the loaders normalise first


def test_a_lookalike_shows_its_code_points() -> None:
    assert "001" == show_id("001")
    assert "\u041e01 [U+041E CYRILLIC CAPITAL LETTER O]" == show_id("\u041e01")


def test_names_of_ids_that_differ_only_in_case_do_not_collide() -> None:
    names = file_names(["A1", "a1", "b", "CON", "Straße", "STRASSE"])
    assert "b" == names["b"]
    assert len({fold(n) for n in names.values()}) == 6
    assert names["A1"].startswith("A1-") and names["a1"].startswith("a1-")
    assert names["CON"].startswith("CON-")
    assert file_names(["A1", "a1"]) == file_names(["a1", "A1"])  # a name depends on its id


def test_id_path_refuses_anything_but_one_component_inside_its_folder(tmp_path: Path) -> None:
    assert tmp_path / "proposals" / "007.ipynb" == id_path(tmp_path / "proposals", "007",
                                                           ".ipynb")
    for bad in ("../x", "..", "", "a/b", "/etc/passwd", ".x"):
        with pytest.raises(UnsafePathError):
            id_path(tmp_path, bad, ".ipynb")


def test_a_link_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "run" / "notices"
    folder.mkdir(parents=True)
    os.symlink(tmp_path / "elsewhere.html", folder / "001.html")
    with pytest.raises(UnsafePathError, match="leaves its folder"):
        id_path(folder, "001", ".html")
    os.symlink(tmp_path, tmp_path / "run" / "out")
    with pytest.raises(UnsafePathError):
        inside(tmp_path / "run", "out", "nb")
