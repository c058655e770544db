"""What a run refuses, checked alike by ``evaluation validate`` and ``evaluation run``.

A run copies the tender and its model into a folder that must stand on its own, and records
an evaluation that may be used for the award: it refuses a model changed after it was frozen
(unless explicitly allowed: the report then says so), an absolute ``criteria:`` path (the copy
would point outside the run folder), and a tender whose prices may not be opened yet
(``price_opening: after_seal`` before the seal: quality only, no award).
"""

from __future__ import annotations

from pathlib import Path

from evaluation.common.errors import FrozenModelError, ProblemList
from evaluation.core.tender import Tender
from evaluation.process.freeze import FreezeStatus, check_frozen, lock_path


def run_refusals(tender: Tender, *, allow_unfrozen: bool = False
                 ) -> tuple[ProblemList, FreezeStatus]:
    """Return every reason a run of ``tender`` is refused, and the model's frozen status."""
    problems = ProblemList()
    label = f"{tender.id}/tender.yaml"
    criteria = str((tender.settings or {}).get("criteria", ""))
    if Path(criteria).is_absolute():
        problems.add(label, "criteria", "a run needs the model's path relative to the tender "
                     "folder, so that the run folder is complete on its own", found=criteria,
                     expected="e.g. ../../criteria/<model>.yaml")
    model = tender.model
    try:
        frozen = check_frozen(model.source, allow_unfrozen=allow_unfrozen, sha256=model.sha256)
    except FrozenModelError as exc:
        frozen = check_frozen(model.source, allow_unfrozen=True, sha256=model.sha256)
        problems.add(str(lock_path(model.source)), "sha256", str(exc))
    if tender.quality_only:
        problems.add(label, "price_opening", "after_seal and the quality scores are not sealed: "
                     "only quality can be scored, and a run records an award; seal them first "
                     "(evaluation seal)", found="no seal.json", expected="a sealed tender")
    return problems, frozen
