"""The run manifest: hashes and sizes of every file, versions, parameters, times, statuses.

An auditor checks the run folder against it years later (``evaluation audit``).
"""

from __future__ import annotations

import hashlib
import platform
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from . import __version__

KEY_PACKAGES = ("numpy", "pandas", "plotly", "papermill", "nbconvert", "nbformat", "ipykernel",
                "nbclient", "pyyaml", "openpyxl")


def sha256_file(path: Path) -> str:
    """Return the hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


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


def environment() -> dict[str, Any]:
    """Return the versions an auditor needs to judge a re-run elsewhere."""
    versions: dict[str, str | None] = {}
    for name in KEY_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    from .execute import KERNEL_ENV

    return {"evaluation": __version__, "python": sys.version.split()[0],
            "implementation": platform.python_implementation(), "platform": platform.platform(),
            "machine": platform.machine(), "packages": versions, "kernel_env": KERNEL_ENV}


def same_machine(recorded: dict[str, Any]) -> bool:
    """Return whether the current environment matches the recorded one (bit-identical rule)."""
    now = environment()
    # kernel_env: the kernels' thread settings (a run recorded without them used one BLAS
    # thread per core, whose bits may differ)
    keys = ("python", "platform", "machine", "packages", "evaluation", "kernel_env")
    return all(recorded.get(k) == now.get(k) for k in keys)
