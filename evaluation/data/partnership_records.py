"""Reads the partnership's records: per phase ``measurements.csv``, ``payments.csv`` and
``gate.csv``; the purchase's ``measurements.csv`` and ``purchase.csv``; ``followers.csv``.

Each reader checks its file against the plan (a partner, target or arena the plan does not
know; a partner already ended; a decision without a reason or dated before its phase's end; a
payment after the partnership ended) and records every problem as
``file:line: field: what is wrong (found X, expected Y)``. Numbers and dates through
:mod:`evaluation.data.numbers`, ids through the id grammar.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from evaluation.common.errors import ProblemList
from evaluation.common.ids import show_id
from evaluation.core.partnership import DECISIONS, PURCHASE_DECISIONS, Plan, Target
from evaluation.data.identifiers import check_id_column, normalise_ids
from evaluation.data.numbers import read_dates, read_numbers
from evaluation.data.tables import Table, read_table, report_rows
from evaluation.data.tables import relative_label as _rel

YES = {"yes", "ja", "true"}
NO = {"no", "nei", "false"}
UNDECIDED = {"undecided", "uavklart", "usikker", "vet ikke"}
MEASUREMENTS = ["partner", "target_id", "arena", "value", "date", "evidence"]


@dataclass(frozen=True)
class Ended:
    """Where and when a partner's partnership ended."""

    phase: str
    date: dt.date


def _rows(mask: pd.Series | np.ndarray | list[bool]) -> np.ndarray:
    return np.flatnonzero(np.asarray(mask, dtype=bool))


def _required_text(problems: ProblemList, table: Table, column: str, message: str,
                   expected: str) -> None:
    empty = _rows(table.frame[column] == "")
    report_rows(problems, table, empty, column, message, found=[""] * len(empty),
                expected=expected)


def _partners(problems: ProblemList, table: Table, plan: Plan) -> pd.Series:
    """Return whether each row names a partner of the plan, recording those that do not."""
    normalise_ids(table, "partner")
    known = table.frame["partner"].isin(plan.partners)
    bad = _rows(~known)
    report_rows(problems, table, bad, "partner", "not a partner of the plan",
                found=[show_id(p) for p in table.frame["partner"].iloc[bad]],
                expected=" | ".join(plan.partners))
    return known


def _after_end(problems: ProblemList, table: Table, known: pd.Series,
               ended: dict[str, Ended], phase_ids: list[str], phase: str, what: str) -> None:
    """Record every row for a partner whose partnership had already ended."""
    here = phase_ids.index(phase) if phase in phase_ids else len(phase_ids)
    gone = {p for p, end in ended.items() if phase_ids.index(end.phase) < here}
    if not gone:
        return
    partners = table.frame["partner"]
    for row in _rows(known & partners.isin(gone))[:20]:
        partner = partners.iloc[row]
        end = ended[partner]
        problems.add(table.file, "partner", f"{what} for a partner already ended",
                     line=table.where(int(row)), found=partner,
                     expected=f"none: the partnership of {partner} ended after phase "
                     f"{end.phase} ({end.date.isoformat()})")


def read_measurements(folder: Path, path: Path, problems: ProblemList, plan: Plan,
                      targets_for: Callable[[str], tuple[Target, ...]],
                      ended: dict[str, Ended], phase: str) -> pd.DataFrame:
    """Return ``measurements.csv`` (partner, target_id, arena, value, date, evidence): one
    value per partner, target and arena, each with its evidence."""
    table = read_table(path, problems, label=_rel(folder, path), required=tuple(MEASUREMENTS))
    if table is None:
        return pd.DataFrame(columns=MEASUREMENTS)
    normalise_ids(table, "target_id", "arena")
    frame = table.frame
    known = _partners(problems, table, plan)
    _after_end(problems, table, known, ended, plan.phase_ids, phase, "a measurement")
    ids = {p: {t.id for t in targets_for(p)} for p in plan.partners}
    bad = _rows([k and t not in ids[p] for k, p, t in zip(known.to_numpy(), frame["partner"],
                                                          frame["target_id"], strict=True)])
    report_rows(problems, table, bad, "target_id", "not a target of this phase for the partner"
                if phase in plan.phase_ids else "not a performance level of the plan",
                found=[show_id(t) for t in frame["target_id"].iloc[bad]],
                expected=" | ".join(sorted(set().union(*ids.values()))) or "a target id")
    bad = _rows([k and a not in plan.arenas.get(p, ()) for k, p, a in
                 zip(known.to_numpy(), frame["partner"], frame["arena"], strict=True)])
    for row in bad[:20]:
        p = frame["partner"].iloc[row]
        problems.add(table.file, "arena", f"not an arena of partner {p}",
                     line=table.where(int(row)), found=show_id(frame["arena"].iloc[row]),
                     expected=" | ".join(plan.arenas.get(p, ())))
    values = read_numbers(problems, table, "value", amount=False)
    empty = _rows(frame["value"] == "")
    report_rows(problems, table, empty, "value", "no value (leave out an arena not measured: "
                "it shows as not evidenced)", found=[""] * len(empty), expected="a number")
    dates = read_dates(problems, table, "date")
    _required_text(problems, table, "evidence", "a measurement needs its evidence",
                   "the report or data source the value comes from")
    dup = _rows(frame.duplicated(["partner", "target_id", "arena"]))
    report_rows(problems, table, dup, "partner, target_id, arena", "measured twice",
                found=[f"{p} × {t} × {a}" for p, t, a in zip(
                    frame["partner"].iloc[dup], frame["target_id"].iloc[dup],
                    frame["arena"].iloc[dup], strict=True)],
                expected="one value per partner, target and arena")
    out = frame[MEASUREMENTS].copy()
    out["value"] = values.to_numpy()
    out["date"] = dates
    return out


def _partner_table(folder: Path, path: Path, problems: ProblemList, plan: Plan,
                   ended: dict[str, Ended], phase: str, columns: list[str], what: str
                   ) -> tuple[Table, pd.Series] | None:
    """Return an optional per-partner record of a phase and which rows name a partner of the
    plan (``None`` when the file is absent or unreadable), after refusing rows for a partner
    already ended."""
    if not path.exists():
        return None
    table = read_table(path, problems, label=_rel(folder, path), required=tuple(columns))
    if table is None:
        return None
    known = _partners(problems, table, plan)
    _after_end(problems, table, known, ended, plan.phase_ids, phase, what)
    return table, known


def read_payments(folder: Path, path: Path, problems: ProblemList, plan: Plan,
                  ended: dict[str, Ended], phase: str) -> pd.DataFrame:
    """Return ``payments.csv`` (partner, amount, date); a payment to a partner after its
    partnership ended is an error (design.md)."""
    columns = ["partner", "amount", "date"]
    read = _partner_table(folder, path, problems, plan, ended, phase, columns, "a payment")
    if read is None:
        return pd.DataFrame(columns=columns)
    table, _ = read
    frame = table.frame
    amounts = read_numbers(problems, table, "amount")
    bad = _rows((amounts <= 0) | (frame["amount"] == ""))
    report_rows(problems, table, bad, "amount", "a payment must be a positive amount",
                found=frame["amount"].iloc[bad], expected="> 0")
    dates = read_dates(problems, table, "date")
    for row, (partner, day) in enumerate(zip(frame["partner"], dates, strict=True)):
        end = ended.get(partner)
        if end is not None and day is not None and day > end.date:
            problems.add(table.file, "date", "a payment after the partnership ended",
                         line=table.where(row), found=day.isoformat(),
                         expected=f"on or before {end.date.isoformat()}, when {partner}'s "
                         f"partnership ended (phase {end.phase})")
    out = frame[columns].copy()
    out["amount"] = amounts.to_numpy()
    out["date"] = dates
    return out


def read_gate(folder: Path, path: Path, problems: ProblemList, plan: Plan,
              ended: dict[str, Ended], phase: str) -> pd.DataFrame:
    """Return ``gate.csv`` (partner, decision, reason, date, decided_by): the committee's
    decisions after ``phase``, each with its reason, dated on or after the phase's end."""
    columns = ["partner", "decision", "reason", "date", "decided_by"]
    read = _partner_table(folder, path, problems, plan, ended, phase, columns,
                          "a gate decision")
    if read is None:
        return pd.DataFrame(columns=columns)
    table, known = read
    frame = table.frame
    frame["decision"] = frame["decision"].str.lower()
    last = plan.is_last(phase)
    allowed = ("complete", "end") if last else ("continue", "end")
    bad = _rows(~frame["decision"].isin(DECISIONS))
    report_rows(problems, table, bad, "decision", "unknown decision",
                found=frame["decision"].iloc[bad], expected=" | ".join(allowed))
    bad = _rows(frame["decision"].isin(DECISIONS) & ~frame["decision"].isin(allowed))
    report_rows(problems, table, bad, "decision", "the last development phase ends in complete "
                "or end" if last else "complete is the last development phase's decision",
                found=frame["decision"].iloc[bad], expected=" | ".join(allowed))
    _required_text(problems, table, "reason", "a gate decision needs its reason",
                   "why the committee decided so (the targets it rests on)")
    _required_text(problems, table, "decided_by", "who decided", "the committee or its members")
    dates = read_dates(problems, table, "date")
    the_phase = plan.phase(phase)
    for row, (partner, day, ok) in enumerate(zip(frame["partner"], dates, known,
                                                 strict=True)):
        if ok and day is not None and day < the_phase.end_for(partner):
            problems.add(table.file, "date", "a decision dated before its phase's end",
                         line=table.where(row), found=day.isoformat(),
                         expected=f"on or after {the_phase.end_for(partner).isoformat()}, "
                         f"when phase {phase} ends for {partner}")
    dup = _rows(frame["partner"].duplicated())
    report_rows(problems, table, dup, "partner", "decided twice", found=frame["partner"].iloc[dup],
                expected="one decision per partner and phase")
    out = frame[columns].copy()
    out["date"] = dates
    return out


def _word(problems: ProblemList, table: Table, column: str, words: dict[str, set[str]]
          ) -> pd.Series:
    """Return ``column`` as one of ``words``' keys (``ja`` → ``yes``), recording the others."""
    lower = table.frame[column].str.lower()
    out = pd.Series([next((k for k, v in words.items() if w in v), "") for w in lower],
                    index=lower.index)
    bad = _rows(out == "")
    report_rows(problems, table, bad, column, "unknown value", found=table.frame[column].iloc[bad],
                expected=" | ".join(words))
    return out


def read_followers(folder: Path, problems: ProblemList) -> pd.DataFrame | None:
    """Return ``partnership/followers.csv``: the buyer and the follower municipalities, with
    their buildings, floor area, whether the notice named them and their option."""
    path = folder / "partnership" / "followers.csv"
    columns = ["municipality_id", "name", "role", "buildings", "floor_area_m2",
               "named_in_notice", "option"]
    table = read_table(path, problems, label=_rel(folder, path), required=tuple(columns))
    if table is None:
        return None
    check_id_column(table, "municipality_id", problems)
    frame = table.frame
    dup = _rows(frame["municipality_id"].duplicated())
    report_rows(problems, table, dup, "municipality_id", "listed twice",
                found=frame["municipality_id"].iloc[dup], expected="one line per municipality")
    _required_text(problems, table, "name", "empty name", "the municipality's name")
    role = _word(problems, table, "role", {"buyer": {"buyer", "kjøper"},
                                           "follower": {"follower", "følger", "følgekommune"}})
    buyers = int((role == "buyer").sum())
    if buyers != 1:
        problems.add(table.file, "role", "exactly one buyer (the contracting authority)",
                     line=1, found=f"{buyers} buyers", expected="1 buyer, the rest followers")
    buildings = read_numbers(problems, table, "buildings", amount=False)
    bad = _rows((buildings < 0) | (buildings != buildings.round()) | (frame["buildings"] == ""))
    report_rows(problems, table, bad, "buildings", "not a whole number of buildings",
                found=frame["buildings"].iloc[bad], expected="0, 1, 2, ...")
    area = read_numbers(problems, table, "floor_area_m2", amount=False)
    bad = _rows((area < 0) | (frame["floor_area_m2"] == ""))
    report_rows(problems, table, bad, "floor_area_m2", "not a floor area",
                found=frame["floor_area_m2"].iloc[bad], expected="square metres, >= 0")
    named = _word(problems, table, "named_in_notice", {"yes": YES, "no": NO})
    option = _word(problems, table, "option", {"yes": YES, "no": NO, "undecided": UNDECIDED})
    return pd.DataFrame({"municipality_id": frame["municipality_id"], "name": frame["name"],
                         "role": role, "buildings": buildings, "floor_area_m2": area,
                         "named_in_notice": named == "yes", "option": option})


def read_purchases(folder: Path, problems: ProblemList, plan: Plan,
                   followers: pd.DataFrame | None, ended: dict[str, Ended],
                   remaining: tuple[str, ...]) -> pd.DataFrame:
    """Return ``partnership/purchase/purchase.csv``: the committee's recorded purchase
    decisions (buyer, partner, decision, proportionality_assessment, reason, date,
    decided_by). Missing, or without the buyer's decision on a remaining partner: refused (the
    tool never takes the decision)."""
    path = folder / "partnership" / "purchase" / "purchase.csv"
    columns = ["buyer", "partner", "decision", "proportionality_assessment", "reason", "date",
               "decided_by"]
    table = read_table(path, problems, label=_rel(folder, path), required=tuple(columns))
    if table is None:
        return pd.DataFrame(columns=columns)
    normalise_ids(table, "buyer")
    frame = table.frame
    known = _partners(problems, table, plan)
    _after_end(problems, table, known, ended, plan.phase_ids, "purchase", "a purchase decision")
    ids = list(followers["municipality_id"]) if followers is not None else []
    bad = _rows(~frame["buyer"].isin(ids)) if followers is not None else _rows([])
    report_rows(problems, table, bad, "buyer", "not a municipality of followers.csv",
                found=[show_id(b) for b in frame["buyer"].iloc[bad]],
                expected="a municipality_id of followers.csv")
    frame["decision"] = frame["decision"].str.lower()
    bad = _rows(~frame["decision"].isin(PURCHASE_DECISIONS))
    report_rows(problems, table, bad, "decision", "unknown decision",
                found=frame["decision"].iloc[bad], expected=" | ".join(PURCHASE_DECISIONS))
    buyer = None if followers is None else next(iter(
        followers.loc[followers["role"] == "buyer", "municipality_id"]), None)
    mine = frame["buyer"] == buyer
    bare = _rows(mine & (frame["proportionality_assessment"] == ""))
    report_rows(problems, table, bare, "proportionality_assessment", "the committee's "
                "assessment of proportionality is not recorded (the tool never makes it)",
                found=[""] * len(bare), expected="the committee's assessment, in words")
    _required_text(problems, table, "reason", "a purchase decision needs its reason",
                   "why the committee decided so")
    _required_text(problems, table, "decided_by", "who decided", "the committee or its members")
    dates = read_dates(problems, table, "date")
    last = plan.phases[-1]
    for row, (partner, day, ok) in enumerate(zip(frame["partner"], dates, known, strict=True)):
        if ok and day is not None and day < last.end_for(partner):
            problems.add(table.file, "date", "a purchase decision dated before the development "
                         "ended", line=table.where(row), found=day.isoformat(),
                         expected=f"on or after {last.end_for(partner).isoformat()}")
    dup = _rows(frame.duplicated(["buyer", "partner"]))
    report_rows(problems, table, dup, "buyer, partner", "decided twice",
                found=frame["buyer"].iloc[dup], expected="one decision per buyer and partner")
    for partner in remaining:
        if buyer is not None and not ((frame["partner"] == partner) & mine).any():
            problems.add(table.file, "partner", f"no recorded purchase decision of {buyer} on "
                         f"partner {partner}: the committee decides, the tool only checks",
                         found="no row", expected=f"a row {buyer},{partner},exercise|decline,…")
    out = frame[columns].copy()
    out["date"] = dates
    return out
