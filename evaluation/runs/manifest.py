"""The run manifest: hashes and sizes of every file, versions, parameters, times, statuses.

An auditor checks the run folder against it years later (``evaluation audit``).
"""

from __future__ import annotations

import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from evaluation.common.hashing import sha256_file
from evaluation.common.version import __version__

KEY_PACKAGES = ("numpy", "pandas", "plotly", "papermill", "nbconvert", "nbformat", "ipykernel",
                "nbclient", "pyyaml", "openpyxl")


def file_entry(path: Path, root: Path, original: Path | None = None) -> dict[str, Any]:
    """Return ``{path, sha256, size[, original]}`` for a file, its path relative to ``root``."""
    entry: dict[str, Any] = {"path": path.relative_to(root).as_posix(),
                             "sha256": sha256_file(path), "size": path.stat().st_size}
    if original is not None:
        entry["original"] = str(original)
    return entry


def find_tender_copy(run: Path, manifest: dict[str, Any]) -> Path | None:
    """Return the run's copy of the tender folder, or ``None``.

    The notebooks recorded it as a parameter under the folder the run executed in (its
    temporary name); it is rebased onto where the run folder is now. A run without that record
    falls back to the only ``tender.yaml`` under ``inputs/``.
    """
    executed_in = str(manifest.get("executed_in", ""))
    for entry in manifest.get("notebooks", []):
        recorded = str(entry.get("parameters", {}).get("tender", ""))
        if executed_in and (recorded == executed_in or recorded.startswith(executed_in + "/")):
            candidate = run / recorded[len(executed_in):].lstrip("/")
            if (candidate / "tender.yaml").is_file():
                return candidate
    found = sorted((run / "inputs").rglob("tender.yaml"))
    return found[0].parent if len(found) == 1 else None


def source_commit() -> dict[str, Any] | None:
    """Return the git commit of the package's source (``{commit, clean}``), or ``None`` when
    the package is not a git checkout (an installed wheel records its version only).

    ``clean`` is False when the package or the notebook templates differ from that commit.
    """
    top = Path(__file__).resolve().parents[2]
    if not (top / ".git").exists():
        return None
    try:
        commit = subprocess.run(["git", "-C", str(top), "rev-parse", "HEAD"], check=True,
                                capture_output=True, text=True, timeout=10).stdout.strip()
        changed = subprocess.run(["git", "-C", str(top), "status", "--porcelain", "--",
                                  "evaluation", "notebooks"], check=True, capture_output=True,
                                 text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": commit, "clean": not changed}


def environment() -> dict[str, Any]:
    """Return the versions an auditor needs to judge a re-run elsewhere."""
    versions: dict[str, str | None] = {}
    for name in KEY_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    from evaluation.runs.execute import KERNEL_ENV

    return {"evaluation": __version__, "source": source_commit(),
            "python": sys.version.split()[0],
            "implementation": platform.python_implementation(), "platform": platform.platform(),
            "machine": platform.machine(), "packages": versions, "kernel_env": KERNEL_ENV}


def same_machine(recorded: dict[str, Any]) -> bool:
    """Return whether the current environment matches the recorded one (bit-identical rule)."""
    now = environment()
    # kernel_env: the kernels' thread settings (a run recorded without them used one BLAS
    # thread per core, whose bits may differ)
    keys = ("python", "platform", "machine", "packages", "evaluation", "kernel_env")
    return all(recorded.get(k) == now.get(k) for k in keys)
