"""Negotiation rounds of an innovation partnership: the plan in ``tender.yaml`` and the record.

``tender.yaml`` may say ``procedure: innovation_partnership``; negotiation is then mandatory
and the tender needs ``rounds: [{id, kind: initial|revised|final, date}]`` with at least an
initial and a final round (FOA part III, directive 2014/24/EU art. 31). Each round's folder
``rounds/<id>/`` holds that round's award files; ``reduce: [{after, keep}]`` announces
reductions by the award criteria. At the root, the committee's record of the negotiation:
``negotiations.csv`` (``round, proposal_id, date, participants, topics``: the meetings),
``changes_sent.csv`` (``round, date, document, deadline, sent_to``: changes to the documents,
each sent to every remaining tenderer with one deadline, FOA § 23-10 (1)) and
``departures.csv`` (``after_round, proposal_id, kind: withdrawn|rejected|eliminated, reason,
date``: why a tenderer is not in a later round; an unexplained absence is an error, never
assumed a withdrawal). Checked here, with the award loader's messages.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from evaluation.common.errors import ProblemList
from evaluation.common.ids import show_id
from evaluation.core.negotiation import (
    DEPARTURES,
    KINDS,
    PROCEDURE,
    NegotiationRecord,
    Reduction,
    Round,
    RoundPlan,
)
from evaluation.data.identifiers import check_id, normalise_ids
from evaluation.data.numbers import read_date, read_dates
from evaluation.data.records import optional_table
from evaluation.data.tables import Table, read_table, report_rows
from evaluation.data.tables import relative_label as _rel
from evaluation.data.yamlio import Document

RECORDS = ("negotiations.csv", "changes_sent.csv", "departures.csv")








def parse_round_plan(doc: Document, problems: ProblemList) -> RoundPlan:
    """Return the round plan of ``tender.yaml`` after checking it (an empty plan: one award)."""
    data, name = doc.data, doc.file
    procedure = data.get("procedure")
    if procedure is not None and not isinstance(procedure, str):
        problems.add(name, "procedure", "not a procedure name", line=doc.line(("procedure",)),
                     found=procedure, expected=PROCEDURE)
        procedure = None
    raw = data.get("rounds") or []
    rounds: list[Round] = []
    if not isinstance(raw, list):
        problems.add(name, "rounds", "must be a list of {id, kind, date}",
                     line=doc.line(("rounds",)), found=raw)
        raw = []
    for i, item in enumerate(raw):
        line = doc.line(("rounds", i))
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            problems.add(name, f"rounds.{i}", "a round needs an id, a kind and a date",
                         line=line, found=item, expected="{id: 1-initial, kind: initial, "
                         "date: 2026-09-01}")
            continue
        rid = check_id(item["id"], problems, name, f"rounds.{i}.id", line)
        kind = item.get("kind")
        if kind not in KINDS:
            problems.add(name, f"rounds.{i}.kind", "unknown kind of round", line=line,
                         found=kind, expected=" | ".join(KINDS))
        date = read_date(str(item.get("date", "")))
        if date is None:
            problems.add(name, f"rounds.{i}.date", "the round's deadline for tenders is not a "
                         "date", line=line, found=item.get("date"),
                         expected="YYYY-MM-DD or DD.MM.YYYY")
        if kind in KINDS and date is not None:
            rounds.append(Round(rid, str(kind), date))
    _check_order(doc, rounds, len(raw), problems)
    if procedure == PROCEDURE and not ({"initial", "final"} <= {r.kind for r in rounds}):
        problems.add(name, "rounds", "an innovation partnership negotiates: it needs at least an "
                     "initial and a final round (FOA part III, directive 2014/24/EU art. 31)",
                     line=doc.line(("procedure",)), found=", ".join(r.id for r in rounds)
                     or "no rounds", expected="rounds: [{id, kind: initial, date}, …, "
                     "{id, kind: final, date}]")
    reductions: list[Reduction] = []
    for i, item in enumerate(data.get("reduce") or []):
        line = doc.line(("reduce", i))
        after = item.get("after") if isinstance(item, dict) else None
        keep = item.get("keep") if isinstance(item, dict) else None
        if after not in [r.id for r in rounds] or after == (rounds[-1].id if rounds else None):
            problems.add(name, f"reduce.{i}.after", "a reduction follows a round before the "
                         "final one", line=line, found=after,
                         expected=" | ".join(r.id for r in rounds[:-1]) or "a round id")
            continue
        if not (isinstance(keep, str) and keep.isdigit() and int(keep) >= 1):
            problems.add(name, f"reduce.{i}.keep", "how many tenders go on", line=line,
                         found=keep, expected="a whole number >= 1")
            continue
        reductions.append(Reduction(str(after), int(keep)))
    return RoundPlan(procedure, tuple(rounds), tuple(reductions))


def _check_order(doc: Document, rounds: list[Round], listed: int, problems: ProblemList
                 ) -> None:
    if len(rounds) != listed or not rounds:
        return
    name = doc.file
    kinds = [r.kind for r in rounds]
    if kinds[0] != "initial" or kinds[-1] != "final" or "initial" in kinds[1:] or \
            "final" in kinds[:-1]:
        problems.add(name, "rounds", "rounds run initial, then revised ones, then final",
                     line=doc.line(("rounds",)), found=", ".join(kinds),
                     expected="initial, revised…, final")
    for a, b in itertools.pairwise(rounds):
        if b.date <= a.date:
            problems.add(name, "rounds", f"round {b.id}'s deadline is not after {a.id}'s",
                         line=doc.line(("rounds",)), found=b.date.isoformat(),
                         expected=f"after {a.date.isoformat()}")
    ids = [r.id for r in rounds]
    for rid in sorted({i for i in ids if ids.count(i) > 1}):
        problems.add(name, "rounds", "round listed twice", line=doc.line(("rounds",)),
                     found=rid)


def present_rounds(folder: Path, plan: RoundPlan) -> list[Round]:
    """Return the announced rounds whose folder exists, in order."""
    return [r for r in plan.rounds if (folder / "rounds" / r.id).is_dir()]


def choose_round(folder: Path, plan: RoundPlan, wanted: str | None, problems: ProblemList
                 ) -> Round | None:
    """Return the round to load: ``wanted``, or the latest present (``None``: no rounds)."""
    if not plan.rounds:
        if wanted is not None:
            problems.add(_rel(folder, folder / "tender.yaml"), "rounds", "no negotiation "
                         "rounds: --round only applies to a tender with rounds", found=wanted,
                         expected="no --round")
        return None
    present = present_rounds(folder, plan)
    on_disk = sorted(p.name for p in (folder / "rounds").iterdir() if p.is_dir()) \
        if (folder / "rounds").is_dir() else []
    for extra in (d for d in on_disk if d not in {r.id for r in plan.rounds}):
        problems.add(_rel(folder, folder / "rounds" / extra), "folder", "a round folder "
                     "tender.yaml does not announce", found=extra,
                     expected=" | ".join(r.id for r in plan.rounds))
    if wanted is not None:
        hit = next((r for r in present if r.id == wanted), None)
        if hit is None:
            problems.add("--round", "round", "no such round folder", found=wanted,
                         expected=" | ".join(r.id for r in present) or "a round folder")
        return hit
    if not present:
        problems.add(_rel(folder, folder / "rounds"), "folder", "no round folder yet",
                     found="nothing", expected=f"rounds/{plan.rounds[0].id}/ with the "
                     "initial tenders")
        return None
    return present[-1]


def round_ids(folder: Path, round_: Round) -> list[str]:
    """Return the proposal ids of a round's ``proposals.csv`` (as written, NFC), or none."""
    quiet = ProblemList()
    table = read_table(folder / "rounds" / round_.id / "proposals.csv", quiet, label="x",
                       required=("proposal_id",))
    if table is None:
        return []
    normalise_ids(table, "proposal_id")
    return [p for p in table.frame["proposal_id"] if p]


def _record(folder: Path, name: str, problems: ProblemList, files: list[Path],
            required: tuple[str, ...], optional: tuple[str, ...] = ()) -> Table | None:
    return optional_table(folder, name, problems, files, required, optional,
                          ids=("proposal_id", "round", "after_round"))


def _split(text: str) -> list[str]:
    return [t for t in re.split(r"[\s,;]+", text.strip()) if t]




def read_negotiation_record(folder: Path, plan: RoundPlan, upto: Round, problems: ProblemList,
                            files: list[Path], invited: list[str] | None) -> NegotiationRecord:
    """Check the rounds up to ``upto`` against the record: who may tender in each round
    (invited, not departed), every absence explained, meetings and changes sent."""
    rounds = [r for r in plan.rounds if plan.index(r.id) <= plan.index(upto.id)]
    tenderers = {r.id: round_ids(folder, r) for r in rounds}
    dep = _record(folder, "departures.csv", problems, files,
                  ("after_round", "proposal_id", "kind", "reason", "date"))
    departures = _departures(dep, plan, tenderers, problems)
    first = rounds[0]
    if invited is not None:
        for pid in tenderers[first.id]:
            if pid not in invited:
                problems.add(_rel(folder, folder / "rounds" / first.id / "proposals.csv"),
                             "proposal_id", "a tender from an applicant that was not invited "
                             "(prequalification)", found=show_id(pid),
                             expected="an invited applicant's id")
    for before, now in itertools.pairwise(rounds):
        gone = departures[departures["after_round"] == before.id]
        allowed = [p for p in tenderers[before.id] if p not in set(gone["proposal_id"])]
        label = _rel(folder, folder / "rounds" / now.id / "proposals.csv")
        for pid in tenderers[now.id]:
            if pid not in allowed:
                why = ("it departed after round " + before.id if pid in set(gone["proposal_id"])
                       else "it did not tender in round " + before.id)
                problems.add(label, "proposal_id", f"a tender not allowed into round {now.id}: "
                             f"{why}", found=show_id(pid),
                             expected=" | ".join(allowed) or "no tender")
        for pid in allowed:
            if pid not in tenderers[now.id]:
                problems.add(_rel(folder, folder / "departures.csv"), "proposal_id",
                             f"tender {pid} of round {before.id} is absent from round {now.id} "
                             "without an explanation (the tool never assumes a withdrawal)",
                             found="no row", expected=f"after_round {before.id}, proposal_id "
                             f"{pid}, kind withdrawn | rejected | eliminated, reason, date")
    meet = _record(folder, "negotiations.csv", problems, files,
                   ("round", "proposal_id", "date", "participants", "topics"))
    meetings = _meetings(meet, plan, tenderers, problems)
    sent = _record(folder, "changes_sent.csv", problems, files,
                   ("round", "date", "document", "deadline"), ("sent_to",))
    changes = _changes(sent, plan, tenderers, departures, problems)
    return NegotiationRecord(meetings, changes, departures, tenderers)


def _departures(table: Table | None, plan: RoundPlan, tenderers: dict[str, list[str]],
                problems: ProblemList) -> pd.DataFrame:
    columns = ["after_round", "proposal_id", "kind", "reason", "date"]
    if table is None:
        return pd.DataFrame(columns=columns)
    frame = table.frame
    known = [r.id for r in plan.rounds[:-1]]
    unknown = np.flatnonzero(~frame["after_round"].isin(known).to_numpy())
    report_rows(problems, table, unknown, "after_round", "not a round before the final one",
                found=frame["after_round"].iloc[unknown], expected=" | ".join(known))
    bad = [i for i, (r, p) in enumerate(zip(frame["after_round"], frame["proposal_id"],
                                            strict=True))
           if r in tenderers and p not in tenderers[r]]
    report_rows(problems, table, bad, "proposal_id", "not a tenderer of that round",
                found=frame["proposal_id"].iloc[bad], expected="an id from the round's "
                "proposals.csv")
    kinds = np.flatnonzero(~frame["kind"].isin(DEPARTURES).to_numpy())
    report_rows(problems, table, kinds, "kind", "unknown kind of departure",
                found=frame["kind"].iloc[kinds], expected=" | ".join(DEPARTURES))
    empty = np.flatnonzero((frame["reason"] == "").to_numpy())
    report_rows(problems, table, empty, "reason", "a departure needs its reason (it goes in "
                "the letter)", found=[""] * len(empty), expected="the reason")
    read_dates(problems, table, "date")
    return frame[columns].copy()


def _meetings(table: Table | None, plan: RoundPlan, tenderers: dict[str, list[str]],
              problems: ProblemList) -> pd.DataFrame:
    columns = ["round", "proposal_id", "date", "participants", "topics"]
    if table is None:
        return pd.DataFrame(columns=columns)
    frame = table.frame
    dates = read_dates(problems, table, "date")
    final = plan.final
    for row, (rid, pid, when) in enumerate(zip(frame["round"], frame["proposal_id"], dates,
                                               strict=True)):
        line = table.where(row)
        if rid not in {r.id for r in plan.rounds}:
            problems.add(table.file, "round", "unknown round", line=line, found=rid,
                         expected=" | ".join(r.id for r in plan.rounds))
            continue
        if rid in tenderers and pid not in tenderers[rid]:
            problems.add(table.file, "proposal_id", f"not a tenderer of round {rid}",
                         line=line, found=show_id(pid))
        if when is None:
            continue
        this = plan.rounds[plan.index(rid)]
        if final is not None and (rid == final.id or when > final.date):
            problems.add(table.file, "date", "a negotiation meeting at or after the final "
                         "round: the final tender is not negotiated", line=line,
                         found=when.isoformat(), expected=f"before {final.date.isoformat()}, "
                         "for an earlier round")
            continue
        after = plan.rounds[plan.index(rid) + 1] if plan.index(rid) + 1 < len(plan.rounds) \
            else None
        if when < this.date or (after is not None and when > after.date):
            problems.add(table.file, "date", f"a meeting on round {rid}'s tenders falls "
                         "between its deadline and the next round's", line=line,
                         found=when.isoformat(), expected=f"{this.date.isoformat()} to "
                         + (after.date.isoformat() if after else "—"))
    return frame[columns].copy()


def _changes(table: Table | None, plan: RoundPlan, tenderers: dict[str, list[str]],
             departures: pd.DataFrame, problems: ProblemList) -> pd.DataFrame:
    """Check that each change to the documents went to every remaining tenderer of its
    round, with one deadline for all (FOA § 23-10 (1), equal treatment)."""
    columns = ["round", "date", "document", "deadline", "sent_to"]
    if table is None:
        return pd.DataFrame(columns=columns)
    frame = table.frame
    if "sent_to" not in frame.columns:
        frame["sent_to"] = ""
    read_dates(problems, table, "date")
    deadlines = read_dates(problems, table, "deadline")
    seen: dict[tuple[str, str], Any] = {}
    for row, (rid, doc, to, deadline) in enumerate(zip(frame["round"], frame["document"],
                                                       frame["sent_to"], deadlines,
                                                       strict=True)):
        line = table.where(row)
        if rid not in tenderers:
            if rid not in {r.id for r in plan.rounds}:
                problems.add(table.file, "round", "unknown round", line=line, found=rid,
                             expected=" | ".join(r.id for r in plan.rounds))
            continue
        gone = set(departures.loc[departures["after_round"] == rid, "proposal_id"])
        remaining = [p for p in tenderers[rid] if p not in gone]
        recipients = _split(to)
        missing = [p for p in remaining if p not in recipients]
        if not recipients:
            problems.add(table.file, "sent_to", "to whom the change was sent is not recorded",
                         line=line, found="", expected=" ".join(remaining))
        elif missing:
            problems.add(table.file, "sent_to", f"a change to the documents not sent to every "
                         f"remaining tenderer of round {rid} (FOA § 23-10 (1), equal "
                         f"treatment): missing {', '.join(missing)}", line=line,
                         found=to, expected=" ".join(remaining))
        key = (rid, doc)
        if deadline is not None:
            if key in seen and seen[key] != deadline:
                problems.add(table.file, "deadline", f"{doc} was given more than one deadline "
                             "in round " + rid + ": one deadline for all", line=line,
                             found=deadline.isoformat(), expected=seen[key].isoformat())
            seen.setdefault(key, deadline)
    return frame[columns].copy()


def check_reduction(folder: Path, reduction: Reduction, order: list[str], rank: dict[str, int],
                    departures: pd.DataFrame, problems: ProblemList) -> list[str]:
    """Check the departures against an announced reduction and return who it eliminates:
    the tenders of round ``after`` ranked below the best ``keep`` by the full award model
    (price included, with its tie-break), a tie at the cut keeping all tied."""
    if len(order) <= reduction.keep:
        cut = []
    else:
        last = rank[order[reduction.keep - 1]]
        cut = [p for p in order if rank[p] > last]
    recorded = set(departures.loc[(departures["after_round"] == reduction.after) &
                                  (departures["kind"] == "eliminated"), "proposal_id"])
    label = _rel(folder, folder / "departures.csv")
    for pid in cut:
        if pid not in recorded and pid not in set(
                departures.loc[departures["after_round"] == reduction.after, "proposal_id"]):
            problems.add(label, "proposal_id", f"eliminated by the announced reduction after "
                         f"round {reduction.after} (ranked {rank[pid]}, {reduction.keep} go "
                         "on) but not recorded", found="no row",
                         expected=f"after_round {reduction.after}, proposal_id {pid}, kind "
                         "eliminated, reason, date")
    for pid in sorted(recorded - set(cut)):
        problems.add(label, "kind", f"recorded as eliminated after round {reduction.after}, "
                     f"but the reduction keeps it (ranked {rank.get(pid, '–')}, "
                     f"{reduction.keep} go on)", found=f"{pid} eliminated",
                     expected="withdrawn or rejected with its reason, or no row")
    return cut
