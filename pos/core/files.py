"""Private files: what the terminal keeps on disk is readable by its owner only (files 0600, folders 0700).

The database holds PIN hashes and every payment; receipts, reports and slips name customers and
amounts. Modes are set when a file or folder is created (``mkdir`` and ``open`` obey the umask, so
the mode is set again explicitly), and a file the terminal rewrites is made private again.
SQLite creates a database's -wal, -shm and -journal files with the mode of the database file itself,
so a private database keeps its companions private.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def private_dir(path: Path | str) -> Path:
    """Create ``path`` and any missing parent as folders only the owner may enter; return it.

    A folder that already exists keeps its mode: a site may have set up a shared one on purpose.
    """
    path = Path(path)
    missing: list[Path] = []
    probe = path
    while not probe.exists() and probe.parent != probe:
        missing.append(probe)
        probe = probe.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:
            continue  # made meanwhile by another process
        _chmod(folder, PRIVATE_DIR)
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True)  # raises the right error (a file is in the way)
    return path


def private_opener(path: str, flags: int) -> int:
    """``opener=`` for ``open()``: a new file is created 0600, and one that was there is made 0600."""
    fd = os.open(path, flags, PRIVATE_FILE)
    if hasattr(os, "fchmod"):
        try:
            os.fchmod(fd, PRIVATE_FILE)
        except OSError:
            pass  # not the owner of a file we may write: its owner chose its mode
    return fd


def write_private(path: Path | str, data: bytes) -> Path:
    """Write ``data`` to ``path`` (its folder made if missing) as a private file."""
    path = Path(path)
    private_dir(path.parent)
    with open(path, "wb", opener=private_opener) as handle:
        handle.write(data)
    return path


def private_sqlite_file(path: Path | str) -> Path:
    """Make sure a SQLite database file exists and is private before SQLite opens it.

    A new file is created empty (SQLite treats an empty file as a new database) with mode 0600 in a
    0700 folder; an existing one, and its -wal, -shm and -journal files, are made 0600.
    """
    path = Path(path)
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), PRIVATE_FILE)
    except OSError:
        return path  # SQLite reports why it cannot open it, naming the file
    os.close(fd)
    for candidate in (path, *(path.with_name(path.name + suffix) for suffix in SQLITE_COMPANIONS)):
        if candidate.exists():
            _chmod(candidate, PRIVATE_FILE)
    return path


def _chmod(path: Path, mode: int) -> None:
    try:
        os.chmod(path, mode)
    except OSError:
        pass  # not ours to change (another owner); what we create ourselves is always ours
