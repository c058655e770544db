"""Tests for evaluation.cli.lab: ``evaluation lab`` serves JupyterLab on 127.0.0.1 only, behind
Jupyter's token (printed in the URL)."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from conftest import stop

from evaluation.cli.lab import WORK, lab_command, working_copies
from evaluation.runs.folder import NOTEBOOKS


def test_the_command_binds_localhost_and_keeps_the_token() -> None:
    argv = lab_command(Path("/x/notebooks"), 8890, no_browser=True)
    assert "--ServerApp.ip=127.0.0.1" in argv
    assert not [a for a in argv if "token" in a.lower() or "password" in a.lower()]


def test_lab_opens_a_git_ignored_working_copy_and_never_overwrites_it(tmp_path: Path) -> None:
    """JupyterLab saves what it opens; lab opened notebooks/, the templates runs copy and hash
    (issue 16). Its default is work/, beside notebooks/ (so ../tenders/1000-bygg still finds
    the demo), ignored by git; a notebook already there is kept."""
    assert WORK.parent == NOTEBOOKS.parent and WORK != NOTEBOOKS
    if (NOTEBOOKS.parent / ".git").exists() and shutil.which("git"):
        ignored = subprocess.run(["git", "-C", str(NOTEBOOKS.parent), "check-ignore", "-q",
                                  str(WORK / "committee.ipynb")], check=False)
        assert 0 == ignored.returncode, "work/ is not git-ignored"
    work = tmp_path / "work"
    copied = working_copies(work)
    assert {"committee.ipynb", "proposal.ipynb", "model_test.ipynb"} <= {p.name for p in copied}
    assert {p.name for p in NOTEBOOKS.glob("*.ipynb")} == {p.name for p in copied}
    assert (work / "committee.ipynb").read_bytes() == (NOTEBOOKS / "committee.ipynb").read_bytes()
    (work / "committee.ipynb").write_text("{}", encoding="utf-8")  # an analyst's own version
    assert [] == working_copies(work)
    assert "{}" == (work / "committee.ipynb").read_text(encoding="utf-8")


def test_lab_refuses_to_open_the_templates(run: Any) -> None:
    status, _, err = run("lab", "--notebooks", NOTEBOOKS, "--no-browser")
    assert 2 == status
    assert "--notebooks: the notebook templates, which runs copy and audits trust" in err


def _listeners(port: int) -> set[str]:
    """Return the local addresses listening on ``port`` (Linux /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.add(address)
    return found


def _children(pid: int) -> list[int]:
    """Return the processes whose parent is ``pid`` (Linux /proc)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(stat.parent.name))
    return out


def test_lab_answers_only_with_its_token_and_only_on_localhost(tmp_path: Path) -> None:
    """And SIGTERM to ``evaluation lab`` stops JupyterLab too (it was left running)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    config = tmp_path / "config"
    config.mkdir()
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI containers run as root
        (config / "jupyter_server_config.json").write_text('{"ServerApp": {"allow_root": true}}')
    env = {k: v for k, v in os.environ.items() if k not in ("JUPYTER_TOKEN", "JUPYTER_TOKEN_FILE")}
    env.update(JUPYTER_CONFIG_DIR=str(config), JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    log = tmp_path / "lab.log"
    argv = [sys.executable, "-m", "evaluation", "lab", "--no-browser", "--port", str(port),
            "--notebooks", str(tmp_path / "work")]
    with log.open("wb") as out:
        server = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        deadline, url = time.monotonic() + 120, None
        while url is None and time.monotonic() < deadline and server.poll() is None:
            found = re.search(rf"http://127\.0\.0\.1:{port}/lab\?token=(\w+)", log.read_text())
            url = found and found.group(0)
            time.sleep(0.25)
        assert url, log.read_text()[-2000:]
        token = url.split("token=")[1]
        status = f"http://127.0.0.1:{port}/api/status"
        try:
            urllib.request.urlopen(status, timeout=30)
            raise AssertionError("the API answered without the token")
        except urllib.error.HTTPError as refused:
            assert 403 == refused.code
        with urllib.request.urlopen(f"{status}?token={token}", timeout=30) as ok:
            assert 200 == ok.status
        if Path("/proc/net/tcp").exists():
            assert {"0100007F"} == _listeners(port)  # 127.0.0.1, and no other address
        jupyter = _children(server.pid)
    finally:
        stop(server)
    deadline = time.monotonic() + 30
    while [p for p in jupyter if Path(f"/proc/{p}").exists()] and time.monotonic() < deadline:
        time.sleep(0.2)
    left = [p for p in jupyter if Path(f"/proc/{p}").exists()]
    for pid in left:  # this test's own orphan, by its id
        os.kill(pid, signal.SIGTERM)
    assert [] == left, "JupyterLab still running after evaluation lab was stopped"
