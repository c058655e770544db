"""``evaluation seal TENDER [--reopen REASON]``: seal quality scores before prices are opened."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any


def register(sub: argparse._SubParsersAction, command: Callable[..., Any]) -> None:
    """Add ``seal`` to the command line."""
    p = sub.add_parser("seal", help="seal the quality scores (sha256 of every score file and "
                       "consensus.csv) before prices are opened",
                       description="seal the quality scores before prices are opened; "
                       "--reopen records a reopening, its reason and the changed scores")
    p.add_argument("tender", type=Path, metavar="TENDER")
    p.add_argument("--reopen", metavar="REASON", default=None,
                   help="reopen a sealed tender: record the reason and every changed score")
    p.add_argument("--round", metavar="ID", default=None,
                   help="the negotiation round whose scores to seal (default: the latest "
                   "present; rounds/<id>/seal.json)")
    p.add_argument("--stage", choices=("award", "selection"), default="award",
                   help="selection: seal the prequalification's scores (prequalification/"
                   "seal.json), which confirms the invitation list")
    p.add_argument("--by", metavar="NAME", default=None,
                   help="who seals (or reopens): recorded in seal.json and named in the "
                   "protocol")

    @command("seal")
    def _seal(args: argparse.Namespace) -> int:
        from evaluation.cli import say
        from evaluation.data.records import read_seal
        from evaluation.data.tender import load_tender
        from evaluation.process.seal import check_reopen, write_seal

        root = Path(args.tender).resolve()
        folder = root / "prequalification" if args.stage == "selection" else root
        if args.stage != "selection" and (root / "rounds").is_dir():
            # the round's folder holds its scores and seal: found by the loader (no scores
            # read yet: a sealed round is refused before its scores are validated)
            folder = load_tender(root, round=args.round, scores=False,
                                 record=False).files_folder
        # before validation: a sealed tender is refused whatever its scores now hold
        check_reopen(f"{folder}/seal.json", read_seal(folder) if folder.is_dir() else None,
                     args.reopen)
        if args.stage == "selection":
            from evaluation.core.prequalification import evaluate_selection
            from evaluation.core.scoring import evaluate_tender
            from evaluation.data.prequalification import load_prequalification

            pq = load_prequalification(root, ignore_seal=True)
            tender = pq.competition
            # the seal confirms the invitation list: a tie at the cut must be settled first
            evaluate_selection(pq, evaluate_tender(tender))
        else:
            # validation of the new scores
            tender = load_tender(root, ignore_seal=True, round=args.round)
        by = (args.by or "").strip() or None
        seal = write_seal(folder, tender, reopen=args.reopen, by=by)
        language = tender.model.language
        if args.reopen:
            changes = seal["reopenings"][-1]["changes"]
            print(say(language, f"gjenåpnet og forseglet på nytt {folder / 'seal.json'}: "
                      f"{len(changes)} endrede karakter(er) er registrert med begrunnelsen",
                      f"reopened and resealed {folder / 'seal.json'}: {len(changes)} changed "
                      "score(s) recorded with the reason"))
            for c in changes:
                print(f"  {c['who']} · {c['proposal_id']} · {c['criterion_id']}: "
                      f"{c['old']} → {c['new']}")
        else:
            print(say(language, f"forseglet {len(seal['files'])} kvalitetsfil(er) "
                      f"{seal['sealed_at']}" + (f" av {by}" if by else "") +
                      f": {folder / 'seal.json'}",
                      f"sealed {len(seal['files'])} quality file(s) at {seal['sealed_at']}" +
                      (f" by {by}" if by else "") + f": {folder / 'seal.json'}"))
            if not by:
                print(say(language, "advarsel: forseglet uten --by NAVN: protokollen sier at "
                          "det ikke er registrert hvem som forseglet",
                          "warning: sealed without --by NAME: the protocol says that who "
                          "sealed is not recorded"))
        return 0
