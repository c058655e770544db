"""The model's ids in words: award model, aggregation, tie-break, normalisation, price formulas.

A report or a letter names the method as a reader understands it, never as the model file
spells it (``weighted_points``, ``linear``, ``consensus``, ``[quality, price]``). Every text
is a :class:`Label` in bokmål and English. The formulas in words restate the docstrings of
:mod:`evaluation.core.price`, :mod:`evaluation.core.award` and
:mod:`evaluation.core.schedule` (and ../shared/reference/price-models.md) with the model's
own parameters filled in; they compute nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from evaluation.common.labels import Label, format_number, format_percent
from evaluation.core.model import Criterion, Model
from evaluation.core.price_models import MODELS

AWARD_MODELS = {
    "weighted_points": Label(
        "vektet poengsum: hvert kriterium gir poeng etter sin vekt, og flest poeng samlet "
        "vinner",
        "weighted points: each criterion gives points by its weight, and the most points in "
        "total win"),
    "monetised": Label(
        "prissetting av kvalitet: kvaliteten trekkes fra prisen med kunngjorte kronebeløp, og "
        "lavest evaluert pris vinner",
        "monetised quality: quality is deducted from the price by announced amounts, and the "
        "lowest evaluated price wins"),
    "surcharge": Label(
        "påslagsmodell: prisen får et påslag for manglende kvalitet, og lavest evaluert pris "
        "vinner",
        "surcharge model: the price is marked up for quality below the maximum, and the lowest "
        "evaluated price wins"),
    "value_for_money": Label(
        "pris per kvalitetspoeng: flest kvalitetspoeng per krone vinner",
        "value for money: the most quality points per unit of currency win"),
}

AGGREGATIONS = {
    "consensus": Label(
        "komiteens omforente karakter (konsensus) per kriterium; evaluatorenes egne "
        "karakterer er dokumentasjon",
        "the committee's agreed score (consensus) per criterion; the evaluators' own scores "
        "are the record"),
    "mean": Label("gjennomsnittet av evaluatorenes karakterer per kriterium",
                  "the mean of the evaluators' scores per criterion"),
    "median": Label("medianen av evaluatorenes karakterer per kriterium",
                    "the median of the evaluators' scores per criterion"),
}

NORMALISATIONS = {
    "none": Label("ingen normalisering (fast målestokk)", "no normalisation (fixed yardstick)"),
    "proportional": Label("normalisert forholdsmessig: beste tilbud får toppkarakter, de "
                          "andre i forhold", "normalised proportionally: the best proposal "
                          "gets the top score, the others in proportion"),
    "shift": Label("normalisert ved forskyvning: alle flyttes like mye, så beste får "
                   "toppkarakter", "normalised by a shift: all move by the same amount, so "
                   "the best gets the top score"),
}

SAMPLERS = {
    "default": Label("kunngjorte vektintervaller der de finnes, ellers hele vektrommet",
                     "the announced weight ranges where given, otherwise the whole weight "
                     "space"),
    "dirichlet": Label("jevnt over alle mulige vektsett", "uniformly over all weight vectors"),
    "ranges": Label("jevnt innenfor de kunngjorte vektintervallene",
                    "uniformly within the announced weight ranges"),
    "interval": Label("jevnt i et bånd rundt de publiserte vektene",
                      "uniformly in a band around the published weights"),
}


def proposal_status(proposal: Mapping[str, Any], language: str) -> str:
    """Return a proposal's status in a ranking (a proposal of the ``score`` object): selected
    partner, not ranked and why, or nothing."""
    if proposal.get("partner"):
        return "valgt partner" if language != "en" else "selected partner"
    if proposal.get("excluded"):
        return ("ikke rangert: " if language != "en" else "not ranked: ") + str(
            proposal.get("exclusion_reason") or "–")
    return ""


def word(table: Mapping[str, Label], key: str) -> Label:
    """Return the words for ``key`` from one of this module's tables (the key itself when the
    table does not know it: a newer model file read by an older report)."""
    return table.get(key, Label(key, key))


def tie_break_words(model: Model) -> Label:
    """Return the model's tie-break order in words: "flest kvalitetspoeng, deretter …"."""
    parts: list[Label] = []
    for key in model.tie_break:
        if key == "quality":
            parts.append(Label("flest kvalitetspoeng", "the most quality points"))
        elif key == "price":
            parts.append(Label("flest prispoeng (lavest evaluert pris)",
                               "the most price points (the lowest evaluated price)"))
        else:
            title = model.node(key).title
            parts.append(Label(f"flest poeng på «{title.nb}»",
                               f"the most points on '{title.en}'"))
    if not parts:
        return Label("ingen utslagsregler: like summer deler plass",
                     "no tie-break rules: equal totals share a rank")
    return Label(", deretter ".join(p.nb for p in parts),
                 ", then ".join(p.en for p in parts))


def _n(value: Any, decimals: int = 2) -> Label:
    """A number in both languages' formats, trailing zeros dropped."""
    def one(language: str) -> str:
        text = format_number(float(value), language, decimals)
        mark = "," if language == "nb" else "."
        return text.rstrip("0").rstrip(mark) if mark in text else text
    return Label(one("nb"), one("en"))


def _join(*parts: Label | str) -> Label:
    return Label("".join(p if isinstance(p, str) else p.nb for p in parts),
                 "".join(p if isinstance(p, str) else p.en for p in parts))


def _floor(floor: Any) -> Label:
    if floor is None:
        return Label(" Ingen nedre grense: poengene kan bli negative.",
                     " No lower limit: points can be negative.")
    return _join(Label(" Laveste mulige poeng er ", " The lowest possible score is "),
                 _n(floor), ".")


def _linear(m: Label, cost: bool, p: Mapping[str, Any]) -> Label:
    slope = float(p.get("slope", 1.0))
    k, zero = _n(slope, 4), _n(1.0 + 1.0 / slope, 4)
    if cost:
        return _join(Label("Laveste pris får ", "The lowest price scores "), m, Label(
            " poeng; de andre mister poeng i forhold til hvor mye dyrere de er: S = ",
            " points; the others lose points by how much dearer they are: S = "), m,
            " × (1 − k × (P − Pmin) / Pmin), k = ", k, Label(
                ", der Pmin er laveste pris blant tilbudene som er med; en pris på ",
                ", where Pmin is the lowest price among the proposals taken into account; a "
                "price of "), zero, Label(" × Pmin gir 0 poeng.", " × Pmin scores 0."),
            _floor(p.get("floor")))
    return _join(Label("Høyeste verdi får ", "The highest number scores "), m,
                 Label(" poeng: S = ", " points: S = "), m, " × (1 − k × (Pmax − P) / Pmax), "
                 "k = ", k, ".", _floor(p.get("floor")))


def _proportional(m: Label, cost: bool, p: Mapping[str, Any]) -> Label:
    formula = " × Pmin / P" if cost else " × P / Pmax"
    return _join(Label("Beste pris får ", "The best price scores "), m,
                 Label(" poeng, de andre i forhold til den: S = ",
                       " points, the others in proportion to it: S = "), m, formula, ".")


def _two_sided(m: Label, cost: bool, p: Mapping[str, Any]) -> Label:
    formula = " × (Pmax − P) / (Pmax − Pmin)" if cost else " × (P − Pmin) / (Pmax − Pmin)"
    return _join(Label("Beste pris får ", "The best price scores "), m,
                 Label(" poeng og dårligste 0, rett linje imellom: S = ",
                       " points and the worst 0, a straight line between: S = "), m, formula,
                 Label(" (like priser gir alle full pott).", " (equal prices all score the "
                       "maximum)."))


def _fixed_endpoints(m: Label, cost: bool, p: Mapping[str, Any]) -> Label:
    best, worst = _n(p["best"]), _n(p["worst"])
    return _join(Label("Kunngjorte endepunkter: ", "Announced endpoints: "), best,
                 Label(" gir ", " scores "), m, Label(" poeng og ", " points and "), worst,
                 Label(" gir 0, rett linje imellom og ingen poeng utenfor [0, ",
                       " scores 0, a straight line between, no points outside [0, "), m,
                 "]: S = ", m, " × (", worst, " − P) / (", worst, " − ", best, ").",
                 Label(" Absolutt: de andre tilbudene påvirker ikke poengene.",
                       " Absolute: the other proposals do not affect the points."))


def _log(m: Label, cost: bool, p: Mapping[str, Any]) -> Label:
    a = _n(p["zero_at"])
    ratio = "P / Pmin" if cost else "Pmax / P"
    return _join(Label("Beste pris får ", "The best price scores "), m,
                 Label(" poeng; en pris ", " points; a price "), a,
                 Label(" ganger beste gir 0: S = ", " times the best scores 0: S = "), m,
                 f" × (1 − ln({ratio}) / ln ", a, ").", _floor(p.get("floor")))


def _piecewise(m: Label, cost: bool, p: Mapping[str, Any]) -> Label:
    points = [_join(_n(x), " → ", _n(s)) for x, s in p["breakpoints"]]
    outside = p.get("outside", "clip")
    return _join(Label("Poeng lest av en kunngjort kurve gjennom punktene (pris → poeng) ",
                       "Points read off an announced curve through the points (price → "
                       "points) "), Label("; ".join(x.nb for x in points),
                                         "; ".join(x.en for x in points)),
                 Label(", rett linje mellom punktene; utenfor ", ", a straight line between "
                       "them; outside them "),
                 Label("holdes endepunktenes poeng." if outside == "clip" else
                       "forlenges første og siste linjestykke.",
                       "the end points' scores hold." if outside == "clip" else
                       "the first and last segments are extended."))


def _bilinear_mean(m: Label, cost: bool, p: Mapping[str, Any]) -> Label:
    x = _n(p["x"], 4)
    return _join(Label("Rabatt R: gjennomsnittlig rabatt gir ", "Discount R: the mean discount "
                       "scores "), x, " × ", m,
                 Label(" poeng og største rabatt ", " points and the largest discount "), m,
                 Label("; under gjennomsnittet S = ", "; below the mean S = "), m, " × ", x,
                 " × R / Rmean", Label(", over det S = ", ", above it S = "), m, " × (", x,
                 " + (1 − ", x, ") × (R − Rmean) / (Rmax − Rmean)).")


def _ratio_to_largest(m: Label, cost: bool, p: Mapping[str, Any]) -> Label:
    return _join(Label("Største verdi får ", "The largest number scores "), m,
                 Label(" poeng, de andre i forhold: S = ", " points, the others in proportion: "
                       "S = "), m, " × P / Pmax.")


_FORMULAS: dict[str, Callable[[Label, bool, Mapping[str, Any]], Label]] = {
    "linear": _linear, "proportional": _proportional, "two_sided": _two_sided,
    "fixed_endpoints": _fixed_endpoints, "log": _log, "piecewise": _piecewise,
    "bilinear_mean": _bilinear_mean, "ratio_to_largest": _ratio_to_largest,
}


def price_model_name(model_id: str, language: str) -> str:
    """Return a price model's name ("Lineær modell"), the id itself when unknown."""
    info = MODELS.get(model_id)
    return info.name["en" if language == "en" else "nb"] if info else model_id


def price_formula_words(leaf: Criterion) -> Label:
    """Return a price leaf's model in words with its parameters: its name, whether it is
    relative, and the formula (S the score on the leaf's scale, P the evaluated price)."""
    spec = leaf.price
    if spec is None:
        raise ValueError(f"{leaf.id} is not a price criterion")
    info = MODELS[spec.model]
    m = _n(leaf.scale.max)
    name = Label(info.name["nb"], info.name["en"])
    kind = (Label(" (relativ: poengene avhenger av de andre tilbudene)",
                  " (relative: the points depend on the other proposals)") if info.relative
            else Label(" (absolutt)", " (absolute)"))
    lower = (Label(" Lavere pris er bedre.", " A lower price is better.") if
             spec.direction == "cost" else
             Label(" Høyere verdi er bedre.", " A higher number is better."))
    formula = _FORMULAS[spec.model](m, spec.direction == "cost", spec.params)
    return _join(name, kind, ". ", formula, lower)


def discounting_words(model: Model) -> Label:
    """Return how yearly price lines become one evaluated price (net present value)."""
    if model.discount_rate is None:
        return Label("Prislinjer summeres (mengde × enhetspris) uten diskontering.",
                     "Price lines are summed (quantity × unit price) without discounting.")
    rate = Label(format_percent(100 * model.discount_rate, "nb", 1),
                 format_percent(100 * model.discount_rate, "en", 1))
    return _join(Label("Nåverdi: hvert års beløp (mengde × enhetspris) diskonteres med ",
                       "Net present value: each year's amount (quantity × unit price) is "
                       "discounted at "), rate,
                 Label(" per år, NPV = Σ beløp / (1 + r)^år; år 0 diskonteres ikke "
                       "(direktiv 2014/24 art. 68).",
                       " a year, NPV = Σ amount / (1 + r)^year; year 0 is not discounted "
                       "(Directive 2014/24 art. 68)."))


def award_model_words(model: Model) -> Label:
    """Return the award model in words, with the value-for-money corridor when it has one."""
    base = word(AWARD_MODELS, model.award_model)
    corridor = getattr(model, "corridor_pct", None)
    if model.award_model == "value_for_money" and corridor:
        return _join(base, Label("; tilbud innenfor ", "; proposals within "), _n(corridor),
                     Label(" % av beste skilles av utslagsreglene",
                           " % of the best are separated by the tie-break rules"))
    return base
