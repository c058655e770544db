"""What every letter to a supplier (or an applicant) has, and the caseworker's checklist.

A letter is a :class:`Document` built from small pieces: its head (title, competition,
recipient, date), the committee's texts quoted as the committee's own (untranslated when the
letter is in another language than the committee wrote), the standstill period as the
recipient needs it, the signature. What the caseworker must check before sending (the
calendar rule, texts not approved for letters, the rejection basis, the audit) never goes
into a letter: it goes into :class:`Checklist`, written beside the letters. A later stage
(letters to applicants not invited) builds its letters from the same pieces.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evaluation.common.ids import inside
from evaluation.common.labels import LANGUAGES, format_date
from evaluation.common.labels import pick as _t
from evaluation.core.tender import Tender
from evaluation.paperwork.paper import Block, Document, render_html, render_markdown
from evaluation.paperwork.run_data import RunData
from evaluation.paperwork.texts import approved_text
from evaluation.process.standstill import standstill_end

LANGUAGE_NAMES = {"nb": ("norsk (bokmål)", "Norwegian (bokmål)"), "en": ("engelsk", "English")}


def committee_language(tender: Tender) -> str:
    """Return the language the committee writes its texts in: the tender's, else the model's."""
    language = (tender.settings or {}).get("language") or tender.model.language
    return language if language in LANGUAGES else "nb"


def quoted(text: str, language: str, tender: Tender) -> str:
    """Return a text of the committee's as a letter quotes it: as written, in quotation marks
    when the letter is in another language (the note at the top says it is untranslated)."""
    if not text or committee_language(tender) == language:
        return text
    return f"“{text}”"


def untranslated_note(language: str, tender: Tender) -> Block | None:
    """Return the note saying that the committee's texts are its own, untranslated (``None``
    when the letter is in the committee's language)."""
    own = committee_language(tender)
    if own == language:
        return None
    nb, en = LANGUAGE_NAMES[own]
    return Block("note", _t(
        language, f"Tekster i anførselstegn er komiteens egne formuleringer på {nb}; de er "
                  "ikke oversatt.",
        f"Texts in quotation marks are the evaluation committee's own wording in {en}; they "
        "are not translated."))


def letter(title: str, heading: str, tender: Tender, to: str, sent: dt.date,
           language: str) -> Document:
    """Return a letter's head: its title, heading, the competition, the recipient and the
    date, and the note on untranslated texts when it applies."""
    doc = Document(title, language)
    doc.add("h1", heading)
    note = untranslated_note(language, tender)
    if note is not None:
        doc.blocks.append(note)
    doc.add("p", _t(language, f"Konkurranse: {tender.title.get(language)}",
                    f"Competition: {tender.title.get(language)}"))
    doc.add("p", _t(language, f"Til: {to}", f"To: {to}"))
    doc.add("p", _t(language, f"Dato: {format_date(sent, language)}",
                    f"Date: {format_date(sent, language)}"))
    return doc


def add_standstill(doc: Document, tender: Tender, sent: dt.date, rule: str,
                   checklist: Checklist) -> None:
    """Add the standstill period as the recipient needs it; how sure its calendar rule is
    goes to the checklist (once)."""
    lang = doc.language
    doc.add("h2", _t(lang, "Karensperiode", "Standstill period"))
    if tender.standstill_days is None:
        doc.add("p", _t(lang, "Kontrakt inngås ikke før karensperioden er ute.",
                        "No contract is signed before the standstill period has ended."))
        checklist.general(_t(lang, "Karensperioden er ikke angitt (standstill_days i "
                                   "tender.yaml): skriv den inn i brevene.",
                             "The standstill period is not set (standstill_days in "
                             "tender.yaml): write it into the letters."))
        return
    period = standstill_end(sent, tender.standstill_days, rule)
    doc.add("p", period.letter(lang))
    doc.add("p", _t(lang, "Kontrakt inngås ikke før karensperioden er ute.",
                    "No contract is signed before the standstill period has ended."))
    checklist.general(_t(lang, "Karensperioden: ", "The standstill period: ") +
                      period.explain(lang))


def add_signature(doc: Document) -> None:
    doc.add("p", _t(doc.language, "Med vennlig hilsen", "Yours sincerely"))
    doc.add("p", _t(doc.language, "[navn, stilling]", "[name, position]"))


@dataclass
class Checklist:
    """What the caseworker checks before the letters are sent: general points, and per
    letter (named by its recipient) what in it needs a look."""

    language: str
    run: str
    points: list[str] = field(default_factory=list)
    letters: dict[str, list[str]] = field(default_factory=dict)

    def general(self, text: str) -> None:
        if text not in self.points:
            self.points.append(text)

    def about(self, recipient: str, text: str) -> None:
        self.letters.setdefault(recipient, []).append(text)

    def document(self) -> Document:
        """Return the checklist as a document (not for the recipients)."""
        lang = self.language
        doc = Document(_t(lang, f"Sjekkliste for saksbehandler – kjøring {self.run}",
                          f"Checklist for the caseworker – run {self.run}"), lang)
        doc.add("h1", _t(lang, "Sjekkliste før brevene sendes", "Checklist before the letters "
                         "are sent"))
        doc.add("banner", _t(lang, "Internt arbeidsdokument for saksbehandler; sendes ikke til "
                                   "leverandørene.", "Internal working paper for the "
                             "caseworker; not sent to the suppliers."))
        doc.add("h2", _t(lang, "For alle brevene", "For every letter"))
        doc.bullets(self.points)
        for recipient, items in self.letters.items():
            doc.add("h2", recipient)
            doc.bullets(items)
        return doc


def standard_points(checklist: Checklist, run_name: str) -> None:
    """Add the points every set of letters needs checked (the run, approval, sending)."""
    lang = checklist.language
    for text in (
        _t(lang, f"Brevene er utkast laget fra kjøringen {run_name}; tallene er kjøringens "
                 "(results.json). Revider kjøringen før utsending: evaluation audit KJØREMAPPE "
                 "--manifest-sha256 med kontrollsummen som er ført i anskaffelsesprotokollen.",
           f"The letters are drafts made from the run {run_name}; the numbers are the run's "
           "(results.json). Audit the run before sending: evaluation audit RUN_DIR "
           "--manifest-sha256 with the checksum kept in the procurement file."),
        _t(lang, "Komiteen godkjenner teksten i hvert brev før utsending.",
           "The committee approves the text of every letter before it is sent."),
        _t(lang, "Alle deltakerne skal få meddelelsen samtidig og skriftlig (FOA § 25-1).",
           "Every participant gets the notice at the same time and in writing (FOA § 25-1)."),
        _t(lang, "Fyll inn navn og stilling i signaturen ([navn, stilling]).",
           "Fill in the signature's name and position ([name, position])."),
    ):
        checklist.general(text)


def write_document(folder: Path, name: str, doc: Document) -> list[Path]:
    """Write ``doc`` as ``<name>.html`` and ``<name>.md`` in ``folder`` (never through a link
    out of it; ``name`` is the package's own, not an id); return the paths."""
    written = []
    for suffix, text in ((".html", render_html(doc)), (".md", render_markdown(doc))):
        path = inside(folder, f"{name}{suffix}")
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def recipient(proposal: dict[str, Any], language: str) -> str:
    """Return how a letter addresses a proposal's supplier: ``Name (tilbud 001)``."""
    return _t(language, f"{proposal['supplier']} (tilbud {proposal['id']})",
              f"{proposal['supplier']} (proposal {proposal['id']})")


def add_decision(doc: Document, data: RunData, partners: list[dict[str, Any]],
                 heading: tuple[str, str] = ("Beslutning", "Decision")) -> None:
    """Add who the contracting authority selected (every participant is told, FOA § 25-1)."""
    lang = doc.language
    doc.add("h2", _t(lang, *heading))
    doc.add("p", _t(lang, f"Oppdragsgiver har besluttet å velge {len(partners)} "
                          "leverandør(er):", f"The contracting authority has decided to "
                                             f"select {len(partners)} supplier(s):"))
    doc.bullets([f"{p['supplier']} ({_t(lang, 'tilbud', 'proposal')} {p['id']})"
                 for p in partners])


def add_characteristics(doc: Document, data: RunData, pid: str,
                        sources: dict[str, set[str]]) -> None:
    """Add the approved text about proposal ``pid`` per quality criterion; record in
    ``sources`` the criteria whose text is not an approved one."""
    lang, tender = doc.language, data.tender
    for leaf in tender.model.quality_leaves:
        text, source = approved_text(tender, pid, leaf.id)
        if source != "notice_text":
            sources.setdefault(pid, set()).add(leaf.title.get(lang))
        doc.add("p", f"{leaf.title.get(lang)}: {quoted(text, lang, tender) or '–'}")
