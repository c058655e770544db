"""The package's public face (``evaluation/__init__.py``) and the notebooks' use of it."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

import evaluation

ROOT = Path(__file__).resolve().parents[1]


def test_every_public_name_resolves_lazily() -> None:
    for name in evaluation.__all__:
        assert getattr(evaluation, name) is not None, name
    assert set(evaluation.__all__) - {"__version__"} == set(evaluation._EXPORTS)


def test_import_evaluation_loads_no_layer() -> None:
    """``import evaluation`` runs in every notebook kernel: it must not import pandas or the
    layers until a name is used."""
    import subprocess
    import sys

    code = ("import sys, evaluation; "
            "print(sorted(m for m in sys.modules if m.startswith(('evaluation.', 'pandas'))))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout
    assert ["evaluation.common", "evaluation.common.version"] == eval(out)


def test_notebook_templates_import_only_the_public_face() -> None:
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
        imports = re.findall(r"^\s*(?:from|import)\s+(evaluation[\w.]*)", code, flags=re.M)
        assert imports, path
        assert {"evaluation"} == set(imports), (path.name, imports)


def test_modules_of_runs_made_before_the_layers_are_kept() -> None:
    """Executed notebooks of version 0.1.0 import these three modules (tests/runs has a whole
    run of that version that still audits)."""
    for old, name in (("committee_view", "CommitteeView"), ("proposal_view", "ProposalView"),
                      ("modeltest_view", "ModelTestView")):
        module = importlib.import_module(f"evaluation.{old}")
        assert getattr(module, name) is getattr(evaluation, name)
