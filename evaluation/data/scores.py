"""Reads the quality scores of a tender: every evaluator's score file and the consensus.

Each file is checked on its own (unknown proposals and criteria, scores off the scale, missing
rows, justifications, recusals), all problems at once; scores are read by
:mod:`evaluation.data.numbers` like every other number.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.common.errors import ProblemList
from evaluation.common.ids import nfc, show_id
from evaluation.core.model import Model
from evaluation.data.identifiers import normalise_ids
from evaluation.data.numbers import EXPECTED_NUMBER, read_numbers
from evaluation.data.records import check_declared
from evaluation.data.tables import Table, read_table, refuse_old_excel, report_rows
from evaluation.data.tables import relative_label as _rel

SCORE_COLUMNS = ("proposal_id", "criterion_id", "score", "justification")
SCORE_SUFFIXES = (".csv", ".xlsx")


def score_columns(id_column: str = "proposal_id") -> tuple[str, ...]:
    """Return a score file's columns: ``proposal_id`` for tenders, ``applicant_id`` for a
    prequalification's requests to participate."""
    return (id_column, *SCORE_COLUMNS[1:])


def empty_scores(*extra: str) -> pd.DataFrame:
    """Return a score table without rows (``score`` float, every other column text)."""
    return pd.DataFrame({c: pd.Series(dtype=np.float64 if c == "score" else str)
                         for c in (*SCORE_COLUMNS, *extra)})


def score_files(folder: Path, problems: ProblemList) -> dict[str, Path]:
    """Return each evaluator's score file in ``folder/scores`` (a second file, or one in the
    old Excel format, is a problem)."""
    score_dir = folder / "scores"
    found: dict[str, Path] = {}
    if not score_dir.is_dir():
        return found
    for path in sorted(score_dir.iterdir()):
        if path.name.startswith(("~$", ".")):
            continue
        if path.suffix.lower() == ".xls":
            refuse_old_excel(problems, _rel(folder, path), path)
            continue
        if path.suffix.lower() not in SCORE_SUFFIXES:
            continue
        stem = nfc(path.stem)  # macOS writes file names decomposed (NFD)
        if stem in found:
            problems.add(_rel(folder, path), "file", "scores given twice for this "
                         "evaluator", found=f"{found[stem].name} and {path.name}",
                         expected="one file per evaluator")
            continue
        found[stem] = path
    return found


def read_scores(folder: Path, problems: ProblemList, model: Model, evaluators: list[str],
                 proposal_ids: list[str], needed: list[str], files: list[Path],
                 declarations: pd.DataFrame | None = None,
                 recusals: pd.DataFrame | None = None, *, id_column: str = "proposal_id",
                 listed_in: str = "proposals.csv", evaluators_in: str = "tender.yaml"
                 ) -> pd.DataFrame:
    """Return every evaluator's scores, long format, after checking each file.

    ``id_column`` names what is scored (``applicant_id`` in a prequalification); the scores
    come back with it as ``proposal_id`` so that one scoring serves every stage.
    """
    score_dir = folder / "scores"
    found = score_files(folder, problems)
    for evaluator in evaluators:
        if evaluator not in found:
            problems.add(_rel(folder, score_dir / f"{evaluator}.csv"), "file",
                         f"missing score file for evaluator {evaluator} named in {evaluators_in}",
                         found="nothing", expected=f"scores/{evaluator}.csv or .xlsx")
    for extra in sorted(set(found) - set(evaluators)):
        problems.add(_rel(folder, found[extra]), "evaluator", "score file of an evaluator "
                     f"not listed in {evaluators_in}", found=show_id(extra),
                     expected=" | ".join(evaluators) or "no evaluators")
    frames = []
    for evaluator in evaluators:
        if evaluator not in found:
            continue
        files.append(found[evaluator])
        table = read_table(found[evaluator], problems, label=_rel(folder, found[evaluator]),
                           required=score_columns(id_column))
        if table is None:
            continue
        check_declared(table, evaluator, declarations, problems)
        recused = {} if recusals is None else dict(
            recusals.loc[recusals["evaluator"] == evaluator, ["proposal_id", "reason"]]
            .itertuples(index=False, name=None))
        frame = check_score_table(table, problems, model, proposal_ids, needed,
                                  require_justification=model.justifications_required,
                                  recused=recused, id_column=id_column, listed_in=listed_in)
        frames.append(frame.assign(evaluator=evaluator))
    columns = ["evaluator", *SCORE_COLUMNS]
    if not frames:
        return empty_scores("evaluator")[columns]
    return pd.concat(frames, ignore_index=True)[columns]


def check_every_criterion_scored(folder: Path, problems: ProblemList, model: Model,
                                  needed: list[str], scores: pd.DataFrame) -> None:
    """Refuse a mean or median over no score at all (every evaluator recused, or none)."""
    present = set(zip(scores["proposal_id"].tolist(), scores["criterion_id"].tolist(),
                      strict=True))
    leaves = [leaf.id for leaf in model.quality_leaves]  # a property: walks the tree
    empty = [(p, c) for p in needed for c in leaves if (p, c) not in present]
    for p, c in empty[:20]:
        problems.add(_rel(folder, folder / "scores"), "score", f"no evaluator scored proposal "
                     f"{p} on criterion {c}, so its {model.aggregation} has nothing to take",
                     found="no score (every evaluator recused, or none listed)",
                     expected="at least one evaluator's score")
    if len(empty) > 20:
        problems.add(_rel(folder, folder / "scores"), "score",
                     f"{len(empty) - 20} more proposal × criterion pairs without any score")


def check_score_table(table: Table, problems: ProblemList, model: Model,
                       proposal_ids: list[str], needed: list[str], *,
                      require_justification: bool, extra: tuple[str, ...] = (),
                      recused: dict[str, str] | None = None, id_column: str = "proposal_id",
                      listed_in: str = "proposals.csv") -> pd.DataFrame:
    """Check one table of scores (an evaluator's or the consensus) and return it typed, with
    ``id_column`` as ``proposal_id``."""
    normalise_ids(table, id_column, "criterion_id")
    noun = "applicant" if id_column == "applicant_id" else "proposal"
    table.frame = table.frame.rename(columns={id_column: "proposal_id"})
    frame = table.frame
    leaves = {leaf.id: leaf for leaf in model.quality_leaves}
    pid, cid = frame["proposal_id"], frame["criterion_id"]
    bad = np.flatnonzero(~pid.isin(proposal_ids))
    report_rows(problems, table, bad, id_column, f"score for an unknown {noun}",
                found=[show_id(p) for p in pid.iloc[bad]], expected=f"an id from {listed_in}")
    known_c = cid.isin(list(leaves))
    bad = np.flatnonzero(~known_c)
    price_ids = {leaf.id for leaf in model.price_leaves}
    groups = {n.id for n in model.nodes() if not n.is_leaf}
    expected = " | ".join(leaves) if len(leaves) <= 12 else "a leaf criterion id of the model"
    report_rows(problems, table, bad, "criterion_id",
                "score for an unknown criterion (price and group criteria are not scored)",
                found=[show_id(c) + (" (price criterion)" if c in price_ids else
                            " (a group)" if c in groups else "") for c in cid.iloc[bad]],
                expected=expected)
    score = read_numbers(problems, table, "score", amount=False)
    empty = np.flatnonzero((frame["score"] == "").to_numpy())
    report_rows(problems, table, empty, "score", "not a number", found=frame["score"].iloc[empty],
                expected=EXPECTED_NUMBER)
    lo = cid.map({k: v.scale.min for k, v in leaves.items()}).astype(np.float64)
    hi = cid.map({k: v.scale.max for k, v in leaves.items()}).astype(np.float64)
    outside = np.flatnonzero(((score < lo) | (score > hi)).to_numpy())
    for a, b in sorted(set(zip(lo.iloc[outside], hi.iloc[outside], strict=True))):
        rows = outside[((lo.iloc[outside] == a) & (hi.iloc[outside] == b)).to_numpy()]
        report_rows(problems, table, rows, "score", "score outside the criterion's scale",
                    found=[f"{s:g} for {c}" for s, c in zip(score.iloc[rows], cid.iloc[rows],
                                                             strict=True)],
                    expected=f"{a:g} to {b:g}")
    dup = np.flatnonzero(frame.duplicated(["proposal_id", "criterion_id"], keep="first"))
    report_rows(problems, table, dup, f"{id_column}, criterion_id", "score given twice",
                found=[f"{p} × {c}" for p, c in zip(pid.iloc[dup], cid.iloc[dup], strict=True)],
                expected=f"one row per {noun} and criterion")
    if require_justification:
        empty = np.flatnonzero((frame["justification"] == "").to_numpy())
        report_rows(problems, table, empty, "justification", "empty justification (the model "
                    "requires a reason for every score)", found=[""] * len(empty),
                    expected="a reason")
    recused = recused or {}
    if recused:
        bad = np.flatnonzero(pid.isin(list(recused)).to_numpy())
        report_rows(problems, table, bad, id_column, "score from an evaluator recused from "
                    f"this {noun} (recusals.csv); remove the row",
                    found=[f"{p} (recused: {recused[p]})" for p in pid.iloc[bad]],
                    expected="no score")
    present = set(zip(pid.tolist(), cid.tolist(), strict=True))
    missing = [(p, c) for p in needed if p not in recused for c in leaves
               if (p, c) not in present]
    for p, c in missing[:20]:
        problems.add(table.file, "score", f"missing score for {noun} {p}, criterion {c}",
                     found="no row", expected=f"one row per {noun} and leaf criterion")
    if len(missing) > 20:
        problems.add(table.file, "score", f"{len(missing) - 20} more missing scores")
    columns = [c for c in (*SCORE_COLUMNS, *extra) if c in frame.columns]
    out = frame[columns].copy()
    out["score"] = score
    return out




def read_consensus(folder: Path, problems: ProblemList, model: Model, proposal_ids: list[str],
                   needed: list[str], files: list[Path], *, id_column: str = "proposal_id",
                   listed_in: str = "proposals.csv") -> pd.DataFrame | None:
    """Return the committee's agreed scores (``consensus.csv``), or ``None`` when there are
    none (a problem if the model aggregates by consensus)."""
    path = folder / "consensus.csv"
    if path.exists():
        files.append(path)
        table = read_table(path, problems, label=_rel(folder, path),
                           required=score_columns(id_column), optional=("notice_text",))
        if table is None:
            return None
        return check_score_table(table, problems, model, proposal_ids, needed,
                                 require_justification=model.justifications_required,
                                 extra=("notice_text",), id_column=id_column,
                                 listed_in=listed_in)
    if model.aggregation == "consensus" and model.quality_leaves:
        problems.add(_rel(folder, path), "file", "missing file: the model's aggregation rule "
                     "is consensus", found="nothing",
                     expected="consensus.csv with the committee's agreed scores")
    elif not model.quality_leaves:  # nothing to agree on: the consensus is complete and empty
        return empty_scores("notice_text")
    return None
