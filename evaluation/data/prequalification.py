"""Loads a tender's ``prequalification/`` folder: the selection model and rule, the applicants,
their qualification and the evaluators' scores (design.md, "The innovation partnership's
stages").

``load_prequalification`` is the one validating entry point, with the award loader's messages
(``file[:line]: field: what is wrong (found X, expected Y)``), all problems at once. Score files
and the consensus are read by the award's own reader with ``applicant_id`` in place of
``proposal_id``; impartiality declarations and recusals stay at the tender's root. A tender
needs only tender.yaml (its title) and this folder at this stage: there are no proposals yet.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from evaluation.common.errors import CriteriaError, ProblemList, TenderError
from evaluation.common.ids import show_id
from evaluation.common.labels import Label
from evaluation.core.model import LOT, Model
from evaluation.core.prequalification import Prequalification, Requirement
from evaluation.core.selection import READINGS, Draw, InviteRule, Reserved
from evaluation.core.tender import Tender
from evaluation.data.criteria import load_model
from evaluation.data.identifiers import check_id, check_id_column, normalise_ids
from evaluation.data.model_reader import ModelReader
from evaluation.data.numbers import read_dates
from evaluation.data.records import (
    check_conflicts,
    check_seal,
    read_declarations,
    read_recusals,
    read_seal,
)
from evaluation.data.scores import empty_scores, read_consensus, read_scores
from evaluation.data.tables import Table, read_table, report_rows
from evaluation.data.tables import relative_label as _rel
from evaluation.data.yamlio import Document, read_yaml

FOLDER = "prequalification"
YES = {"yes", "ja", "true", "oppfylt", "met"}
NO = {"no", "nei", "false", "ikke oppfylt", "not met"}
MIN_INVITED = 3  # directive 2014/24/EU art. 65(2): at least three where that many qualify


def _count(r: ModelReader, raw: Any, path: tuple[str | int, ...], minimum: int = 0
           ) -> int | None:
    value = r.number(raw, path, expected=f"a whole number >= {minimum}")
    if value is None:
        return None
    if value != int(value) or value < minimum:
        r.add(path, "not a whole number of places", found=raw,
              expected=f"a whole number >= {minimum}")
        return None
    return int(value)


def _rule(r: ModelReader, raw: Any) -> InviteRule | None:
    """Read ``invite: {max, min, reserved: {...}}`` (every rule of design.md checked)."""
    if not isinstance(raw, dict):
        r.add(("invite",), "missing: the announced invitation rule", found=raw,
              expected="invite: {max: 10, min: 3, reserved: {...}}")
        return None
    for key in raw:
        if key not in ("max", "min", "reserved"):
            r.add(("invite", key), "unknown key", expected="max | min | reserved")
    most = _count(r, raw.get("max"), ("invite", "max"), 1)
    least = _count(r, raw.get("min", str(MIN_INVITED)), ("invite", "min"), 0)
    if least is not None and least < MIN_INVITED:
        r.add(("invite", "min"), "at least three must be invited where that many qualify "
              "(directive 2014/24/EU art. 65(2))", found=least, expected=f">= {MIN_INVITED}")
    if most is not None and least is not None and least > most:
        r.add(("invite", "min"), "more to invite at least than at most", found=least,
              expected=f"<= max ({most})")
    reserved = None
    res = raw.get("reserved")
    if res is not None:
        reserved = _reserved(r, res, most)
    if most is None or least is None:
        return None
    return InviteRule(most, least, reserved)


def _reserved(r: ModelReader, res: Any, most: int | None) -> Reserved | None:
    path: tuple[str, ...] = ("invite", "reserved")
    if not isinstance(res, dict):
        r.add(path, "reserved places must be a mapping", found=res,
              expected="{category, min, max, when_qualified_more_than, reading, places}")
        return None
    for key in res:
        if key not in ("category", "min", "max", "when_qualified_more_than", "reading",
                       "places", "definition"):
            r.add((*path, key), "unknown key", expected="category | min | max | "
                  "when_qualified_more_than | reading | places | definition")
    category = res.get("category")
    if not isinstance(category, str) or not category.strip():
        r.add((*path, "category"), "missing: the category the places are reserved for",
              found=category, expected="e.g. nyetablert")
    low = _count(r, res.get("min"), (*path, "min"))
    high = _count(r, res.get("max"), (*path, "max"))
    when = _count(r, res.get("when_qualified_more_than", "0"),
                  (*path, "when_qualified_more_than"))
    reading = res.get("reading")
    if reading not in READINGS:
        r.add((*path, "reading"), "the announced wording decides whether the places are a "
              "reservation or a quota; record which (the tool never picks one)",
              found=reading, expected=" | ".join(READINGS))
    if low is not None and high is not None and low > high:
        r.add((*path, "min"), "reserved.min above reserved.max", found=low,
              expected=f"<= {high}")
    if high is not None and most is not None and high > most:
        r.add((*path, "max"), "more reserved places than places", found=high,
              expected=f"<= invite.max ({most})")
    places = None
    if reading == "reservation":
        places = _count(r, res.get("places"), (*path, "places"))
        if places is None and res.get("places") is None:
            r.add((*path, "places"), "the reservation reading needs the committee's recorded "
                  "number of reserved places", found="nothing",
                  expected=f"a whole number from {low} to {high}")
        elif places is not None and low is not None and high is not None and \
                not low <= places <= high:
            r.add((*path, "places"), "the recorded places lie outside the announced range",
                  found=places, expected=f"{low} to {high}")
    elif reading == "quota" and res.get("places") is not None:
        r.add((*path, "places"), "a quota has no recorded number of places (its min and max "
              "apply)", found=res.get("places"), expected="no places")
    if None in (low, high, when) or reading not in READINGS or not isinstance(category, str):
        return None
    assert low is not None and high is not None and when is not None
    return Reserved(category.strip(), low, high, when, str(reading), places)


def _requirements(r: ModelReader, raw: Any) -> tuple[Requirement, ...]:
    if not isinstance(raw, list) or not raw:
        r.add(("requirements",), "missing: the qualification requirements (R&D capability and "
              "experience with innovative solutions at least, directive art. 31(6))",
              found=raw, expected="[{id, title}, ...]")
        return ()
    out: list[Requirement] = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            r.add(("requirements", i), "a requirement needs an id and a title", found=item)
            continue
        rid = check_id(item["id"], r.problems, r.doc.file, "requirements.id",
                       r.doc.line(("requirements", i, "id")))
        title = r.label(item.get("title"), ("requirements", i, "title")) or Label(rid, rid)
        if rid in {q.id for q in out}:
            r.add(("requirements", i, "id"), "requirement listed twice", found=rid)
        out.append(Requirement(rid, title))
    return tuple(out)


def _applicants(folder: Path, problems: ProblemList, rule: InviteRule | None
                ) -> Table | None:
    path = folder / FOLDER / "applicants.csv"
    table = read_table(path, problems, label=_rel(folder, path),
                       required=("applicant_id", "name"),
                       optional=("members", "category", "category_evidence"))
    if table is None:
        return None
    check_id_column(table, "applicant_id", problems)
    frame = table.frame
    for column in ("members", "category", "category_evidence"):
        if column not in frame.columns:
            frame[column] = ""
    if frame.empty:
        problems.add(table.file, "applicant_id", "no applicants", line=2,
                     found="a header line only", expected="one line per request to participate")
        return None
    dup = np.flatnonzero(frame["applicant_id"].duplicated().to_numpy())
    report_rows(problems, table, dup, "applicant_id", "applicant listed twice",
                found=frame["applicant_id"].iloc[dup], expected="one line per applicant")
    empty = np.flatnonzero((frame["name"] == "").to_numpy())
    report_rows(problems, table, empty, "name", "empty name", found=[""] * len(empty),
                expected="the applicant's name (or the consortium's)")
    if rule is not None and rule.reserved is not None:
        category = rule.reserved.category
        bare = np.flatnonzero(((frame["category"] == category) &
                               (frame["category_evidence"] == "")).to_numpy())
        report_rows(problems, table, bare, "category_evidence", f"an applicant of the reserved "
                    f"category {category} needs the evidence that it belongs to it",
                    found=[""] * len(bare), expected="e.g. the date of registration")
    return table


def _checks(folder: Path, problems: ProblemList, ids: list[str],
            requirements: tuple[Requirement, ...]) -> pd.DataFrame:
    """Return ``applicant_id, requirement_id, met, evidence``: one row per applicant and
    requirement, each with its evidence."""
    path = folder / FOLDER / "requirements.csv"
    table = read_table(path, problems, label=_rel(folder, path),
                       required=("applicant_id", "requirement_id", "met", "evidence"))
    columns = ["applicant_id", "requirement_id", "met", "evidence"]
    if table is None:
        return pd.DataFrame(columns=columns)
    normalise_ids(table, "applicant_id", "requirement_id")
    frame = table.frame
    known = {q.id for q in requirements}
    bad = np.flatnonzero(~frame["applicant_id"].isin(ids).to_numpy())
    report_rows(problems, table, bad, "applicant_id", "unknown applicant",
                found=[show_id(a) for a in frame["applicant_id"].iloc[bad]],
                expected="an id from applicants.csv")
    bad = np.flatnonzero(~frame["requirement_id"].isin(known).to_numpy())
    report_rows(problems, table, bad, "requirement_id", "unknown requirement",
                found=[show_id(q) for q in frame["requirement_id"].iloc[bad]],
                expected=" | ".join(sorted(known)) or "a requirement of selection.yaml")
    word = frame["met"].str.strip().str.lower()
    bad = np.flatnonzero(~word.isin(YES | NO).to_numpy())
    report_rows(problems, table, bad, "met", "met or not: yes or no",
                found=frame["met"].iloc[bad], expected="ja | nei | yes | no | true | false")
    bare = np.flatnonzero((frame["evidence"] == "").to_numpy())
    report_rows(problems, table, bare, "evidence", "a requirement met or not needs its "
                "evidence", found=[""] * len(bare), expected="the document or fact relied on")
    dup = np.flatnonzero(frame.duplicated(["applicant_id", "requirement_id"]).to_numpy())
    report_rows(problems, table, dup, "applicant_id, requirement_id", "assessed twice",
                found=[f"{a} × {q}" for a, q in zip(frame["applicant_id"].iloc[dup],
                                                     frame["requirement_id"].iloc[dup],
                                                     strict=True)],
                expected="one row per applicant and requirement")
    present = set(zip(frame["applicant_id"], frame["requirement_id"], strict=True))
    missing = [(a, q.id) for a in ids for q in requirements if (a, q.id) not in present]
    for a, q in missing[:20]:
        problems.add(table.file, "requirement_id", f"no assessment of requirement {q} for "
                     f"applicant {a}", found="no row", expected="one row per applicant and "
                     "requirement")
    if len(missing) > 20:
        problems.add(table.file, "requirement_id", f"{len(missing) - 20} more missing rows")
    out = frame[columns].copy()
    out["met"] = word.isin(YES).to_numpy()
    return out


def _draws(folder: Path, problems: ProblemList, ids: list[str], lot: bool,
           files: list[Path]) -> tuple[Draw, ...]:
    path = folder / FOLDER / "draws.csv"
    if not path.exists():
        return ()
    files.append(path)
    table = read_table(path, problems, label=_rel(folder, path),
                       required=("applicant_id", "order", "witnessed_by", "date"))
    if table is None:
        return ()
    if not lot:
        problems.add(table.file, "file", "a draw of lots, but the announced tie-break list "
                     "does not end in lot: only an announced rule may settle a tie",
                     found="draws.csv", expected="no draws.csv, or tie_break ending in lot")
        return ()
    normalise_ids(table, "applicant_id")
    frame = table.frame
    bad = np.flatnonzero(~frame["applicant_id"].isin(ids).to_numpy())
    report_rows(problems, table, bad, "applicant_id", "unknown applicant",
                found=[show_id(a) for a in frame["applicant_id"].iloc[bad]],
                expected="an id from applicants.csv")
    order = pd.to_numeric(frame["order"], errors="coerce")
    bad = np.flatnonzero((order.isna() | (order < 1) | (order != order.round())).to_numpy())
    report_rows(problems, table, bad, "order", "not a place in the draw",
                found=frame["order"].iloc[bad], expected="1, 2, 3, ...")
    empty = np.flatnonzero((frame["witnessed_by"] == "").to_numpy())
    report_rows(problems, table, empty, "witnessed_by", "a draw of lots needs its witness",
                found=[""] * len(empty), expected="who witnessed the draw")
    dates = read_dates(problems, table, "date")
    return tuple(Draw(a, int(o), w, d.isoformat() if d else "")
                 for a, o, w, d in zip(frame["applicant_id"], order.fillna(0),
                                       frame["witnessed_by"], dates, strict=True))


def _tender_file(folder: Path, problems: ProblemList, model: Model
                 ) -> tuple[Label, list[str]]:
    """Return the tender's title and the award's evaluators from tender.yaml (the root's
    declarations and recusals may name either stage's evaluators)."""
    doc = read_yaml(folder / "tender.yaml", problems, label=_rel(folder, folder / "tender.yaml"))
    data = doc.data if doc is not None else {}
    title, award = data.get("title"), data.get("evaluators")
    award = [e for e in award if isinstance(e, str)] if isinstance(award, list) else []
    if isinstance(title, dict):
        return Label(str(title.get("nb", "")), str(title.get("en") or title.get("nb", ""))), award
    return (Label(title, title) if isinstance(title, str) else model.title), award


def _procedure(doc: Document, problems: ProblemList) -> tuple[list[str], ModelReader]:
    r = ModelReader(doc, problems)
    evaluators = doc.data.get("evaluators") or []
    if not isinstance(evaluators, list) or not all(isinstance(e, str) for e in evaluators):
        r.add(("evaluators",), "must be a list of evaluator ids", found=evaluators)
        evaluators = []
    return [check_id(e, problems, doc.file, "evaluators", doc.line(("evaluators", i)))
            for i, e in enumerate(evaluators)], r


def load_prequalification(folder: Path | str, *, ignore_seal: bool = False,
                          scores: bool = True) -> Prequalification:
    """Return the validated prequalification of the tender in ``folder``; raise
    :class:`TenderError` with every problem. ``scores=False`` reads it as it is before scoring
    (for blank score sheets)."""
    folder = Path(folder).resolve()
    here = folder / FOLDER
    problems = ProblemList()
    if not here.is_dir():
        problems.add(_rel(folder, here), "folder", "no prequalification folder",
                     found="nothing", expected="prequalification/ with selection.yaml, "
                     "applicants.csv, requirements.csv, scores/ and consensus.csv")
        problems.raise_if_any(TenderError)
    model_path = here / "selection.yaml"
    try:
        model = load_model(model_path, label=_rel(folder, model_path), purpose="selection")
    except CriteriaError as exc:
        problems.extend(exc.problems)
        problems.raise_if_any(TenderError)
        raise
    doc = read_yaml(model_path, ProblemList(), label=_rel(folder, model_path))
    assert doc is not None  # load_model read it
    evaluators, r = _procedure(doc, problems)
    requirements = _requirements(r, doc.data.get("requirements"))
    rule = _rule(r, doc.data.get("invite"))
    reserved = (doc.data.get("invite") or {}).get("reserved") if isinstance(
        doc.data.get("invite"), dict) else None
    definition = r.label(reserved.get("definition"), ("invite", "reserved", "definition")) \
        if isinstance(reserved, dict) else None
    files: list[Path] = [folder / "tender.yaml", model_path]
    title, award_evaluators = _tender_file(folder, problems, model)
    table = _applicants(folder, problems, rule)
    files.append(here / "applicants.csv")
    if table is None:
        problems.raise_if_any(TenderError)
        raise AssertionError  # pragma: no cover
    frame = table.frame
    ids = [a for a in frame["applicant_id"] if a]
    checks = _checks(folder, problems, ids, requirements)
    files.append(here / "requirements.csv")
    failed = set(checks.loc[~checks["met"].astype(bool), "applicant_id"])
    qualified = [a for a in ids if a not in failed]
    lot = bool(model.tie_break) and model.tie_break[-1] == LOT
    everyone = list(dict.fromkeys([*evaluators, *award_evaluators]))
    declarations = read_declarations(folder, problems, everyone, ids, files)
    recusals = read_recusals(folder, problems, everyone, ids, files)
    seal = read_seal(here, problems) if scores else None
    score_table, consensus = empty_scores("evaluator"), None
    if scores:
        if seal is not None:
            files.append(here / "seal.json")
            if not ignore_seal:
                check_seal(here, seal, problems)
        score_table = read_scores(here, problems, model, evaluators, ids, qualified, files,
                                  declarations, recusals, id_column="applicant_id",
                                  listed_in="applicants.csv", evaluators_in="selection.yaml")
        consensus = read_consensus(here, problems, model, ids, qualified, files,
                                   id_column="applicant_id", listed_in="applicants.csv")
        check_conflicts(folder, declarations, recusals, score_table,
                        frame.rename(columns={"applicant_id": "proposal_id",
                                              "name": "supplier"}), problems)
    draws = _draws(folder, problems, ids, lot, files)
    problems.raise_if_any(TenderError)
    assert rule is not None  # a missing rule is a problem raised above
    keep = score_table["proposal_id"].isin(qualified)
    score_table = score_table[keep].reset_index(drop=True)
    if consensus is not None:
        consensus = consensus[consensus["proposal_id"].isin(qualified)].reset_index(drop=True)
    applicants = frame.set_index("applicant_id")[["name", "members", "category",
                                                   "category_evidence"]]
    competition = Tender(
        folder=folder, title=title, model=model, currency="NOK", partners=rule.max,
        evaluators=tuple(evaluators),
        proposals=pd.DataFrame({"supplier": applicants.loc[qualified, "name"].to_numpy(),
                                "admissible": True, "rejection_reason": ""},
                               index=pd.Index(qualified, name="proposal_id")),
        prices=pd.DataFrame(index=pd.Index(qualified, name="proposal_id")),
        scores=score_table, consensus=consensus, files=tuple(files), warnings=model.warnings,
        declarations=declarations, recusals=recusals, seal=seal)
    return Prequalification(folder, competition, applicants, requirements, checks, rule,
                            definition, lot, draws, tuple(files), model.warnings, seal)
