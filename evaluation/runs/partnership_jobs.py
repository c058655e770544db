"""The notebooks a gate's or the purchase's run executes: one place, read by the launcher to
start them and by the audit to check that a complete run has them all.

A gate after phase P executes ``gate.ipynb`` once per partner still in the partnership during
P (``partners/<id>.ipynb``) and ``gate_summary.ipynb`` once (``summary.ipynb``, whose payload
is ``results.json``); the purchase executes ``purchase.ipynb``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evaluation.common.ids import file_names
from evaluation.runs.stages import GATE, Stage

GATE_TEMPLATES = ("gate.ipynb", "gate_summary.ipynb")
PURCHASE_TEMPLATES = ("purchase.ipynb",)


def gate_jobs(partners: tuple[str, ...], phase: str) -> list[tuple[str, str, dict[str, Any]]]:
    """Return ``(executed notebook, template, parameters)`` of a gate's run, the summary
    first."""
    names = file_names(partners)
    return [("summary.ipynb", "gate_summary.ipynb", {"phase": phase, "interactive": False}),
            *((f"partners/{names[p]}.ipynb", "gate.ipynb",
               {"phase": phase, "partner": p, "interactive": False}) for p in partners)]


def purchase_jobs() -> list[tuple[str, str, dict[str, Any]]]:
    """Return the purchase run's one notebook."""
    return [("purchase.ipynb", "purchase.ipynb", {"interactive": False})]


def expected_notebooks(copy: Path, stage: Stage) -> list[str]:
    """Return the notebooks a complete run of a gate or the purchase executed, from its own
    copy of the tender (raises :class:`InputError` when the copy no longer loads)."""
    from evaluation.data.partnership import load_partnership

    if stage.name.startswith(GATE):
        phase = stage.name[len(GATE):]
        partnership = load_partnership(copy, through=phase)
        return [path for path, _, _ in gate_jobs(partnership.active_in(phase), phase)]
    load_partnership(copy, purchase=True)
    return [path for path, _, _ in purchase_jobs()]
