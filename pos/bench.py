"""`pos bench`: each operation's figure beside the raw SQLite floor measured in the same run.

Run as a module (``python -m pos.bench CHILD ...``) it is also the child process that the
benchmarks spawn, so that import time and peak memory are measured in a fresh process. Cold start
runs the real `pos run` on a pseudo-terminal.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

ACCOUNT_COLUMNS_SQL = (
    "account_number, name, service_address, balance_cents, past_due_cents, due_date, status, cash_only, "
    "arrangement_installment_cents, arrangement_next_due, updated_at"
)
PLAIN_TABLE = (
    "CREATE TABLE account (id INTEGER PRIMARY KEY, account_number VARCHAR(20) NOT NULL UNIQUE, "
    "name VARCHAR(120) NOT NULL, service_address VARCHAR(200) NOT NULL, balance_cents BIGINT NOT NULL, "
    "past_due_cents BIGINT NOT NULL, due_date DATE, status VARCHAR(20) NOT NULL, cash_only BOOLEAN NOT NULL, "
    "arrangement_installment_cents BIGINT, arrangement_next_due DATE, updated_at VARCHAR(40) NOT NULL)"
)
SEARCH_SQL = (  # the query pos runs, candidates capped the same way (pos.core.accounts.SEARCH_CANDIDATES)
    "WITH candidate AS MATERIALIZED (SELECT rowid AS id, bm25(account_search, 2.0, 1.0) AS score "
    "FROM account_search WHERE account_search MATCH ? LIMIT 2000) "
    "SELECT a.account_number, a.name, a.service_address, a.balance_cents, a.status "
    "FROM candidate c JOIN account a ON a.id = c.id ORDER BY c.score, a.id LIMIT ?"
)
EXACT_SQL = f"SELECT {ACCOUNT_COLUMNS_SQL} FROM account WHERE account_number = ?"


@dataclass(frozen=True)
class BenchRow:
    operation: str
    figure: float
    floor: float | None
    unit: str
    target: str
    met: bool | None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.floor in (None, 0):
            return None
        return self.figure / self.floor


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def _sqlite_raw(path: Path):  # noqa: ANN202 - sqlite3.Connection
    import sqlite3

    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    return connection


# Children --------------------------------------------------------------------------------------


def _child_import(url: str, csv_path: str) -> dict[str, float]:
    import resource

    from pos.core.db import open_database
    from pos.core.settings import Settings
    from sync.account_master import ImportAccounts, import_accounts

    settings = Settings(database={"url": url})
    database = open_database(url)
    started = time.perf_counter()
    with database.unit_of_work() as uow:
        import_accounts(uow, ImportAccounts(Path(csv_path)), settings)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _child_floor(db_path: str, csv_path: str, with_search: str) -> dict[str, float]:
    """Plain sqlite3: csv.reader straight into executemany, one transaction, same durability."""
    import csv
    import resource

    connection = _sqlite_raw(Path(db_path))
    if with_search == "plain":
        connection.execute(PLAIN_TABLE)
    else:  # the migrated schema, search index included, built the fastest raw way
        for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
            connection.execute(f'DROP TRIGGER "{name}"')
    marks = ", ".join("?" * 11)
    started = time.perf_counter()
    connection.execute("BEGIN IMMEDIATE")
    with open(csv_path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        connection.executemany(f"INSERT INTO account ({ACCOUNT_COLUMNS_SQL}) VALUES ({marks})", reader)
    if with_search != "plain":
        connection.execute("INSERT INTO account_search(account_search) VALUES ('rebuild')")
    connection.execute("COMMIT")
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


BARE_APP = """
from textual.app import App
from textual.widgets import Input, Label


class Bare(App):
    def compose(self):
        yield Label("Operator id")
        yield Input(placeholder="your operator id")


Bare().run()
"""


def _run_child(*args: str, env: dict[str, str] | None = None) -> dict[str, float]:
    result = subprocess.run([sys.executable, "-m", "pos.bench", *args], capture_output=True, text=True,
                            env={**os.environ, **(env or {})}, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"benchmark child {args[0]} failed:\n{result.stderr[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _time_first_frame(argv: list[str], env: dict[str, str], marker: bytes = b"Operator id",
                      timeout: float = 30.0) -> float:
    """Start ``argv`` on a real pseudo-terminal (120×40) and time until ``marker`` is drawn on it."""
    import fcntl
    import pty
    import select
    import signal
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    started = time.perf_counter()
    process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                               env={**os.environ, "TERM": "xterm-256color", **env})
    os.close(slave)
    screen = b""
    try:
        while marker not in screen:
            if time.perf_counter() - started > timeout:
                raise RuntimeError(f"{' '.join(argv)} drew no {marker!r} in {timeout:.0f} s")
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    screen += os.read(master, 65536)
                except OSError:
                    raise RuntimeError(f"{' '.join(argv)} ended before drawing {marker!r}") from None
        return time.perf_counter() - started
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        while True:  # drain so the child is never blocked writing while it shuts down
            ready, _, _ = select.select([master], [], [], 0.2)
            if not ready:
                break
            try:
                if not os.read(master, 65536):
                    break
            except OSError:
                break
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        os.close(master)


# The benchmarks --------------------------------------------------------------------------------


def run_benchmarks(*, accounts: int = 1_000_000, samples: int = 2000, console=None,  # noqa: ANN001
                   cold_starts: int = 5) -> list[BenchRow]:
    from rich.progress import Progress

    from pos.demo import FIRST_NAMES, LAST_NAMES, STREETS, write_accounts_csv

    rows: list[BenchRow] = []
    with tempfile.TemporaryDirectory(prefix="pos-bench-") as scratch, Progress(console=console) as progress:
        folder = Path(scratch)
        step = progress.add_task("benchmarks", total=8)

        def done(message: str) -> None:
            progress.update(step, advance=1, description=message)

        csv_path = folder / "ACCOUNTS_bench.csv"
        write_accounts_csv(csv_path, accounts, seed=11)
        done(f"generated {accounts:,} accounts")

        db_path = folder / "pos.db"
        ours = _run_child("import", f"sqlite:///{db_path}", str(csv_path))
        done("imported through pos")

        plain = _run_child("floor", str(folder / "plain.db"), str(csv_path), "plain")
        schema_db = folder / "schema.db"
        from pos.core.db import open_database

        open_database(f"sqlite:///{schema_db}").dispose()
        same_schema = _run_child("floor", str(schema_db), str(csv_path), "schema")
        done("raw floors")
        rows.append(BenchRow(f"import {accounts:,} accounts (vs plain executemany)", ours["seconds"],
                             plain["seconds"], "s", "≤ 2×", ours["seconds"] <= 2 * plain["seconds"],
                             "floor: csv.reader → executemany into a table of the same columns, no search index"))
        rows.append(BenchRow(f"import {accounts:,} accounts (vs same schema)", ours["seconds"],
                             same_schema["seconds"], "s", "≤ 2×", ours["seconds"] <= 2 * same_schema["seconds"],
                             "floor: the same, into the migrated schema, search index rebuilt once"))
        rows.append(BenchRow("import peak memory", ours["peak_mb"], plain["peak_mb"], "MB", "≤ 300 MB",
                             ours["peak_mb"] <= 300, "peak RSS of the importing process"))

        rng = random.Random(3)
        numbers = [f"{1000000 + rng.randrange(accounts) * 7:010d}" for _ in range(samples)]
        queries = []
        for _ in range(samples):
            shape = rng.random()
            if shape < 0.5:
                last = rng.choice(LAST_NAMES).lower()
                first = rng.choice(FIRST_NAMES).lower()
                queries.append(f"{last[:rng.randint(3, max(3, len(last)))]} {first[:rng.randint(2, 4)]}")
            elif shape < 0.8:
                queries.append(rng.choice(LAST_NAMES).lower()[:rng.randint(3, 6)])
            else:
                queries.append(f"{rng.randint(1, 9999)} {rng.choice(STREETS).lower()[:rng.randint(2, 6)]}")
        rows.extend(_lookup_rows(f"sqlite:///{db_path}", db_path, numbers, queries, accounts))
        done("lookups")

        config = folder / "pos.toml"
        config.write_text(f'[database]\nurl = "sqlite:///{db_path}"\n', encoding="utf-8")
        env = {"POS_CONFIG": str(config)}
        ours_frames = [_time_first_frame([sys.executable, "-m", "pos", "run"], env) for _ in range(cold_starts)]
        floor_frames = [_time_first_frame([sys.executable, "-c", BARE_APP], env) for _ in range(cold_starts)]
        done("cold starts")
        first_frame = statistics.median(ours_frames)
        rows.append(BenchRow("cold start to sign-in first frame (median of "
                             f"{cold_starts})", first_frame, statistics.median(floor_frames), "s", "≤ 1 s",
                             first_frame <= 1.0, "`pos run` on a real pseudo-terminal until the sign-in fields are drawn; "
                             "floor: a bare Textual app with a label and an input, same terminal"))
        progress.update(step, completed=8, description="done")
    return rows


def _lookup_rows(url: str, db_path: Path, numbers: list[str], queries: list[str], accounts: int) -> list[BenchRow]:
    from pos.core.accounts import lookup
    from pos.core.db import open_database
    from pos.core.settings import Settings

    settings = Settings(database={"url": url})
    database = open_database(url)
    raw = _sqlite_raw(db_path)

    def timed(call: Callable[[str], Any], values: list[str]) -> list[float]:
        for value in values[:50]:
            call(value)  # warm the cache the way a morning's first lookups do
        spent = []
        for value in values:
            started = time.perf_counter()
            call(value)
            spent.append(time.perf_counter() - started)
        return spent

    def ours(value: str) -> Any:
        with database.reader() as uow:
            return lookup(uow, value, settings)

    def exact_floor(value: str) -> Any:
        return raw.execute(EXACT_SQL, (value,)).fetchone()

    def search_floor(value: str) -> Any:
        match = " AND ".join(f'"{token}"*' for token in value.split())
        return raw.execute(SEARCH_SQL, (match, settings.lookup.result_limit)).fetchall()

    exact = timed(ours, numbers)
    exact_raw = timed(exact_floor, numbers)
    search = timed(ours, queries)
    search_raw = timed(search_floor, queries)
    database.dispose()
    raw.close()
    ms = 1000.0
    return [
        BenchRow("exact lookup p50", _percentile(exact, 0.5) * ms, _percentile(exact_raw, 0.5) * ms, "ms", "",
                 None, f"{len(numbers):,} account numbers over {accounts:,} accounts"),
        BenchRow("exact lookup p99", _percentile(exact, 0.99) * ms, _percentile(exact_raw, 0.99) * ms, "ms",
                 "≤ 1 ms", _percentile(exact, 0.99) * ms <= 1.0),
        BenchRow("name/address search p50", _percentile(search, 0.5) * ms, _percentile(search_raw, 0.5) * ms,
                 "ms", "", None, f"{len(queries):,} prefix queries (name, surname, number + street)"),
        BenchRow("name/address search p99", _percentile(search, 0.99) * ms, _percentile(search_raw, 0.99) * ms,
                 "ms", "≤ 25 ms", _percentile(search, 0.99) * ms <= 25.0),
    ]


def print_table(rows: list[BenchRow], console) -> None:  # noqa: ANN001 - rich Console
    from rich.table import Table

    table = Table("Operation", "Figure", "Raw floor", "Ratio", "Target", "Met", title="pos bench")
    for row in rows:
        floor = "" if row.floor is None else f"{row.floor:,.3f} {row.unit}"
        ratio = "" if row.ratio is None else f"{row.ratio:.2f}×"
        met = "" if row.met is None else ("[green]yes[/]" if row.met else "[red]no[/]")
        table.add_row(row.operation, f"{row.figure:,.3f} {row.unit}", floor, ratio, row.target, met)
    console.print(table)
    for row in rows:
        if row.note:
            console.print(f"[dim]{row.operation}: {row.note}[/]")


def _main(argv: list[str]) -> None:
    command, *args = argv
    if command == "import":
        print(json.dumps(_child_import(*args)))
    elif command == "floor":
        print(json.dumps(_child_floor(*args)))
    else:
        raise SystemExit(f"unknown benchmark child {command!r}")


if __name__ == "__main__":
    _main(sys.argv[1:])
