"""What the audit may execute: the code of a run folder's notebooks checked against templates
it can trust, and their parameters against the manifest.

Everything inside a run folder can be forged together (notebooks, template copies, manifest
hashes), so a notebook's code is executed only when it equals a template from a source the
auditor trusts, tried in this order:

1. ``checkout``: the workbook's own ``notebooks/``, when a template's sha256 equals the one
   the manifest records;
2. ``commit``: the template at the git commit the manifest records
   (``environment.source.commit``, recorded since version 0.2.0), from the workbook's own git
   history, when its sha256 equals the recorded one;
3. ``manifest``: the run's own template copies, when the manifest itself is anchored by the
   sha256 the committee kept outside the folder (``--manifest-sha256``).

An executed notebook is its template's code plus the cell papermill injected after the cell
tagged ``parameters``; that cell may hold nothing but ``name = literal`` lines giving exactly
the parameters the manifest records.
"""

from __future__ import annotations

import ast
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evaluation.common.hashing import sha256_bytes
from evaluation.runs.folder import NOTEBOOKS

INJECTED = "injected-parameters"
SOURCE = NOTEBOOKS.parent  # the workbook's checkout, whose git history holds old templates
_COMMIT = re.compile(r"[0-9a-f]{40}|[0-9a-f]{64}")


@dataclass(frozen=True)
class Trusted:
    """A template's bytes and where they were trusted from."""

    name: str  # proposal.ipynb or committee.ipynb
    source: bytes
    anchor: str  # "checkout", "commit <hash>" or "manifest"


def template_of(notebook: str) -> str:
    """Return the template an executed notebook of a run was made from (the launcher's rule:
    ``proposals/<id>.ipynb`` from ``proposal.ipynb``, ``committee.ipynb`` from itself)."""
    return "proposal.ipynb" if notebook.startswith("proposals/") else "committee.ipynb"


def _from_commit(commit: str, name: str) -> bytes | None:
    """Return ``notebooks/<name>`` at ``commit`` of the workbook's git checkout, if any."""
    top = SOURCE
    if not _COMMIT.fullmatch(commit) or not (top / ".git").exists():
        return None
    try:
        done = subprocess.run(["git", "-C", str(top), "show", f"{commit}:notebooks/{name}"],
                              capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def trusted_templates(run: Path, manifest: dict[str, Any], anchored: bool
                      ) -> tuple[dict[str, Trusted], list[str]]:
    """Return the trusted template of every template the manifest records, and for each one
    without a trust anchor a line saying so."""
    source = manifest.get("environment", {}).get("source") or {}
    commit = str(source.get("commit", "")) if isinstance(source, dict) else ""
    trusted: dict[str, Trusted] = {}
    missing: list[str] = []
    for entry in manifest.get("templates", []):
        name = Path(entry["path"]).name
        recorded = entry["sha256"]
        own = NOTEBOOKS / name
        mine = own.read_bytes() if own.is_file() else b""
        at_commit = None
        if mine and sha256_bytes(mine) == recorded:
            trusted[name] = Trusted(name, mine, "checkout")
        elif commit and (at_commit := _from_commit(commit, name)) is not None and \
                sha256_bytes(at_commit) == recorded:
            trusted[name] = Trusted(name, at_commit, f"commit {commit[:12]}")
        elif anchored:  # the copies matched a manifest whose own hash was kept outside
            trusted[name] = Trusted(name, (run / entry["path"]).read_bytes(), "manifest")
        else:
            missing.append(f"{entry['path']}: sha256 {recorded[:12]}… is neither this "
                           f"workbook's {own} nor " + (f"notebooks/{name} at commit "
                                                       f"{commit[:12]}" if commit else
                                                       "a recorded git commit's"))
    return trusted, missing


def _literal(node: ast.expr) -> Any:
    value = ast.literal_eval(node)
    if not isinstance(value, str | int | float | bool | type(None)):
        raise ValueError(f"not a plain value: {type(value).__name__}")
    return value


def injected_parameters(source: str) -> dict[str, Any]:
    """Return the ``name = literal`` assignments of an injected-parameters cell; raise
    :class:`ValueError` for anything else in it (a call, an import, an expression)."""
    tree = ast.parse(source)
    values: dict[str, Any] = {}
    for statement in tree.body:
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1 and
                isinstance(statement.targets[0], ast.Name)):
            raise ValueError(f"line {statement.lineno}: not a 'name = value' assignment")
        name = statement.targets[0].id
        if name in values:
            raise ValueError(f"line {statement.lineno}: {name} given twice")
        values[name] = _literal(statement.value)
    return values


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Equal keys and values of equal types (True is not 1, 1 is not "1")."""
    return a.keys() == b.keys() and all(type(a[k]) is type(b[k]) and a[k] == b[k] for k in a)


def check_code(executed: Any, template: Any, parameters: dict[str, Any]) -> str | None:
    """Return what is wrong with an executed notebook's code (``None`` when it is the
    template's code with exactly the recorded ``parameters`` injected)."""
    def tags(cell: Any) -> list[str]:
        return list(cell.get("metadata", {}).get("tags", []))

    own = [c for c in template.cells if c.cell_type == "code"]
    ran = [c for c in executed.cells if c.cell_type == "code"]
    where = next((k for k, c in enumerate(own) if "parameters" in tags(c)), None)
    if where is None:
        return "the trusted template has no cell tagged 'parameters'"
    if len(ran) != len(own) + 1:
        return (f"{len(ran)} code cells (expected the template's {len(own)} and the injected "
                "parameters)")
    injected = ran[where + 1]
    if INJECTED not in tags(injected):
        return (f"code cell {where + 1} is not papermill's injected parameters (found tags "
                f"{tags(injected)})")
    for k, cell in enumerate(ran):
        if k == where + 1:
            continue
        trusted = own[k if k <= where else k - 1]
        if cell.source != trusted.source:
            return f"code cell {k} differs from the trusted template ({cell.source[:60]!r})"
        if tags(cell) != tags(trusted):  # papermill moves cells by their tags
            return f"code cell {k} has the tags {tags(cell)}, the template's {tags(trusted)}"
    try:
        values = injected_parameters(injected.source)
    except (SyntaxError, ValueError) as exc:
        return f"the injected parameters cell holds more than parameters ({exc})"
    if not _same(values, parameters):
        return f"the injected parameters {values} are not the recorded {parameters}"
    recorded = dict(executed.metadata.get("papermill", {}).get("parameters", {}))
    if not _same(recorded, parameters):
        return (f"the notebook's papermill metadata records the parameters {recorded}, the "
                f"manifest {parameters}")
    return None
