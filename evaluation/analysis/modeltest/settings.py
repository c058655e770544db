"""The model test's settings: ``model_test:`` in a model, checked with ``file:line``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from evaluation.common.errors import CriteriaError, ProblemList
from evaluation.core.model import Model
from evaluation.data.yamlio import read_yaml

from .constants import CANDIDATES, DEFAULT_COMPETITIONS, DEFAULT_SEED, MAX_PROPOSALS


@dataclass(frozen=True)
class Settings:
    """How fictitious competitions are drawn; recorded so that a result can be re-run."""

    competitions: int = DEFAULT_COMPETITIONS
    seed: int = DEFAULT_SEED
    proposals: tuple[int, int] = (3, MAX_PROPOSALS)
    spread: float = 0.25  # σ of log price; guidance range 10–40 %
    correlation: float = 0.3  # ρ between price level and quality; guidance −0.3 to 0.7
    field_correlation: float = 0.5  # between a proposal's price fields
    decoy_markup: float = 0.2  # the decoy's price above the dearest proposal's
    budget: Mapping[str, float] = field(default_factory=dict)  # per price field
    models: tuple[str, ...] = ()  # candidates to compare; () means all that apply

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Settings:
        """Return settings recorded by :meth:`as_dict` (e.g. in a lock file)."""
        known = {k: data[k] for k in _SETTING_KEYS if k in data}
        for key in ("proposals", "models"):
            if key in known:
                known[key] = tuple(known[key])
        return cls(**known)

    def as_dict(self) -> dict[str, Any]:
        return {"competitions": self.competitions, "seed": self.seed,
                "proposals": list(self.proposals), "spread": self.spread,
                "correlation": self.correlation, "field_correlation": self.field_correlation,
                "decoy_markup": self.decoy_markup, "budget": dict(self.budget),
                "models": list(self.models)}


_SETTING_KEYS = ("competitions", "seed", "proposals", "spread", "correlation",
                 "field_correlation", "decoy_markup", "budget", "models")


def read_settings(model: Model, overrides: Mapping[str, Any] | None = None) -> Settings:
    """Return the model's ``model_test:`` settings with ``overrides`` (e.g. from options).

    Raises :class:`CriteriaError` with ``file:line`` for every bad value of the section and
    of the overrides (reported as ``option``).
    """
    problems = ProblemList()
    raw: dict[str, Any] = dict(model.model_test)
    doc = read_yaml(model.source, ProblemList()) if raw else None
    where = str(model.source)

    def line(*path: str | int) -> int | None:
        return doc.line(("model_test", *path)) if doc is not None else None

    for key in raw:
        if key not in _SETTING_KEYS:
            problems.add(where, f"model_test.{key}", "unknown setting", line=line(key),
                         found=key, expected=" | ".join(_SETTING_KEYS))
    values: dict[str, Any] = {}
    sources = [(k, v, f"model_test.{k}", line(k)) for k, v in raw.items()
               if k in _SETTING_KEYS]
    sources += [(k, v, f"option {k}", None) for k, v in (overrides or {}).items()
                if v is not None]
    for key, value, name, at in sources:
        parsed = _parse_setting(key, value, name, at, where, problems, model, line)
        if parsed is not None:
            values[key] = parsed
    problems.raise_if_any(CriteriaError)
    return Settings(**values)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.replace(",", ".").replace(" ", "").replace("\u00a0", ""))
        except ValueError:
            return None
    return None


def _parse_setting(key: str, value: Any, name: str, at: int | None, where: str,
                   problems: ProblemList, model: Model, line: Any) -> Any:
    def bad(message: str, expected: str) -> None:
        problems.add(where, name, message, line=at, found=value, expected=expected)

    if key in ("competitions", "seed"):
        number = _number(value)
        lowest = 1 if key == "competitions" else 0
        if number is None or not number.is_integer() or number < lowest:
            bad("not a whole number", f"an integer >= {lowest}")
            return None
        return int(number)
    if key == "proposals":
        pair = value if isinstance(value, list | tuple) else None
        numbers = [_number(v) for v in pair] if pair is not None and len(pair) == 2 else None
        if numbers is None or None in numbers or not all(
                float(n).is_integer() for n in numbers if n is not None):
            bad("must be [fewest, most] proposals", "[3, 10]")
            return None
        lo, hi = (int(n) for n in numbers if n is not None)
        if not 2 <= lo <= hi <= MAX_PROPOSALS:
            bad("fewest and most proposals out of range", f"2 <= fewest <= most <= "
                f"{MAX_PROPOSALS}")
            return None
        return (lo, hi)
    if key == "models":
        items = value if isinstance(value, list | tuple) else [value]
        unknown = [m for m in items if m not in CANDIDATES]
        if unknown:
            bad("unknown model to compare", " | ".join(CANDIDATES))
            return None
        return tuple(str(m) for m in items)
    if key == "budget":
        fields = [leaf.price.field for leaf in model.price_leaves if leaf.price is not None]
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            amount = _number(value)
            if amount is None or amount <= 0:
                bad("not a positive amount", "an amount or {field: amount}")
                return None
            return dict.fromkeys(fields, amount)
        if not isinstance(value, Mapping):
            bad("must be {price field: amount}", "{" + ", ".join(fields) + "}")
            return None
        budget: dict[str, float] = {}
        for f, amount_raw in value.items():
            amount = _number(amount_raw)
            if f not in fields:
                problems.add(where, f"{name}.{f}", "not a price field of the model",
                             line=line(key, f) if at is not None else None, found=f,
                             expected=" | ".join(fields))
            elif amount is None or amount <= 0:
                problems.add(where, f"{name}.{f}", "not a positive amount",
                             line=line(key, f) if at is not None else None, found=amount_raw,
                             expected="an amount > 0")
            else:
                budget[str(f)] = amount
        return budget
    number = _number(value)
    limits = {"spread": (0.0, 1.0, "0 < spread <= 1 (guidance: 0.10 to 0.40)"),
              "correlation": (-1.0, 1.0, "-1 < correlation < 1 (guidance: -0.3 to 0.7)"),
              "field_correlation": (0.0, 1.0, "0 <= field_correlation <= 1"),
              "decoy_markup": (0.0, 10.0, "0 < decoy_markup <= 10")}
    low, high, text = limits[key]
    inside = number is not None and (
        (low < number <= high) if key in ("spread", "decoy_markup") else
        (low < number < high) if key == "correlation" else (low <= number <= high))
    if not inside:
        bad("out of range", text)
        return None
    return number
