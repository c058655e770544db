"""Tests for evaluation.tables (CSV and Excel as text) and the problem format of errors.py."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from evaluation.common.errors import Problem, ProblemList
from evaluation.data.numbers import parse_numbers
from evaluation.data.tables import MAX_PROBLEMS_PER_KIND, read_table, report_rows

COLUMNS = ("proposal_id", "criterion_id", "score", "justification")


def read(path: Path, required: tuple[str, ...] = COLUMNS) -> tuple[object, list[str]]:
    problems = ProblemList()
    table = read_table(path, problems, label=path.name, required=required)
    return table, [str(p) for p in problems]


@pytest.mark.parametrize(("name", "raw"), [
    ("comma", b"proposal_id,criterion_id,score,justification\n007,NO,\"7,5\",God\n"
              b"0012,plan,6,\"Bra, men dyr\"\n"),
    ("semicolon", b"proposal_id;criterion_id;score;justification\n007;NO;7,5;God\n"
                  b"0012;plan;6;Bra, men dyr\n"),
    ("bom", b"\xef\xbb\xbfproposal_id,criterion_id,score,justification\n007,NO,7.5,God\n"
            b"0012,plan,6,\"Bra, men dyr\"\n"),
    ("crlf", b"proposal_id;criterion_id;score;justification\r\n007;NO;7,5;God\r\n"
             b"0012;plan;6;Bra, men dyr\r\n"),
    ("padded", b"proposal_id , criterion_id,score ,justification\n 007 , NO,\"7,5\", God \n"
               b"0012,plan ,6 ,\"Bra, men dyr\"\n"),
])
def test_csv_dialects_read_the_same(tmp_path: Path, name: str, raw: bytes) -> None:
    path = tmp_path / f"{name}.csv"
    path.write_bytes(raw)
    table, problems = read(path)
    assert problems == []
    assert table is not None
    frame = table.frame
    assert list(frame.columns) == list(COLUMNS)
    assert frame["proposal_id"].tolist() == ["007", "0012"]
    assert frame["criterion_id"].tolist() == ["NO", "plan"]
    assert parse_numbers(frame["score"])[0].tolist() == [7.5, 6.0]
    assert frame["justification"].tolist() == ["God", "Bra, men dyr"]
    assert [table.where(0), table.where(1)] == [2, 3]


def test_rows_map_to_physical_lines(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text('proposal_id,criterion_id,score,justification\n'
                    '001,plan,6,"Første linje\nandre linje"\n'
                    '\n'
                    '002,plan,7,Kort\n'
                    '003,plan,8,"Æ, ø og å"\n', encoding="utf-8")
    table, problems = read(path)
    assert problems == [] and table is not None
    assert table.frame["proposal_id"].tolist() == ["001", "002", "003"]
    assert table.frame["justification"].tolist()[::2] == ["Første linje\nandre linje",
                                                         "Æ, ø og å"]
    assert [table.where(i) for i in range(3)] == [2, 5, 6]


def test_short_rows_are_padded_with_empty_text(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("proposal_id,criterion_id,score,justification\n001,plan,6\n",
                    encoding="utf-8")
    table, problems = read(path)
    assert problems == [] and table is not None
    assert table.frame["justification"].tolist() == [""]


@pytest.mark.parametrize(("name", "raw", "message"), [
    ("zero-bytes", b"", "s.csv: file: empty file (found '0 bytes'"),
    ("white-space", b" \n\n", "s.csv: file: empty file (found '3 bytes of white space'"),
    ("latin-1", "proposal_id,criterion_id,score,justification\n001,plan,6,på\n".encode("latin-1"),
     "s.csv: encoding: not UTF-8; save the file as UTF-8 (CSV UTF-8 in Excel) "
     "(found 'byte 0xe5 at offset 57', expected UTF-8)"),
    ("missing-column", b"proposal_id,criterion,score,justification\n",
     "s.csv:1: criterion_id: missing column (found 'proposal_id, criterion, score, "
     "justification', expected proposal_id, criterion_id, score, justification)"),
    ("more-values-than-columns", b"proposal_id,criterion_id,score,justification\n"
                                 b"001,plan,6,ok\n001,kompetanse,7,5,ok\n",
     "s.csv:3: row: more values than columns (a value containing ',' must be in quotes, e.g. "
     "\"7,5\") (found '5 values', expected 4, as in the header)"),
    ("more-values-semicolon", b"proposal_id;criterion_id;score;justification\n"
                              b"001;plan;6;ok;\n",
     "s.csv:2: row: more values than columns (a value containing ';' must be in quotes) "
     "(found '5 values', expected 4, as in the header)"),
])
def test_unreadable_csv(tmp_path: Path, name: str, raw: bytes, message: str) -> None:
    path = tmp_path / "s.csv"
    path.write_bytes(raw)
    table, problems = read(path)
    assert table is None
    assert len(problems) == 1
    assert problems[0].startswith(message)


def test_missing_file(tmp_path: Path) -> None:
    table, problems = read(tmp_path / "s.csv")
    assert table is None
    assert problems == ["s.csv: file: missing file (found 'nothing', expected a table with "
                        "columns proposal_id, criterion_id, score, justification)"]


def _workbook(path: Path) -> None:
    book = openpyxl.Workbook()
    intro = book.active
    intro.title = "Veiledning"
    intro.append(["Les dette først"])
    ws = book.create_sheet("Ark 2")
    ws.append(["proposal_id", "criterion_id", "score", "justification", None])
    ws.append(["007", "NO", 7.5, "God"])
    ws.append([None, None, None, None])
    ws.append(["0012", "plan", 8, "  Bra  "])
    ws.append(["001", "plan", "sju", None])
    book.save(path)


def test_excel_reads_the_sheet_with_the_header(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    _workbook(path)
    table, problems = read(path)
    assert problems == [] and table is not None
    frame = table.frame
    assert list(frame.columns) == list(COLUMNS)
    assert frame["proposal_id"].tolist() == ["007", "0012", "001"]
    assert frame["score"].tolist() == ["7.5", "8", "sju"]
    assert frame["justification"].tolist() == ["God", "Bra", ""]
    assert [table.where(i) for i in range(3)] == ["[Ark 2]:2", "[Ark 2]:4", "[Ark 2]:5"]
    problems_ = ProblemList()
    report_rows(problems_, table, [2], "score", "not a number", found=["sju"])
    assert str(problems_[0]) == "s.xlsx[Ark 2]:5: score: not a number (found 'sju')"


def test_excel_without_the_header(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    _workbook(path)
    table, problems = read(path, required=("proposal_id", "evaluator"))
    assert table is None
    assert problems == ["s.xlsx: sheet: no worksheet has the required header row (found "
                        "'Veiledning, Ark 2', expected a sheet with columns proposal_id, "
                        "evaluator)"]


def test_damaged_excel(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    path.write_bytes(b"not a zip file")
    table, problems = read(path)
    assert table is None
    assert len(problems) == 1 and problems[0].startswith("s.xlsx: file: not a readable Excel")


def test_report_rows_summarises_beyond_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    n = MAX_PROBLEMS_PER_KIND + 5
    path.write_text("proposal_id,criterion_id,score,justification\n"
                    + "".join(f"{i:03},plan,x,ok\n" for i in range(n)), encoding="utf-8")
    table, _ = read(path)
    assert table is not None
    problems = ProblemList()
    report_rows(problems, table, list(range(n)), "score", "not a number",
                found=["x"] * n, expected="a number")
    assert len(problems) == MAX_PROBLEMS_PER_KIND + 1
    assert str(problems[0]) == "s.csv:2: score: not a number (found 'x', expected a number)"
    assert str(problems[-1]) == "s.csv: score: 5 more rows with the same problem: not a number"


@pytest.mark.parametrize(("problem", "text"), [
    (Problem("a.csv", "score", "not a number", 3, "x", "a number"),
     "a.csv:3: score: not a number (found 'x', expected a number)"),
    (Problem("m.yaml", "weight", "negative weight", 7, -25.0, ">= 0"),
     "m.yaml:7: weight: negative weight (found -25, expected >= 0)"),
    (Problem("m.yaml", "weight", "bad", None, 0.25), "m.yaml: weight: bad (found 0.25)"),
    (Problem("s.xlsx", "score", "not a number", "[Ark1]:4", "sju"),
     "s.xlsx[Ark1]:4: score: not a number (found 'sju')"),
    (Problem("t.yaml", "file", "empty file"), "t.yaml: file: empty file"),
])
def test_problem_format(problem: Problem, text: str) -> None:
    assert str(problem) == text
