"""Evaluation integrity records: impartiality declarations, recusals, the seal on quality
scores before prices are opened, reopenings, and explanations of abnormally low prices.

Legal frame (legal.md): FOA § 7-5 applies forvaltningsloven §§ 6–10 to everyone who takes
part in the evaluation; quality should be scored without knowing the price and be shown not to
have moved afterwards; FOA § 24-9 requires asking for an explanation of an abnormally low price
before rejecting it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from evaluation.common.errors import ProblemList
from evaluation.common.hashing import sha256_file
from evaluation.common.ids import show_id
from evaluation.data.identifiers import normalise_ids
from evaluation.data.numbers import read_dates
from evaluation.data.tables import Table, read_table, report_rows
from evaluation.data.tables import relative_label as _rel

SEAL_FILE = "seal.json"
SEAL_VERSION = 1


def optional_table(folder: Path, name: str, problems: ProblemList, files: list[Path],
                   required: tuple[str, ...], optional: tuple[str, ...] = (),
                   ids: tuple[str, ...] = ("evaluator", "proposal_id")) -> Table | None:
    """Return the table ``folder/name`` when the file exists (and is then an input file),
    its ``ids`` columns NFC-normalised (those it has)."""
    path = folder / name
    if not path.exists():
        return None
    files.append(path)
    table = read_table(path, problems, label=_rel(folder, path), required=required,
                       optional=optional)
    if table is not None:  # ids refer to tender.yaml, proposals.csv and the rounds
        normalise_ids(table, *ids)
    return table


def read_declarations(folder: Path, problems: ProblemList, evaluators: list[str],
                      proposal_ids: list[str], files: list[Path]) -> pd.DataFrame | None:
    """Return the impartiality declarations (``None`` when the file does not exist).

    Optional columns: ``proposal_ids`` (the proposals a declared tie concerns, separated by
    spaces, commas or semicolons) and ``assessment`` (the committee's reasoned finding that the
    tie does not disqualify the evaluator).
    """
    table = optional_table(folder, "declarations.csv", problems, files,
                           ("evaluator", "date", "statement", "conflicts"),
                           ("proposal_ids", "assessment"))
    if table is None:
        return None
    frame = table.frame
    bad = [i for i, e in enumerate(frame["evaluator"]) if e not in evaluators]
    report_rows(problems, table, bad, "evaluator", "declaration of an evaluator not listed in "
                "tender.yaml", found=[show_id(e) for e in frame["evaluator"].iloc[bad]],
                expected=" | ".join(evaluators) or "no evaluators")
    dates = read_dates(problems, table, "date")
    bad = [i for i in range(len(frame)) if frame["statement"].iloc[i] == ""]
    report_rows(problems, table, bad, "statement", "empty declaration", found=[""] * len(bad),
                expected="the evaluator's statement of impartiality (FOA § 7-5)")
    named = [_split_ids(v) for v in frame.get("proposal_ids", pd.Series([""] * len(frame)))]
    for i, ids in enumerate(named):
        unknown = [p for p in ids if p not in proposal_ids]
        if unknown:
            problems.add(table.file, "proposal_ids", "unknown proposal", line=table.where(i),
                         found=", ".join(unknown), expected="ids from proposals.csv")
    out = frame.copy()
    out["date"] = pd.Series(dates, index=frame.index, dtype=object)
    out["proposal_ids"] = pd.Series([tuple(ids) for ids in named], index=frame.index,
                                    dtype=object)
    out["assessment"] = frame.get("assessment", pd.Series("", index=frame.index))
    out["line"] = pd.Series([table.where(i) for i in range(len(frame))], index=frame.index,
                            dtype=object)
    return out


def _split_ids(text: str) -> list[str]:
    return [p for p in re.split(r"[\s,;]+", text) if p]


def check_conflicts(folder: Path, declarations: pd.DataFrame | None, recusals: pd.DataFrame,
                    scores: pd.DataFrame, proposals: pd.DataFrame, problems: ProblemList) -> None:
    """Refuse scores an evaluator gave a proposal they declared a tie to, with neither a
    recusal nor a recorded assessment (forvaltningsloven § 6, FOA § 7-5).

    A declaration names a proposal in ``proposal_ids``, or names its supplier in
    ``conflicts``.
    """
    if declarations is None:
        return
    label = _rel(folder, folder / "declarations.csv")
    suppliers = [(pid, str(name)) for pid, name in zip(proposals["proposal_id"],
                                                        proposals["supplier"], strict=True)
                 if len(str(name).strip()) >= 4]
    scored = set(zip(scores["evaluator"], scores["proposal_id"], strict=True))
    recused = set(zip(recusals["evaluator"], recusals["proposal_id"], strict=True))
    for row in declarations.to_dict(orient="records"):
        if str(row["assessment"]).strip():
            continue  # the committee assessed the tie and found it does not disqualify
        conflicts = str(row["conflicts"]).casefold()
        evaluator = row["evaluator"]
        named = dict.fromkeys([*row["proposal_ids"], *(pid for pid, name in suppliers
                                                       if name.casefold() in conflicts)])
        for pid in named:
            if (evaluator, pid) in scored and (evaluator, pid) not in recused:
                problems.add(label, "proposal_ids", f"{evaluator} declared a tie to "
                             f"proposal {pid} and scored it, with neither a recusal nor an "
                             "impartiality assessment", line=row["line"],
                             found=f"scores for {pid} in scores/{evaluator}",
                             expected="a row in recusals.csv (and no scores), or the "
                             "committee's reasoned assessment in the column assessment")


def read_recusals(folder: Path, problems: ProblemList, evaluators: list[str],
                  proposal_ids: list[str], files: list[Path]) -> pd.DataFrame:
    """Return the recusals: ``evaluator, proposal_id, reason`` (empty when there is no file)."""
    table = optional_table(folder, "recusals.csv", problems, files,
                           ("evaluator", "proposal_id", "reason"))
    if table is None:
        return pd.DataFrame({"evaluator": pd.Series(dtype=str),
                             "proposal_id": pd.Series(dtype=str),
                             "reason": pd.Series(dtype=str)})
    frame = table.frame
    for column, known, what in (("evaluator", evaluators, "tender.yaml's evaluators"),
                                ("proposal_id", proposal_ids, "an id from proposals.csv")):
        bad = [i for i, v in enumerate(frame[column]) if v not in known]
        report_rows(problems, table, bad, column, "unknown " + column.replace("_id", ""),
                    found=[show_id(v) for v in frame[column].iloc[bad]], expected=what)
    bad = [i for i in range(len(frame)) if frame["reason"].iloc[i] == ""]
    report_rows(problems, table, bad, "reason", "a recusal needs its reason (forvaltningsloven "
                "§§ 6–10)", found=[""] * len(bad), expected="the reason")
    return frame[["evaluator", "proposal_id", "reason"]]


def check_declared(table: Table, evaluator: str, declarations: pd.DataFrame | None,
                   problems: ProblemList) -> None:
    """Refuse an evaluator's scores when declarations exist but not the evaluator's."""
    if declarations is not None and evaluator not in set(declarations["evaluator"]):
        problems.add(table.file, "evaluator", "scores from an evaluator without an impartiality "
                     "declaration in declarations.csv (FOA § 7-5)", found=evaluator,
                     expected="a declaration row for this evaluator")


def read_explanations(folder: Path, problems: ProblemList, proposal_ids: list[str],
                      files: list[Path]) -> pd.DataFrame | None:
    """Return recorded explanations of abnormally low prices (FOA § 24-9), if any."""
    table = optional_table(folder, "explanations.csv", problems, files,
                           ("proposal_id", "asked", "answer", "decision"), ("field",))
    if table is None:
        return None
    frame = table.frame
    bad = [i for i, v in enumerate(frame["proposal_id"]) if v not in proposal_ids]
    report_rows(problems, table, bad, "proposal_id", "unknown proposal",
                found=[show_id(p) for p in frame["proposal_id"].iloc[bad]],
                expected="an id from proposals.csv")
    read_dates(problems, table, "asked")
    return frame


# --- the seal ----------------------------------------------------------------------------


def quality_files(folder: Path) -> list[Path]:
    """Return the files holding quality scores: every score file and consensus.csv."""
    scores = sorted(p for p in (folder / "scores").glob("*")
                    if p.suffix.lower() in (".csv", ".xlsx") and not p.name.startswith(("~$",
                                                                                      ".")))
    consensus = folder / "consensus.csv"
    return [*scores, *([consensus] if consensus.exists() else [])]


def read_seal(folder: Path, problems: ProblemList | None = None) -> dict[str, Any] | None:
    """Return the tender's seal (``seal.json``), or ``None`` if it was never sealed.

    A seal that cannot be read is a problem (recorded, or raised as a ``TenderError``).
    """
    from evaluation.common.errors import TenderError

    path = folder / SEAL_FILE
    if not path.exists():
        return None
    own = ProblemList() if problems is None else problems
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("files"), dict):
            raise ValueError("expected an object with files")
        return dict(data)
    except (UnicodeDecodeError, ValueError) as exc:
        own.add(_rel(folder, path), "file", f"unreadable seal: {exc}",
                found="damaged JSON", expected="the seal.json written by evaluation seal")
    if problems is None:
        own.raise_if_any(TenderError)
    return None


def check_seal(folder: Path, seal: dict[str, Any], problems: ProblemList) -> None:
    """Record a problem for every quality file that differs from the seal."""
    sealed = seal.get("files", {})
    now = {p.relative_to(folder).as_posix(): p for p in quality_files(folder)}
    for name in sorted(set(sealed) | set(now)):
        label = _rel(folder, folder / name)
        if name not in now:
            problems.add(label, "file", "sealed quality file is missing",
                         found="nothing", expected=f"the file sealed on {seal.get('sealed_at')}")
        elif name not in sealed:
            problems.add(label, "file", "quality file added after sealing; record a "
                         "reopening with: evaluation seal TENDER --reopen \"reason\"",
                         found="a new file",
                         expected=f"the files sealed on {seal.get('sealed_at')}")
        elif sha256_file(now[name]) != sealed[name]:
            problems.add(label, "sha256", "quality scores changed after they were sealed; "
                         "record a reopening with: evaluation seal TENDER --reopen \"reason\"",
                         found=sha256_file(now[name])[:16], expected=f"{sealed[name][:16]} "
                         f"(seal.json, {seal.get('sealed_at')})")
