"""Freezes an evaluation model before proposals are opened, and checks that it stayed frozen.

The method must be fixed before any proposal is opened and not changed after (commentary on
KOFA 2023/0999; legal.md). ``evaluation freeze`` writes ``<model>.lock.json`` beside the model
with the sha256 of its raw bytes, the UTC time, and the model test's seed, settings and
summary. ``score`` and ``run`` then say whether the model they use is the frozen one and
refuse a model changed after freezing unless explicitly allowed.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evaluation.common.errors import FrozenModelError
from evaluation.common.hashing import sha256_file
from evaluation.common.markup import escape_html

LOCK_VERSION = 1
LOCK_SUFFIX = ".lock.json"


def lock_path(model_path: Path | str) -> Path:
    """Return the lock beside ``model_path``: ``criteria/x.yaml`` → ``criteria/x.lock.json``."""
    path = Path(model_path)
    return path.with_name(path.stem + LOCK_SUFFIX)


def model_sha256(model_path: Path | str) -> str:
    """Return the hex sha256 of the model file's raw bytes (as ``load_model`` records it)."""
    return sha256_file(Path(model_path))


@dataclass(frozen=True)
class Lock:
    """The contents of a lock file."""

    path: Path
    model_file: str
    sha256: str
    frozen_at: str
    model_test: dict[str, Any]


def read_lock(model_path: Path | str) -> Lock | None:
    """Return the lock beside ``model_path``, ``None`` if there is none.

    An unreadable lock is not silently ignored: it raises :class:`FrozenModelError`.
    """
    path = lock_path(model_path)
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Lock(path, str(data["model_file"]), str(data["sha256"]), str(data["frozen_at"]),
                    dict(data.get("model_test") or {}))
    except (ValueError, KeyError, TypeError) as exc:
        raise FrozenModelError(f"{path}: not a readable lock file ({type(exc).__name__}: {exc}); "
                               "restore it from version control or freeze the model again "
                               "with --force") from None


def write_lock(model_path: Path | str, model_test: dict[str, Any], *,
               now: dt.datetime | None = None, force: bool = False) -> tuple[Path, bool]:
    """Write the lock of ``model_path``; return its path and whether it was (re)written.

    A lock for the same bytes is kept as it is (its time stays that of the first freeze).
    A lock for other bytes is replaced only with ``force``: re-freezing after proposals are
    opened is exactly what the lock is there to show.
    """
    from evaluation.common.payload import dumps
    from evaluation.common.version import __version__

    path = Path(model_path)
    digest = model_sha256(path)
    existing = read_lock(path) if not force else None
    if existing is not None:
        if existing.sha256 == digest:
            return existing.path, False
        raise FrozenModelError(
            f"{existing.path}: the model was frozen at {existing.frozen_at} with sha256 "
            f"{existing.sha256}; it now has sha256 {digest}. Freezing it again (--force) is "
            "allowed only before the competition is announced.")
    when = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    lock = {"lock_version": LOCK_VERSION, "model_file": path.name, "sha256": digest,
            "frozen_at": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "evaluation": __version__,
            "model_test": model_test}
    target = lock_path(path)
    target.write_text(dumps(lock), encoding="utf-8")
    return target, True


@dataclass(frozen=True)
class FreezeStatus:
    """Whether a model is the frozen one: ``frozen``, ``not_frozen`` or ``changed``."""

    model: Path
    lock: Path
    frozen: bool
    changed: bool
    sha256: str
    locked_sha256: str | None = None
    frozen_at: str | None = None
    model_test: dict[str, Any] | None = None

    @property
    def state(self) -> str:
        return "changed" if self.changed else "frozen" if self.frozen else "not_frozen"

    def text(self, language: str) -> str:
        """Return one line saying whether the model is the frozen one."""
        if self.changed:
            return (f"modellen er ENDRET ETTER FRYSING: sha256 {self.sha256[:12]}… avviker fra "
                    f"{self.locked_sha256 and self.locked_sha256[:12]}… i {self.lock.name} "
                    f"({self.frozen_at})" if language == "nb" else
                    f"the model was CHANGED AFTER FREEZING: sha256 {self.sha256[:12]}… differs "
                    f"from {self.locked_sha256 and self.locked_sha256[:12]}… in "
                    f"{self.lock.name} ({self.frozen_at})")
        if self.frozen:
            return (f"modellen er frosset ({self.lock.name}, {self.frozen_at}, sha256 "
                    f"{self.sha256[:12]}…)" if language == "nb" else
                    f"the model is frozen ({self.lock.name}, {self.frozen_at}, sha256 "
                    f"{self.sha256[:12]}…)")
        return ("modellen er ikke frosset (not frozen): kjør `evaluation freeze` før "
                "konkurransen kunngjøres" if language == "nb" else
                "the model is not frozen: run `evaluation freeze` before the competition is "
                "announced")

    def banner_html(self, language: str) -> str:
        """Return the report's top line; a changed model is shown in red."""
        text = escape_html(self.text(language))
        label = {"nb": "Evalueringsmodell", "en": "Evaluation model"}.get(language, "Model")
        if self.changed:
            return (f'<p class="evaluation-banner evaluation-warning" id="model-frozen">'
                    f"{label}: {text}</p>")
        return f'<p class="evaluation-banner" id="model-frozen">{label}: {text}</p>'

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FreezeStatus:
        """Return the status recorded by :meth:`as_dict` (e.g. in a run's manifest)."""
        return cls(Path(data["model_file"]), Path(data["lock_file"]),
                   frozen=bool(data["frozen"]), changed=bool(data["changed"]),
                   sha256=str(data["sha256"]), locked_sha256=data.get("locked_sha256"),
                   frozen_at=data.get("frozen_at"), model_test=data.get("model_test"))

    def as_dict(self) -> dict[str, Any]:
        return {"state": self.state, "frozen": self.frozen, "changed": self.changed,
                "model_file": self.model.name, "lock_file": self.lock.name,
                "sha256": self.sha256, "locked_sha256": self.locked_sha256,
                "frozen_at": self.frozen_at, "model_test": self.model_test}


def check_frozen(model_path: Path | str, *, allow_unfrozen: bool = False,
                 sha256: str | None = None) -> FreezeStatus:
    """Return whether ``model_path`` is the frozen model.

    A model whose bytes differ from its lock raises :class:`FrozenModelError` naming the lock
    file and both sha256s, unless ``allow_unfrozen``; a model without a lock is "not frozen",
    which is allowed (it is reported, not refused). ``sha256``: the digest recorded when the
    model was loaded (then the file is not read again).
    """
    path = Path(model_path)
    lock = read_lock(path)
    digest = sha256 or model_sha256(path)  # given: the loaded model's, what was scored
    if lock is None:
        return FreezeStatus(path, lock_path(path), frozen=False, changed=False, sha256=digest)
    changed = lock.sha256 != digest
    status = FreezeStatus(path, lock.path, frozen=not changed, changed=changed, sha256=digest,
                          locked_sha256=lock.sha256, frozen_at=lock.frozen_at,
                          model_test=lock.model_test)
    if changed and not allow_unfrozen:
        raise FrozenModelError(
            f"{path}: the model was changed after it was frozen: its sha256 is {digest}, but "
            f"{lock.path} records {lock.sha256} (frozen at {lock.frozen_at}). Restore the "
            "frozen model, or pass --allow-unfrozen to proceed with a report that says so.")
    return status


def model_banner(frozen: dict[str, Any] | None, language: str) -> str:
    """Return the report's frozen / not frozen / CHANGED AFTER FREEZING line from a manifest."""
    return FreezeStatus.from_dict(frozen).banner_html(language) if frozen else ""
