"""The file drop: atomic files in the outbox folder, settled by what the importer moved to done/ or rejected/."""

from __future__ import annotations

import json
import shutil
import time

import pytest

from sync.filedrop import file_name, parse
from sync.outbox import list_outbox, payload_of
from sync.reference_ledger import ReferenceLedger
from sync.sender import send_pending
from sync.transport import FileDropTransport
from tests.conftest import make_settings
from tests.sync.conftest import close_batch, seed_from_counter


@pytest.fixture
def drop(tmp_path, engine_url, counter):
    if not engine_url.startswith("sqlite"):
        pytest.skip("the file drop does not depend on the engine; the outbox is tested on both elsewhere")
    folder = tmp_path / "outbox"
    folder.mkdir()
    settings = make_settings(tmp_path, engine_url, ledger={"transport": "file", "outbox_dir": str(folder),
                                                          "poll_seconds": 0.01})
    return folder, settings


def states(database):
    with database.reader() as uow:
        return {e.batch_id: e for e in list_outbox(uow, limit=1000)}


def test_files_are_written_whole_and_settled_from_done_and_rejected(counter, drop, tmp_path):
    folder, settings = drop
    ledger = ReferenceLedger(tmp_path / "ledger.db")
    seed_from_counter(ledger, counter)
    batches = [close_batch(counter, settings, payments=2) for _ in range(3)]
    transport = FileDropTransport(settings)
    send_pending(counter, settings, transport)  # the first file, then it waits for the importer
    written = sorted(p.name for p in folder.iterdir())
    with counter.reader() as uow:
        first_body = json.loads(payload_of(uow, batches[0]))
    assert written == [file_name(first_body)] and not list(folder.glob("*.tmp"))
    assert parse((folder / written[0]).read_bytes())["transactions"] == first_body["transactions"]
    assert states(counter)[batches[0]].status == "sending"
    for _ in range(20):  # the importer and the sender take turns (bounded)
        ledger.import_folder(folder)
        time.sleep(0.03)  # the sender looks again after poll_seconds
        send_pending(counter, settings, transport)
        if all(e.status == "accepted" for e in states(counter).values()):
            break
    assert {e.status for e in states(counter).values()} == {"accepted"}
    assert sorted(p.name for p in (folder / "done").iterdir()) == sorted(
        file_name({**first_body, "batch_id": b}) for b in batches)
    assert all(ledger.batch_status(b) for b in batches)


def test_a_rejected_file_shows_its_reason_file(counter, drop):
    folder, settings = drop
    batch_id = close_batch(counter, settings)
    transport = FileDropTransport(settings)
    send_pending(counter, settings, transport)
    name = next(folder.glob("PAY_*.csv")).name
    (folder / "rejected").mkdir()
    shutil.move(str(folder / name), folder / "rejected" / name)
    (folder / "rejected" / f"{name}.reason.txt").write_text("D record 2: account 0000000001 unknown\n")
    time.sleep(0.03)
    send_pending(counter, settings, transport)
    entry = states(counter)[batch_id]
    assert entry.status == "refused"
    assert entry.refusal_reasons == ({"txn_id": None, "reason": "D record 2: account 0000000001 unknown"},)


def test_a_file_lost_before_import_is_written_again_and_a_duplicate_is_never_posted_twice(counter, drop, tmp_path):
    folder, settings = drop
    ledger = ReferenceLedger(tmp_path / "ledger.db")
    seed_from_counter(ledger, counter)
    batch_id = close_batch(counter, settings)
    transport = FileDropTransport(settings)
    send_pending(counter, settings, transport)
    name = next(folder.glob("PAY_*.csv")).name
    data = (folder / name).read_bytes()
    (folder / name).unlink()
    time.sleep(0.03)
    send_pending(counter, settings, transport)
    assert (folder / name).read_bytes() == data
    ledger.import_folder(folder)
    (folder / name).write_bytes(data)  # someone drops it again
    assert ledger.import_folder(folder) == [(name, "rejected")]
    assert "duplicate" in (folder / "rejected" / f"{name}.reason.txt").read_text()
    time.sleep(0.03)
    send_pending(counter, settings, transport)
    assert states(counter)[batch_id].status == "accepted" and ledger.accepted_count() == 1


def test_tmp_files_are_never_imported(counter, drop, tmp_path):
    folder, settings = drop
    (folder / "PAY_T01_2026-11-29_x.csv.tmp").write_bytes(b"H,half")
    assert ReferenceLedger(tmp_path / "ledger.db").import_folder(folder) == []
