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
# The bench's scratch databases are thrown away: a key of their own, since nothing is written under the default.
BENCH_SECURITY = {"audit_key": "bench-scratch-audit-key"}


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

    settings = Settings(database={"url": url}, security=BENCH_SECURITY)
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
    environment = {**os.environ, "TERM": "xterm-256color", **env}
    if "PYTHONPYCACHEPREFIX" in env:
        environment.pop("PYTHONDONTWRITEBYTECODE", None)  # the cache prefix is there to be written and read
    process = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                               env=environment)
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
                   cold_starts: int = 5, postgres_url: str | None = None) -> list[BenchRow]:
    from rich.progress import Progress

    from pos.demo import FIRST_NAMES, LAST_NAMES, STREETS, write_accounts_csv

    rows: list[BenchRow] = []
    with tempfile.TemporaryDirectory(prefix="pos-bench-") as scratch, Progress(console=console) as progress:
        folder = Path(scratch)
        step = progress.add_task("benchmarks", total=10)

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
        config.write_text(f'[database]\nurl = "sqlite:///{db_path}"\n'
                          f'[security]\naudit_key = "{BENCH_SECURITY["audit_key"]}"\n', encoding="utf-8")
        # An installed terminal starts from compiled bytecode (pip compiles it; Python caches it on the first
        # run). Where the environment forbids writing it (PYTHONDONTWRITEBYTECODE), every start would compile
        # Textual, pydantic and SQLAlchemy from source: so both programs get a bytecode cache of their own,
        # filled by one start that is not timed.
        env = {"POS_CONFIG": str(config), "PYTHONPYCACHEPREFIX": str(folder / "pycache")}
        ours_argv, floor_argv = [sys.executable, "-m", "pos", "run"], [sys.executable, "-c", BARE_APP]
        _time_first_frame(ours_argv, env)
        _time_first_frame(floor_argv, env)
        ours_frames = [_time_first_frame(ours_argv, env) for _ in range(cold_starts)]
        floor_frames = [_time_first_frame(floor_argv, env) for _ in range(cold_starts)]
        done("cold starts")
        first_frame = statistics.median(ours_frames)
        rows.append(BenchRow("cold start to sign-in first frame (median of "
                             f"{cold_starts})", first_frame, statistics.median(floor_frames), "s", "≤ 1 s",
                             first_frame <= 1.0, "`pos run` on a real pseudo-terminal until the sign-in fields "
                             "are drawn, bytecode cached "
                             "(one untimed start first); floor: a bare Textual app with a label and an input, same "
                             "terminal, same cache"))
        rows.extend(posting_rows(folder))
        done("posting")
        if postgres_url:
            rows.extend(postgres_rows(postgres_url))
        done("PostgreSQL terminals" if postgres_url else "PostgreSQL skipped (no --postgres URL)")
        progress.update(step, completed=10, description="done")
    return rows


def _lookup_rows(url: str, db_path: Path, numbers: list[str], queries: list[str], accounts: int) -> list[BenchRow]:
    from pos.core.accounts import lookup
    from pos.core.db import open_database
    from pos.core.settings import Settings

    settings = Settings(database={"url": url}, security=BENCH_SECURITY)
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


# Posting ---------------------------------------------------------------------------------------

POST_ACKNOWLEDGED = frozenset({"overpayment", "below_installment", "inactive_account"})


def _prepare_counter(url: str, terminals: int, accounts: int = 400) -> tuple[Any, list[str]]:
    """A database with demo accounts and one cashier with an open drawer per terminal."""
    from sqlalchemy import text

    from drawer.sessions import OpenDrawer, open_drawer
    from pos.core import operators
    from pos.core.db import open_database
    from pos.core.settings import Settings
    from pos.demo import DEMO_OPERATORS, build_demo

    settings = Settings(database={"url": url}, security=BENCH_SECURITY)
    build_demo(settings, accounts=accounts)
    database = open_database(url)
    admin = operators.Credentials(DEMO_OPERATORS[0].operator_id, DEMO_OPERATORS[0].pin)
    for index in range(1, terminals + 1):
        terminal = Settings(database={"url": url}, security=BENCH_SECURITY, terminal={"id": f"T{index:02d}"})
        with database.unit_of_work() as uow:
            operators.add_operator(uow, operators.AddOperator(f"bench{index:02d}", f"Bench {index}", "cashier",
                                                              "2468", by=admin), settings)
        with database.unit_of_work() as uow:
            open_drawer(uow, OpenDrawer(f"bench{index:02d}", {"bill:10000": 2}), terminal)
    with database.reader() as uow:
        numbers = [row[0] for row in uow.execute(text(
            "SELECT account_number FROM account WHERE cash_only = false ORDER BY account_number LIMIT 200"))]
    database.dispose()
    return settings, numbers


def _post_many(url: str, terminal: int, numbers: list[str], count: int) -> list[float]:
    """Post ``count`` payments of 2 lines (two accounts) and 2 tenders (check + cash) as one terminal."""
    import uuid

    from pos.core.db import open_database
    from pos.core.payments import LineEntry, PostPayment, post_payment
    from pos.core.settings import Settings
    from pos.core.tenders import TenderEntry

    # No till limit: a long run would otherwise be refused for want of a drop (the cash column is still kept).
    settings = Settings(database={"url": url}, security=BENCH_SECURITY, terminal={"id": f"T{terminal:02d}"},
                        drawer={"till_limit_cents": 0, "drop_prompt_cents": 0})
    database = open_database(url, migrate=False)
    spent = []
    for index in range(count):
        first, second = numbers[index % 100], numbers[100 + index % 100]
        command = PostPayment(str(uuid.uuid4()), f"bench{terminal:02d}",
                              (LineEntry(1000, first), LineEntry(500, second)),
                              (TenderEntry("check", 1000, str(1000 + index)), TenderEntry("cash", 1000)),
                              acknowledged=POST_ACKNOWLEDGED)
        started = time.perf_counter()
        with database.unit_of_work() as uow:
            post_payment(uow, command, settings)
        spent.append(time.perf_counter() - started)
    database.dispose()
    return spent


def _commit_floor(path: Path, count: int) -> list[float]:
    """Plain sqlite3, same durability: one single-row INSERT and COMMIT, timed."""
    connection = _sqlite_raw(path)
    connection.execute("CREATE TABLE floor (id INTEGER PRIMARY KEY, note TEXT NOT NULL)")
    spent = []
    for index in range(count):
        started = time.perf_counter()
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("INSERT INTO floor (note) VALUES (?)", (f"row {index}",))
        connection.execute("COMMIT")
        spent.append(time.perf_counter() - started)
    connection.close()
    return spent


def posting_rows(folder: Path, *, payments: int = 500) -> list[BenchRow]:
    url = f"sqlite:///{folder / 'post.db'}"
    _settings, numbers = _prepare_counter(url, terminals=1)
    ours = _post_many(url, 1, numbers, payments)
    floor = _commit_floor(folder / "floor.db", payments)
    ms = 1000.0
    p50, p50_floor = _percentile(ours, 0.5) * ms, _percentile(floor, 0.5) * ms
    return [
        BenchRow("post payment (2 lines, 2 tenders) p50", p50, p50_floor, "ms", "≤ 10× floor", p50 <= 10 * p50_floor,
                 f"{payments} durable posts on SQLite; floor: one-row INSERT + COMMIT, WAL, synchronous=FULL"),
        BenchRow("post payment (2 lines, 2 tenders) p99", _percentile(ours, 0.99) * ms,
                 _percentile(floor, 0.99) * ms, "ms", "", None),
    ]


def _terminal_worker(args: tuple[str, int, list[str], int, Any]) -> list[float]:
    url, terminal, numbers, count, start = args
    start.wait()
    return _post_many(url, terminal, numbers, count)


def postgres_rows(url: str, *, terminals: int = 16, payments: int = 500) -> list[BenchRow]:
    """Many terminals posting at once on one PostgreSQL database: throughput, and no receipt number lost."""
    import multiprocessing

    import psycopg
    from sqlalchemy.engine import make_url

    schema = f"pos_bench_{os.getpid()}"
    parsed = make_url(url)
    dsn = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
        connection.execute(f"CREATE SCHEMA {schema}")
    scoped = f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"
    try:
        _settings, numbers = _prepare_counter(scoped, terminals=terminals)
        context = multiprocessing.get_context("fork")
        start = context.Manager().Event()
        with context.Pool(terminals) as pool:
            pending = pool.map_async(_terminal_worker,
                                     [(scoped, t, numbers, payments, start) for t in range(1, terminals + 1)])
            time.sleep(0.5)
            began = time.perf_counter()
            start.set()
            latencies = pending.get(timeout=1800)
            elapsed = time.perf_counter() - began
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f"SET search_path TO {schema}")
            rows = connection.execute("SELECT terminal_id, receipt_number FROM payment_txn").fetchall()
        problems = 0
        for terminal in range(1, terminals + 1):
            prefix = f"T{terminal:02d}-"
            numbers_seen = sorted(int(r[1][len(prefix):]) for r in rows if r[0] == prefix[:-1])
            problems += sum(1 for a, b in zip(numbers_seen, range(1, payments + 1)) if a != b)
            problems += abs(len(numbers_seen) - payments)
    finally:
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
    total = terminals * payments
    every = [value for per in latencies for value in per]
    return [
        BenchRow(f"PostgreSQL: {terminals} terminals × {payments} payments", total / elapsed, None, "payments/s",
                 "≥ 300/s", total / elapsed >= 300, f"{total} payments in {elapsed:.1f} s, p99 "
                                                     f"{_percentile(every, 0.99) * 1000:.1f} ms"),
        BenchRow("PostgreSQL: duplicate or missing receipt numbers", float(problems), None, "", "0", problems == 0),
    ]


def print_table(rows: list[BenchRow], console) -> None:  # noqa: ANN001 - rich Console
    from rich.table import Table

    table = Table("Operation", "Figure", "Raw floor", "Ratio", "Target", "Met", title="pos bench")
    for row in rows:
        floor = "" if row.floor is None else f"{row.floor:,.3f} {row.unit}"
        ratio = "" if row.ratio is None else f"{row.ratio:.2f}×"
        if row.unit == "payments/s":
            table.add_row(row.operation, f"{row.figure:,.0f} {row.unit}", floor, ratio, row.target, _met(row))
            continue
        met = _met(row)
        table.add_row(row.operation, f"{row.figure:,.3f} {row.unit}", floor, ratio, row.target, met)
    console.print(table)
    for row in rows:
        if row.note:
            console.print(f"[dim]{row.operation}: {row.note}[/]")


def _met(row: BenchRow) -> str:
    return "" if row.met is None else ("[green]yes[/]" if row.met else "[red]no[/]")


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
