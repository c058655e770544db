"""The stages of a tender, and which files a run of each stage copies, hashes and audits.

A tender folder without stage folders is one award, as it always was. An innovation
partnership adds its stages as folders beside the award's files (design.md): a
prequalification (``prequalification/``), negotiation rounds (``rounds/``) and the
partnership's phases (``partnership/``). **A run belongs to one stage**: it copies and hashes
only that stage's files plus ``tender.yaml`` (and the model the stage evaluates with), lives in
``runs/<tender>/<stage>/`` (a plain award in ``runs/<tender>/`` as before), and its audit looks
for added files only within its stage's scope, so adding a later stage's files never makes an
earlier run fail its audit.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from evaluation.core.negotiation import RoundPlan

AWARD = "award"
SELECTION = "selection"
GATE = "gate-"  # gate-<phase id>
PURCHASE = "purchase"
# A scope entry for the award's files of a plain tender: every file outside the stage folders.
OUTSIDE_STAGES = "./"
STAGE_FOLDERS = ("prequalification", "rounds", "partnership")
# Process records at the tender's root that every scoring stage reads (impartiality).
ROOT_RECORDS = ("declarations.csv", "recusals.csv")
# The negotiation's records at the root: rows are only ever added (a later round's meetings,
# changes and departures), so a run's copy stays the beginning of each (see the audit).
NEGOTIATION_RECORDS = ("negotiations.csv", "changes_sent.csv", "departures.csv")
APPEND_ONLY = (*ROOT_RECORDS, "explanations.csv", *NEGOTIATION_RECORDS)


@dataclass(frozen=True)
class Stage:
    """One stage's run: what it copies and which notebooks it executes."""

    name: str  # "award", "selection", later "round-<id>", "gate-<phase>", "purchase"
    # tender-relative files and folders ("x/": a whole folder); empty: the whole tender
    # folder outside the stage folders (a plain award, and every run made before stages)
    scope: tuple[str, ...]
    results_from: str  # the executed notebook whose payload is results.json

    def covers(self, relative: str) -> bool:
        """Return whether a tender-relative path belongs to this stage's inputs."""
        if not self.scope:
            return relative.split("/", 1)[0] not in STAGE_FOLDERS
        return any(relative == s or (s.endswith("/") and relative.startswith(s)) or
                   (s == OUTSIDE_STAGES and relative.split("/", 1)[0] not in STAGE_FOLDERS)
                   for s in self.scope)

    def subfolder(self) -> str:
        """Return the runs subfolder: none for a plain award, the stage's name otherwise."""
        return "" if self.name == AWARD else self.name


def award_stage() -> Stage:
    """The award of a plain tender: every file of the folder outside the stage folders."""
    return Stage(AWARD, (), "committee.ipynb")


def selection_stage() -> Stage:
    """The prequalification's selection: its folder, tender.yaml and the root records."""
    return Stage(SELECTION, ("tender.yaml", *ROOT_RECORDS, "prequalification/"),
                 "selection.ipynb")


def round_stage(plan: RoundPlan, round_id: str) -> Stage:
    """The award of negotiation round ``round_id``: ``tender.yaml``, the root's records, the
    prequalification (who was invited) and the folders of this round and the earlier ones
    (who may tender in it); a later round's folder is not the run's."""
    earlier = [r.id for r in plan.rounds[:plan.index(round_id) + 1]]
    return Stage(f"round-{round_id}",
                 ("tender.yaml", *ROOT_RECORDS, "explanations.csv", *NEGOTIATION_RECORDS,
                  "prequalification/", *(f"rounds/{r}/" for r in earlier)),
                 "committee.ipynb")


def award_scope(plan: RoundPlan | None) -> tuple[str, ...]:
    """Return the scope of the award's files that a later stage (a gate, the purchase) builds
    on: every file outside the stage folders of a plain tender; with negotiation rounds
    (``plan``), the final round's run's scope (the records, the prequalification and every
    round's folder)."""
    if plan is None or plan.final is None:
        return (OUTSIDE_STAGES,)
    return round_stage(plan, plan.final.id).scope


def gate_stage(phases: list[str], plan: RoundPlan | None = None) -> Stage:
    """A gate's run after the last of ``phases`` (the plan's phases up to and including it):
    the award's files, the plan and its lock, and those phases' folders. A later phase's
    folder is not in it, so adding one never fails an earlier gate's audit. ``plan``: the
    award's negotiation rounds, if any."""
    return Stage(f"{GATE}{phases[-1]}", (*award_scope(plan), "partnership/plan.yaml",
                                         "partnership/plan.lock.json",
                                         *(f"partnership/{p}/" for p in phases)),
                 "summary.ipynb")


def purchase_stage(phases: list[str], plan: RoundPlan | None = None) -> Stage:
    """The purchase's run: a gate's scope over every phase, the followers and ``purchase/``."""
    gate = gate_stage(phases, plan)
    return Stage(PURCHASE, (*gate.scope, "partnership/followers.csv", "partnership/purchase/"),
                 "purchase.ipynb")


def results_notebook(stage: str) -> str:
    """Return the executed notebook whose payload is a run's results.json, by its stage."""
    if stage.startswith(GATE):
        return "summary.ipynb"
    return {SELECTION: "selection.ipynb", PURCHASE: "purchase.ipynb"}.get(stage,
                                                                        "committee.ipynb")


def stage_of(manifest: dict[str, object]) -> Stage:
    """Return the stage a run's manifest records (a run before stages: the award of
    whatever its copy holds)."""
    name = manifest.get("stage") or AWARD
    scope = manifest.get("scope")
    results_from = results_notebook(str(name))
    return Stage(str(name), tuple(str(s) for s in scope) if isinstance(scope, list) else (),
                 results_from)


def stage_files(folder: Path, stage: Stage) -> list[Path]:
    """Return the stage's files in ``folder`` (hidden and lock files left out), sorted."""
    return [p for p in sorted(folder.rglob("*")) if p.is_file()
            and not any(part.startswith((".", "~$")) for part in p.relative_to(folder).parts)
            and stage.covers(p.relative_to(folder).as_posix())]
