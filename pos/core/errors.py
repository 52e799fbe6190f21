"""One error family for everything a person at the counter can cause or must act on."""

from __future__ import annotations

from dataclasses import dataclass


class PosError(Exception):
    """An error with a message a cashier or supervisor can act on."""

    title = "Error"

    def __init__(self, message: str, title: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if title is not None:
            self.title = title

    def __str__(self) -> str:
        return self.message


class InputError(PosError):
    """Bad input in one field: names the field and the reason; nothing was changed."""

    title = "Invalid input"

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class ConfigError(PosError):
    title = "Configuration error"


class DatabaseError(PosError):
    title = "Database error"


class DatabaseUnavailable(DatabaseError):
    """The database did not answer, or dropped the connection: says whether anything was saved.

    ``outcome_known`` is False only when the connection was lost while a commit was on its way: the
    work may or may not have been saved, and the person must look before doing it again.
    """

    title = "Database not answering"

    def __init__(self, message: str, *, outcome_known: bool = True) -> None:
        super().__init__(message)
        self.outcome_known = outcome_known


class AuthError(PosError):
    title = "Sign-in refused"


class PermissionDenied(PosError):
    title = "Not allowed"


class OperatorError(PosError):
    title = "Operator"


class AuditError(PosError):
    title = "Audit trail"


class AccountError(PosError):
    title = "Account"


class ScanLineError(PosError):
    title = "Scan line"


class ImportRefused(PosError):
    """A file was refused as a whole; ``problems`` lists every bad row."""

    title = "Import refused"

    def __init__(self, message: str, problems: list[ImportProblem]) -> None:
        super().__init__(message)
        self.problems = problems


@dataclass(frozen=True)
class ImportProblem:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.reason}"
