"""The output folder's contract: what codepack owns in it, and what it must never touch.

A run writes into ``--out`` and, with ``--overwrite``, clears an earlier run's files first.
Users keep other things beside a dataset (notes, their own plots, a README of their own), and
they point ``--out`` at the wrong place by mistake, so the rules are strict:

- The output is never an input, inside an input, or around an input: a run would read its own
  output back as a repository, and ``--overwrite`` would delete the input's files.
- A folder is codepack's only if it holds ``.codepack-run.json`` (written first by every run).
  Every name is defined in ``codepack.output.outputs``.
  ``--overwrite`` deletes only files of such a folder whose names are exactly the names
  codepack writes (``part-00000.parquet``, not ``part-notes.parquet``); the card
  (``README.md``) and plots only while they are byte-identical to what codepack wrote, as
  recorded in ``.codepack-files.json``. A file of codepack's name that is not codepack's is
  never replaced: the run stops before any work and says so.
- ``--resume`` needs a folder codepack wrote (or an empty one).
- One run at a time: a run holds an exclusive lock on ``.codepack-lock`` until it ends; a
  second run into the same folder stops at once. (The lock is ``flock``: it holds between
  processes of one machine and on local disks; network filesystems may not honour it.)
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from codepack.output.outputs import (
    FILES_LEDGER,
    FINAL_NAMES,
    LOCK_FILE,
    PLOTS_DIR,
    RUN_FILE,
    WORK_DIR,
    atomic_write,
    owned_name,
)


class OutputError(ValueError):
    """The output folder cannot be used as asked."""


# --------------------------------------------------------------------------- inputs


def check_apart(out: Path, inputs: Iterable[str | Path]) -> None:
    """Refuse an output folder that is an input, lies inside one, or contains one."""
    out_real = Path(os.path.realpath(out))
    for given in inputs:
        if "://" in str(given):
            continue
        real = Path(os.path.realpath(given))
        if out_real == real:
            raise OutputError(f"--out {out} is the input {given}: choose a separate folder")
        if real in out_real.parents:
            raise OutputError(f"--out {out} lies inside the input {given}: a later run would "
                              "read it back as a repository; choose a folder outside it")
        if out_real in real.parents:
            raise OutputError(f"--out {out} contains the input {given}: choose a folder that "
                              "holds no input")


# --------------------------------------------------------------------------- ownership


def is_run_file(data: bytes) -> bool:
    """Whether bytes are a run file that codepack wrote."""
    try:
        parsed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return False
    return isinstance(parsed, dict) and "codepack_version" in parsed


def is_codepack_folder(out: Path) -> bool:
    """Whether a run of codepack wrote this folder (its run file is there and parses)."""
    try:
        return is_run_file((out / RUN_FILE).read_bytes())
    except OSError:
        return False


def parse_ledger(data: bytes) -> dict[str, str]:
    """``relative path -> sha256`` of the card and plots as a run wrote them."""
    try:
        parsed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    if not isinstance(parsed, dict):
        return {}
    return {k: v for k, v in parsed.items() if isinstance(k, str) and isinstance(v, str)}


def unchanged(ledger: dict[str, str], rel: str, data: bytes) -> bool:
    """Whether ``data`` is still exactly what the run that kept ``ledger`` wrote at ``rel``."""
    return rel in ledger and hashlib.sha256(data).hexdigest() == ledger[rel]


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _ledger(out: Path) -> dict[str, str]:
    try:
        return parse_ledger((out / FILES_LEDGER).read_bytes())
    except OSError:
        return {}


def record_written(out: Path, relative_paths: Iterable[str]) -> None:
    """Remember the hashes of files a user may also have made (the card, the plots), so a
    later ``--overwrite`` deletes them only while they are still codepack's."""
    ledger = {rel: digest for rel in sorted(relative_paths)
              if (digest := _digest(out / rel)) is not None}
    atomic_write(out / FILES_LEDGER, json.dumps(ledger, indent=1, sort_keys=True))


def _still_ours(out: Path, rel: str, ledger: dict[str, str]) -> bool:
    try:
        return unchanged(ledger, rel, (out / rel).read_bytes())
    except OSError:
        return False


def owned_files(out: Path) -> list[Path]:
    """The files and folders of ``out`` that an earlier run wrote and nobody changed since:
    exactly what ``--overwrite`` may delete. Nothing, if codepack did not write the folder."""
    if not is_codepack_folder(out):
        return []
    ledger = _ledger(out)
    owned = [p for p in out.iterdir() if owned_name(p.name) and not p.is_dir()]
    if (out / WORK_DIR).is_dir():
        owned.append(out / WORK_DIR)
    owned.extend(out / rel for rel in sorted(ledger) if _still_ours(out, rel, ledger))
    return sorted(set(owned))


def _clear(out: Path) -> None:
    ledger_file = out / FILES_LEDGER
    run_file = out / RUN_FILE
    for path in owned_files(out):
        if path in (ledger_file, run_file):
            continue  # last: while they exist, an interrupted clear can be redone
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    plots = out / PLOTS_DIR
    if plots.is_dir() and not any(plots.iterdir()):
        plots.rmdir()
    ledger_file.unlink(missing_ok=True)
    run_file.unlink(missing_ok=True)


def foreign_names(present: Iterable[str], ours: Iterable[str]) -> list[str]:
    """Names a run will write that a file not codepack's holds now: ``present`` are the
    folder's top-level names, ``ours`` those of its files that an earlier run wrote and
    nobody changed since. Local and remote outputs share this rule."""
    own = set(ours)
    return sorted(name for name in set(present) - own
                  if name in FINAL_NAMES or owned_name(name))


def prepare(out: Path, *, overwrite: bool, resume: bool, not_empty: str) -> None:
    """Make ``out`` ready for a run, or refuse with one clear ``OutputError``.

    ``not_empty`` is the message for a non-empty folder without ``--overwrite``/``--resume``.
    """
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out} exists and is not a folder")
    out.mkdir(parents=True, exist_ok=True)
    present = [p for p in out.iterdir() if p.name != LOCK_FILE]
    if not present:
        return
    ours = is_codepack_folder(out)
    if resume and not ours:
        raise OutputError(f"--resume: {out} was not written by codepack (no {RUN_FILE}); "
                          "nothing to resume")
    if not (overwrite or resume):
        raise OutputError(not_empty)
    if overwrite:
        _clear(out)
    clashes = foreign_names((p.name for p in out.iterdir()),
                            (p.name for p in owned_files(out) if p.parent == out))
    if clashes:
        raise OutputError(f"--out {out} holds files that codepack did not write (or that were "
                          f"changed since) under names it writes: {', '.join(clashes)}; move "
                          "them away or choose another folder")


# --------------------------------------------------------------------------- single files


def check_output_file(path: Path, option: str) -> None:
    """Refuse, before any work, a file path that cannot be written: a folder, a path whose
    parent is missing or not a folder, or a place the user may not write to."""
    if path.is_dir():
        raise OutputError(f"{option} {path} is a folder: name a file")
    parent = path.parent
    if not parent.is_dir():
        raise OutputError(f"{option} {path}: the folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise OutputError(f"{option} {path}: the folder {parent} is not writable")


# --------------------------------------------------------------------------- lock


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold the folder's run lock for the duration of a run; ``OutputError`` at once if
    another run holds it.

    The lock file is removed when the run ends, so a finished output holds no trace of it. A
    run that opened the file just before it was removed would lock a file no longer in the
    folder; it checks that the file it locked is still the one named ``.codepack-lock`` and
    tries again otherwise.
    """
    out.mkdir(parents=True, exist_ok=True)
    path = out / LOCK_FILE
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise OutputError(f"another codepack run is writing to {out}; wait for it to "
                              "end or choose another --out") from None
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        path.unlink(missing_ok=True)  # while still held: no other run can hold it meanwhile
        os.close(fd)


__all__ = ["OutputError", "check_apart", "check_output_file",
           "foreign_names", "is_codepack_folder", "is_run_file", "locked", "owned_files",
           "parse_ledger", "prepare", "record_written", "unchanged"]
