"""Negotiation rounds of an innovation partnership: the announced plan and the committee's
record (who met whom, which changes were sent, who left and why), as read and checked by
:mod:`evaluation.data.rounds`.

The award criteria and weights are the same frozen model in every round; the award is the
final round's evaluation; the final tender is not negotiated (FOA part III, directive
2014/24/EU art. 31; reference/innovation-partnership.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

PROCEDURE = "innovation_partnership"
KINDS = ("initial", "revised", "final")
DEPARTURES = ("withdrawn", "rejected", "eliminated")


@dataclass(frozen=True)
class Round:
    """A negotiation round as announced: its folder id, kind and the deadline for tenders."""

    id: str
    kind: str
    date: dt.date


@dataclass(frozen=True)
class Reduction:
    """An announced reduction: after round ``after``, keep the best ``keep`` by the award
    criteria (a tie at the cut keeps all tied)."""

    after: str
    keep: int


@dataclass(frozen=True)
class RoundPlan:
    """The procedure, its rounds in order and the announced reductions."""

    procedure: str | None
    rounds: tuple[Round, ...]
    reductions: tuple[Reduction, ...]

    def index(self, round_id: str) -> int:
        return [r.id for r in self.rounds].index(round_id)

    @property
    def final(self) -> Round | None:
        return next((r for r in self.rounds if r.kind == "final"), None)


@dataclass(frozen=True)
class NegotiationRecord:
    """The committee's record of the negotiation, checked (rows as read)."""

    meetings: pd.DataFrame  # round, proposal_id, date, participants, topics
    changes: pd.DataFrame  # round, date, document, deadline, sent_to
    departures: pd.DataFrame  # after_round, proposal_id, kind, reason, date
    tenderers: dict[str, list[str]]  # round id -> proposal ids, for the rounds present
    # after round id -> {proposal: its rank}: eliminated by an announced reduction
    eliminated: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Section:
    """One part of the account of a negotiation: a heading and a table (or a sentence)."""

    heading: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    empty: str = ""  # the sentence when there are no rows


def conduct(plan: RoundPlan, record: NegotiationRecord, language: str) -> list[Section]:
    """Return the conduct and progress of the negotiation (directive 2014/24/EU art.
    55(2)(d)): the rounds, the meetings per tender, the changes sent, the reductions and the
    departures, as bilingual tables in ``language``."""
    nb = language != "en"

    def t(no: str, en: str) -> str:
        return no if nb else en

    kinds = {"initial": t("første tilbud", "initial tenders"),
             "revised": t("revidert tilbud", "revised tenders"),
             "final": t("endelig tilbud (forhandles ikke)", "final tenders (not negotiated)")}
    out = [Section(t("Runder", "Rounds"), (t("Runde", "Round"), t("Type", "Kind"),
                                          t("Frist for tilbud", "Deadline for tenders"),
                                          t("Tilbydere", "Tenderers")),
                   tuple((r.id, kinds[r.kind], r.date.isoformat(),
                          ", ".join(record.tenderers.get(r.id, [])) or "–")
                         for r in plan.rounds))]
    out.append(Section(t("Forhandlingsmøter", "Negotiation meetings"),
                       (t("Runde", "Round"), t("Tilbud", "Tender"), t("Dato", "Date"),
                        t("Deltakere", "Participants"), t("Tema", "Topics")),
                       tuple(tuple(str(v) for v in row) for row in
                             record.meetings[["round", "proposal_id", "date", "participants",
                                              "topics"]].itertuples(index=False)),
                       t("Ingen møter er registrert.", "No meetings are recorded.")))
    out.append(Section(t("Endringer i konkurransedokumentene", "Changes to the documents"),
                       (t("Runde", "Round"), t("Sendt", "Sent"), t("Dokument", "Document"),
                        t("Frist", "Deadline"), t("Sendt til", "Sent to")),
                       tuple(tuple(str(v) for v in row) for row in
                             record.changes[["round", "date", "document", "deadline",
                                             "sent_to"]].itertuples(index=False)),
                       t("Ingen endringer er sendt.", "No changes were sent.")))
    reductions = tuple((r.after, str(r.keep), ", ".join(
        f"{p} ({t('nr.', 'ranked')} {k})" for p, k in record.eliminated.get(r.after, {}).items())
        or "–") for r in plan.reductions)
    out.append(Section(t("Kunngjorte reduksjoner", "Announced reductions"),
                       (t("Etter runde", "After round"), t("Går videre", "Go on"),
                        t("Utelukket etter tildelingskriteriene", "Eliminated by the award "
                          "criteria")), reductions,
                       t("Ingen reduksjon var kunngjort.", "No reduction was announced.")))
    words = {"withdrawn": t("trakk seg", "withdrawn"), "rejected": t("avvist", "rejected"),
             "eliminated": t("utelukket ved reduksjon", "eliminated by a reduction")}
    out.append(Section(t("Tilbydere som gikk ut", "Tenderers who left"),
                       (t("Etter runde", "After round"), t("Tilbud", "Tender"),
                        t("Hvorfor", "Why"), t("Begrunnelse", "Reason"), t("Dato", "Date")),
                       tuple((str(r.after_round), str(r.proposal_id),
                              words.get(str(r.kind), str(r.kind)), str(r.reason), str(r.date))
                             for r in record.departures.itertuples(index=False)),
                       t("Ingen tilbydere gikk ut underveis.", "No tenderer left on the way.")))
    return out
