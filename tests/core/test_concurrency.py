"""Several terminals posting at once on one database: receipt numbers stay gapless and unique per terminal."""

import threading

from sqlalchemy import text

from pos.bench import _post_many, _prepare_counter


def test_terminals_posting_at_once_never_share_or_skip_a_receipt_number(settings):
    url = settings.database_url()
    _settings, numbers = _prepare_counter(url, terminals=4, accounts=220)
    errors: list[BaseException] = []

    def terminal(index: int) -> None:
        try:
            _post_many(url, index, numbers, 25)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=terminal, args=(index,)) for index in range(1, 5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors[:1]
    from pos.core.db import open_database

    database = open_database(url, migrate=False)
    with database.reader() as uow:
        rows = uow.execute(text("SELECT terminal_id, receipt_number FROM payment_txn")).all()
        from pos.core import audit

        assert audit.verify(uow.session, key=_settings.security.audit_key).ok  # the key the bench terminals used
    database.dispose()
    for index in range(1, 5):
        terminal_id = f"T{index:02d}"
        sequence = sorted(int(r[1].split("-")[1]) for r in rows if r[0] == terminal_id)
        assert sequence == list(range(1, 26))
