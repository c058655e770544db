"""The partnership's record and letters, and its figures, with hostile text in every field a
committee or a partner types: shown as text, never markup."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from conftest import edit

from evaluation.core.gate import partner_gate
from evaluation.data.partnership import load_partnership
from evaluation.paperwork.paper import render_html, render_markdown
from evaluation.paperwork.partnership import end_letter, gate_protocol_html
from evaluation.views.display import figure_bundle
from evaluation.views.partnership_figures import heat_table, payments_chart

SCRIPT = "<script>alert('x')</script>"
IMG = "<img src=x onerror=alert(1)>"


def hostile(make_tender: Callable[..., Path]) -> Path:
    tender = make_tender()
    plan = tender / "partnership" / "plan.yaml"
    edit(plan, 'title: {nb: "Planlagt vedlikehold", en: "Planned maintenance"}',
         f'title: {{nb: "Planlagt {SCRIPT}", en: "Planned {SCRIPT}"}}', count=-1)
    edit(tender / "partnership" / "2" / "gate.csv", "Delmålet om planlagt vedlikehold",
         f"{IMG} Delmålet</script> om planlagt vedlikehold")
    edit(tender / "partnership" / "2" / "measurements.csv", "Arbeidsordrer i FDV-systemet",
         f"{SCRIPT} Arbeidsordrer i FDV-systemet", count=-1)
    edit(tender / "proposals.csv", "Havlysing Eiendomsforvaltning AS",
         f"Havlysing {IMG} AS")
    return tender


def test_the_record_escapes_everything(make_tender: Callable[..., Path]) -> None:
    p = load_partnership(hostile(make_tender), through="2")
    html = gate_protocol_html(p, "2", {"model": {"frozen": {"state": "frozen", "frozen_at":
                                                             "2027-02-01T10:00:00Z",
                                                             "sha256": "ab" * 32}}}, "en")
    for raw in (SCRIPT, IMG, "</script>"):
        assert raw not in html
    assert "Planned &lt;script&gt;" in html and "&lt;img src=x" in html
    assert "Record of the innovation partnership, phases 1–2" in html


def test_the_letter_escapes_everything_and_names_only_its_partner(
        make_tender: Callable[..., Path]) -> None:
    p = load_partnership(hostile(make_tender), through="2")
    doc = end_letter(p, partner_gate(p, "2", "003"), "nb", dt.date(2028, 5, 23))
    html, md = render_html(doc), render_markdown(doc)
    for raw in (SCRIPT, IMG):
        assert raw not in html and raw not in md
    assert "Askøy: 48 %" in html.replace("\u00a0", " ")
    assert "Byggpuls" not in html and "Trondheim" not in html


def test_figures_carry_hostile_text_as_text(make_tender: Callable[..., Path]) -> None:
    p = load_partnership(hostile(make_tender), through="2")
    g = partner_gate(p, "2", "003")
    for fig in (heat_table(g, "nb"), payments_chart({"003": g.spending},
                                                    {"003": f"003 {g.supplier}"}, "NOK", "en")):
        text = json.dumps(figure_bundle(fig))
        for raw in (SCRIPT, IMG):
            assert raw not in text, raw


def test_the_purchase_protocol_and_figures_escape_everything(
        make_tender: Callable[..., Path]) -> None:
    from evaluation.core.purchase import purchase_check
    from evaluation.paperwork.purchase import purchase_protocol_html
    from evaluation.views.partnership_figures import followers_cost

    tender = hostile(make_tender)
    edit(tender / "partnership" / "followers.csv", "Fjordvik kommune (fiktiv)",
         f"Fjordvik {IMG}")
    edit(tender / "partnership" / "purchase" / "purchase.csv", "Kjøpet for kommunen",
         f"{SCRIPT} Kjøpet for kommunen")
    p = load_partnership(tender, purchase=True)
    html = gate_protocol_html(p, "3", {}, "nb") + purchase_protocol_html(p, {}, "en")
    for raw in (SCRIPT, IMG, "</script>"):
        assert raw not in html
    assert "Fjordvik &lt;img src=x onerror=alert(1)&gt;" in html
    (c,) = purchase_check(p)
    rows = [{"name": f"Fjordvik {IMG}", "buildings": 420.0, "option": "yes",
             "option_text": SCRIPT, "covered": False, "covered_text": IMG,
             "yearly": {"001": 1.0}}]
    text = json.dumps(figure_bundle(followers_cost(rows, ["001"], {"001": SCRIPT}, "NOK",
                                                   "nb")))
    for raw in (SCRIPT, IMG):
        assert raw not in text
    assert c.exercisable
