"""Loads a tender folder: the tender file, proposals, prices, evaluators' scores, consensus.

``load_tender`` is the one validating entry point; it reads every file, records every problem
(``file[:line]: field: what is wrong (found X, expected Y)``) and raises them together.
Kept open to a ``rounds/`` layer later: each file is read by its own function taking a folder.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from evaluation.common.errors import CriteriaError, ProblemList, TenderError
from evaluation.common.labels import LANGUAGES, Label
from evaluation.core.model import Model
from evaluation.core.negotiation import NegotiationRecord, Round, RoundPlan
from evaluation.core.selection import TieAtCutError
from evaluation.core.tender import Tender
from evaluation.data.criteria import load_model
from evaluation.data.identifiers import case_twins, check_id, check_id_column
from evaluation.data.numbers import Refusal, read_number
from evaluation.data.prices import evaluated_prices
from evaluation.data.records import (
    check_conflicts,
    check_seal,
    read_declarations,
    read_explanations,
    read_recusals,
    read_seal,
)
from evaluation.data.rounds import (
    check_reduction,
    choose_round,
    parse_round_plan,
    read_negotiation_record,
)
from evaluation.data.scores import (
    SCORE_COLUMNS,
    check_every_criterion_scored,
    empty_scores,
    read_consensus,
    read_scores,
)
from evaluation.data.tables import Table, read_table, report_rows
from evaluation.data.tables import relative_label as _rel
from evaluation.data.yamlio import read_yaml, unknown_key

TRUE_WORDS = {"true", "ja", "yes", "1", "sann", "x", ""}
FALSE_WORDS = {"false", "nei", "no", "0", "usann"}
# design.md's tender.yaml, including the keys of the innovation partnership's later stages
_TENDER_KEYS = {"title", "criteria", "currency", "partners", "budget", "evaluators",
                "standstill_days", "price_opening", "language", "description", "procedure",
                "rounds", "reduce"}


def _read_tender_file(folder: Path, problems: ProblemList) -> dict[str, Any] | None:
    path = folder / "tender.yaml"
    doc = read_yaml(path, problems, label=_rel(folder, path))
    if doc is None:
        return None
    data, name = doc.data, doc.file
    unknown = [key for key in data if key not in _TENDER_KEYS]
    for key in unknown:
        message = unknown_key(key, _TENDER_KEYS)
        problems.add(name, key, message, line=doc.line((key,)), expected=None if "`" in message
                     else " | ".join(sorted(_TENDER_KEYS)))
    if unknown:  # a misspelt key would make every later message point the wrong way
        return None
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
    out["budget"], out["budget_field"] = _read_budget(data.get("budget"), problems, name,
                                                      doc.line(("budget",)))
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
    out["_plan"] = parse_round_plan(doc, problems)
    return out


def _read_budget(raw: Any, problems: ProblemList, name: str, line: int | None
                 ) -> tuple[float | None, str | None]:
    """Return the budget's amount and the price field it limits (``None``: the only one)."""
    if raw is None:
        return None, None
    field_name = None
    if isinstance(raw, dict) and len(raw) == 1:
        field_name, raw = next(iter(raw.items()))
    value = read_number(raw, amount=True) if isinstance(raw, str) else None
    if not isinstance(value, float) or value <= 0:
        problems.add(name, "budget", value.message if isinstance(value, Refusal) else
                     "not a positive amount", line=line, found=raw,
                     expected="an amount, e.g. 10000000 or 10 000 000 kr, or {price field: "
                     "amount} when the model has several price criteria")
        return None, None
    return value, field_name


def _check_budget(settings: dict[str, Any], model: Model, problems: ProblemList,
                  warnings: list[str]) -> None:
    """Settle which price field the budget limits: the one named, or the model's only one.

    A plain amount with several price fields is not compared with any (never guessed), with a
    warning: it was valid before the budget was compared, and a run made then must still load
    for its audit.
    """
    if settings.get("budget") is None:
        return
    fields = list(model.price_fields)
    named = settings.get("budget_field")
    if named is not None and named not in fields:
        problems.add(settings["_file"], "budget", "unknown price field", found=named,
                     expected=" | ".join(fields) or "a price field (the model has none)")
    elif named is None and len(fields) != 1:
        limits = " or ".join(f"{{{f}: {settings['budget']:.15g}}}" for f in fields)
        warnings.append(f"{settings['_file']}: budget: not compared with any price: "
                        + (f"say which price field it limits, e.g. budget: {limits}" if fields
                           else "the model has no price criterion"))
    else:
        settings["budget_field"] = named or fields[0]


def _read_proposals(folder: Path, problems: ProblemList, model: Model) -> Table | None:
    path = folder / "proposals.csv"
    table = read_table(path, problems, label=_rel(folder, path),
                       required=("proposal_id", "supplier"),
                       optional=("admissible", "rejection_reason", "rejection_basis"))
    if table is None:
        return None
    check_id_column(table, "proposal_id", problems)
    frame = table.frame
    if frame.empty:
        problems.add(table.file, "proposal_id", "no proposals", line=2,
                     found="a header line only", expected="one line per proposal")
        return None
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


def rejection_warnings(table: Table) -> list[str]:
    """Warn of every rejected proposal without ``rejection_basis``: ``notice`` refuses its
    rejection decision until the committee records the legal basis (not an error here, so
    that a run made before the column existed still loads and audits)."""
    frame = table.frame
    if "admissible" not in frame.columns:
        return []
    basis = frame.get("rejection_basis", pd.Series([""] * len(frame), index=frame.index))
    rejected = frame["admissible"].str.lower().isin(FALSE_WORDS).to_numpy()
    return [f"{table.file}:{table.where(int(row))}: rejection_basis: proposal "
            f"{frame['proposal_id'].iloc[row]} is rejected and has no legal basis recorded; "
            "notice refuses its rejection decision until the committee records one"
            for row in np.flatnonzero(rejected & (basis == "").to_numpy())]


def tender_language(folder: Path | str) -> str | None:
    """Return the language of a tender's command-line messages: ``language`` in tender.yaml,
    else its model's; ``None`` when neither can be read (nothing is reported: the messages
    about why come from :func:`load_tender`)."""
    folder = Path(folder)
    quiet = ProblemList()
    doc = read_yaml(folder / "tender.yaml", quiet)
    if doc is None:
        return None
    language = doc.data.get("language")
    criteria = doc.data.get("criteria")
    if language is None and isinstance(criteria, str):
        model = read_yaml(folder / criteria, quiet)
        language = None if model is None else model.data.get("language", "nb")
    return language if language in LANGUAGES else None


def load_tender(folder: Path | str, *, ignore_seal: bool = False, scores: bool = True,
                round: str | None = None, record: bool = True) -> Tender:
    """Return the validated tender in ``folder``; raise :class:`TenderError` with every problem.

    A sealed tender whose quality files changed since the seal is refused (``ignore_seal``
    only for recording a reopening). With ``price_opening: after_seal`` and no seal yet, no
    price is read: the tender is scored on quality only. ``scores=False`` reads the tender as
    it is before scoring (for the blank score sheets): no score file, consensus, seal or price.

    A tender with negotiation rounds (``rounds`` in tender.yaml) is read as one round:
    ``round`` (default the latest present), its award files in ``rounds/<id>/``, the process
    records at the root; with ``record`` the negotiation record up to that round is checked
    too (invited, departures, reductions, meetings, changes sent, one model in every round).
    """
    folder = Path(folder).resolve()
    problems = ProblemList()
    warnings: list[str] = []
    if not folder.is_dir():
        problems.add(str(folder), "folder", "no such tender folder", found="nothing",
                     expected="a folder with tender.yaml")
        problems.raise_if_any(TenderError)
    settings = _read_tender_file(folder, problems)
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
    plan: RoundPlan = settings["_plan"]
    chosen = choose_round(folder, plan, round, problems)
    if plan.rounds and chosen is None:
        problems.raise_if_any(TenderError)
    award = folder / "rounds" / chosen.id if chosen is not None else folder
    warnings.extend(model.warnings)
    _check_budget(settings, model, problems, warnings)
    proposals_table = _read_proposals(award, problems, model)
    files.append(award / "proposals.csv")
    if proposals_table is None:  # every later file names proposals
        problems.raise_if_any(TenderError)
        raise AssertionError  # pragma: no cover
    frame = proposals_table.frame
    warnings.extend(rejection_warnings(proposals_table))
    admissible = (~frame["admissible"].str.lower().isin(FALSE_WORDS)
                  if "admissible" in frame.columns else pd.Series(True, index=frame.index))
    seal = read_seal(award, problems) if scores else None
    quality_only = settings.get("price_opening") == "after_seal" and seal is None
    if quality_only or not scores:  # quality is scored before anyone reads a price
        prices = pd.DataFrame(np.nan, index=pd.Index(frame["proposal_id"], name="proposal_id"),
                              columns=list(model.price_fields), dtype=np.float64)
        schedule = None
        if scores:
            warnings.append(f"{_rel(folder, folder / 'tender.yaml')}: price_opening: "
                            "after_seal and not sealed yet: scored on quality only, no price "
                            "was read")
    else:
        prices, schedule = evaluated_prices(award, problems, model, proposals_table,
                                             admissible, files, warnings)
    ids = [p for p in frame["proposal_id"] if p != ""]
    needed = [p for p, ok in zip(frame["proposal_id"], admissible, strict=True) if ok and p]
    evaluators = settings["evaluators"]
    declarations = read_declarations(folder, problems, evaluators, ids, files)
    recusals = read_recusals(folder, problems, evaluators, ids, files)
    explanations = read_explanations(folder, problems, ids, files)
    score_table, consensus = empty_scores("evaluator")[["evaluator", *SCORE_COLUMNS]], None
    if scores:
        if seal is not None:
            files.append(award / "seal.json")
            if not ignore_seal:
                check_seal(award, seal, problems)
        score_table = read_scores(award, problems, model, evaluators, ids, needed, files,
                                  declarations, recusals)
        if model.aggregation != "consensus" and model.quality_leaves:
            check_every_criterion_scored(award, problems, model, needed, score_table)
        consensus = read_consensus(award, problems, model, ids, needed, files)
        if consensus is not None and model.aggregation != "consensus" and model.quality_leaves:
            warnings.append(f"{_rel(folder, award / 'consensus.csv')}: the model's aggregation "
                            f"is {model.aggregation}: the consensus scores are not used")
        check_conflicts(folder, declarations, recusals, score_table, frame, problems)
    negotiation = None
    if chosen is not None and record:
        negotiation = _negotiation(folder, plan, chosen, model, problems, files)
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
        prices=prices, scores=score_table, consensus=consensus, files=tuple(files),
        budget=settings.get("budget"), budget_field=settings.get("budget_field"),
        standstill_days=settings.get("standstill_days"),
        settings=settings, price_lines=schedule, warnings=tuple(warnings),
        declarations=declarations, recusals=recusals, explanations=explanations, seal=seal,
        quality_only=quality_only, round=None if chosen is None else chosen.id,
        award_folder=None if chosen is None else award, round_plan=plan if plan.rounds else None,
        negotiation=negotiation,
    )


def _negotiation(folder: Path, plan: RoundPlan, chosen: Round, model: Model,
                 problems: ProblemList, files: list[Path]) -> NegotiationRecord:
    """Check the negotiation up to ``chosen``: invited tenderers (a prequalification), every
    absence explained, announced reductions, meetings and changes sent, and one model in
    every round (each round's seal records the model's sha256: the award criteria are not
    negotiable)."""
    from evaluation.core.scoring import evaluate_tender

    invited = None
    if (folder / "prequalification").is_dir():
        from evaluation.core.prequalification import evaluate_selection
        from evaluation.data.prequalification import load_prequalification

        try:
            pq = load_prequalification(folder)
            invited = list(evaluate_selection(pq, evaluate_tender(pq.competition)).invited)
        except (TenderError, TieAtCutError) as exc:
            problems.add(_rel(folder, folder / "prequalification"), "prequalification",
                         "the invitation list cannot be established, so the tenderers cannot "
                         "be checked against it", found=str(exc).splitlines()[0])
    record = read_negotiation_record(folder, plan, chosen, problems, files, invited)
    for r in plan.rounds[:plan.index(chosen.id) + 1]:
        sealed = read_seal(folder / "rounds" / r.id)
        digest = (sealed or {}).get("model_sha256")
        if digest is not None and digest != model.sha256:
            problems.add(_rel(folder, folder / "rounds" / r.id / "seal.json"), "model_sha256",
                         f"round {r.id} was evaluated with another model: the award criteria "
                         "and weights are not negotiable, every round uses the tender's one "
                         "frozen model", found=str(digest)[:12] + "…",
                         expected=model.sha256[:12] + "… (the model now)")
    eliminated: dict[str, dict[str, int]] = {}
    for reduction in plan.reductions:
        if plan.index(reduction.after) >= plan.index(chosen.id):
            continue
        earlier = evaluate_tender(load_tender(folder, round=reduction.after, record=False))
        rank = {p: int(earlier.rank[earlier.index(p)]) for p in earlier.order}
        cut = check_reduction(folder, reduction, list(earlier.order), rank,
                              record.departures, problems)
        eliminated[reduction.after] = {p: rank[p] for p in cut}
    return dataclasses.replace(record, eliminated=eliminated)
