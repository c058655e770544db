"""The protocol's sections about the procedure's records: the seal (who, when, its hash, the
files it covers, every reopening), rejections and abnormally low prices, the change record
against the previous run, the warnings, and the files the run rests on with the audit command.
"""

from __future__ import annotations

from typing import Any

from evaluation.common.hashing import sha256_file
from evaluation.paperwork.paper import Block
from evaluation.paperwork.sections import Context, Section, when


def _sealed_by(ctx: Context, seal: dict[str, Any]) -> str:
    return str(seal.get("sealed_by") or ctx.t("ikke registrert (forseglet uten --by)",
                                              "not recorded (sealed without --by)"))


def _seal_hash(ctx: Context) -> str:
    """Return the manifest's sha256 of the seal the evaluation read (a negotiated tender's
    run holds one per round and the prequalification's: the run's round's)."""
    try:
        path = (ctx.tender.files_folder / "seal.json").relative_to(ctx.run).as_posix()
    except ValueError:  # a tender read from outside its run folder
        return "–"
    entry = next((e for e in ctx.manifest.get("inputs", []) if e.get("path") == path), None)
    return str(entry["sha256"]) if entry else "–"


def seal_section(ctx: Context) -> Section:
    """Quality before price: whether, when and by whom the scores were sealed, the seal's hash,
    the sealed files with theirs, and every reopening (with the changed scores)."""
    section = Section("seal", ctx.t("Kvalitet før pris: forseglingen",
                                    "Quality before price: the seal"))
    info = ctx.results.get("diagnostics", {}).get("integrity") or {}
    seal = ctx.tender.seal
    if info.get("quality_only"):
        section.add("p", ctx.t("Kvaliteten er ikke forseglet ennå: bare kvalitet er evaluert, "
                               "ingen pris er lest.", "Quality is not sealed yet: only quality "
                               "is evaluated, no price was read."))
        return section
    if seal is None:
        section.add("p", ctx.t("Kvalitetspoengene ble ikke forseglet før prisene ble kjent.",
                               "Quality scores were not sealed before prices were seen."))
        return section
    files = seal.get("files", {})
    section.add("p", ctx.t(
        f"Kvalitetskarakterene ble forseglet {when(seal.get('sealed_at'), 'nb')} av "
        f"{_sealed_by(ctx, seal)}, før prisene ble åpnet: {len(files)} filer.",
        f"The quality scores were sealed at {when(seal.get('sealed_at'), 'en')} by "
        f"{_sealed_by(ctx, seal)}, before the prices were opened: {len(files)} files."))
    section.table([ctx.t("Punkt", "Item"), ctx.t("Verdi", "Value")],
                  [[ctx.t("Forseglet av", "Sealed by"), _sealed_by(ctx, seal)],
                   [ctx.t("Tidspunkt", "Time"), when(seal.get("sealed_at"), ctx.language)],
                   ["seal.json sha256", _seal_hash(ctx)]])
    section.table([ctx.t("Forseglet fil", "Sealed file"), "sha256"],
                  [[name, digest] for name, digest in sorted(files.items())],
                  "evaluation-table evaluation-hashes")
    for reopening in seal.get("reopenings", []):
        by = reopening.get("by") or ctx.t("ikke registrert", "not recorded")
        section.add("p", ctx.t(
            f"Forseglingen ble åpnet {when(reopening.get('at'), 'nb')} av {by}. Begrunnelse: "
            f"{reopening.get('reason')}", f"The seal was reopened at "
            f"{when(reopening.get('at'), 'en')} by {by}. Reason: {reopening.get('reason')}"))
        header = [ctx.t("Hvem", "Who"), ctx.t("Tilbud", "Proposal"),
                  ctx.t("Kriterium", "Criterion"), ctx.t("Før", "Before"),
                  ctx.t("Etter", "After")]
        rows = [[c["who"], c["proposal_id"], c["criterion_id"], c["old"], c["new"]]
                for c in reopening.get("changes", [])]
        if not ctx.public:  # a new justification may hold business secrets
            header.append(ctx.t("Ny begrunnelse", "New justification"))
            rows = [[*r, c["justification"]] for r, c in
                    zip(rows, reopening.get("changes", []), strict=True)]
        section.table(header, rows)
    return section


def rejections_section(ctx: Context) -> Section:
    """Rejected and excluded proposals with the legal basis the committee recorded, and
    abnormally low prices with the explanations asked for (FOA § 24-9)."""
    section = Section("rejections", ctx.t("Avvisninger og unormalt lave priser",
                                          "Rejections and abnormally low prices"))
    proposals = ctx.tender.proposals
    out = [p for p in ctx.results["proposals"] if p["excluded"]]
    if out:
        basis = (proposals["rejection_basis"] if "rejection_basis" in proposals.columns
                 else None)
        section.table([ctx.t("Tilbud", "Proposal"), ctx.t("Leverandør", "Supplier"),
                       ctx.t("Grunn", "Reason"), ctx.t("Hjemmel (komiteens)",
                                                       "Legal basis (the committee's)")],
                      [[p["id"], p["supplier"], p["exclusion_reason"] or "–",
                        (str(basis.get(p["id"], "")) if basis is not None else "") or
                        ctx.t("ikke registrert (rejection_basis i proposals.csv)",
                              "not recorded (rejection_basis in proposals.csv)")]
                       for p in out])
    else:
        section.add("p", ctx.t("Ingen tilbud er avvist eller utelatt.",
                               "No proposal was rejected or excluded."))
    low = ctx.results.get("diagnostics", {}).get("abnormally_low") or {}
    if low:
        info = ctx.results.get("diagnostics", {}).get("integrity") or {}
        answers = {str(e.get("proposal_id")): e for e in info.get("explanations") or []}
        section.add("p", ctx.t("Unormalt lave priser: leverandøren skal bes forklare prisen "
                               "før tilbudet eventuelt avvises (FOA § 24-9).",
                               "Abnormally low prices: the supplier must be asked to explain "
                               "before any rejection (FOA § 24-9)."))
        section.table([ctx.t("Tilbud", "Proposal"), ctx.t("Pris", "Price"),
                       ctx.t("Forespurt", "Asked"), ctx.t("Svar", "Answer"),
                       ctx.t("Beslutning", "Decision")],
                      [[pid, ", ".join(fields), answers.get(pid, {}).get("asked", "–"),
                        answers.get(pid, {}).get("answer", "–"),
                        answers.get(pid, {}).get("decision", ctx.t("ikke registrert",
                                                                   "not recorded"))]
                       for pid, fields in sorted(low.items())])
    return section


def changes_section(ctx: Context) -> Section:
    """The change record against the previous run of the same tender."""
    section = Section("changes", ctx.t("Endringslogg", "Change record"))
    record = ctx.manifest.get("changes") or {}
    previous = record.get("previous_run")
    if not previous:
        section.add("p", ctx.t("Første kjøring av konkurransen: ingen tidligere kjøring å "
                               "sammenligne med.", "First run of the competition: no earlier "
                               "run to compare with."))
        return section
    if record.get("error"):
        section.add("p", f"{previous}: {record['error']}")
        return section
    section.add("p", ctx.t(f"Endringer siden kjøring {previous}:",
                           f"Changes since run {previous}:"))
    scores, prices = record.get("scores", []), record.get("prices", [])
    weights = record.get("weights", [])
    if not (scores or prices or weights or record.get("proposals_added")
            or record.get("proposals_removed")):
        section.add("p", ctx.t("Ingen endringer i poeng, priser eller vekter.",
                               "No changes to scores, prices or weights."))
        return section
    if scores:
        header = [ctx.t("Hvem", "Who"), ctx.t("Tilbud", "Proposal"),
                  ctx.t("Kriterium", "Criterion"), ctx.t("Før", "Before"),
                  ctx.t("Etter", "After")]
        if not ctx.public:
            header.append(ctx.t("Ny begrunnelse", "New justification"))
        section.table(header, [[c["who"], c["proposal_id"], c["criterion_id"], c["old"],
                                c["new"], *([] if ctx.public else [c["justification"]])]
                               for c in scores])
    if prices:
        section.table([ctx.t("Tilbud", "Proposal"), ctx.t("Pris", "Price"),
                       ctx.t("Før", "Before"), ctx.t("Etter", "After")],
                      [[c["proposal_id"], c["field"], c["old"], c["new"]] for c in prices])
    if weights:
        section.table([ctx.t("Kriterium", "Criterion"), ctx.t("Før", "Before"),
                       ctx.t("Etter", "After")],
                      [[c["criterion_id"], c["old"], c["new"]] for c in weights])
    for key, nb, en in (("proposals_added", "Nye tilbud", "Proposals added"),
                        ("proposals_removed", "Fjernede tilbud", "Proposals removed")):
        if record.get(key):
            section.add("p", f"{ctx.t(nb, en)}: {', '.join(record[key])}")
    return section


def warnings_section(ctx: Context) -> Section:
    section = Section("warnings", ctx.t("Advarsler", "Warnings"))
    warnings = ctx.results.get("warnings", [])
    if warnings:
        section.blocks.append(Block("list", rows=tuple((str(w),) for w in warnings)))
    else:
        section.add("p", ctx.t("Ingen advarsler.", "No warnings."))
    return section


def files_section(ctx: Context) -> Section:
    """The sha256 of every file the run rests on, and how an auditor checks them."""
    section = Section("files", ctx.t("Filer kjøringen bygger på (sha256) og revisjon",
                                     "Files the run rests on (sha256) and the audit"))
    rows = [[group, e["path"], e["sha256"], e["size"]] for group in ("inputs", "templates")
            for e in ctx.manifest.get(group, [])]
    produced = [*sorted(ctx.run.glob("proposals/*.ipynb")), ctx.run / "committee.ipynb",
                ctx.run / "results.json"]
    rows += [["outputs", str(f.relative_to(ctx.run)), sha256_file(f), f.stat().st_size]
             for f in produced if f.is_file()]
    section.table([ctx.t("Gruppe", "Group"), ctx.t("Fil", "File"), "sha256",
                   ctx.t("Bytes", "Bytes")], rows, "evaluation-table evaluation-hashes")
    section.add("p", ctx.t(
        "Revisjon: evaluation audit KJØREMAPPE --manifest-sha256 SHA256, der SHA256 er "
        "manifestets kontrollsum som «evaluation run» skrev ut og som er ført i "
        "anskaffelsesprotokollen utenfor kjøremappen. Den kan ikke stå i denne filen, som "
        "selv er hashet i manifest.json (sammen med results.xlsx); i PDF-utgaven står den "
        f"nederst på hver side. Kjøremappen heter {ctx.run_name}.",
        "Audit: evaluation audit RUN_DIR --manifest-sha256 SHA256, where SHA256 is the "
        "manifest's checksum that 'evaluation run' printed and that is kept in the "
        "procurement file outside the run folder. It cannot stand in this file, which is "
        "itself hashed in manifest.json (with results.xlsx); the PDF prints it at the foot of "
        f"every page. The run folder is named {ctx.run_name}."))
    return section
