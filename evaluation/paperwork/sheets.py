"""``evaluation sheets``: one blind Excel score sheet per evaluator, read back by the loader.

Each workbook has an instructions sheet (bokmål and English) and a score sheet whose first
four columns are the loader's (``proposal_id, criterion_id, score, justification``); the
supplier, the criterion's title, its guidance and its scale follow as extra columns, which
the loader ignores. Only the score and justification cells can be edited (sheet protection
without a password: it prevents accidents, not fraud); the score cell only takes a number on
the criterion's scale, decimals allowed. Sheets are blind: no prices, no price criteria, no
other evaluator's scores; ``codes=True`` shows proposal codes instead of supplier names.
Rejected proposals (``admissible`` false) are left out: nobody scores them; so is a proposal
an evaluator is recused from (``recusals.csv``), whose score the loader would refuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from evaluation.common.errors import EvaluationError
from evaluation.common.ids import id_path
from evaluation.common.labels import Label, format_number
from evaluation.core.model import Criterion
from evaluation.core.tender import Tender
from evaluation.data.scores import score_columns
from evaluation.paperwork.workbook import write_table

SCORE_SHEET = Label("Karakterer", "Scores")
INSTRUCTIONS_SHEET = "Instruksjoner – Instructions"  # Excel forbids "/" in sheet names
EDITABLE_FILL = PatternFill("solid", fgColor="FFF2CC")
SCORE_COL, JUSTIFICATION_COL = 3, 4  # 1-based: the loader's third and fourth columns


class SheetError(EvaluationError, FileExistsError):
    """A score sheet that would overwrite an existing file."""


@dataclass(frozen=True)
class SheetRow:
    """One proposal × leaf criterion line of a score sheet."""

    proposal_id: str
    criterion: Criterion
    supplier: str
    main_title: str


def recused_from(tender: Tender, evaluator: str) -> set[str]:
    """Return the proposals ``evaluator`` must not score (``recusals.csv``)."""
    recusals = tender.recusals
    if recusals is None or recusals.empty:
        return set()
    return set(recusals.loc[recusals["evaluator"] == evaluator, "proposal_id"])


def sheet_rows(tender: Tender, language: str, *, codes: bool = False,
               evaluator: str | None = None) -> list[SheetRow]:
    """Return the lines an evaluator scores: admissible proposals (sorted id) × quality leaf,
    without the proposals ``evaluator`` is recused from."""
    model = tender.model
    proposals = tender.proposals
    recused = recused_from(tender, evaluator) if evaluator else set()
    rows = []
    for pid in sorted(tender.proposal_ids):
        if not bool(proposals.loc[pid, "admissible"]) or pid in recused:
            continue
        supplier = (f"{'Proposal' if language == 'en' else 'Tilbud'} {pid}" if codes
                    else str(proposals.loc[pid, "supplier"]))
        for leaf in model.quality_leaves:
            main = model.node(leaf.path[0]).title.get(language)
            rows.append(SheetRow(pid, leaf, supplier, main))
    return rows


def _instructions(tender: Tender, evaluator: str, codes: bool, recused: set[str]
                  ) -> list[tuple[str, str]]:
    """Return the instruction lines as (bokmål, English) pairs."""
    sheet_nb, sheet_en = SCORE_SHEET.nb, SCORE_SHEET.en
    model = tender.model
    scales = sorted({(leaf.scale.min, leaf.scale.max) for leaf in model.quality_leaves})
    scale_nb = ", ".join(f"{format_number(a, 'nb', 0)}–{format_number(b, 'nb', 0)}"
                         for a, b in scales) or "–"
    scale_en = ", ".join(f"{format_number(a, 'en', 0)}–{format_number(b, 'en', 0)}"
                         for a, b in scales) or "–"
    lines = [
        (tender.title.nb, tender.title.en),
        (f"Karakterskjema for evaluator {evaluator}", f"Score sheet for evaluator {evaluator}"),
        ("", ""),
        (f"1. Gå til arket «{sheet_nb}». Hver linje er ett tilbud og ett kriterium.",
         f"1. Go to the sheet '{sheet_nb}' ({sheet_en}). Each line is one proposal and one "
         "criterion."),
        (f"2. Skriv karakteren i kolonnen score. Skala: {scale_nb}; desimaler er lov (7,5).",
         f"2. Enter the score in the column score. Scale: {scale_en}; decimals are allowed "
         "(7.5)."),
        ("3. Skriv en begrunnelse for hver karakter i kolonnen justification: hva i tilbudet "
         "gir karakteren, målt mot veiledningen for kriteriet.",
         "3. Write a justification for every score in the column justification: what in the "
         "proposal earns the score, measured against the criterion's guidance."),
        ("4. Vurder hvert tilbud selvstendig og uten å kjenne prisene; skjemaet viser ingen "
         "priser og ingen andre evaluatorers karakterer. Ikke diskuter karakterene før "
         "komiteen møtes til konsensus.",
         "4. Assess each proposal on its own and without knowing the prices; the sheet shows "
         "no prices and no other evaluator's scores. Do not discuss scores before the "
         "committee meets for consensus."),
        ("5. Bare de gule cellene kan endres. Ikke legg til, slett eller flytt rader eller "
         "kolonner, og ikke endre overskriftene: filen leses inn automatisk.",
         "5. Only the yellow cells can be edited. Do not add, delete or move rows or columns, "
         "and do not change the headers: the file is read automatically."),
        ("6. Er du inhabil for et tilbud (fvl. §§ 6–10), ikke sett karakter: si fra til "
         "innkjøpsrådgiveren.",
         "6. If you are disqualified for a proposal (impartiality, Public Administration Act "
         "§§ 6–10), do not score it: tell the procurement advisor."),
        (f"7. Lagre som Excel-arbeidsbok (.xlsx) med navnet {evaluator}.xlsx og lever den; "
         f"den legges i konkurransens mappe scores/.",
         f"7. Save as an Excel workbook (.xlsx) named {evaluator}.xlsx and hand it in; it goes "
         "into the tender's scores/ folder."),
    ]
    if recused:
        listed = ", ".join(sorted(recused))
        lines.append((f"Du har fratrådt behandlingen av tilbud {listed} (recusals.csv); "
                      "de er ikke med i skjemaet.", f"You are recused from proposal(s) {listed} "
                      "(recusals.csv); they are not in the sheet."))
    if codes:
        lines.append(("Tilbudene er vist med kode, ikke leverandørnavn.",
                      "Proposals are shown by code, not by supplier name."))
    return lines


def _write_instructions(sheet: Worksheet, tender: Tender, evaluator: str, codes: bool) -> None:
    lines = _instructions(tender, evaluator, codes, recused_from(tender, evaluator))
    write_table(sheet, ["Norsk (bokmål)", "English"], lines, widths=[80, 80])
    sheet.freeze_panes = None
    sheet.auto_filter.ref = None
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for cell in sheet[2]:
        cell.font = Font(bold=True, size=13)
    sheet.protection.sheet = True


def _write_scores(sheet: Worksheet, rows: list[SheetRow], language: str, codes: bool,
                  id_column: str = "proposal_id") -> None:
    en = language == "en"
    header = [*score_columns(id_column),
              ("Proposal" if codes else "Supplier") if en else ("Tilbud" if codes
                                                                 else "Leverandør"),
              "Main criterion" if en else "Hovedkriterium", "Criterion" if en else "Kriterium",
              "Guidance" if en else "Veiledning", "Scale" if en else "Skala"]
    values = [[r.proposal_id, r.criterion.id, None, None, r.supplier, r.main_title,
               r.criterion.title.get(language),
               r.criterion.guidance.get(language) if r.criterion.guidance else "",
               f"{format_number(r.criterion.scale.min, language, 0)}–"
               f"{format_number(r.criterion.scale.max, language, 0)}"] for r in rows]
    write_table(sheet, header, values, widths=[11, 18, 8, 60, 30, 26, 32, 60, 8])
    for number in range(2, len(rows) + 2):
        for col in (SCORE_COL, JUSTIFICATION_COL):
            cell = sheet.cell(number, col)
            cell.protection = Protection(locked=False)
            cell.fill = EDITABLE_FILL
            cell.alignment = Alignment(wrap_text=col == JUSTIFICATION_COL, vertical="top")
        for col in (1, 2):
            sheet.cell(number, col).number_format = "@"  # "007" stays text
    by_scale: dict[tuple[float, float], list[int]] = {}
    for number, r in enumerate(rows, start=2):
        by_scale.setdefault((r.criterion.scale.min, r.criterion.scale.max), []).append(number)
    for (lo, hi), numbers in sorted(by_scale.items()):
        low, high = format_number(lo, language, 0), format_number(hi, language, 0)
        rule = DataValidation(
            type="decimal", operator="between", formula1=f"{lo:g}", formula2=f"{hi:g}",
            allow_blank=True, showErrorMessage=True, showInputMessage=True,
            errorTitle="Karakter utenfor skalaen / Score outside the scale",
            error=f"Skriv et tall fra {low} til {high} (desimaler er lov). / "
                  f"Enter a number from {lo:g} to {hi:g} (decimals allowed).",
            promptTitle="Karakter / Score", prompt=f"{low}–{high}")
        for first, last in _runs(numbers):
            rule.add(f"C{first}:C{last}")
        sheet.add_data_validation(rule)
    # Protected structure; resizing columns and rows stays allowed (False = not protected).
    protection = sheet.protection
    protection.sheet = True
    protection.formatColumns = False
    protection.formatRows = False
    protection.autoFilter = False


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    """Return sorted row numbers as ``(first, last)`` runs of consecutive rows."""
    out: list[tuple[int, int]] = []
    for n in sorted(numbers):
        if out and out[-1][1] == n - 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return out


def write_score_sheet(path: Path, tender: Tender, evaluator: str, rows: list[SheetRow],
                      language: str, *, codes: bool = False, id_column: str = "proposal_id"
                      ) -> Path:
    """Write one evaluator's score workbook to ``path`` and return it."""
    book = Workbook()
    instructions = book.active
    assert instructions is not None
    instructions.title = INSTRUCTIONS_SHEET
    _write_instructions(instructions, tender, evaluator, codes)
    scores = book.create_sheet(SCORE_SHEET.get(language))
    _write_scores(scores, rows, language, codes, id_column)
    book.properties.title = f"{tender.title.get(language)} – {evaluator}"
    book.properties.creator = "evaluation sheets"
    book.save(path)
    return path


def write_score_sheets(tender: Tender, out: Path, *, codes: bool = False,
                       language: str | None = None, overwrite: bool = False,
                       id_column: str = "proposal_id", scores: Path | None = None
                       ) -> list[Path]:
    """Write ``<out>/<evaluator>.xlsx`` for every evaluator and return the paths.

    An existing file is never overwritten unless ``overwrite``: it may hold scores. A
    prequalification's sheets have ``applicant_id`` as ``id_column``, and its ``scores``
    folder is ``prequalification/scores``.
    """
    language = language or tender.model.language
    scores = (scores or tender.folder / "scores").resolve()
    if out.resolve() == scores or scores in out.resolve().parents:
        raise SheetError(f"{out}: inside the tender's scores/ folder, where a blank sheet would "
                         "be read as an evaluator's scores; choose another --out, e.g. "
                         f"sheets/{tender.id}")
    out.mkdir(parents=True, exist_ok=True)
    # evaluator ids obey the id grammar and differ in more than case (load_tender)
    targets = [id_path(out, evaluator, ".xlsx") for evaluator in tender.evaluators]
    existing = [t for t in targets if t.exists()]
    if existing and not overwrite:
        raise SheetError(f"{existing[0]}: exists and may hold scores; choose another --out "
                         "or pass --force to overwrite")
    return [write_score_sheet(target, tender, evaluator,
                              sheet_rows(tender, language, codes=codes, evaluator=evaluator),
                              language, codes=codes, id_column=id_column)
            for evaluator, target in zip(tender.evaluators, targets, strict=True)]
