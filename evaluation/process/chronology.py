"""Checks that the recorded dates of a procedure come in the order the law expects.

Recorded dates are compared with each other, never with today (design.md, "Resolved for the
stages"): a record made years later for an audit is not wrong for being old. The method must be
fixed before the tenders are opened (KOFA 2023/0999; legal.md), so a model frozen after a
declaration or after the seal is a warning; so is a declaration of impartiality dated after the
seal (a warning, not an error: refusing it would invite backdating).
"""

from __future__ import annotations

import datetime as dt

from evaluation.common.labels import Label, format_date
from evaluation.core.tender import Tender


def _moment(text: object) -> dt.datetime | None:
    """Return a recorded ISO time (``2026-11-02T09:30:00+00:00`` or ``…Z``) in UTC."""
    try:
        moment = dt.datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def chronology_warnings(tender: Tender, frozen_at: str | None) -> list[Label]:
    """Return a warning for every recorded date out of order: a declaration after the seal,
    a model frozen (``frozen_at``, from its lock) after a declaration or after the seal."""
    out: list[Label] = []
    sealed = _moment((tender.seal or {}).get("sealed_at")) if tender.seal else None
    declared: list[tuple[str, dt.date]] = []
    if tender.declarations is not None:
        declared = sorted((str(e), d) for e, d in zip(tender.declarations["evaluator"],
                                                       tender.declarations["date"], strict=True)
                          if isinstance(d, dt.date))
    if sealed is not None:
        for evaluator, date in declared:
            if date > sealed.date():
                out.append(Label(
                    f"Habilitetserklæringen til {evaluator} er datert {_nb(date)}, etter at "
                    f"kvalitetspoengene ble forseglet {_nb(sealed.date())}.",
                    f"The impartiality declaration of {evaluator} is dated {_en(date)}, after "
                    f"the quality scores were sealed on {_en(sealed.date())}."))
    frozen = _moment(frozen_at) if frozen_at else None
    if frozen is None:
        return out
    later: list[tuple[str, str]] = [
        (f"habilitetserklæringen til {e} ({_nb(d)})", f"the declaration of {e} ({_en(d)})")
        for e, d in declared if frozen.date() > d]
    if sealed is not None and frozen > sealed:
        later.append((f"forseglingen ({_nb(sealed.date())})", f"the seal ({_en(sealed.date())})"))
    if later:
        out.append(Label(
            f"Modellen ble frosset {_nb(frozen.date())}, etter " + ", ".join(n for n, _ in later)
            + ": metoden skal ligge fast før tilbudene åpnes.",
            f"The model was frozen on {_en(frozen.date())}, after " + ", ".join(e for _, e in later)
            + ": the method must be fixed before the tenders are opened."))
    return out


def _nb(date: dt.date) -> str:
    return format_date(date, "nb")


def _en(date: dt.date) -> str:
    return format_date(date, "en")

