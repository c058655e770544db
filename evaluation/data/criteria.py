"""The evaluation model: criteria tree, weights, scales, price models and rules.

``load_model`` reads ``criteria/<model>.yaml``, checks every rule of the data contract once and
returns frozen dataclasses; nothing downstream validates again.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from evaluation.common.errors import CriteriaError, ProblemList
from evaluation.common.hashing import sha256_file
from evaluation.common.ids import nfc
from evaluation.common.labels import LANGUAGES, Label
from evaluation.core.model import (
    AGGREGATIONS,
    AWARD_MODELS,
    ENVIRONMENT_MINIMUM,
    ENVIRONMENT_TOLERANCE,
    LOT,
    NORMALISATIONS,
    TIE_BREAK_KEYWORDS,
    WEIGHT_TOLERANCE,
    Criterion,
    Model,
    Scale,
    environment_share,
)
from evaluation.data.identifiers import check_id
from evaluation.data.model_reader import ModelReader, check_price_scale, parse_price
from evaluation.data.yamlio import Path_, read_yaml, unknown_key

# --- parsing -------------------------------------------------------------------------------










_NODE_KEYS = {"id", "title", "weight", "weight_range", "scale", "guidance", "tags",
              "normalisation", "minimum", "price", "criteria", "value", "description"}


def _parse_node(r: ModelReader, raw: Any, path: Path_, parent: tuple[str, ...], default: Scale,
                points: float, weighted: bool) -> Criterion | None:
    if not isinstance(raw, dict):
        r.add(path, "a criterion must be a mapping with id, title and weight", found=raw)
        return None
    for key in raw:
        if key not in _NODE_KEYS:
            r.add((*path, key), unknown_key(key, _NODE_KEYS))
    cid = raw.get("id")
    if not isinstance(cid, str) or not cid.strip():
        r.add((*path, "id"), "every criterion needs an id", found=cid)
        cid = f"?{path}"
    else:
        cid = check_id(cid, r.problems, r.doc.file, ".".join(map(str, (*path, "id"))),
                       r.doc.line((*path, "id")))
    title = r.label(raw.get("title"), (*path, "title"))
    if title is None:
        r.add((*path, "title"), "every criterion needs a title", found="nothing")
        title = Label(cid, cid)
    weight = r.number(raw.get("weight"), (*path, "weight"), expected="a weight from 0 to 100")
    if weight is not None and weight < 0:
        r.add((*path, "weight"), "negative weight", found=weight, expected=">= 0")
    scale = r.scale(raw.get("scale"), (*path, "scale"), default)
    own_path = (*parent, cid)
    children: list[Criterion] = []
    sub = raw.get("criteria")
    if sub is not None:
        if not isinstance(sub, list) or not sub:
            r.add((*path, "criteria"), "a group needs a non-empty list of criteria", found=sub)
        else:
            for i, child in enumerate(sub):
                node = _parse_node(r, child, (*path, "criteria", i), own_path, scale, points,
                                   weighted)
                if node is not None:
                    children.append(node)
    price = None
    if raw.get("price") is not None:
        if sub is not None:
            r.add((*path, "price"), "a group cannot carry a price model; put it on a leaf")
        else:
            price = parse_price(r, raw["price"], (*path, "price"), weighted)
            if price is not None:
                check_price_scale(r, price, scale, (*path, "price"))
    normalisation = r.choice(raw.get("normalisation"), (*path, "normalisation"), NORMALISATIONS,
                             "none")
    if price is not None and normalisation != "none":
        r.add((*path, "normalisation"), "price leaves are scored by their price model, not "
              "normalised", found=normalisation, expected="none")
    minimum = r.number(raw.get("minimum"), (*path, "minimum"))
    if minimum is not None:
        if price is not None:
            r.add((*path, "minimum"), "a price leaf cannot carry a quality threshold",
                  found=minimum)
        elif sub is None and not scale.contains(minimum):
            r.add((*path, "minimum"), "threshold outside the criterion's scale", found=minimum,
                  expected=f"{scale.min:g} to {scale.max:g}")
        elif sub is not None and not 0 <= minimum <= points:
            r.add((*path, "minimum"), "a group threshold is points of the model's total and "
                  "must lie within it", found=minimum, expected=f"0 to {points:g}")
    weight_range = None
    if raw.get("weight_range") is not None:
        wr = raw["weight_range"]
        if not (isinstance(wr, list) and len(wr) == 2):
            r.add((*path, "weight_range"), "must be [low, high]", found=wr)
        else:
            lo = r.number(wr[0], (*path, "weight_range", 0))
            hi = r.number(wr[1], (*path, "weight_range", 1))
            if lo is not None and hi is not None:
                if not 0 <= lo <= hi <= 100:
                    r.add((*path, "weight_range"), "must satisfy 0 <= low <= high <= 100",
                          found=[lo, hi])
                elif weight is not None and not lo <= weight <= hi:
                    r.add((*path, "weight_range"), "the published weight lies outside its "
                          "announced range", found=weight, expected=f"{lo:g} to {hi:g}")
                else:
                    weight_range = (lo, hi)
    tags_raw = raw.get("tags") or []
    if not isinstance(tags_raw, list) or not all(isinstance(t, str) for t in tags_raw):
        r.add((*path, "tags"), "tags must be a list of words", found=tags_raw)
        tags_raw = []
    value = r.number(raw.get("value"), (*path, "value"), expected="an amount")
    if value is not None and value < 0:
        r.add((*path, "value"), "a monetised value must not be negative", found=value)
    return Criterion(
        id=cid, title=title, weight=weight, path=own_path, children=tuple(children),
        scale=scale, weight_range=weight_range,
        guidance=r.label(raw.get("guidance"), (*path, "guidance")), tags=tuple(tags_raw),
        normalisation=normalisation, minimum=minimum, price=price, value=value,
    )


def _check_tree(r: ModelReader, nodes: list[Criterion], paths: list[Path_], award_model: str,
                seen: dict[str, Path_]) -> None:
    weights = [n.weight for n in nodes]
    given = [w for w in weights if w is not None]
    if len(given) != len(weights) and (given or award_model in ("weighted_points", "surcharge")):
        for n, p in zip(nodes, paths, strict=True):
            if n.weight is None:
                r.add((*p, "weight"), "missing weight", found="nothing",
                      expected="a weight from 0 to 100")
    elif given and abs(sum(given) - 100.0) > WEIGHT_TOLERANCE:
        names = ", ".join(f"{n.id} {n.weight:g}" for n in nodes)
        r.add(paths[0][:-1] or ("criteria",), f"weights of siblings must sum to 100 ({names})",
              found=sum(given), expected="100")
    for n, p in zip(nodes, paths, strict=True):
        if n.id in seen:
            r.add((*p, "id"), "duplicate criterion id (first used at line "
                  f"{r.doc.line(seen[n.id])})", found=n.id, expected="a unique id")
        else:
            seen[n.id] = p
        if n.children:
            _check_tree(r, list(n.children), [(*p, "criteria", i) for i in range(len(n.children))],
                        award_model, seen)


def _check_environment(r: ModelReader, nodes: tuple[Criterion, ...], exception: str | None
                       ) -> None:
    """Refuse an award model whose climate and environment weigh under 30 % without the
    exception's reason (FOA § 7-9), at the lower end of every announced weight range."""
    share = environment_share(nodes, lowest=True)
    if exception is None and share < ENVIRONMENT_MINIMUM - ENVIRONMENT_TOLERANCE:
        ranged = any(n.weight_range for top in nodes for n in top.walk())
        r.add(("criteria",), "climate and environment (criteria tagged environment) weigh under "
              "30 % of the award criteria (FOA § 7-9)" + (", at the lower end of the announced "
              "weight ranges" if ranged else ""), found=f"{100 * share:.4g} %",
              expected="at least 30 %, or environment_exception: the reason given in the "
              "procurement documents")


_MODEL_KEYS = {"id", "title", "language", "scale", "points", "aggregation", "disagreement",
               "tie_break", "award_model", "corridor_pct", "discount_rate", "justifications",
               "environment_exception", "abnormally_low", "model_test", "criteria",
               "description", "fictional"}
# A prequalification's selection.yaml carries its procedure beside the criteria; they are read
# by evaluation.data.prequalification.
SELECTION_KEYS = {"evaluators", "requirements", "invite"}


def model_purpose(path: Path) -> str:
    """Return ``selection`` for a prequalification's model (``prequalification/
    selection.yaml``, design.md), ``award`` for any other."""
    return "selection" if (path.name, path.parent.name) == ("selection.yaml",
                                                             "prequalification") else "award"


def load_model(path: Path | str, *, label: str | None = None, purpose: str = "award") -> Model:
    """Return the validated model in ``path``; raise :class:`CriteriaError` with every problem.

    ``purpose``: ``award`` (the award criteria), or ``selection`` (a prequalification's
    selection criteria, to which FOA § 7-9's environment share does not apply).
    """
    path = Path(path)
    problems = ProblemList()
    doc = read_yaml(path, problems, label=label)
    if doc is None:
        problems.raise_if_any(CriteriaError)
        raise AssertionError  # pragma: no cover - read_yaml records a problem on failure
    r, raw = ModelReader(doc, problems), doc.data
    known = _MODEL_KEYS | (SELECTION_KEYS if purpose == "selection" else set())
    unknown = [key for key in raw if key not in known]
    for key in unknown:
        r.add((key,), unknown_key(key, known))
    if unknown:  # a misspelt rule would make every later message point the wrong way
        problems.raise_if_any(CriteriaError)
    mid = raw.get("id") or path.stem
    title = r.label(raw.get("title"), ("title",)) or Label(mid, mid)
    language = r.choice(raw.get("language"), ("language",), LANGUAGES, "nb")
    scale = r.scale(raw.get("scale"), ("scale",), Scale())
    points = r.number(raw.get("points", "100"), ("points",))
    points = 100.0 if points is None else points
    if points <= 0:
        r.add(("points",), "the maximum total must be positive", found=points)
        points = 100.0
    aggregation = r.choice(raw.get("aggregation"), ("aggregation",), AGGREGATIONS, "consensus")
    disagreement = r.number(raw.get("disagreement", "0.3"), ("disagreement",))
    disagreement = 0.3 if disagreement is None else disagreement
    if disagreement > 1:  # "30" or "30 %" mean a percentage
        disagreement /= 100.0
    if not 0 < disagreement <= 1:
        r.add(("disagreement",), "share of the scale range must lie in (0, 1]",
              found=disagreement)
    award_model = r.choice(raw.get("award_model"), ("award_model",), AWARD_MODELS,
                           "weighted_points")
    corridor = r.number(raw.get("corridor_pct"), ("corridor_pct",))
    discount = r.number(raw.get("discount_rate"), ("discount_rate",))
    if discount is not None and not -1 < discount < 1:
        r.add(("discount_rate",), "a yearly discount rate is a share such as 0.04",
              found=discount, expected="-1 < rate < 1")
    low_share = r.number(raw.get("abnormally_low", "0.7"), ("abnormally_low",))
    low_share = 0.7 if low_share is None else low_share
    if not 0 < low_share < 1:
        r.add(("abnormally_low",), "share of the median under which a price is abnormally low",
              found=low_share, expected="0 < share < 1")
    justifications = r.choice(raw.get("justifications"), ("justifications",),
                              ("required", "optional"), "required")
    exception = raw.get("environment_exception")
    if isinstance(exception, dict):
        exception = exception.get("reason")
    if exception is not None and (not isinstance(exception, str) or not exception.strip()):
        r.add(("environment_exception",), "an exception from FOA § 7-9 needs its reason",
              found=exception)
        exception = None
    tie_break = raw.get("tie_break") or ["quality", "price"]
    if isinstance(tie_break, str):
        tie_break = [tie_break]
    tie_break = [nfc(k) if isinstance(k, str) else k for k in tie_break]
    nodes: list[Criterion] = []
    crit = raw.get("criteria")
    if not isinstance(crit, list) or not crit:
        r.add(("criteria",), "a model needs a list of criteria", found=crit)
        crit = []
    for i, item in enumerate(crit):
        node = _parse_node(r, item, ("criteria", i), (), scale, points,
                           award_model == "weighted_points")
        if node is not None:
            nodes.append(node)
    if nodes:
        _check_tree(r, nodes, [("criteria", i) for i in range(len(nodes))], award_model, {})
    ids = {n.id for top in nodes for n in top.walk()}
    for i, key in enumerate(tie_break):
        if purpose == "selection" and key == LOT:
            if i != len(tie_break) - 1:
                r.add(("tie_break", i), "drawing lots can only settle what every other rule "
                      "left tied: it must be the last tie-break key", found=key,
                      expected=f"the last entry, after {', '.join(tie_break[i + 1:])}")
            continue
        if key not in TIE_BREAK_KEYWORDS and key not in ids:
            r.add(("tie_break", i), "unknown tie-break key", found=key,
                  expected="quality | price | a criterion id" + (" | lot (last)" if purpose ==
                                                                  "selection" else ""))
    for top in nodes:
        for n in top.walk():
            if n.is_leaf:
                continue
            has_price = any(leaf.price for leaf in n.walk() if leaf.is_leaf)
            if n.minimum is not None and has_price:
                r.add(("criteria",), f"criterion {n.id}: a group threshold can only count "
                      "quality criteria", found="a price leaf in the group")
            if n.normalisation != "none" and has_price:
                r.add(("criteria",), f"criterion {n.id}: normalisation applies to quality "
                      "groups only", found=n.normalisation, expected="none")
    if award_model == "value_for_money" and corridor is None:
        corridor = 0.0
    leaves = [n for top in nodes for n in top.walk() if n.is_leaf]
    if award_model == "monetised":
        for n in leaves:
            if n.price is None and n.value is None:
                r.add(("criteria",), f"criterion {n.id}: a monetised model needs the amount "
                      "deducted at the scale maximum", found="no value", expected="value: <NOK>")
    weighted = all(n.weight is not None for top in nodes for n in top.walk())
    if purpose == "award" and weighted and nodes:  # Model.environment_rule_applies
        _check_environment(r, tuple(nodes), exception)
    if purpose == "selection":
        for n in leaves:
            if n.price is not None:
                r.add(("criteria",), f"criterion {n.id}: selection criteria rank the "
                      "applicants' qualifications; a request to participate has no price",
                      found="a price leaf", expected="quality criteria only")
        if award_model != "weighted_points":
            r.add(("award_model",), "selection criteria are weighted points",
                  found=award_model, expected="weighted_points")
    elif award_model != "weighted_points" and sum(1 for n in leaves if n.price) != 1:
        r.add(("award_model",), f"award model {award_model} needs exactly one price leaf",
              found=sum(1 for n in leaves if n.price))
    problems.raise_if_any(CriteriaError)
    return Model(
        id=str(mid), title=title, language=language, scale=scale, points=points,
        aggregation=aggregation, disagreement=disagreement, tie_break=tuple(tie_break),
        award_model=award_model, criteria=tuple(nodes), source=Path(os.path.abspath(path)),
        sha256=sha256_file(path), corridor_pct=corridor,
        discount_rate=discount, justifications_required=justifications == "required",
        environment_exception=exception, abnormally_low_share=low_share,
        model_test=raw.get("model_test") or {}, warnings=tuple(r.warnings), purpose=purpose,
    )
