"""Typed reading of an evaluation model's YAML, and its price specifications.

:class:`ModelReader` gives typed access to a parsed document and records problems (with the
file, line and field) instead of raising; :func:`parse_price` reads a price leaf's ``price:``
block against the catalogue of price models (:mod:`evaluation.core.price_models`).
"""

from __future__ import annotations

import math
from typing import Any

from evaluation.common.errors import ProblemList
from evaluation.common.ids import nfc
from evaluation.common.labels import Label
from evaluation.core.model import (
    PriceSpec,
    Scale,
)
from evaluation.core.price_models import MODELS
from evaluation.data.yamlio import Document, Path_, unknown_key


class ModelReader:
    """Typed access to a YAML document that records problems instead of raising."""

    def __init__(self, doc: Document, problems: ProblemList) -> None:
        self.doc, self.problems = doc, problems
        self.warnings: list[str] = []

    def add(self, path: Path_, message: str, found: object = None, expected: object = None
            ) -> None:
        name = ".".join(str(p) for p in path) or "(top)"
        self.problems.add(self.doc.file, name, message, line=self.doc.line(path),
                          found=found, expected=expected)

    def number(self, raw: Any, path: Path_, *, expected: str = "a number") -> float | None:
        if raw is None:
            return None
        if isinstance(raw, str):
            try:
                value = float(raw.replace(",", ".").replace("%", "").strip())
            except ValueError:
                value = math.nan
            if math.isfinite(value):
                return value
        self.add(path, "not a number", found=raw, expected=expected)
        return None

    def label(self, raw: Any, path: Path_) -> Label | None:
        if raw is None:
            return None
        if isinstance(raw, str):
            return Label(raw, raw)
        if isinstance(raw, dict) and set(raw) <= {"nb", "en"} and raw:
            nb, en = raw.get("nb"), raw.get("en")
            if all(isinstance(t, str) or t is None for t in (nb, en)):
                return Label(nb or en or "", en or nb or "")
        self.add(path, "a text must be a string or {nb: ..., en: ...}", found=raw)
        return None

    def choice(self, raw: Any, path: Path_, options: tuple[str, ...], default: str) -> str:
        if raw is None:
            return default
        if raw not in options:
            self.add(path, "unknown value", found=raw, expected=" | ".join(options))
            return default
        return str(raw)

    def scale(self, raw: Any, path: Path_, default: Scale) -> Scale:
        if raw is None:
            return default
        if not isinstance(raw, dict):
            self.add(path, "a scale must be {min: ..., max: ...}", found=raw)
            return default
        lo = self.number(raw.get("min", str(default.min)), (*path, "min"))
        hi = self.number(raw.get("max", str(default.max)), (*path, "max"))
        if lo is None or hi is None:
            return default
        if lo >= hi:
            self.add(path, "scale min must be below max", found=f"min {lo:g}, max {hi:g}",
                     expected="min < max")
            return default
        return Scale(lo, hi)


def parse_price(r: ModelReader, raw: Any, path: Path_, weighted: bool) -> PriceSpec | None:
    """Return the price specification of a price leaf, or ``None`` after recording why not."""
    if not isinstance(raw, dict):
        r.add(path, "price must be a mapping with model, field and parameters", found=raw)
        return None
    model = raw.get("model")
    if model is None and not weighted:
        # monetised, surcharge and value_for_money use the evaluated price itself
        model = "none"
        return PriceSpec(model, str(raw.get("field") or ""), "cost", {})
    if model not in MODELS:
        r.add((*path, "model"), "unknown price model", found=model,
              expected=" | ".join(MODELS))
        return None
    info = MODELS[model]
    field_name = raw.get("field")
    if isinstance(field_name, str):  # a column header of proposals.csv, which is read NFC
        field_name = nfc(field_name)
    if not isinstance(field_name, str) or not field_name:
        r.add((*path, "field"), "missing: the column of proposals.csv (or the field of "
              "prices.csv lines) holding this price", found=field_name)
    direction = r.choice(raw.get("direction"), (*path, "direction"), ("cost", "benefit"),
                         info.directions[0])
    if direction not in info.directions:
        r.add((*path, "direction"), f"price model {model} scores only "
              f"{' or '.join(info.directions)} numbers", found=direction)
    params: dict[str, Any] = {}
    known = {"model", "field", "direction", *info.required, *info.optional}
    for key in raw:
        if key not in known:
            near = unknown_key(key, known).removeprefix("unknown key")
            r.add((*path, key), f"unknown parameter for price model {model}{near}", found=key,
                  expected=" | ".join((*info.required, *info.optional)) or "none")
    for key in info.required:
        if raw.get(key) is None:
            r.add((*path, key), f"missing parameter of price model {model}", found="nothing",
                  expected=key)
    for key in (*info.required, *info.optional):
        value = raw.get(key)
        if value is None:
            continue
        if key == "breakpoints":
            points = parse_breakpoints(r, value, (*path, key))
            if points is not None:
                params[key] = points
        elif key == "outside":
            params[key] = r.choice(value, (*path, key), ("clip", "extrapolate"), "clip")
        else:
            number = r.number(value, (*path, key))
            if number is not None:
                params[key] = number
    if model == "log" and params.get("zero_at", 2.0) <= 1.0:
        r.add((*path, "zero_at"), "the multiple of the best price scoring 0 must exceed 1",
              found=params["zero_at"], expected="> 1")
    if model == "fixed_endpoints" and params.get("best") == params.get("worst") is not None:
        r.add((*path, "worst"), "best and worst prices must differ", found=params["worst"])
    if model == "bilinear_mean" and not 0 < params.get("x", 0.85) < 1:
        r.add((*path, "x"), "the share of points at the mean must lie between 0 and 1",
              found=params["x"], expected="0 < x < 1")
    return PriceSpec(model, str(field_name or ""), direction, params)


def check_price_scale(r: ModelReader, price: PriceSpec, scale: Scale, path: Path_) -> None:
    """Check parameters that only make sense against the leaf's scale and direction."""
    p = price.params
    if price.model == "fixed_endpoints" and "best" in p and "worst" in p:
        if price.direction == "cost" and p["best"] >= p["worst"]:
            r.add((*path, "best"), "for a cost the best price must be below the worst",
                  found=f"best {p['best']:g}, worst {p['worst']:g}", expected="best < worst")
        if price.direction == "benefit" and p["best"] <= p["worst"]:
            r.add((*path, "best"), "for a benefit the best number must exceed the worst",
                  found=f"best {p['best']:g}, worst {p['worst']:g}", expected="best > worst")
    if "floor" in p and not p["floor"] <= scale.max:
        r.add((*path, "floor"), "the floor must lie on the leaf's scale", found=p["floor"],
              expected=f"<= {scale.max:g}")
    for i, (_, score) in enumerate(p.get("breakpoints", ())):
        if not scale.contains(score):
            r.add((*path, "breakpoints", i, 1), "breakpoint score outside the leaf's scale",
                  found=score, expected=f"{scale.min:g} to {scale.max:g}")


def parse_breakpoints(r: ModelReader, raw: Any, path: Path_
                      ) -> tuple[tuple[float, float], ...] | None:
    """Return a piecewise model's ``[[price, score], …]`` sorted by price, or ``None``."""
    pairs: list[tuple[float, float]] = []
    if not isinstance(raw, list) or len(raw) < 2:
        r.add(path, "breakpoints must be a list of at least two [price, score] pairs", found=raw)
        return None
    for i, pair in enumerate(raw):
        if not (isinstance(pair, list) and len(pair) == 2):
            r.add((*path, i), "a breakpoint must be [price, score]", found=pair)
            return None
        x, y = r.number(pair[0], (*path, i, 0)), r.number(pair[1], (*path, i, 1))
        if x is None or y is None:
            return None
        pairs.append((x, y))
    if len({x for x, _ in pairs}) != len(pairs):
        r.add(path, "breakpoint prices must differ", found=[x for x, _ in pairs])
        return None
    return tuple(sorted(pairs))
