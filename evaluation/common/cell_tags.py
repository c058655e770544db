"""What the notebook templates' tags and the views' output metadata mean to the documents made
from executed notebooks (the report, its public variant, the dashboard).

- ``lab-only``: a cell for JupyterLab and the run's record (the introduction for an analyst,
  the result payload), not for a reader: the report and the dashboard leave it out.
- ``lang-nb`` / ``lang-en``: a Markdown cell that explains a step in one language; a document
  in the other language leaves it out (JupyterLab shows both).
- An output whose metadata holds ``{"evaluation": {"confidential": true}}`` quotes the
  committee's justifications (which may hold business secrets): the public report leaves it
  out and says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LAB_ONLY = "lab-only"
LANGUAGE_TAG = "lang-{}"
OUTPUT_KEY = "evaluation"
CONFIDENTIAL = {OUTPUT_KEY: {"confidential": True}}


def tags(cell: Mapping[str, Any]) -> list[str]:
    """Return a cell's tags (none when it has no metadata)."""
    return list(cell.get("metadata", {}).get("tags", []))


def for_reader(cell: Mapping[str, Any], language: str) -> bool:
    """Return whether a document for a reader in ``language`` keeps this cell: not
    ``lab-only``, and not a Markdown cell in the other language."""
    own = tags(cell)
    if LAB_ONLY in own:
        return False
    languages = [t for t in own if t.startswith(LANGUAGE_TAG.format(""))]
    return not languages or LANGUAGE_TAG.format(language) in languages


def is_confidential(output: Mapping[str, Any]) -> bool:
    """Return whether an output quotes justifications (the views mark such outputs)."""
    marked = output.get("metadata", {}).get(OUTPUT_KEY, {})
    return isinstance(marked, Mapping) and bool(marked.get("confidential"))
