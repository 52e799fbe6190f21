"""Import of fee codes (miscellaneous receivables) from CSV: all-or-nothing upsert by code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from pos.core import audit
from pos.core.db import UnitOfWork
from pos.core.errors import ImportRefused
from pos.core.models import FeeCode
from pos.core.settings import Settings
from sync.account_master import Progress
from sync.csvfile import Problems, one_line, parse_bool, parse_int, read_rows, refusal

FEE_CODE_COLUMNS = ("code", "description", "gl_account", "fixed_amount_cents", "active")
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,19}$")


@dataclass(frozen=True)
class ImportFeeCodes:
    path: Path
    operator_id: str | None = None
    os_user: str | None = None  # journaled when the terminal's service identity runs the import


@dataclass(frozen=True)
class FeeCodesImported:
    rows: int
    path: str


def import_fee_codes(uow: UnitOfWork, command: ImportFeeCodes, settings: Settings,
                     on_bytes: Progress | None = None) -> FeeCodesImported:
    problems = Problems()
    seen: dict[str, int] = {}
    parsed: list[FeeCode] = []
    for line, f in read_rows(Path(command.path), FEE_CODE_COLUMNS, problems, on_bytes):
        before = problems.total
        code = f[0].strip().upper()
        if not _CODE.match(code):
            problems.add(line, "code", f"{f[0]!r} is not a fee code (1-20 letters, digits, dash, underscore)")
        elif code in seen:
            problems.add(line, "code", f"{code} is already on line {seen[code]}")
        description = f[1].strip()
        if not one_line(line, "description", description, problems):
            pass
        elif not description:
            problems.add(line, "description", "is empty")
        elif len(description) > 120:
            problems.add(line, "description", "is longer than 120 characters")
        gl_account = f[2].strip()
        if not gl_account:
            problems.add(line, "gl_account", "is empty")
        fixed = None
        if f[3].strip():
            fixed = parse_int(line, "fixed_amount_cents", f[3], problems, negative=False)
            if fixed == 0:
                problems.add(line, "fixed_amount_cents", "must be more than zero (leave it empty for an amount "
                                                         "typed at the counter)")
            elif fixed is not None and fixed > settings.money.max_amount_cents:
                problems.add(line, "fixed_amount_cents", "is above the configured maximum amount")
        active = parse_bool(line, "active", f[4], problems)
        if problems.total != before:
            continue
        seen[code] = line
        parsed.append(FeeCode(code=code, description=description, gl_account=gl_account,
                              fixed_amount_cents=fixed, active=bool(active)))
    if problems:
        raise ImportRefused(refusal(command.path, problems), problems.listed)
    existing = {row.code: row for row in uow.session.execute(select(FeeCode)).scalars()}
    for fee in parsed:
        row = existing.get(fee.code)
        if row is None:
            uow.session.add(fee)
        else:
            row.description, row.gl_account = fee.description, fee.gl_account
            row.fixed_amount_cents, row.active = fee.fixed_amount_cents, fee.active
    audit.record(uow.session, key=settings.security.audit_key, terminal_id=settings.terminal.id,
                 kind="fee_codes_imported", operator_id=command.operator_id,
                 details={"file": Path(command.path).name, "rows": len(parsed),
                          **({"os_user": command.os_user} if command.os_user else {})})
    uow.commit()
    return FeeCodesImported(len(parsed), str(command.path))
