"""Turns an evaluation into the ``score`` object of design.md (JSON, CSV, table).

The contract's keys never change meaning; extra keys (warnings, diagnostics, flags) are
allowed. Numbers are full precision, never pre-rounded; JSON carries ``null``, never NaN.
"""

from __future__ import annotations

from typing import Any

from evaluation.common.labels import format_number, text_table
from evaluation.common.payload import clean, collector_paused, number
from evaluation.core.evaluation import Evaluation

SCHEMA_VERSION = 1


def score_object(evaluation: Evaluation, language: str | None = None) -> dict[str, Any]:
    """Return the ``evaluation score --format json`` object (design.md)."""
    with collector_paused():  # millions of small dicts, no cycle among them
        return _score_object(evaluation, language)


def _score_object(evaluation: Evaluation, language: str | None) -> dict[str, Any]:
    model = evaluation.model
    tender = evaluation.tender
    language = language or model.language
    ids = evaluation.proposal_ids
    leaf_col = {leaf.id: j for j, leaf in enumerate(evaluation.leaves)}
    positions = [evaluation.index(pid) for pid in evaluation.order]
    positions += [i for i in range(len(ids)) if evaluation.excluded[i]]
    low = evaluation.diagnostics.get("abnormally_low", {})
    suppliers = dict(zip(tender.proposals.index, map(str, tender.proposals["supplier"]),
                         strict=True))
    quality_pos = {leaf.id: j for j, leaf in enumerate(model.quality_leaves)}
    proposals = []
    nodes = list(model.nodes())
    for i in positions:
        pid = ids[i]
        excluded = bool(evaluation.excluded[i])
        criteria: dict[str, Any] = {}
        for node in nodes:
            points = number(evaluation.node_points[node.id][i])
            if node.is_leaf:
                j = leaf_col[node.id]
                entry: dict[str, Any] = {"score": number(evaluation.scores[i, j]),
                                         "normalised": None if excluded else
                                         number(evaluation.normalised[i, j]),
                                         "points": points}
                if node.id in quality_pos:
                    q = quality_pos[node.id]
                    entry["spread"] = number(evaluation.panel.spread[i, q])
                    entry["disagreement"] = bool(evaluation.panel.flagged[i, q])
                criteria[node.id] = entry
            else:
                criteria[node.id] = {"points": points}
        reason = evaluation.exclusion_reason[i]
        item: dict[str, Any] = {
            "id": pid,
            "supplier": suppliers[pid],
            "rank": None if excluded else int(evaluation.rank[i]),
            "total": None if excluded else number(evaluation.totals[i]),
            "total_pct": None if excluded else number(100.0 * evaluation.totals[i] / model.points),
            "excluded": excluded,
            "exclusion_reason": None if reason is None else reason.get(language),
            "partner": pid in evaluation.partners,
            "prices": {f: number(evaluation.prices[i, j])
                       for j, f in enumerate(evaluation.price_fields)},
            "abnormally_low": low.get(pid, []),
            "criteria": criteria,
        }
        if evaluation.evaluated_price is not None:
            item["evaluated_price"] = None if excluded else number(evaluation.evaluated_price[i])
        if evaluation.ratio is not None:
            item["quality_per_price"] = None if excluded else number(evaluation.ratio[i])
        proposals.append(item)
    return {
        "schema_version": SCHEMA_VERSION,
        "tender": tender.id,
        "title": tender.title.get(language),
        "model": model.id,
        "model_sha256": model.sha256,
        "award_model": model.award_model,
        "points_max": model.points,
        "currency": tender.currency,
        "language": language,
        "winner": evaluation.winner,
        "partners": list(evaluation.partners),
        "proposals": proposals,
        "warnings": [w.get(language) for w in evaluation.warnings],
        "diagnostics": clean(evaluation.diagnostics),  # the proposals are built clean
    }


def score_rows(obj: dict[str, Any]) -> list[dict[str, Any]]:
    """Return one flat row per proposal × node, for ``--format csv``."""
    rows = []
    for p in obj["proposals"]:
        for cid, c in p["criteria"].items():
            rows.append({"proposal_id": p["id"], "supplier": p["supplier"], "rank": p["rank"],
                         "total": p["total"], "excluded": p["excluded"], "criterion_id": cid,
                         "score": c.get("score"), "normalised": c.get("normalised"),
                         "points": c["points"]})
    return rows


def score_table(evaluation: Evaluation, language: str) -> str:
    """Return the ranking as a plain-text table in ``language``."""
    obj = score_object(evaluation, language)
    model = evaluation.model
    tops = list(model.criteria)
    en = language == "en"
    head = ["#", "ID", "Supplier" if en else "Leverandør", *(t.id for t in tops),
            "Total" if en else "Sum", ""]
    lines = [head]
    for p in obj["proposals"]:
        status = ("partner" if p["partner"] else "") if not p["excluded"] else \
            ("excluded: " if en else "utelatt: ") + (p["exclusion_reason"] or "")
        lines.append([
            "–" if p["rank"] is None else str(p["rank"]), p["id"], p["supplier"][:34],
            *(format_number(p["criteria"][t.id]["points"], language) for t in tops),
            format_number(p["total"], language), status])
    text = "\n".join(text_table(lines))
    title = obj["title"]
    out = [title, "=" * min(len(title), 100), text]
    if obj["partners"]:
        out.append(("Partners: " if en else "Partnere: ") + ", ".join(obj["partners"]))
    return "\n".join(out)
