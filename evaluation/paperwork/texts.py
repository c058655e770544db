"""Which text about a proposal on a criterion a document may quote, and where it came from.

A justification written for the file may hold a supplier's business secrets
(forvaltningsloven § 13 første ledd nr. 2; offentleglova § 13); the committee's
``notice_text`` (consensus.csv) is the wording it approved for letters and the public. The
internal protocol quotes the justifications; the public protocol and the letters quote the
approved text, and a public document says so where there is none rather than quote the file.
"""

from __future__ import annotations

from evaluation.common.labels import Label
from evaluation.core.tender import Tender

SOURCES = ("notice_text", "justification", "evaluators", "none")

NOT_APPROVED = Label(
    "Ingen godkjent tekst for offentligheten (notice_text er tom): komiteens begrunnelse er "
    "unntatt offentlighet (offentleglova § 13, jf. forvaltningsloven § 13 første ledd nr. 2).",
    "No text approved for the public (notice_text is empty): the committee's justification is "
    "exempt from public access (Freedom of Information Act § 13, cf. Public Administration Act "
    "§ 13(1) no. 2).")


def approved_text(tender: Tender, pid: str, criterion_id: str) -> tuple[str, str]:
    """Return the text about a proposal on a criterion and its source.

    Source ``notice_text`` (committee-approved for notices), else ``justification`` (the
    consensus justification), else ``evaluators`` (the evaluators' own), else ``none``.
    """
    row = tender.consensus_row(pid, criterion_id)
    if row is not None:
        text = str(row.get("notice_text", "") or "").strip()
        if text:
            return text, "notice_text"
        text = str(row["justification"]).strip()
        if text:
            return text, "justification"
    return evaluators_text(tender, pid, criterion_id)


def evaluators_text(tender: Tender, pid: str, criterion_id: str) -> tuple[str, str]:
    """Return the evaluators' justifications joined (source ``evaluators``), or ``none``."""
    scores = tender.scores
    rows = scores[(scores["proposal_id"] == pid) & (scores["criterion_id"] == criterion_id)]
    texts = list(dict.fromkeys(str(t).strip() for t in rows["justification"] if str(t).strip()))
    return (" / ".join(texts), "evaluators") if texts else ("", "none")


def internal_text(tender: Tender, pid: str, criterion_id: str) -> tuple[str, str]:
    """Return the reason for the file: the consensus justification, else the evaluators'."""
    row = tender.consensus_row(pid, criterion_id)
    if row is not None and str(row["justification"]).strip():
        return str(row["justification"]).strip(), "justification"
    return evaluators_text(tender, pid, criterion_id)


def public_text(tender: Tender, pid: str, criterion_id: str, language: str) -> tuple[str, str]:
    """Return the approved text for the public, or the note that there is none (``none``)."""
    row = tender.consensus_row(pid, criterion_id)
    text = "" if row is None else str(row.get("notice_text", "") or "").strip()
    return (text, "notice_text") if text else (NOT_APPROVED.get(language), "none")
