"""Loads a tender folder: the tender file, proposals, prices, evaluators' scores, consensus.

``load_tender`` is the one validating entry point; it reads every file, records every problem
(``file[:line]: field: what is wrong (found X, expected Y)``) and raises them together.
Kept open to a ``rounds/`` layer later: each file is read by its own function taking a folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from evaluation.common.errors import CriteriaError, ProblemList, TenderError
from evaluation.common.ids import nfc, show_id
from evaluation.common.labels import Label
from evaluation.core.model import Model
from evaluation.core.tender import Tender
from evaluation.data.criteria import load_model
from evaluation.data.identifiers import case_twins, check_id, check_id_column, normalise_ids
from evaluation.data.prices import evaluated_prices
from evaluation.data.records import (
    check_declared,
    check_seal,
    read_declarations,
    read_explanations,
    read_recusals,
    read_seal,
)
from evaluation.data.tables import Table, parse_numbers, read_table, report_rows
from evaluation.data.tables import relative_label as _rel
from evaluation.data.yamlio import read_yaml

SCORE_COLUMNS = ("proposal_id", "criterion_id", "score", "justification")
TRUE_WORDS = {"true", "ja", "yes", "1", "sann", "x", ""}
FALSE_WORDS = {"false", "nei", "no", "0", "usann"}
_TENDER_KEYS = {"title", "criteria", "currency", "partners", "budget", "evaluators",
                "standstill_days", "price_opening", "language", "description", "rounds"}


def _read_tender_file(folder: Path, problems: ProblemList, warnings: list[str]
                      ) -> dict[str, Any] | None:
    path = folder / "tender.yaml"
    doc = read_yaml(path, problems, label=_rel(folder, path))
    if doc is None:
        return None
    data, name = doc.data, doc.file
    for key in data:
        if key not in _TENDER_KEYS:
            warnings.append(f"{name}:{doc.line((key,))}: {key}: unknown field ignored")
    out: dict[str, Any] = dict(data)
    if not isinstance(data.get("criteria"), str):
        problems.add(name, "criteria", "missing path to the evaluation model",
                     line=doc.line(("criteria",)), found=data.get("criteria"),
                     expected="a path relative to this folder, e.g. ../../criteria/x.yaml")
    for key, default, minimum in (("partners", "1", 1), ("standstill_days", None, 0)):
        raw = data.get(key, default)
        if raw is None:
            out[key] = None
            continue
        try:
            out[key] = int(str(raw))
            if out[key] < minimum:
                raise ValueError
        except ValueError:
            problems.add(name, key, "not a whole number", line=doc.line((key,)), found=raw,
                         expected=f"an integer >= {minimum}")
    budget = data.get("budget")
    if budget is not None:
        value = parse_numbers(pd.Series([budget])).iloc[0]
        if not np.isfinite(value) or value <= 0:
            problems.add(name, "budget", "not a positive amount", line=doc.line(("budget",)),
                         found=budget)
        out["budget"] = float(value)
    evaluators = data.get("evaluators") or []
    if not isinstance(evaluators, list) or not all(isinstance(e, str) for e in evaluators):
        problems.add(name, "evaluators", "must be a list of evaluator ids",
                     line=doc.line(("evaluators",)), found=evaluators)
        evaluators = []
    evaluators = [check_id(e, problems, name, "evaluators", doc.line(("evaluators", i)))
                  for i, e in enumerate(evaluators)]
    twins = case_twins(evaluators)
    if twins:
        problems.add(name, "evaluators", "evaluator ids that differ only in case (their score "
                     "files would be one file on Windows and macOS)",
                     line=doc.line(("evaluators",)), found=", ".join(twins),
                     expected="ids that differ in more than case")
    duplicated = sorted({e for e in evaluators if evaluators.count(e) > 1})
    if duplicated:
        problems.add(name, "evaluators", "evaluator listed twice",
                     line=doc.line(("evaluators",)), found=", ".join(duplicated))
    out["evaluators"] = [e for i, e in enumerate(evaluators) if e not in evaluators[:i]]
    out["currency"] = str(data.get("currency") or "NOK")
    opening = data.get("price_opening")
    if opening not in (None, "after_seal", "with_quality"):
        problems.add(name, "price_opening", "unknown value", line=doc.line(("price_opening",)),
                     found=opening, expected="after_seal | with_quality")
    out["_file"] = name
    return out


def _read_proposals(folder: Path, problems: ProblemList, model: Model) -> Table | None:
    path = folder / "proposals.csv"
    table = read_table(path, problems, label=_rel(folder, path),
                       required=("proposal_id", "supplier"),
                       optional=("admissible", "rejection_reason"))
    if table is None:
        return None
    check_id_column(table, "proposal_id", problems)
    frame = table.frame
    ids = frame["proposal_id"]
    empty = np.flatnonzero(ids == "")
    report_rows(problems, table, empty, "proposal_id", "empty proposal id", found=[""] * len(empty))
    dup = np.flatnonzero(ids.duplicated(keep="first") & (ids != ""))
    report_rows(problems, table, dup, "proposal_id", "duplicate proposal id",
                found=ids.iloc[dup], expected="a unique id per proposal")
    if "admissible" in frame.columns:
        word = frame["admissible"].str.lower()
        bad = np.flatnonzero(~word.isin(TRUE_WORDS | FALSE_WORDS))
        report_rows(problems, table, bad, "admissible", "not a yes/no value",
                    found=frame["admissible"].iloc[bad], expected="true | false")
        admissible = ~word.isin(FALSE_WORDS)
        reasons = frame.get("rejection_reason", pd.Series([""] * len(frame), index=frame.index))
        missing = np.flatnonzero(~admissible & (reasons == ""))
        report_rows(problems, table, missing, "rejection_reason",
                    "a rejected proposal needs the reason for its rejection",
                    found=[""] * len(missing), expected="the reason (and legal basis)")
    return table


def _read_scores(folder: Path, problems: ProblemList, model: Model, evaluators: list[str],
                 proposal_ids: list[str], needed: list[str], files: list[Path],
                 declarations: pd.DataFrame | None = None,
                 recusals: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return every evaluator's scores, long format, after checking each file."""
    score_dir = folder / "scores"
    found: dict[str, Path] = {}
    if score_dir.is_dir():
        for path in sorted(score_dir.iterdir()):
            if path.suffix.lower() not in (".csv", ".xlsx") or path.name.startswith(("~$", ".")):
                continue
            stem = nfc(path.stem)  # macOS writes file names decomposed (NFD)
            if stem in found:
                problems.add(_rel(folder, path), "file", "scores given twice for this "
                             "evaluator", found=f"{found[stem].name} and {path.name}",
                             expected="one file per evaluator")
                continue
            found[stem] = path
    for evaluator in evaluators:
        if evaluator not in found:
            problems.add(_rel(folder, score_dir / f"{evaluator}.csv"), "file",
                         f"missing score file for evaluator {evaluator} named in tender.yaml",
                         found="nothing", expected=f"scores/{evaluator}.csv or .xlsx")
    for extra in sorted(set(found) - set(evaluators)):
        problems.add(_rel(folder, found[extra]), "evaluator", "score file of an evaluator "
                     "not listed in tender.yaml", found=show_id(extra),
                     expected=" | ".join(evaluators) or "no evaluators")
    frames = []
    for evaluator in evaluators:
        if evaluator not in found:
            continue
        files.append(found[evaluator])
        table = read_table(found[evaluator], problems, label=_rel(folder, found[evaluator]),
                           required=SCORE_COLUMNS)
        if table is None:
            continue
        check_declared(table, evaluator, declarations, problems)
        recused = {} if recusals is None else dict(
            recusals.loc[recusals["evaluator"] == evaluator, ["proposal_id", "reason"]]
            .itertuples(index=False, name=None))
        frame = _check_score_table(table, problems, model, proposal_ids, needed,
                                   require_justification=model.justifications_required,
                                   recused=recused)
        frames.append(frame.assign(evaluator=evaluator))
    columns = ["evaluator", *SCORE_COLUMNS]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=np.float64 if c == "score" else str)
                             for c in columns})
    return pd.concat(frames, ignore_index=True)[columns]


def _check_every_criterion_scored(folder: Path, problems: ProblemList, model: Model,
                                  needed: list[str], scores: pd.DataFrame) -> None:
    """Refuse a mean or median over no score at all (every evaluator recused, or none)."""
    present = set(zip(scores["proposal_id"].tolist(), scores["criterion_id"].tolist(),
                      strict=True))
    empty = [(p, leaf.id) for p in needed for leaf in model.quality_leaves
             if (p, leaf.id) not in present]
    for p, c in empty[:20]:
        problems.add(_rel(folder, folder / "scores"), "score", f"no evaluator scored proposal "
                     f"{p} on criterion {c}, so its {model.aggregation} has nothing to take",
                     found="no score (every evaluator recused, or none listed)",
                     expected="at least one evaluator's score")
    if len(empty) > 20:
        problems.add(_rel(folder, folder / "scores"), "score",
                     f"{len(empty) - 20} more proposal × criterion pairs without any score")


def _check_score_table(table: Table, problems: ProblemList, model: Model,
                       proposal_ids: list[str], needed: list[str], *,
                       require_justification: bool, extra: tuple[str, ...] = (),
                       recused: dict[str, str] | None = None) -> pd.DataFrame:
    """Check one table of scores (an evaluator's or the consensus) and return it typed."""
    normalise_ids(table, "proposal_id", "criterion_id")
    frame = table.frame
    leaves = {leaf.id: leaf for leaf in model.quality_leaves}
    pid, cid = frame["proposal_id"], frame["criterion_id"]
    bad = np.flatnonzero(~pid.isin(proposal_ids))
    report_rows(problems, table, bad, "proposal_id", "score for an unknown proposal",
                found=[show_id(p) for p in pid.iloc[bad]], expected="an id from proposals.csv")
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
    score = parse_numbers(frame["score"])
    nonnumeric = np.flatnonzero(score.isna().to_numpy())
    report_rows(problems, table, nonnumeric, "score", "not a number",
                found=frame["score"].iloc[nonnumeric], expected="a number such as 7 or 7,5")
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
    report_rows(problems, table, dup, "proposal_id, criterion_id", "score given twice",
                found=[f"{p} × {c}" for p, c in zip(pid.iloc[dup], cid.iloc[dup], strict=True)],
                expected="one row per proposal and criterion")
    if require_justification:
        empty = np.flatnonzero((frame["justification"] == "").to_numpy())
        report_rows(problems, table, empty, "justification", "empty justification (the model "
                    "requires a reason for every score)", found=[""] * len(empty),
                    expected="a reason")
    recused = recused or {}
    if recused:
        bad = np.flatnonzero(pid.isin(list(recused)).to_numpy())
        report_rows(problems, table, bad, "proposal_id", "score from an evaluator recused from "
                    "this proposal (recusals.csv); remove the row",
                    found=[f"{p} (recused: {recused[p]})" for p in pid.iloc[bad]],
                    expected="no score")
    present = set(zip(pid.tolist(), cid.tolist(), strict=True))
    missing = [(p, c) for p in needed if p not in recused for c in leaves
               if (p, c) not in present]
    for p, c in missing[:20]:
        problems.add(table.file, "score", f"missing score for proposal {p}, criterion {c}",
                     found="no row", expected="one row per proposal and leaf criterion")
    if len(missing) > 20:
        problems.add(table.file, "score", f"{len(missing) - 20} more missing scores")
    columns = [c for c in (*SCORE_COLUMNS, *extra) if c in frame.columns]
    out = frame[columns].copy()
    out["score"] = score
    return out


def load_tender(folder: Path | str, *, ignore_seal: bool = False) -> Tender:
    """Return the validated tender in ``folder``; raise :class:`TenderError` with every problem.

    A sealed tender whose quality files changed since the seal is refused (``ignore_seal``
    only for recording a reopening). With ``price_opening: after_seal`` and no seal yet, no
    price is read: the tender is scored on quality only.
    """
    folder = Path(folder).resolve()
    problems = ProblemList()
    warnings: list[str] = []
    if not folder.is_dir():
        problems.add(str(folder), "folder", "no such tender folder", found="nothing",
                     expected="a folder with tender.yaml")
        problems.raise_if_any(TenderError)
    settings = _read_tender_file(folder, problems, warnings)
    files: list[Path] = [folder / "tender.yaml"]
    if settings is None or not isinstance(settings.get("criteria"), str):
        problems.raise_if_any(TenderError)
        raise AssertionError  # pragma: no cover
    # normalised, not resolved: a model reached through a link keeps its lock file and its
    # place in a run's copy where tender.yaml says it is
    model_path = Path(os.path.normpath(folder / settings["criteria"]))
    try:
        model = load_model(model_path, label=_rel(folder, model_path)
                           if model_path.is_relative_to(folder.parent) else None)
    except CriteriaError as exc:
        problems.extend(exc.problems)
        problems.raise_if_any(TenderError)
        raise
    files.append(model_path)
    warnings.extend(model.warnings)
    proposals_table = _read_proposals(folder, problems, model)
    files.append(folder / "proposals.csv")
    if proposals_table is None:
        problems.raise_if_any(TenderError)
        raise AssertionError  # pragma: no cover
    frame = proposals_table.frame
    admissible = (~frame["admissible"].str.lower().isin(FALSE_WORDS)
                  if "admissible" in frame.columns else pd.Series(True, index=frame.index))
    seal = read_seal(folder, problems)
    quality_only = settings.get("price_opening") == "after_seal" and seal is None
    if quality_only:  # quality is scored before anyone reads a price
        fields = list(model.price_fields)
        prices = pd.DataFrame(np.nan, index=pd.Index(frame["proposal_id"], name="proposal_id"),
                              columns=fields, dtype=np.float64)
        schedule = None
        warnings.append(f"{_rel(folder, folder / 'tender.yaml')}: price_opening: after_seal "
                        "and not sealed yet: scored on quality only, no price was read")
    else:
        prices, schedule = evaluated_prices(folder, problems, model, proposals_table,
                                             admissible, files)
    ids = [p for p in frame["proposal_id"] if p != ""]
    needed = [p for p, ok in zip(frame["proposal_id"], admissible, strict=True) if ok and p]
    evaluators = settings["evaluators"]
    declarations = read_declarations(folder, problems, evaluators, files)
    recusals = read_recusals(folder, problems, evaluators, ids, files)
    explanations = read_explanations(folder, problems, ids, files)
    if seal is not None:
        files.append(folder / "seal.json")
        if not ignore_seal:
            check_seal(folder, seal, problems)
    scores = _read_scores(folder, problems, model, evaluators, ids, needed, files,
                          declarations, recusals)
    if model.aggregation != "consensus" and model.quality_leaves:
        _check_every_criterion_scored(folder, problems, model, needed, scores)
    consensus = None
    consensus_path = folder / "consensus.csv"
    if consensus_path.exists():
        files.append(consensus_path)
        table = read_table(consensus_path, problems, label=_rel(folder, consensus_path),
                           required=SCORE_COLUMNS, optional=("notice_text",))
        if table is not None:
            consensus = _check_score_table(table, problems, model, ids, needed,
                                           require_justification=model.justifications_required,
                                           extra=("notice_text",))
    elif model.aggregation == "consensus" and model.quality_leaves:
        problems.add(_rel(folder, consensus_path), "file", "missing file: the model's "
                     "aggregation rule is consensus", found="nothing",
                     expected="consensus.csv with the committee's agreed scores")
    elif not model.quality_leaves:  # nothing to agree on: the consensus is complete and empty
        consensus = pd.DataFrame({c: pd.Series(dtype=np.float64 if c == "score" else str)
                                  for c in (*SCORE_COLUMNS, "notice_text")})
    problems.raise_if_any(TenderError)
    proposals = pd.DataFrame({
        "supplier": frame["supplier"].to_numpy(),
        "admissible": admissible.to_numpy(),
        "rejection_reason": (frame["rejection_reason"] if "rejection_reason" in frame.columns
                             else pd.Series([""] * len(frame))).to_numpy(),
    }, index=pd.Index(frame["proposal_id"], name="proposal_id"))
    for column in frame.columns:
        if column not in ("proposal_id", "supplier", "admissible", "rejection_reason"):
            proposals[column] = frame[column].to_numpy()
    title = settings.get("title")
    label = (Label(title, title) if isinstance(title, str) else
             Label(str(title.get("nb", "")), str(title.get("en") or title.get("nb", "")))
             if isinstance(title, dict) else model.title)
    return Tender(
        folder=folder, title=label, model=model, currency=settings["currency"],
        partners=settings["partners"], evaluators=tuple(evaluators), proposals=proposals,
        prices=prices, scores=scores, consensus=consensus, files=tuple(files),
        budget=settings.get("budget"), standstill_days=settings.get("standstill_days"),
        settings=settings, price_lines=schedule, warnings=tuple(warnings),
        declarations=declarations, recusals=recusals, explanations=explanations, seal=seal,
        quality_only=quality_only,
    )
