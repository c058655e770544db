"""The words of the weight panel: ranking table, winner signal, range verdict and notes.

Pure functions from numbers to HTML in bokmål or English; every text that comes from a file
(criterion titles, supplier names, proposal ids) is escaped here, at the HTML boundary.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from evaluation.analysis.ranges import RangeVerdict
from evaluation.analysis.reweight import Change
from evaluation.common.labels import format_number, format_percent, format_range
from evaluation.common.labels import pick as _t
from evaluation.common.markup import escape_html

ALERT = "background:#fdecea;border-left:5px solid #c0504d;padding:6px 10px;margin:4px 0"
CALM = "background:#eef6ee;border-left:5px solid #2e8540;padding:6px 10px;margin:4px 0"
NOTE = "background:#eef3f8;border-left:5px solid #1f4e79;padding:6px 10px;margin:4px 0"
CELL = "padding:2px 10px;border-bottom:1px solid #ddd"


def named(pid: str, suppliers: Mapping[str, str]) -> str:
    """Return "003 Havlysing AS": a proposal named by id and supplier, escaped."""
    supplier = suppliers.get(pid, "")
    return escape_html(f"{pid} {supplier}" if supplier else pid)


def _names(ids: Sequence[str], suppliers: Mapping[str, str]) -> str:
    return ", ".join(named(p, suppliers) for p in ids)


def ranking_table(ranked: Sequence[str], totals: Sequence[float], partners: set[str],
                  published_rank: Mapping[str, int], suppliers: Mapping[str, str],
                  language: str) -> str:
    """Return the ranking table under the current weights (partners in bold)."""
    lang = language
    head = "".join(f'<th style="{CELL}">{h}</th>' for h in (
        "#", _t(lang, "Tilbud", "Proposal"), _t(lang, "Leverandør", "Supplier"),
        _t(lang, "Sum", "Total"), _t(lang, "Publisert plass", "Published rank")))
    rows = []
    for r, (pid, total) in enumerate(zip(ranked, totals, strict=True), start=1):
        style = ' style="background:#eef6ee;font-weight:bold"' if pid in partners else ""
        rows.append(f'<tr data-proposal="{escape_html(pid)}" data-rank="{r}"{style}>'
                    f'<td style="{CELL}">{r}</td><td style="{CELL}">{escape_html(pid)}</td>'
                    f'<td style="{CELL}">{escape_html(suppliers.get(pid, ""))}</td>'
                    f'<td style="{CELL};text-align:right">'
                    f"{format_number(float(total), lang, 2)}</td>"
                    f'<td style="{CELL};text-align:right">{published_rank[pid]}</td></tr>')
    caption = _t(lang, "Rangering med vektene til venstre (partnere uthevet)",
                 "Ranking with the weights on the left (partners in bold)")
    return (f'<table class="evaluation-ranking" style="border-collapse:collapse">'
            f"<caption>{caption}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def change_lines(events: Sequence[Change], moved: str, suppliers: Mapping[str, str],
                 language: str) -> list[str]:
    """Return one line per change of winner or partners while ``moved`` (a title) went from
    where the member took it to where it is, the other weights rescaled proportionally."""
    lang, name = language, escape_html(moved)
    rest = _t(lang, " (de andre vektene skalert forholdsmessig)",
              " (the other weights rescaled proportionally)")
    lines = []
    for e in events:
        at = format_percent(e.at, lang, 1)
        if e.kind == "winner":
            lines.append(_t(lang, f"Vinneren endres fra {_names(e.before, suppliers)} til "
                                  f"{_names(e.after, suppliers)} når {name} passerer {at}",
                            f"The winner changes from {_names(e.before, suppliers)} to "
                            f"{_names(e.after, suppliers)} when {name} passes {at}") + rest + ".")
        else:
            lines.append(_t(lang, f"Partnerne endres fra {_ids(e.before)} til {_ids(e.after)} "
                                  f"når {name} passerer {at}",
                            f"The partners change from {_ids(e.before)} to {_ids(e.after)} "
                            f"when {name} passes {at}") + rest + ".")
    return lines


def _ids(ids: Sequence[str]) -> str:
    return escape_html(", ".join(ids))


def signal(winner: str, partners: tuple[str, ...], published_winner: str,
           published_partners: tuple[str, ...], n_partners: int, lines: Sequence[str],
           suppliers: Mapping[str, str], language: str) -> str:
    """Return the banner saying who wins with the weights shown, against the published."""
    lang = language
    changed = winner != published_winner or partners != published_partners
    who = named(winner, suppliers)
    if changed:
        state = "<b>" + _t(lang, f"Med disse vektene vinner {who}",
                           f"With these weights {who} wins") + "</b>" + (
            _t(lang, f", ikke {named(published_winner, suppliers)} som med de publiserte "
                     "vektene.",
               f", not {named(published_winner, suppliers)} as with the published weights.")
            if winner != published_winner else
            _t(lang, " som med de publiserte vektene.", " as with the published weights."))
        if n_partners > 1 and partners != published_partners:
            state += " <b>" + _t(lang, f"Partnerne blir {_ids(partners)}",
                                 f"The partners become {_ids(partners)}") + "</b>" + _t(
                lang, f" (publisert: {_ids(published_partners)}).",
                f" (published: {_ids(published_partners)}).")
    else:
        state = _t(lang, f"Vinneren, {who}, og partnerne, {_ids(partners)}, er de samme som "
                         "med de publiserte vektene.",
                   f"The winner, {who}, and the partners, {_ids(partners)}, are the same as "
                   "with the published weights.")
    body = "".join(f'<div class="evaluation-crossing">{line}</div>' for line in lines)
    return (f'<div class="evaluation-signal" data-winner="{escape_html(winner)}" '
            f'data-changed="{str(changed).lower()}" style="{ALERT if changed else CALM}">'
            f"{body}<div>{state}</div></div>")


def notes(has_sub: bool, language: str) -> str:
    """Return what the sliders do and what does not follow them."""
    lang = language
    items = [_t(lang, "Når du flytter én hovedvekt, skaleres de andre hovedvektene "
                      "forholdsmessig, så summen alltid er 100 %. Tallet bak hver glidebryter "
                      "er vekten som brukes; det grønne feltet er det kunngjorte intervallet "
                      "og streken den publiserte vekten.",
                "When you move one main weight, the other main weights are rescaled "
                "proportionally, so the sum is always 100 %. The number after each slider "
                "is the weight used; the green band is the announced range and the line the "
                "published weight.")]
    if has_sub:
        items.append(_t(lang, "Glidebryterne for underkriterier er andeler av sin gruppe "
                              "(hver gruppe summerer til 100 %); hovedvekten endres ikke.",
                        "Sub-criterion sliders are shares of their group (each group sums to "
                        "100 %); the main weight does not change."))
    items.append(_t(lang, "Rangeringen, diagrammet og linjen om vinnerbytte følger "
                          "glidebryterne. Setningen om de kunngjorte intervallene og "
                          "SMAA-resultatene under «Følsomhet for vektene» følger dem ikke: "
                          "de gjelder de publiserte vektene og intervallene.",
                    "The ranking, the chart and the winner-change line follow the sliders. "
                    "The sentence on the announced ranges and the SMAA results under "
                    "\u201cSensitivity to the weights\u201d do not: they are about the "
                    "published weights and ranges."))
    return ('<div class="evaluation-notes" style="font-size:90%;color:#333">'
            + "".join(f"<p style='margin:2px 0'>{i}</p>" for i in items) + "</div>")


def marker(published: float, weight_range: tuple[float, float] | None, language: str,
           of_group: bool = False) -> str:
    """Return the text beside a slider: the published weight and the announced range."""
    lang = language
    text = _t(lang, "publisert ", "published ") + format_percent(published, lang, 1)
    if of_group:
        text += _t(lang, " av gruppen", " of the group")
    if weight_range is not None:
        text += " · " + _t(lang, "kunngjort ", "announced ") + format_range(
            weight_range[0], weight_range[1], lang, 0) + "\u00a0%"
    return (f'<span class="evaluation-marker" style="color:#555;font-size:90%;'
            f'white-space:nowrap">{text}</span>')


def readout(key: str, weight: float, language: str) -> str:
    """Return a slider's readout: the weight used, in the language's number format."""
    return (f'<span class="evaluation-readout" data-criterion="{escape_html(key)}" '
            f'style="font-weight:bold">{format_number(weight, language, 1)}</span>')


def verdict_sentence(verdict: RangeVerdict | None, titles: Mapping[str, str],
                     first_place: Mapping[str, float], sampler: str | None,
                     suppliers: Mapping[str, str], language: str) -> str:
    """Return the one sentence on the announced ranges taken together: who else can win, the
    weight it needs, the smallest change from the published weights, and the SMAA share."""
    lang = language

    def pct(x: float) -> str:
        return format_percent(x, lang, 1)

    def smaa_share(pid: str) -> str:
        share = first_place.get(pid)
        if share is None:
            return ""
        where = _t(lang, "over intervallene", "over the ranges") if sampler == "ranges" else \
            f"({escape_html(sampler or '–')})"
        return _t(lang, f"SMAA {where} gir {escape_html(pid)} førsteplass i "
                        f"{pct(100 * share)} av trekkene",
                  f"SMAA {where} gives {escape_html(pid)} first place in {pct(100 * share)} "
                  "of the draws")

    if verdict is None:
        return ""
    who = named(verdict.winner, suppliers)
    if not verdict.rivals:
        text = _t(lang, f"Innenfor de kunngjorte vektintervallene, tatt samlet, vinner {who} "
                        "uansett vekter (minste forsprang "
                        f"{format_number(verdict.winner_lead, lang, 2)} poeng)",
                  f"Within the announced weight ranges taken together, {who} wins whatever "
                  f"the weights (smallest lead {format_number(verdict.winner_lead, lang, 2)} "
                  "points)")
        share = smaa_share(verdict.winner)
        return text + ("; " + share if share else "") + "."
    details = []
    for rival in verdict.rivals:
        rid = escape_html(rival.proposal)
        needs = []
        for need in rival.needs:
            side = _t(lang, "over", "above") if need.direction == "above" else \
                _t(lang, "under", "below")
            at = ", ".join(f"{escape_html(titles[c])} {pct(w)}" for c, w in need.weights.items())
            needs.append(_t(lang, f"{escape_html(titles[need.criterion])} {side} "
                                  f"{pct(need.bound)} (der står {rid} og "
                                  f"{escape_html(need.tied_with)} likt på "
                                  f"{format_number(need.total, lang, 2)} poeng: {at})",
                            f"{escape_html(titles[need.criterion])} {side} {pct(need.bound)} "
                            f"(where {rid} and {escape_html(need.tied_with)} tie at "
                            f"{format_number(need.total, lang, 2)} points: {at})"))
        moved = ", ".join(f"{escape_html(titles[c])} {pct(w)}" for c, w in rival.closest.items()
                          if abs(w - verdict.published[c]) >= 0.05)
        text = (_t(lang, "det krever ", "it needs ") + _t(lang, " og ", " and ").join(needs) +
                "; ") if needs else ""
        text += _t(lang, f"den minste endringen fra de publiserte vektene som gir {rid} seieren, "
                         f"flytter {format_number(rival.moved, lang, 1)} prosentpoeng ({moved})",
                   f"the smallest change from the published weights that makes {rid} win "
                   f"moves {format_number(rival.moved, lang, 1)} percentage points ({moved})")
        share = smaa_share(rival.proposal)
        text += ("; " + share) if share else ""
        details.append(text if len(verdict.rivals) == 1 else f"{rid}: {text}")
    rivals = _names([r.proposal for r in verdict.rivals], suppliers)
    return _t(lang, f"Innenfor de kunngjorte vektintervallene, tatt samlet, kan også {rivals} "
                    f"vinne, ikke bare {who}: ",
              f"Within the announced weight ranges taken together, {rivals} can also win, not "
              f"only {who}: ") + "; ".join(details) + "."


def verdict_box(sentence: str, rivals: bool, language: str) -> str:
    """Return the verdict sentence in its box (an alert when another proposal can win)."""
    if not sentence:
        sentence = _t(language, "Modellen kunngjør ingen vektintervaller.",
                      "The model announces no weight ranges.")
    return (f'<div class="evaluation-verdict" data-rivals="{str(rivals).lower()}" '
            f'style="{ALERT if rivals else CALM}">{sentence}</div>')


def css(rules: Sequence[tuple[str, float, tuple[float, float] | None]]) -> str:
    """Return the style marking each slider's track: the announced range as a green band and
    the published weight as a dark line (positions in percent of the 0–100 track)."""
    out = []
    for cls, published, span in rules:
        published = float(f"{published:.4g}")
        at = f"{published:g}"
        layers = [f"linear-gradient(90deg, transparent calc({at}% - 1px), #1f4e79 "
                  f"calc({at}% - 1px), #1f4e79 calc({at}% + 2px), transparent "
                  f"calc({at}% + 2px))"]
        if span is not None:
            lo, hi = f"{span[0]:g}", f"{span[1]:g}"
            layers.append(f"linear-gradient(90deg, transparent {lo}%, #8fd19e {lo}%, "
                          f"#8fd19e {hi}%, transparent {hi}%)")
        # a thicker track (ipywidgets' own variable, so the handle stays centred) to carry them
        out.append(f".{cls} {{--jp-widgets-slider-track-thickness: 10px;}}"
                   f".{cls} .noUi-target {{background: {', '.join(layers)}, #e4e4e4 "
                   "!important;}"
                   f".{cls} .noUi-connects {{background: transparent !important;}}")
    return "<style>" + "".join(out) + "</style>"


def title_label(title: str, width: str, bold: bool = False) -> str:
    """Return a criterion's full title, wrapped rather than cut."""
    weight = "font-weight:bold;" if bold else ""
    return (f'<div style="white-space:normal;line-height:1.25;{weight}width:{width}">'
            f"{escape_html(title)}</div>")


def first_places(summary: Mapping[str, Any] | None) -> dict[str, float]:
    """Return each proposal's SMAA first-place share from a ``smaa`` summary."""
    table = (summary or {}).get("rank_acceptability") or {}
    return {p: float(shares[0]) for p, shares in table.items() if shares}
