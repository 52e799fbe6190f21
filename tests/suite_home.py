"""The suite's own home: every file a test run writes stays in one temporary folder, checked at the end.

Imported by ``tests/conftest.py`` before any test module, so that it runs in the pytest process that
starts the run (and, under pytest-xdist, again in each worker, which inherits the environment):

- HOME, the XDG folders and TMPDIR point into one temporary root made for the run, so the terminal's
  defaults (receipts, reports, the demo, caches) and every subprocess land there, never in the
  user's real folders; the workers share the root the first process made.
- When the run ends, the first process scans every file under the root (databases through SQLite,
  receipts, reports, PDFs, logs) for a full card number, and checks that the user's real pos
  folders were not written to; either failure fails the run and names the file. A clean, passing
  run removes the root; otherwise it is kept for a look and its path is printed.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import sys
import tempfile
import zlib
from pathlib import Path

import platformdirs

from pos.core.cards import find_card_number, has_long_digit_run

_ROOT_VARIABLE = "POS_TEST_ROOT"
APP_NAME = "pos"
# Input files a test writes on purpose to prove an import refuses a card number; nothing the terminal made.
NOT_SCANNED_SUFFIXES = (".csv",)
_SQLITE_MAGIC = b"SQLite format 3\x00"
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.DOTALL)
# The text a PDF shows is in its string literals: "(Check 1042) Tj". Everything else in a page is
# numbers between spaces (positions, sizes), which a digit-run scan would misread.
_PDF_STRING = re.compile(rb"\((?:\\.|[^\\()])*\)", re.DOTALL)
# A run of digits is one number only when no letter or digit touches it; a long hexadecimal word
# (an audit hash, a UUID) around it makes it part of that word, not a card number.
_HEX_WORD = re.compile(r"[0-9A-Fa-f-]*\d(?:[ \-]?\d)+[0-9A-Fa-f-]*")


def _real_folders() -> list[Path]:
    return [Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_state_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))]


def _listing(folders: list[Path]) -> dict[str, tuple[int, int]]:
    found: dict[str, tuple[int, int]] = {}
    for folder in folders:
        for dirpath, _dirs, files in os.walk(folder):
            for name in files:
                path = os.path.join(dirpath, name)
                try:
                    stat = os.stat(path)
                except OSError:
                    continue
                found[path] = (stat.st_size, stat.st_mtime_ns)
    return found


OWNS_ROOT = _ROOT_VARIABLE not in os.environ  # the first process of the run; xdist workers inherit the root
if OWNS_ROOT:
    REAL_FOLDERS = _real_folders()
    REAL_BEFORE = _listing(REAL_FOLDERS)
    os.environ[_ROOT_VARIABLE] = tempfile.mkdtemp(prefix="pos-suite-")
ROOT = Path(os.environ[_ROOT_VARIABLE])
HOME = ROOT / "home"
_ENVIRONMENT = {
    "HOME": HOME,
    "XDG_DATA_HOME": HOME / ".local" / "share",
    "XDG_CONFIG_HOME": HOME / ".config",
    "XDG_CACHE_HOME": HOME / ".cache",
    "XDG_STATE_HOME": HOME / ".local" / "state",
    "TMPDIR": ROOT / "tmp",
}
if sys.platform == "win32":
    _ENVIRONMENT.update(USERPROFILE=HOME, APPDATA=HOME / "AppData" / "Roaming",
                        LOCALAPPDATA=HOME / "AppData" / "Local", TEMP=ROOT / "tmp", TMP=ROOT / "tmp")
for _name, _path in _ENVIRONMENT.items():
    _path.mkdir(parents=True, exist_ok=True)
    os.environ[_name] = str(_path)
tempfile.tempdir = None  # gettempdir() may have been asked already: look at TMPDIR again

try:
    from hypothesis import settings as _hypothesis_settings

    # Failing examples would be kept in .hypothesis/ beside the code, and may hold the card numbers
    # the card-guard tests generate: keep none.
    _hypothesis_settings.register_profile("pos-suite", database=None)
    _hypothesis_settings.load_profile("pos-suite")
except ImportError:  # pragma: no cover - hypothesis is a test dependency
    pass


# The end of the run ------------------------------------------------------------------------------


def card_numbers_in_text(text: str) -> bool:
    """A full card number standing as a number of its own (not inside a hash or a UUID)."""
    if not has_long_digit_run(text):
        return False
    for word in _HEX_WORD.finditer(text):
        value = word.group()
        start, end = word.start(), word.end()
        if any(ch in "abcdefABCDEF" for ch in value):
            continue  # a hexadecimal word: an audit hash, a UUID, a job id
        before = text[start - 1] if start else ""
        after = text[end] if end < len(text) else ""
        if before.isalpha() or after.isalpha():
            continue  # glued to a word (a base-32 id, say): part of it
        if find_card_number(value):
            return True
    return False


def card_numbers_in_sqlite(path: Path) -> list[str]:
    """Tables and columns of a SQLite database (WAL included) holding a full card number."""
    found: list[str] = []
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            try:
                cursor = connection.execute(f'SELECT * FROM "{table}"')
            except sqlite3.Error:
                continue  # an FTS shadow table read through its virtual table
            columns = [d[0] for d in cursor.description]
            for row in cursor:
                texts = [(c, v) for c, v in zip(columns, row) if isinstance(v, str)]
                if not has_long_digit_run("\x00".join(v for _, v in texts)):
                    continue
                found.extend(f"table {table}, column {c}" for c, v in texts if card_numbers_in_text(v))
    finally:
        connection.close()
    return sorted(set(found))


def card_numbers_in_file(path: Path) -> list[str]:
    """Where in ``path`` a full card number is written (empty when none)."""
    try:
        data = path.read_bytes()
    except OSError:
        return []
    if data.startswith(_SQLITE_MAGIC):
        try:
            return card_numbers_in_sqlite(path)
        except sqlite3.Error as exc:
            return [f"not readable as a database ({exc})"]
    parts = [data]
    if data.startswith(b"%PDF"):
        for stream in _STREAM.findall(data):
            try:
                parts.append(zlib.decompress(stream))
            except zlib.error:
                continue
        parts = [string for part in parts for string in _PDF_STRING.findall(part)]
    return ["its text"] if any(card_numbers_in_text(part.decode("latin-1")) for part in parts) else []


def scan_for_card_numbers(root: Path) -> list[str]:
    """Every file under ``root`` the terminal wrote that holds a full card number, with where."""
    findings: list[str] = []
    for dirpath, _dirs, files in os.walk(root):
        for name in sorted(files):
            path = Path(dirpath) / name
            if name.endswith(NOT_SCANNED_SUFFIXES) or name.endswith(("-wal", "-shm", "-journal")):
                continue  # the -wal is read through its database
            findings.extend(f"{path}: {where}" for where in card_numbers_in_file(path))
    return findings


def real_folders_written() -> list[str]:
    """Files in the user's real pos folders that appeared or changed during the run."""
    after = _listing(REAL_FOLDERS)
    return sorted(path for path, seen in after.items() if REAL_BEFORE.get(path) != seen)


def pytest_sessionfinish(session, exitstatus) -> None:  # noqa: ANN001 - pytest's hook
    if not OWNS_ROOT or os.environ.get("PYTEST_XDIST_WORKER"):
        return
    problems = [f"card number written: {finding}" for finding in scan_for_card_numbers(ROOT)]
    problems += [f"written outside the suite's temporary folder: {path} (unless another program wrote it meanwhile)"
                 for path in real_folders_written()]
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if problems:
        session.exitstatus = 1  # pytest.ExitCode.TESTS_FAILED
        if reporter is not None:
            reporter.write_sep("=", "files the suite must not leave", red=True, bold=True)
            for problem in problems:
                reporter.write_line(problem, red=True)
    if problems or session.exitstatus not in (0, 5):
        if reporter is not None:
            reporter.write_line(f"the suite's files are kept in {ROOT}")
        return
    shutil.rmtree(ROOT, ignore_errors=True)
