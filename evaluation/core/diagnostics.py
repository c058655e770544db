"""Diagnostics every evaluation shows: what the model really does with the weights and prices.

Formulas from price-models.md, "Diagnostics every evaluation should show", and legal.md.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
from numpy.typing import NDArray

from evaluation.common.labels import Label, format_money, format_number
from evaluation.core.evaluation import Evaluation
from evaluation.core.model import ENVIRONMENT_MINIMUM
from evaluation.core.price_models import MODELS, is_bounded, price_slope

Array = NDArray[np.float64]


def realised_weights(values: Array, weights: Array) -> Array:
    """Return each criterion's realised weight: its share of the spread that decides.

    .. math:: rw_c = \\frac{w_c(\\max_i S_{ic} - \\min_i S_{ic})}{\\sum_d w_d(\\max_i S_{id} -
       \\min_i S_{id})}

    Source: price-models.md, "Diagnostics". ``values`` are the included proposals' leaf values.
    """
    if values.shape[0] == 0:
        return np.zeros_like(weights)
    scored = ~np.all(np.isnan(values), axis=0)  # monetised price leaves carry no value
    filled = np.where(scored, values, 0.0)
    spread = np.nanmax(filled, axis=0) - np.nanmin(filled, axis=0)
    raw = weights * spread
    total = raw.sum()
    return raw / total if total > 0 else np.zeros_like(weights)


def abnormally_low(prices: Array, share: float) -> tuple[NDArray[np.bool_], float]:
    """Return which prices lie under ``share`` × the median, and that threshold.

    FOA § 24-9: the buyer must ask the supplier to explain before rejecting; the workbook only
    flags (default share 70 %, design.md).
    """
    finite = prices[np.isfinite(prices)]
    if finite.size < 2:
        return np.zeros(prices.shape, dtype=bool), float("nan")
    threshold = share * float(np.median(finite))
    return np.isfinite(prices) & (prices < threshold), threshold


def nok_per_quality_point(evaluation: Evaluation) -> dict[str, dict[str, float | None]]:
    """Return the implied amount one score point on each quality leaf is worth, per price leaf.

    .. math:: \\text{NOK/point}_c = \\frac{w_c / R_c}{(w_p / R_p)\\,|dS_p/dP|}

    with ``R`` the scale ranges; on equal 0–M scales this is ``(w_c/w_p)/|dS_p/dP|``
    (linear: ``(w_c/w_p)·Pmin/(M·k)``), price-models.md "Diagnostics". Evaluated at the
    winner's price.
    """
    model = evaluation.model
    out: dict[str, dict[str, float | None]] = {}
    winner = evaluation.winner
    if winner is None or model.award_model != "weighted_points":
        return out
    rows = np.flatnonzero(evaluation.included)
    w_index = evaluation.index(winner)
    for p_leaf in model.price_leaves:
        spec = p_leaf.price
        assert spec is not None
        column = evaluation.prices[:, evaluation.price_fields.index(spec.field)]
        slopes = price_slope(spec.model, column[rows], maximum=p_leaf.scale.max,
                             direction=spec.direction, params=spec.params)
        slope = float(slopes[int(np.searchsorted(rows, w_index))])
        w_p = model.global_weight(p_leaf.id) / p_leaf.scale.range
        for q_leaf in model.quality_leaves:
            w_c = model.global_weight(q_leaf.id) / q_leaf.scale.range
            value = w_c / (w_p * slope) if w_p > 0 and slope > 0 else None
            out.setdefault(q_leaf.id, {})[p_leaf.id] = value
    return out


def budget_check(evaluation: Evaluation) -> tuple[dict[str, Any] | None, list[Label]]:
    """Return the budget's diagnostics and a warning for every proposal priced above the
    budget and for the selected partners' prices together when they exceed it.

    The budget (``tender.yaml``) limits one price field; it excludes nobody: what to do
    with a proposal above it is the buyer's call, recorded by the committee.
    """
    tender = evaluation.tender
    if tender.budget is None or tender.budget_field not in evaluation.price_fields \
            or tender.quality_only:
        return None, []
    budget, fld = float(tender.budget), str(tender.budget_field)
    column = evaluation.prices[:, evaluation.price_fields.index(fld)]
    above = [pid for pid, price in zip(evaluation.proposal_ids, column, strict=True)
             if np.isfinite(price) and price > budget]
    money = {lang: format_money(budget, lang, tender.currency) for lang in ("nb", "en")}
    price = {pid: float(column[evaluation.index(pid)]) for pid in above}
    warnings = [Label(
        f"Tilbud {pid} ({fld} {format_money(price[pid], 'nb', tender.currency)}) er over "
        f"budsjettet på {money['nb']}.",
        f"Proposal {pid} ({fld} {format_money(price[pid], 'en', tender.currency)}) is above "
        f"the budget of {money['en']}.") for pid in above]
    partners = [evaluation.index(pid) for pid in evaluation.partners]
    together = float(np.sum(column[partners])) if partners else 0.0
    if len(partners) > 1 and together > budget:
        warnings.append(Label(
            f"Partnerne ({', '.join(evaluation.partners)}) har til sammen {fld} "
            f"{format_money(together, 'nb', tender.currency)}, over budsjettet på "
            f"{money['nb']}.",
            f"The partners ({', '.join(evaluation.partners)}) together have {fld} "
            f"{format_money(together, 'en', tender.currency)}, above the budget of "
            f"{money['en']}."))
    return {"amount": budget, "field": fld, "above": above,
            "partners_total": together if partners else None}, warnings


def integrity_warnings(tender: Any) -> list[Label]:
    """Return the warnings about the evaluation process records (legal.md)."""
    out = []
    if tender.declarations is None and tender.evaluators:
        out.append(Label(
            "Ingen habilitetserklæringer er registrert (declarations.csv); se FOA § 7-5 og "
            "forvaltningsloven §§ 6–10.",
            "No impartiality declarations are recorded (declarations.csv); see FOA § 7-5 and "
            "forvaltningsloven §§ 6–10."))
    if tender.quality_only:
        out.append(Label(
            "Kvaliteten er ikke forseglet ennå (price_opening: after_seal): bare kvalitet er "
            "evaluert, ingen pris er lest.",
            "Quality is not sealed yet (price_opening: after_seal): only quality is "
            "evaluated, no price was read."))
    elif tender.seal is None and tender.model.quality_leaves and tender.model.price_leaves:
        out.append(Label(
            "Kvalitetspoengene ble ikke forseglet før prisene ble kjent (evaluation seal).",
            "Quality scores were not sealed before prices were seen (evaluation seal)."))
    if tender.seal is not None and tender.seal.get("reopenings"):
        n = len(tender.seal["reopenings"])
        out.append(Label(f"Forseglingen er åpnet {n} gang(er); se protokollen.",
                         f"The seal was reopened {n} time(s); see the protocol."))
    return out


def integrity_summary(tender: Any) -> dict[str, Any]:
    """Return the process records for outputs and the protocol (JSON-ready)."""
    # sorted: the records must not depend on the order of the rows in the files
    declarations = None if tender.declarations is None else sorted(
        ({"evaluator": r.evaluator, "date": str(r.date), "statement": r.statement,
          "conflicts": r.conflicts} for r in tender.declarations.itertuples()),
        key=lambda d: (d["evaluator"], d["date"], d["statement"]))
    recusals = [] if tender.recusals is None else sorted(
        ({"evaluator": r.evaluator, "proposal_id": r.proposal_id, "reason": r.reason}
         for r in tender.recusals.itertuples()),
        key=lambda d: (d["evaluator"], d["proposal_id"], d["reason"]))
    explanations = None if tender.explanations is None else sorted(
        tender.explanations.to_dict(orient="records"),
        key=lambda d: tuple(str(v) for v in d.values()))
    seal = None if tender.seal is None else {
        "sealed_at": tender.seal.get("sealed_at"), "files": tender.seal.get("files", {}),
        "reopenings": tender.seal.get("reopenings", [])}
    proposals = tender.proposals
    rejected = [{"proposal_id": str(pid), "reason": str(r.rejection_reason),
                 "legal_basis": str(getattr(r, "rejection_basis", "") or
                                    getattr(r, "legal_basis", "") or "")}
                for pid, r in proposals[~proposals["admissible"].to_numpy(dtype=bool)].iterrows()]
    return {"declarations": declarations, "recusals": recusals, "seal": seal,
            "quality_only": tender.quality_only, "explanations": explanations,
            "rejected": rejected}


def diagnose(evaluation: Evaluation) -> Evaluation:
    """Return ``evaluation`` with its diagnostics and warnings filled in."""
    model = evaluation.model
    tender = evaluation.tender
    warnings: list[Label] = list(evaluation.warnings)
    diag: dict[str, Any] = {}
    included = evaluation.included
    rows = np.flatnonzero(included)

    env = model.environment_weight()
    env_warn = model.environment_rule_applies and env < ENVIRONMENT_MINIMUM - 1e-9 and \
        model.environment_exception is None
    diag["environment"] = {"weight": env, "minimum": ENVIRONMENT_MINIMUM,
                           "exception": model.environment_exception, "warning": env_warn}
    if env_warn:
        warnings.append(Label(
            f"Klima og miljø vektes samlet {format_number(100 * env, 'nb', 1)} %, under 30 % "
            "(se FOA § 7-9). Dokumenter et unntak med begrunnelse i modellen.",
            f"Climate and environment weigh {format_number(100 * env, 'en', 1)} % in all, "
            "under 30 % (see FOA § 7-9). Record an exception with its reason in the model."))
    if model.award_model in ("monetised", "surcharge"):
        warnings.append(Label(
            "Prissetting av kvalitet / påslagsmodell: begrunn at klima og miljø teller minst "
            "30 % (se FOA § 7-9, DFØ).",
            "Monetised / surcharge award model: argue that climate and environment count at "
            "least 30 % (see FOA § 7-9, DFØ)."))
    if model.award_model == "value_for_money":
        warnings.append(Label(
            "Pris per kvalitetspoeng oppgir ingen prosentvise vekter, som FOA § 18-1 krever "
            "over EØS-terskelverdien.",
            "Value for money states no percentage weights, which FOA § 18-1 requires above the "
            "EEA threshold."))

    values = evaluation.values[rows]
    weights = evaluation.global_weights
    rw = realised_weights(values, weights) if rows.size else np.zeros_like(weights)
    diag["realised_weights"] = {leaf.id: float(r) for leaf, r in zip(evaluation.leaves, rw,
                                                                     strict=True)}
    diag["nominal_weights"] = {leaf.id: float(w) for leaf, w in zip(evaluation.leaves, weights,
                                                                    strict=True)}
    diag["nok_per_point"] = {} if tender.quality_only else nok_per_quality_point(evaluation)

    relative, leaking, bounded = [], [], True
    for leaf in model.price_leaves:
        spec = leaf.price
        assert spec is not None
        if spec.model == "none":
            continue
        info = MODELS[spec.model]
        if info.relative:
            relative.append(leaf.id)
        if info.leaks_prices:
            leaking.append(leaf.id)
        bounded = bounded and is_bounded(spec.model, spec.params)
    diag["relative_price_models"] = relative
    diag["price_leak"] = leaking
    for leaf_id in relative:
        leaf = model.node(leaf_id)
        assert leaf.price is not None
        name = MODELS[leaf.price.model].name
        warnings.append(Label(
            f"{leaf.title.nb}: prismodellen «{name['nb']}» er relativ (poengene avhenger av de "
            "andre tilbudene); å legge til eller fjerne et tilbud som ikke vinner kan snu "
            "rangeringen.",
            f"{leaf.title.en}: the price model '{name['en']}' is relative (points depend on the "
            "other proposals); adding or removing a non-winning proposal can reverse the "
            "ranking."))
    if leaking:
        titles = [model.node(i).title for i in leaking]
        warnings.append(Label(
            "Publiserte prispoeng lar en tapende tilbyder regne ut konkurrentenes priser ("
            + ", ".join(t.nb for t in titles) + "); vurder å utelate prispoeng i meddelelsen.",
            "Published price points let a losing bidder compute rivals' prices ("
            + ", ".join(t.en for t in titles) + "); consider leaving price points out of the "
            "notice."))

    # Unbeatable lead: only where every price leaf is bounded to [0, M].
    price_cols = np.array([leaf.is_price for leaf in evaluation.leaves], dtype=bool)
    diag["max_price_swing"] = None
    diag["cannot_win_on_price"] = []
    if model.award_model == "weighted_points" and price_cols.any() and bounded and rows.size:
        swing = model.points * float(weights[price_cols].sum())
        quality = model.points * (np.nan_to_num(evaluation.values[:, ~price_cols]) @
                                  weights[~price_cols])
        best = float(np.max(quality[rows]))
        hopeless = [evaluation.proposal_ids[i] for i in rows if best - quality[i] > swing]
        diag["max_price_swing"] = swing
        diag["cannot_win_on_price"] = hopeless
        if hopeless:
            warnings.append(Label(
                f"Kvalitetsforspranget kan ikke tas igjen på pris (prisen kan flytte totalen "
                f"høyst {format_number(swing, 'nb', 2)} poeng) for tilbud {', '.join(hopeless)}.",
                f"The quality lead cannot be overturned by any price (price moves a total by at "
                f"most {format_number(swing, 'en', 2)} points) for proposals "
                f"{', '.join(hopeless)}."))

    low: dict[str, list[str]] = {}
    thresholds: dict[str, float] = {}
    benefit = {leaf.price.field for leaf in model.price_leaves
               if leaf.price is not None and leaf.price.direction == "benefit"}
    for j, fld in enumerate(evaluation.price_fields):
        if fld in benefit:  # a low discount or few hours is no abnormally low price
            continue
        column = np.where(included, evaluation.prices[:, j], np.nan)
        flags, threshold = abnormally_low(column, model.abnormally_low_share)
        thresholds[fld] = threshold
        for i in np.flatnonzero(flags):
            pid = evaluation.proposal_ids[i]
            low.setdefault(pid, []).append(fld)
            warnings.append(Label(
                f"Tilbud {pid} ({fld} {format_money(column[i], 'nb', tender.currency)}) er "
                f"under {format_number(100 * model.abnormally_low_share, 'nb', 0)} % av "
                "medianen: unormalt lavt, be leverandøren forklare prisen (FOA § 24-9).",
                f"Proposal {pid} ({fld} {format_money(column[i], 'en', tender.currency)}) is "
                f"under {format_number(100 * model.abnormally_low_share, 'en', 0)} % of the "
                "median: abnormally low, ask the supplier to explain (FOA § 24-9)."))
    diag["abnormally_low"] = low
    diag["abnormally_low_thresholds"] = thresholds
    budget_diag, budget_warn = budget_check(evaluation)
    if budget_diag is not None:
        diag["budget"] = budget_diag
    warnings.extend(budget_warn)
    flagged = int(evaluation.panel.flagged.sum())
    diag["disagreements"] = flagged
    warnings.extend(integrity_warnings(tender))
    diag["integrity"] = integrity_summary(tender)
    return dataclasses.replace(evaluation, warnings=tuple(warnings), diagnostics=diag)
