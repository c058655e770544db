"""Writes ``results.xlsx``: ranking, points per criterion, offered and evaluated prices, every
evaluator's scores, diagnostics.

The workbook carries the same numbers as ``results.json`` (full precision, shown with two
decimals). Text a spreadsheet could run as a formula goes through :func:`safe_cell`, which
every workbook the package writes uses; the rule (OWASP, "CSV injection") is
:func:`evaluation.common.cells.formula_like`, shared with CSV output.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from evaluation.common.cells import formula_like
from evaluation.common.labels import Label, yes_no
from evaluation.common.labels import pick as _t
from evaluation.core.tender import Tender
from evaluation.core.words import discounting_words, price_formula_words
from evaluation.paperwork.price_table import price_rows

HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
NUMBER_FORMAT = "0.00"

SHEETS = {"ranking": Label("Rangering", "Ranking"), "points": Label("Poeng", "Points"),
          "prices": Label("Priser", "Prices"), "evaluators": Label("Evaluatorer", "Evaluators"),
          "diagnostics": Label("Diagnostikk", "Diagnostics")}


def safe_cell(cell: Cell, value: Any) -> Cell:
    """Return ``cell`` holding ``value`` such that no spreadsheet runs it as a formula.

    Text beginning with a formula character is stored as text with Excel's quote prefix (the
    typed apostrophe): the value is kept exactly, shown as typed, never evaluated. Numpy
    scalars become Python numbers, NaN an empty cell, characters XML cannot hold are dropped.
    """
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        value = None
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell.value = value
    if isinstance(value, str) and formula_like(value):
        cell.data_type = "s"  # openpyxl would otherwise store "=…" as a formula
        cell.quotePrefix = True
    return cell


def write_table(sheet: Worksheet, header: Sequence[str], rows: Sequence[Sequence[Any]], *,
                widths: Sequence[int] | None = None, start_row: int = 1) -> int:
    """Write a header and rows through :func:`safe_cell`; return the next free row."""
    for col, name in enumerate(header, start=1):
        cell = safe_cell(sheet.cell(start_row, col), name)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for r, row in enumerate(rows, start=start_row + 1):
        for col, value in enumerate(row, start=1):
            cell = safe_cell(sheet.cell(r, col), value)
            if isinstance(cell.value, float):
                cell.number_format = NUMBER_FORMAT
            elif isinstance(cell.value, str) and len(cell.value) > 40:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for col, width in enumerate(widths or [], start=1):
        sheet.column_dimensions[get_column_letter(col)].width = width
    if start_row == 1:
        sheet.freeze_panes = "A2"
        if rows:
            sheet.auto_filter.ref = (f"A1:{get_column_letter(len(header))}"
                                     f"{len(rows) + 1}")
    return start_row + len(rows) + 1


def _ranking(sheet: Worksheet, results: dict[str, Any], tender: Tender, lang: str) -> None:
    tops = tender.model.criteria
    header = [_t(lang, "Rang", "Rank"), "ID", _t(lang, "Leverandør", "Supplier"),
              *(t.title.get(lang) for t in tops), _t(lang, "Sum", "Total"),
              _t(lang, "Sum i % av maks", "Total, % of maximum"), "Partner",
              _t(lang, "Utelatt", "Excluded"), _t(lang, "Grunn", "Reason")]
    monetised = any("evaluated_price" in p for p in results["proposals"])
    if monetised:
        header.append(_t(lang, "Evaluert pris", "Evaluated price"))
    rows = []
    for p in results["proposals"]:
        row = [p["rank"], p["id"], p["supplier"],
               *(p["criteria"][t.id]["points"] for t in tops), p["total"], p["total_pct"],
               yes_no(p["partner"], lang), yes_no(p["excluded"], lang), p["exclusion_reason"] or ""]
        if monetised:
            row.append(p.get("evaluated_price"))
        rows.append(row)
    write_table(sheet, header, rows, widths=[7, 8, 40, *([16] * len(tops)), 10, 12, 9, 9, 50])


def _points(sheet: Worksheet, results: dict[str, Any], tender: Tender, lang: str) -> None:
    model = tender.model
    header = ["proposal_id", _t(lang, "Leverandør", "Supplier"), "criterion_id",
              _t(lang, "Kriterium", "Criterion"), _t(lang, "Nivå", "Level"),
              _t(lang, "Global vekt (%)", "Global weight (%)"), _t(lang, "Karakter", "Score"),
              _t(lang, "Normalisert", "Normalised"), _t(lang, "Poeng", "Points")]
    rows = []
    for p in results["proposals"]:
        for node in model.nodes():
            entry = p["criteria"].get(node.id, {})
            level = _t(lang, "hovedkriterium", "main criterion") if len(node.path) == 1 else \
                _t(lang, "delkriterium", "sub-criterion")
            rows.append([p["id"], p["supplier"], node.id,
                         "  " * (len(node.path) - 1) + node.title.get(lang), level,
                         None if node.weight is None else 100.0 * model.global_weight(node.id),
                         entry.get("score"), entry.get("normalised"), entry.get("points")])
    write_table(sheet, header, rows, widths=[11, 34, 18, 44, 14, 12, 10, 12, 10])


def _prices(sheet: Worksheet, results: dict[str, Any], tender: Tender, lang: str) -> None:
    """Offered and evaluated price (the present value of yearly lines) per proposal and price
    criterion, with score and points; under the table, how prices became scores."""
    header = ["proposal_id", _t(lang, "Leverandør", "Supplier"), "criterion_id",
              _t(lang, "Priskriterium", "Price criterion"), _t(lang, "Prisfelt", "Price field"),
              _t(lang, "Tilbudt pris", "Offered price"),
              _t(lang, "Evaluert pris (nåverdi)", "Evaluated price (present value)"),
              _t(lang, "Diskontert", "Discounted"), _t(lang, "Karakter", "Score"),
              _t(lang, "Poeng", "Points")]
    rows = [[r.proposal_id, r.supplier, r.leaf.id, r.leaf.title.get(lang),
             r.leaf.price.field if r.leaf.price else "", r.offered, r.evaluated,
             yes_no(r.discounted, lang), r.score, r.points]
            for r in price_rows(results, tender)]
    after = write_table(sheet, header, rows, widths=[11, 34, 16, 44, 18, 16, 20, 11, 10, 10])
    notes = [discounting_words(tender.model).get(lang),
             *(f"{leaf.title.get(lang)}: {price_formula_words(leaf).get(lang)}"
               for leaf in tender.model.price_leaves)]
    for k, note in enumerate(notes, start=after + 1):
        safe_cell(sheet.cell(k, 1), note)


def _evaluators(sheet: Worksheet, results: dict[str, Any], tender: Tender, lang: str) -> None:
    leaves = tender.model.quality_leaves
    evaluators = list(tender.evaluators)
    scores = tender.scores.set_index(["evaluator", "proposal_id", "criterion_id"])
    consensus = (tender.consensus.set_index(["proposal_id", "criterion_id"])
                 if tender.consensus is not None else None)
    header = ["proposal_id", "criterion_id", _t(lang, "Kriterium", "Criterion"),
              *evaluators, _t(lang, "Sprik", "Spread"), _t(lang, "Flagget", "Flagged"),
              _t(lang, "Vedtatt karakter", "Agreed score"),
              _t(lang, "Komiteens begrunnelse", "Committee's justification"),
              *(f"{_t(lang, 'Begrunnelse', 'Justification')}: {e}" for e in evaluators)]
    rows = []
    for p in results["proposals"]:
        for leaf in leaves:
            entry = p["criteria"].get(leaf.id, {})
            individual, reasons = [], []
            for e in evaluators:
                key = (e, p["id"], leaf.id)
                found = key in scores.index
                individual.append(float(scores.loc[key, "score"]) if found else None)
                reasons.append(str(scores.loc[key, "justification"]) if found else "")
            agreed = ""
            if consensus is not None and (p["id"], leaf.id) in consensus.index:
                agreed = str(consensus.loc[(p["id"], leaf.id), "justification"])
            rows.append([p["id"], leaf.id, leaf.title.get(lang), *individual,
                         entry.get("spread"), yes_no(bool(entry.get("disagreement")), lang),
                         entry.get("score"), agreed, *reasons])
    write_table(sheet, header, rows, widths=[11, 18, 36, *([10] * len(evaluators)), 9, 9, 12,
                                             60, *([60] * len(evaluators))])


def _diagnostics(sheet: Worksheet, results: dict[str, Any], tender: Tender, lang: str) -> None:
    model = tender.model
    diag = results.get("diagnostics", {})
    title = {n.id: f"{n.id} – {n.title.get(lang)}" for n in model.nodes()}
    rows: list[list[Any]] = []
    nominal, realised = diag.get("nominal_weights", {}), diag.get("realised_weights", {})
    for cid in nominal:
        rows.append([_t(lang, "Nominell vekt (%)", "Nominal weight (%)"), title.get(cid, cid),
                     100.0 * nominal[cid]])
        rows.append([_t(lang, "Realisert vekt (%)", "Realised weight (%)"),
                     title.get(cid, cid), None if realised.get(cid) is None
                     else 100.0 * realised[cid]])
    env = diag.get("environment") or {}
    if env.get("weight") is not None:
        rows.append([_t(lang, "Klima- og miljøvekt (%)", "Climate and environment weight (%)"),
                     "FOA § 7-9", 100.0 * env["weight"]])
    for pid, fields in sorted(diag.get("abnormally_low", {}).items()):
        rows.append([_t(lang, "Unormalt lav pris (be om forklaring, FOA § 24-9)",
                        "Abnormally low price (ask for an explanation, FOA § 24-9)"),
                     pid, ", ".join(fields)])
    for cid in diag.get("price_leak", []):
        rows.append([_t(lang, "Prispoeng avslører priser", "Price points reveal prices"),
                     title.get(cid, cid), _t(lang, "vurder å utelate prispoeng i meddelelsen",
                                            "consider leaving price points out of the notice")])
    if diag.get("disagreements") is not None:
        rows.append([_t(lang, "Flaggede uenigheter", "Flagged disagreements"), "",
                     diag["disagreements"]])
    for warning in results.get("warnings", []):
        rows.append([_t(lang, "Advarsel", "Warning"), "", warning])
    write_table(sheet, [_t(lang, "Emne", "Topic"), _t(lang, "Gjelder", "Concerns"),
                        _t(lang, "Verdi", "Value")], rows, widths=[44, 44, 80])


FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip entry can carry


def save_reproducibly(book: Any, target: Path) -> None:
    """Save an openpyxl workbook so the same content gives the same bytes.

    openpyxl stamps the document properties and every zip entry with the current time; both
    are fixed here, so ``results.xlsx`` is byte-identical across runs like ``results.json``.
    """
    import datetime as dt
    import io
    import re
    import zipfile

    stamp = dt.datetime(*FIXED_TIME)
    book.properties.created = book.properties.modified = stamp
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = item.external_attr
            data = source.read(item.filename)
            if item.filename == "docProps/core.xml":  # openpyxl sets "modified" on save
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>1980-01-01T00:00:00Z",
                              data)
            out.writestr(info, data)


def write_results_workbook(target: Path, results: dict[str, Any], tender: Tender,
                           language: str) -> Path:
    """Write ``results.xlsx`` from a run's ``score`` object and its tender; return the path."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEETS["ranking"].get(language)
    _ranking(sheet, results, tender, language)
    _points(book.create_sheet(SHEETS["points"].get(language)), results, tender, language)
    _prices(book.create_sheet(SHEETS["prices"].get(language)), results, tender, language)
    _evaluators(book.create_sheet(SHEETS["evaluators"].get(language)), results, tender,
                language)
    _diagnostics(book.create_sheet(SHEETS["diagnostics"].get(language)), results, tender,
                 language)
    book.properties.title = str(results.get("title") or tender.title.get(language))
    book.properties.creator = "evaluation"
    save_reproducibly(book, target)
    return target
