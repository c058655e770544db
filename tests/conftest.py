"""Shared fixtures: the bundled demo tender and editable copies of it."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from builders import MUTATING
from hypothesis import Phase, settings

if MUTATING:  # `make mutate`: every mutant runs these tests; keep them quick and repeatable,
    # and without a deadline: on a loaded machine a slow example would fail the clean run, or
    # count a mutant as killed that no assertion caught. No shrinking: a mutant is killed by
    # its first failing example; shrinking that example would only spend time.
    settings.register_profile("mutate", max_examples=8, derandomize=True, database=None,
                              deadline=None,
                              phases=(Phase.explicit, Phase.reuse, Phase.generate))
    settings.load_profile("mutate")


ROOT = Path(__file__).resolve().parents[1]
DEMO_TENDER = ROOT / "tenders" / "1000-bygg"
DEMO_MODEL = ROOT / "criteria" / "1000-bygg.yaml"


@pytest.fixture
def demo_tender() -> Path:
    """The bundled demo tender folder (read only: copy it before editing)."""
    return DEMO_TENDER


FINAL_ROUND = "3-final"
NEGOTIATION_RECORDS = ("negotiations.csv", "changes_sent.csv", "departures.csv")


def plain_award(folder: Path) -> None:
    """Make a copy of the demo a single award: the final round's files at the root, no
    rounds, no negotiation record (the award's tests edit ``proposals.csv`` and friends)."""
    final = folder / "rounds" / FINAL_ROUND
    for item in final.iterdir():
        shutil.move(str(item), str(folder / item.name))
    shutil.rmtree(folder / "rounds")
    for name in NEGOTIATION_RECORDS:
        (folder / name).unlink(missing_ok=True)
    yaml_path = folder / "tender.yaml"
    text = yaml_path.read_text(encoding="utf-8")
    start = text.index("procedure: innovation_partnership")
    end = text.index("kind: final", start)
    end = text.index("\n", end) + 1
    yaml_path.write_text(text[:start] + text[end:], encoding="utf-8")


@pytest.fixture
def make_tender(tmp_path: Path) -> Callable[..., Path]:
    """Return a factory copying the demo into ``tmp_path`` and returning the tender folder.

    The layout is ``tmp/criteria/1000-bygg.yaml`` and ``tmp/tenders/1000-bygg/``, so the
    relative ``criteria:`` path in tender.yaml still points at the copied model. The copy is
    a single award (the final round's files at the root: :func:`plain_award`) unless
    ``rounds=True`` (the innovation partnership with its three rounds). It is unsealed (no
    seal.json, no ``price_opening: after_seal``) so tests may edit scores and prices are read;
    ``make(sealed=True)`` keeps the demo's seals and price opening.
    """

    def make(sealed: bool = False, rounds: bool = False) -> Path:
        (tmp_path / "criteria").mkdir(exist_ok=True)
        shutil.copy2(DEMO_MODEL, tmp_path / "criteria" / DEMO_MODEL.name)
        folder = tmp_path / "tenders" / DEMO_TENDER.name
        shutil.copytree(DEMO_TENDER, folder)
        if not rounds:
            plain_award(folder)
        if not sealed:
            for seal in (folder.rglob("seal.json")):
                seal.unlink()
            yaml_path = folder / "tender.yaml"
            yaml_path.write_text(yaml_path.read_text(encoding="utf-8").replace(
                "price_opening: after_seal", ""), encoding="utf-8")
        return folder

    return make


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace ``old`` by ``new`` in the UTF-8 file ``path`` (``old`` must occur; BOM kept)."""
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert old in text, f"{old!r} not in {path}"
    text = text.replace(old, new, count)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))


def line_of(path: Path, fragment: str, nth: int = 1) -> int:
    """Return the 1-based number of the ``nth`` line of ``path`` containing ``fragment``."""
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    hits = [number for number, line in enumerate(lines, start=1) if fragment in line]
    assert len(hits) >= nth, f"{fragment!r} not {nth} times in {path}"
    return hits[nth - 1]


def model_of(tender: Path) -> Path:
    """The copied model of a tender made by ``make_tender``."""
    return tender.parent.parent / "criteria" / DEMO_MODEL.name


def append_line(path: Path, line: str) -> int:
    """Append ``line`` as a new last line of ``path``; return its 1-based line number."""
    text = path.read_text(encoding="utf-8-sig")
    prefix = "" if text.endswith("\n") else "\n"
    edit(path, text, text + prefix + line + "\n")
    return len((text + prefix).splitlines()) + 1


def delete_line(path: Path, fragment: str) -> None:
    """Delete the first line of ``path`` containing ``fragment``."""
    number = line_of(path, fragment)
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    edit(path, "".join(lines), "".join(lines[: number - 1] + lines[number:]))


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a server the test started: SIGTERM (it stops its kernels), then kill."""
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=15)


def rename_proposal(tender: Path, old: str, new: str, *, only: tuple[str, ...] = ()) -> None:
    """Give proposal ``old`` the id ``new`` in every table of ``tender`` (or the files named in
    ``only``): every field that is exactly ``old``, quoted when ``new`` needs it."""
    field = re.compile(rf"(?:(?<=^)|(?<=[,;])){re.escape(old)}(?=[,;]|$)", re.MULTILINE)
    written = '"' + new.replace('"', '""') + '"' if any(c in new for c in ',;"') else new
    for path in sorted(tender.rglob("*.csv")):
        if only and path.name not in only:
            continue
        text = path.read_text(encoding="utf-8-sig")
        changed = field.sub(lambda m: written, text)
        if changed != text:
            edit(path, text, changed)


@pytest.fixture(params=["libyaml", "python"])
def yaml_parser(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with PyYAML's libyaml parser (when built with it) and without."""
    import yaml

    if request.param == "python":
        monkeypatch.delattr(yaml, "CBaseLoader", raising=False)
    elif not hasattr(yaml, "CBaseLoader"):
        pytest.skip("PyYAML without libyaml")
    return str(request.param)


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str, str]]:
    """Return a function running the command line in-process: ``(status, stdout, stderr)``."""
    from evaluation.cli import main

    def invoke(*argv: str | Path) -> tuple[int, str, str]:
        capsys.readouterr()
        status = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return status, out, err

    return invoke


@pytest.fixture(scope="session")
def demo_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the demo tender, its model and the notebook templates, shared by the session.

    Tests that change an original (to check that the audit notices) restore it afterwards.
    """
    root = tmp_path_factory.mktemp("workspace")
    shutil.copytree(DEMO_MODEL.parent, root / "criteria")
    shutil.copytree(DEMO_TENDER, root / "tenders" / "1000-bygg")
    shutil.copytree(ROOT / "notebooks", root / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    return root


@pytest.fixture(scope="session")
def demo_run(demo_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One complete run of the demo, shared by every test that only reads it.

    Executing notebooks is slow; tests that write into a run folder copy it first.
    """
    from evaluation.launch.run import start_run

    result = start_run(demo_workspace / "tenders" / "1000-bygg",
                       out=tmp_path_factory.mktemp("runs"), jobs=2, progress=False,
                       notebooks=demo_workspace / "notebooks")
    assert result.ok, [o for o in result.outcomes if not o.ok]
    return result.folder
