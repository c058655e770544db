"""What every section of a protocol is given and gives back: the run (:class:`Context`) and a
titled list of blocks (:class:`Section`).

A section is a small function ``(Context) -> Section``; a protocol is a list of them rendered
in order (:mod:`evaluation.paperwork.protocol`). A later stage of the procedure (a
prequalification, a negotiation round) adds its own section functions and reuses these.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evaluation.common.labels import Label, format_date, format_money, format_number
from evaluation.common.labels import pick as _t
from evaluation.core.tender import Tender
from evaluation.paperwork.paper import Block


@dataclass(frozen=True)
class Context:
    """A finished run as a protocol reads it; ``public`` for the variant open to the public."""

    run: Path
    tender: Tender
    results: dict[str, Any]
    manifest: dict[str, Any]
    language: str
    public: bool = False

    def t(self, nb: str, en: str) -> str:
        """Return the text in the protocol's language."""
        return _t(self.language, nb, en)

    def label(self, label: Label) -> str:
        return label.get(self.language)

    def number(self, value: float | None, decimals: int = 2) -> str:
        return format_number(value, self.language, decimals)

    def money(self, value: float | None) -> str:
        return format_money(value, self.language, self.tender.currency)

    @property
    def run_name(self) -> str:
        return str(self.manifest.get("run", self.run.name))

    def proposal(self, pid: str) -> dict[str, Any]:
        return next(p for p in self.results["proposals"] if p["id"] == pid)


@dataclass
class Section:
    """A titled part of a protocol: ``anchor`` is its id in the page (the contents link it)."""

    anchor: str
    title: str
    blocks: list[Block] = field(default_factory=list)

    def add(self, kind: str, text: str = "") -> None:
        self.blocks.append(Block(kind, text))

    def table(self, header: list[str], rows: list[list[Any]], css: str = "evaluation-table"
              ) -> None:
        self.blocks.append(Block("table", header=tuple(header), css=css,
                                 rows=tuple(tuple("" if c is None else str(c) for c in r)
                                            for r in rows)))

    def heading_blocks(self, level: str = "h2") -> list[Block]:
        """Return the section as blocks, its title first (with its anchor)."""
        return [Block(level, self.title, anchor=self.anchor), *self.blocks]


def when(timestamp: str | None, language: str) -> str:
    """Return an ISO 8601 time as a reader writes it: ``02.11.2026 kl. 09:30 UTC`` (bokmål),
    ``2026-11-02 09:30 UTC``; a plain date as a date; the text itself when it is neither."""
    if not timestamp:
        return "–"
    try:
        moment = dt.datetime.fromisoformat(str(timestamp).replace("Z", "+00:00"))
    except ValueError:
        return str(timestamp)
    if len(str(timestamp)) <= 10:
        return format_date(moment.date(), language)
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    clock = moment.strftime("%H:%M") + (" UTC" if moment.tzinfo is not None else "")
    return f"{format_date(moment.date(), language)} " + _t(language, f"kl. {clock}", clock)
