"""The counter's log file: rotated, private (0600 in a 0700 folder), card numbers masked before writing."""

from __future__ import annotations

import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path

import platformdirs

from pos.core.cards import mask_card_numbers

LOGGER_NAME = "pos"
LOG_FILE = "pos.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
MASK = "[card number removed]"

logging.getLogger(LOGGER_NAME).addHandler(logging.NullHandler())  # nothing reaches stderr under the screen


def logger(name: str = "") -> logging.Logger:
    """The project's logger (``pos`` or ``pos.<name>``)."""
    return logging.getLogger(f"{LOGGER_NAME}.{name}" if name else LOGGER_NAME)


def redact(text: str) -> str:
    """``text`` with every card number (the one guard's rule, ``pos.core.cards``) replaced by a mask."""
    return mask_card_numbers(text, MASK)


class RedactingFormatter(logging.Formatter):
    """Formats as usual (message, then traceback), then masks card numbers in the whole text."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class PrivateRotatingFileHandler(RotatingFileHandler):
    """A rotating file that only its owner can read, whoever's umask is in force."""

    def _open(self):  # noqa: ANN202 - the stream, as RotatingFileHandler has it
        descriptor = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.chmod(self.baseFilename, 0o600)  # a file created earlier under another umask
        return os.fdopen(descriptor, "a", encoding=self.encoding, errors=self.errors)


def log_dir() -> Path:
    """The user's log folder (on Linux ``$XDG_STATE_HOME/pos/log``)."""
    return Path(platformdirs.user_log_dir(LOGGER_NAME, appauthor=False))


def log_file() -> Path:
    return log_dir() / LOG_FILE


def configure_logging(level: int = logging.INFO) -> Path:
    """Send the project's log records to the rotated private file; returns its path (safe to call twice)."""
    folder = log_dir()
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    path = folder / LOG_FILE
    root = logging.getLogger(LOGGER_NAME)
    for handler in list(root.handlers):
        if isinstance(handler, PrivateRotatingFileHandler):
            root.removeHandler(handler)
            handler.close()
    handler = PrivateRotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True)
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(level)
    return path
