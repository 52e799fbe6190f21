"""What an examiner with a copy of the database does: drop the append-only triggers, then edit rows by hand."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import text


@contextmanager
def tamper(database) -> Iterator[object]:  # noqa: ANN001 - pos.core.db.Database
    """A committed transaction in which the journal and the money tables can be changed at will."""
    with database.unit_of_work() as uow:
        if database.is_sqlite:
            triggers = uow.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                                        "AND name LIKE '%\\_no\\_%' ESCAPE '\\'")).scalars().all()
            for name in triggers:
                uow.execute(text(f'DROP TRIGGER "{name}"'))
        yield uow
        uow.commit()
