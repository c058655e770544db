"""The sections of ``notebooks/model_test.ipynb``: the model test's comparison, plots and notes.

Each public method displays one section in the chosen language; the notebook calls them one
per cell and holds no logic. :func:`export_model_test` renders the same sections to the
offline HTML that a run keeps as evidence (``model_test.html``), without a kernel.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from evaluation.analysis.modeltest import (
    ModelTestResult,
    VariantSummary,
    read_settings,
    run_model_test,
)
from evaluation.common.labels import format_money, format_number, format_percent, yes_no
from evaluation.common.labels import pick as _t
from evaluation.common.markup import markdown_code
from evaluation.core.model import Model
from evaluation.data.criteria import load_model
from evaluation.views.display import figure_bundle, inline, publish_result, style_table

Bundle = dict[str, Any]


def _pct(share: float | None, language: str) -> str:
    return format_percent(None if share is None else 100.0 * share, language)


def _yes(flag: bool | None, language: str) -> str:
    if flag is None:
        return "–"
    return yes_no(flag, language)


def _percent_units(share: float | None, language: str) -> str:
    return "–" if share is None else format_number(100.0 * share, language, 1)


def comparison_rows(result: ModelTestResult, language: str) -> list[dict[str, str]]:
    """Return one row of text per compared model: the table of the CLI and the notebook."""
    lang = language
    rows = []
    for s in result.variants:
        nok = s.nok
        spread = "–" if nok["q1"] is None else (
            f"{format_money(nok['q1'], lang)} – {format_money(nok['q3'], lang)}")
        rows.append({
            _t(lang, "Modell", "Model"): s.variant.name.get(lang),
            _t(lang, "Relativ", "Relative"): _yes(s.variant.relative, lang),
            _t(lang, "Vinner skiftet, tilbud fjernet", "Winner changed, proposal removed"):
                _pct(s.removal_rate, lang),
            _t(lang, "Vinner skiftet, lokketilbud lagt til", "Winner changed, decoy added"):
                _pct(s.decoy_rate, lang),
            _t(lang, "Rekkefølgen ellers endret", "Order of the rest changed"):
                _pct(s.order_rate, lang),
            _t(lang, "Snudde aldri en rangering", "Never reversed a ranking"):
                _yes(s.never_reversed, lang),
            _t(lang, "Kr per kvalitetspoeng (median)", "NOK per quality point (median)"):
                format_money(nok["median"], lang),
            _t(lang, "Kvartilavstand", "Interquartile range"): spread,
            _t(lang, "Negative prispoeng", "Negative price points"): _pct(s.negative, lang),
            _t(lang, "Pris utenfor endepunktene", "Price outside the endpoints"):
                _pct(s.clipped, lang),
            _t(lang, "Uinnhentbart kvalitetsforsprang", "Unbeatable quality lead"):
                _pct(s.unbeatable, lang),
            _t(lang, "Poeng avslører priser", "Points leak prices"):
                _yes(s.variant.leaks_prices, lang),
        })
    return rows


def realised_rows(result: ModelTestResult, summary: VariantSummary,
                  language: str) -> list[dict[str, str]]:
    """Return, per leaf criterion, the nominal weight and the realised weights' distribution."""
    model = result.model
    rows = []
    for leaf in (*model.quality_leaves, *model.price_leaves):
        r = summary.realised[leaf.id]
        band = "–" if r["p5"] is None else \
            f"{_percent_units(r['p5'], language)} – {_percent_units(r['p95'], language)}"
        rows.append({_t(language, "Kriterium", "Criterion"): leaf.title.get(language),
                     _t(language, "Nominell vekt %", "Nominal weight %"):
                         _percent_units(r["nominal"], language),
                     _t(language, "Realisert vekt, snitt %", "Realised weight, mean %"):
                         _percent_units(r["mean"], language),
                     _t(language, "5–95 %", "5–95 %"): band})
    return rows


@dataclass
class ModelTestView:
    """A model test, with a method per notebook section."""

    result: ModelTestResult
    language: str
    parameters: dict[str, Any]
    sink: Callable[[Bundle], None] | None = field(default=None, repr=False)

    @classmethod
    def open(cls, criteria: str | Path, competitions: int | None = None,
             seed: int | None = None, language: str = "nb", **parameters: Any
             ) -> ModelTestView:
        """Return the view after loading the model (validated) and running its model test."""
        model = load_model(criteria)
        settings = read_settings(model, {"competitions": competitions, "seed": seed})
        return cls(run_model_test(model, settings), language,
                   {"criteria": str(criteria), "competitions": settings.competitions,
                    "seed": settings.seed, "language": language, **parameters})

    # -- output ------------------------------------------------------------------------------

    def _emit(self, bundle: Bundle) -> None:
        if self.sink is not None:
            self.sink(bundle)
            return
        from IPython.display import display

        display(bundle, raw=True)

    def _markdown(self, text: str) -> None:
        self._emit({"text/markdown": text, "text/plain": text})

    def _table(self, rows: list[dict[str, str]], uuid: str) -> None:
        frame = pd.DataFrame(rows)
        html = style_table(frame, self.language, uuid=uuid).to_html()
        self._emit({"text/html": html, "text/plain": frame.to_string(index=False)})

    def _figure(self, figure: Any) -> None:
        self._emit(figure_bundle(figure))

    # -- sections ----------------------------------------------------------------------------

    def summary(self) -> None:
        """Show the model, the settings (to re-run the test) and the conclusion."""
        r, lang = self.result, self.language
        s = r.settings
        model: Model = r.model
        rerun = markdown_code(f"evaluation model-test {model.source.name} --competitions "
                              f"{s.competitions} --seed {s.seed}")
        title, code = inline(model.title.get(lang)), markdown_code(model.id)
        lines = [
            _t(lang, "# Test av evalueringsmodellen", "# Testing the evaluation model"), "",
            _t(lang, f"Modell: **{title}** ({code}, sha256 `{model.sha256[:12]}…`).",
               f"Model: **{title}** ({code}, sha256 `{model.sha256[:12]}…`)."), "",
            _t(lang, f"{s.competitions} fiktive konkurranser med {s.proposals[0]}–"
                     f"{s.proposals[1]} tilbud; priser lognormalt rundt budsjettet med spredning "
                     f"{format_percent(100 * s.spread, lang, 0)}, korrelasjon mellom pris og "
                     f"kvalitet {format_number(s.correlation, lang, 2)}; frø {s.seed}. "
                     f"Kjør på nytt med {rerun}.",
               f"{s.competitions} fictitious competitions of {s.proposals[0]}–"
               f"{s.proposals[1]} proposals; prices log-normal around the budget with spread "
               f"{format_percent(100 * s.spread, lang, 0)}, correlation between price and "
               f"quality {format_number(s.correlation, lang, 2)}; seed {s.seed}. Re-run with "
               f"{rerun}."), "",
            f"**{inline(r.conclusion(lang))}**",
        ]
        self._markdown("\n".join(lines))

    def comparison(self) -> None:
        """Show the table that compares the models."""
        lang = self.language
        self._markdown(_t(
            lang, "## Sammenligning av pris- og tildelingsmodeller\n\nFor hver konkurranse er "
                  "vinneren regnet ut på nytt uten hvert tilbud som ikke vant, og med et "
                  "lokketilbud som er dårligere enn alle (dyrere og med lavere kvalitet). En "
                  "relativ modell kan da skifte vinner; en absolutt modell kan ikke det.",
            "## Price and award models compared\n\nIn every competition the winner is "
            "computed again without each non-winning proposal, and with a decoy worse than "
            "everybody (dearer and of lower quality). A relative model may then change the "
            "winner; an absolute model cannot."))
        self._table(comparison_rows(self.result, lang), "model-test-comparison")

    def reversal_chart(self) -> None:
        """Show how often each model changed the winner or the order."""
        import plotly.graph_objects as go

        from evaluation.views.figures import LAYOUT, PALETTE

        lang = self.language
        variants = self.result.variants
        names = [s.variant.name.get(lang) for s in variants]
        fig = go.Figure(layout={**LAYOUT, "barmode": "group", "height": 140 + 60 * len(names),
                                "title": _t(lang, "Snudde rangeringer", "Reversed rankings"),
                                "xaxis": {"title": _t(lang, "Andel av konkurransene (%)",
                                                      "Share of competitions (%)")},
                                "yaxis": {"autorange": "reversed", "automargin": True},
                                "legend": {"orientation": "h", "y": -0.12}})
        for name, values, color in (
                (_t(lang, "Vinner skiftet, tilbud fjernet", "Winner changed, proposal removed"),
                 [s.removal_rate for s in variants], PALETTE[2]),
                (_t(lang, "Vinner skiftet, lokketilbud", "Winner changed, decoy added"),
                 [s.decoy_rate for s in variants], PALETTE[4]),
                (_t(lang, "Rekkefølgen ellers endret", "Order of the rest changed"),
                 [s.order_rate for s in variants], PALETTE[0])):
            fig.add_bar(name=name, y=names, x=[100 * (v or 0.0) for v in values],
                        orientation="h", marker_color=color)
        self._markdown(_t(lang, "## Hvor ofte rangeringen snus",
                          "## How often the ranking is reversed"))
        self._figure(fig)

    def realised_weights(self) -> None:
        """Show the model's own realised weights against the nominal ones."""
        import plotly.graph_objects as go

        from evaluation.views.figures import LAYOUT, PALETTE

        r, lang = self.result, self.language
        own = r.own
        leaves = [*r.model.quality_leaves, *r.model.price_leaves]
        names = [leaf.title.get(lang) for leaf in leaves]
        stats = [own.realised[leaf.id] for leaf in leaves]
        self._markdown(_t(
            lang, "## Realiserte mot nominelle vekter\n\nRealisert vekt er et kriteriums andel "
                  "av forskjellene som avgjør i hver konkurranse; søylene viser snittet, "
                  "streken 5–95 % av konkurransene.",
            "## Realised against nominal weights\n\nA criterion's realised weight is its share "
            "of the differences that decide each competition; bars show the mean, whiskers "
            "5–95 % of the competitions."))
        fig = go.Figure(layout={**LAYOUT, "barmode": "group", "height": 140 + 50 * len(names),
                                "title": own.variant.name.get(lang),
                                "xaxis": {"title": "%"},
                                "yaxis": {"autorange": "reversed", "automargin": True},
                                "legend": {"orientation": "h", "y": -0.12}})
        fig.add_bar(name=_t(lang, "Nominell vekt", "Nominal weight"), y=names, orientation="h",
                    x=[100 * (s["nominal"] or 0.0) for s in stats], marker_color=PALETTE[0])
        means = [100 * (s["mean"] or 0.0) for s in stats]
        fig.add_bar(name=_t(lang, "Realisert vekt", "Realised weight"), y=names, x=means,
                    orientation="h", marker_color=PALETTE[4],
                    error_x={"type": "data", "symmetric": False,
                             "array": [100 * (s["p95"] or 0.0) - m for s, m in
                                       zip(stats, means, strict=True)],
                             "arrayminus": [m - 100 * (s["p5"] or 0.0) for s, m in
                                            zip(stats, means, strict=True)]})
        self._figure(fig)
        self._table(realised_rows(r, own, lang), "model-test-realised")

    def nok_per_point(self) -> None:
        """Show the implied NOK per quality point of every model, with its spread."""
        import plotly.graph_objects as go

        from evaluation.views.figures import LAYOUT, PALETTE

        lang = self.language
        shown = [s for s in self.result.variants if s.nok["median"] is not None]
        self._markdown(_t(
            lang, "## Hva ett kvalitetspoeng er verdt i kroner\n\nPrisøkningen som ett "
                  "poeng mer kvalitet (av modellens totalsum) veier opp, ved vinnerens pris. "
                  "Boksen viser kvartilene, strekene 5–95 % av konkurransene.",
            "## What one quality point is worth in NOK\n\nThe price increase that one more "
            "quality point (of the model's total) offsets, at the winner's price. Boxes show "
            "the quartiles, whiskers 5–95 % of the competitions."))
        fig = go.Figure(layout={**LAYOUT, "height": 140 + 45 * len(shown), "showlegend": False,
                                "title": _t(lang, "Kroner per kvalitetspoeng",
                                            "NOK per quality point"),
                                "xaxis": {"title": "NOK"},
                                "yaxis": {"autorange": "reversed", "automargin": True}})
        fig.add_box(y=[s.variant.name.get(lang) for s in shown], orientation="h",
                    q1=[s.nok["q1"] for s in shown], median=[s.nok["median"] for s in shown],
                    q3=[s.nok["q3"] for s in shown], lowerfence=[s.nok["p5"] for s in shown],
                    upperfence=[s.nok["p95"] for s in shown], marker_color=PALETTE[0])
        self._figure(fig)

    def notes(self) -> None:
        """Show what the candidates assume, what was left out, and the generated field."""
        r, lang = self.result, self.language
        g = r.generated
        lines = [_t(lang, "## Forutsetninger", "## Assumptions"), ""]
        lines += [f"- {inline(a.get(lang))}" for a in r.assumptions]
        lines += [f"- {inline(n.get(lang))}" for n in r.notes]
        lines.append("- " + _t(
            lang, f"I snitt {format_number(g['proposals_mean'], lang, 1)} tilbud per "
                  f"konkurranse; {_pct(g['excluded_share'], lang)} av tilbudene falt under et "
                  "minstekrav.",
            f"On average {format_number(g['proposals_mean'], lang, 1)} proposals per "
            f"competition; {_pct(g['excluded_share'], lang)} of the proposals fell below a "
            "minimum."))
        self._markdown("\n".join(lines))

    def payload(self) -> dict[str, Any]:
        """Return the result payload: the ``model-test --format json`` object."""
        return self.result.as_dict(self.language)

    def publish(self) -> None:
        """Display the result payload (the notebook's last output)."""
        publish_result("model_test", self.parameters, self.payload())

    def sections(self) -> None:
        """Show every section in the notebook's order."""
        self.summary()
        self.comparison()
        self.reversal_chart()
        self.realised_weights()
        self.nok_per_point()
        self.notes()
