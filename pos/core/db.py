"""Engines, the unit of work and migrations, for SQLite and PostgreSQL alike."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Callable

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlmodel import Session

from pos.core.errors import DatabaseError
from pos.core.files import private_sqlite_file
from pos.core.errors import DatabaseError, DatabaseUnavailable, PosError
from pos.core.logs import logger

log = logger("db")

MIGRATIONS = "pos.core:migrations"


class Database:
    """An engine plus the way this project opens transactions on it."""

    def __init__(self, url: str, *, busy_timeout_ms: int = 5000, connect_timeout_seconds: int = 5,
                 lock_timeout_seconds: int = 10, statement_timeout_seconds: int = 60) -> None:
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise DatabaseError("database.url: the setting is not a database URL "
                                "(sqlite:///PATH or postgresql+psycopg://USER@HOST:5432/DBNAME)") from None
        self.url = url
        self.dialect = parsed.get_backend_name()
        self.where = f"{parsed.host}:{parsed.port or 5432}" if parsed.host else (parsed.database or "memory")
        self.lock_timeout_seconds = busy_timeout_ms / 1000 if self.dialect == "sqlite" else lock_timeout_seconds
        self.statement_timeout_seconds = statement_timeout_seconds
        if self.dialect == "sqlite":
            if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
                private_sqlite_file(Path(parsed.database))  # 0600 in a 0700 folder; SQLite's -wal/-shm follow
            self.engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000})
            _make_sqlite_strict(self.engine, busy_timeout_ms)
        elif self.dialect == "postgresql":
            if parsed.drivername == "postgresql":
                url = str(parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False))
            self.engine = create_engine(url, pool_size=5, max_overflow=20, pool_pre_ping=True,
                                        connect_args=_postgres_timeouts(parsed, connect_timeout_seconds,
                                                                        lock_timeout_seconds,
                                                                        statement_timeout_seconds))
        else:
            raise DatabaseError(f"database.url: {self.dialect} is not supported; use sqlite or postgresql")
        self._writer = self.engine.execution_options(pos_writer=True)

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    def unit_of_work(self) -> "UnitOfWork":
        """A writing transaction (SQLite: BEGIN IMMEDIATE, so writers queue instead of deadlocking)."""
        return UnitOfWork(self._writer, database=self)

    def reader(self) -> "UnitOfWork":
        """A read-only transaction; never commits."""
        return UnitOfWork(self.engine, database=self)

    def upgrade(self, *, role_seed: list[dict] | None = None) -> None:
        """Bring the schema to the newest migration (``role_seed``: the roles a new database starts with)."""
        try:
            upgrade(self.engine, role_seed=role_seed)
        except DBAPIError as exc:
            raise unavailable(exc, self) or _failed("upgrade", exc) from None

    def check(self) -> None:
        """Ask the database one question; raises ``DatabaseUnavailable`` when it does not answer."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except DBAPIError as exc:
            raise unavailable(exc, self, connecting=True) or _failed("connect", exc) from None

    def dispose(self) -> None:
        self.engine.dispose()


class UnitOfWork:
    """One database transaction: rolls back unless ``commit()`` was called.

    A database that stops answering, a lock or statement time-out, or a dropped connection leaves it as
    ``DatabaseUnavailable`` (the driver's text goes to the log only), saying whether anything was saved.
    """

    def __init__(self, engine: Engine, *, database: Database | None = None) -> None:
        self._engine = engine
        self._database = database
        self.session: Session
        self._committed = False

    def __enter__(self) -> "UnitOfWork":
        self.session = Session(self._engine, expire_on_commit=False, autoflush=True)
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        try:
            if not self._committed:
                self.session.rollback()
        except DBAPIError as rollback_error:  # the connection is gone: the server rolls back by itself
            if exc is None:
                raise unavailable(rollback_error, self._database) or rollback_error from None
            log.info("rollback after %s failed too: %s", type(exc).__name__, rollback_error)
        finally:
            try:
                self.session.close()
            except DBAPIError as close_error:
                log.info("closing a session on a lost connection: %s", close_error)
        if isinstance(exc, DBAPIError):
            translated = unavailable(exc, self._database)
            if translated is not None:
                raise translated from exc

    def commit(self) -> None:
        self.session.flush()  # a failure here is before the commit: nothing was saved
        try:
            self.session.commit()
        except DBAPIError as exc:
            translated = unavailable(exc, self._database, committing=True)
            if translated is None:
                raise
            raise translated from exc
        self._committed = True

    def execute(self, statement, params=None):  # noqa: ANN001 - thin pass-through
        return self.session.execute(statement, params)


def _postgres_timeouts(parsed, connect_timeout_seconds: int, lock_timeout_seconds: int,  # noqa: ANN001 - URL
                       statement_timeout_seconds: int) -> dict:
    """libpq's connect time-out, and the server's lock and statement time-outs for every session.

    ``options`` from the URL (a search_path, say) are kept: ours are added after them.
    """
    given = parsed.query.get("options", "")
    given = " ".join(given) if isinstance(given, tuple) else given
    options = f"-c lock_timeout={lock_timeout_seconds * 1000} -c statement_timeout={statement_timeout_seconds * 1000}"
    arguments: dict = {"options": f"{given} {options}".strip()}
    if "connect_timeout" not in parsed.query:
        arguments["connect_timeout"] = connect_timeout_seconds
    # A server whose host or network went away never answers a statement: TCP keepalives and the user
    # time-out (what was sent stays unacknowledged) end such a connection instead of waiting for ever.
    for key, value in (("keepalives", 1), ("keepalives_idle", 10), ("keepalives_interval", 5),
                       ("keepalives_count", 3), ("tcp_user_timeout", statement_timeout_seconds * 1000)):
        if key not in parsed.query:
            arguments[key] = value
    return arguments


# PostgreSQL SQLSTATEs: 55P03 lock_not_available, 57014 query_canceled (statement_timeout);
# class 08 connection exceptions, 57P0x the server shutting down or terminating the session.
_LOCK_STATES = {"55P03"}
_STATEMENT_STATES = {"57014"}
_LOST_PREFIXES = ("08", "57P")
_SQLITE_LOCKED = ("database is locked", "database table is locked")
_SQLITE_UNREACHABLE = ("unable to open database file", "disk i/o error")
_ADVICE = "call a supervisor if it goes on."


def unavailable(error: DBAPIError, database: Database | None, *, committing: bool = False,
                connecting: bool = False) -> DatabaseUnavailable | None:
    """``error`` in words a cashier can act on, or None when it is not about the database answering.

    The driver's text (SQL, parameters, class names) is written to the log file, never to the person.
    """
    original = error.orig
    state = getattr(original, "sqlstate", None) or ""
    text_of = str(original).lower()
    kind = None
    if state in _LOCK_STATES or any(phrase in text_of for phrase in _SQLITE_LOCKED):
        kind = "lock"
    elif state in _STATEMENT_STATES:
        kind = "statement"
    elif state.startswith(_LOST_PREFIXES) or error.connection_invalidated:
        kind = "lost"
    elif any(phrase in text_of for phrase in _SQLITE_UNREACHABLE):
        kind = "connect"
    elif not state and type(original).__module__.startswith("psycopg") and isinstance(error, OperationalError):
        opening = any(phrase in text_of for phrase in ("connection failed", "timeout expired", "connection refused"))
        kind = "connect" if connecting or opening else "lost"
    if kind is None:
        return None
    log.warning("database %s (%s): %s", kind, "commit" if committing else "statement", error, exc_info=error)
    where = f" ({database.where})" if database is not None else ""
    if kind == "lock":
        waited = f" within {_seconds(database.lock_timeout_seconds)}" if database is not None else ""
        return DatabaseUnavailable("Another terminal is holding the records this needs and did not let go"
                                   f"{waited}. Nothing was posted or changed: try again in a moment; {_ADVICE}")
    if kind == "statement":
        waited = f" within {_seconds(database.statement_timeout_seconds)}" if database is not None else ""
        return DatabaseUnavailable(f"The database did not finish{waited}. Nothing was posted or changed: "
                                   f"try again; {_ADVICE}")
    if kind == "connect":
        return DatabaseUnavailable(f"The database does not answer{where}: {_connect_reason(text_of)}. Nothing "
                                   "was posted or changed. Check that the database server and the network are up, "
                                   f"then try again; {_ADVICE}")
    if committing:
        return DatabaseUnavailable(f"The connection to the database{where} was lost while saving, so whether it "
                                   "was saved is not known. Check once the database answers before doing it "
                                   f"again; {_ADVICE}", outcome_known=False)
    return DatabaseUnavailable(f"The connection to the database{where} was lost. Nothing was posted or changed: "
                               f"try again once the database answers; {_ADVICE}")


def _connect_reason(text_of: str) -> str:
    if "timeout" in text_of or "timed out" in text_of:
        return "no answer within the connect time-out"
    if "refused" in text_of:
        return "the server refuses connections"
    if "authentication" in text_of or "password" in text_of:
        return "the user name or password was refused"
    if "does not exist" in text_of:
        return "the database or user named in database.url does not exist"
    if "unable to open" in text_of:
        return "the database file cannot be opened"
    return "the connection failed (the detail is in the log file)"


def _failed(what: str, error: DBAPIError) -> DatabaseError:
    log.error("database %s failed: %s", what, error, exc_info=error)
    return DatabaseError(f"The database {what} failed; the detail is in the log file. Nothing was changed; "
                         f"{_ADVICE}")


def _seconds(seconds: float) -> str:
    whole = int(seconds) if float(seconds).is_integer() else seconds
    return f"{whole} second{'s' if whole != 1 else ''}"


def _make_sqlite_strict(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # noqa: ANN001
        if connection.get_execution_options().get("pos_writer"):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def alembic_config(engine: Engine):  # noqa: ANN201 - alembic type imported lazily
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head", *, role_seed: list[dict] | None = None) -> None:
    from alembic import command

    config = alembic_config(engine)
    config.attributes["role_seed"] = role_seed
    try:
        command.upgrade(config, revision)
    except OperationalError as exc:
        raise DatabaseError(f"database upgrade failed: {exc.orig}") from None


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        try:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except Exception:  # noqa: BLE001 - no table yet means no revision
            return None


def missing_database(url: str) -> str | None:
    """Why there is no database at ``url`` to read (a SQLite file that was never created), or None."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None  # Database() names the setting
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        if not Path(parsed.database).exists():
            return (f"no database at {parsed.database}: run `pos db upgrade` or start the counter first "
                    "(or check database.url)")
    return None


def head_revision() -> str:
    """The newest migration this code knows."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    return ScriptDirectory.from_config(config).get_current_head()


def open_database(url: str, *, busy_timeout_ms: int = 5000, migrate: bool = True,
                  progress: Callable[[str], None] | None = None, connect_timeout_seconds: int = 5,
                  lock_timeout_seconds: int = 10, statement_timeout_seconds: int = 60,
                  must_exist: bool = False, role_seed: list[dict] | None = None) -> Database:
    """Open (and by default upgrade) the database at ``url``; a database that does not answer within the
    connect time-out raises ``DatabaseUnavailable``.

    ``must_exist``: only a database that was created before (a SQLite file, a schema with migrations applied)
    is opened; a missing one is refused rather than created empty (what reading commands want).
    ``role_seed``: the roles a new database starts with (``pos.core.authority.seed_rows(settings)``), else the
    built-in defaults.
    """
    if must_exist and (missing := missing_database(url)):
        raise DatabaseError(missing)
    database = Database(url, busy_timeout_ms=busy_timeout_ms, connect_timeout_seconds=connect_timeout_seconds,
                        lock_timeout_seconds=lock_timeout_seconds,
                        statement_timeout_seconds=statement_timeout_seconds)
    try:
        database.check()
        if must_exist and current_revision(database.engine) is None:
            raise DatabaseError(f"the database at {database.where} has no tables yet: run `pos db upgrade` "
                                "first (or check database.url)")
    except PosError:
        database.dispose()
        raise
    if migrate:
        if progress:
            progress("upgrading database")
        database.upgrade(role_seed=role_seed)
    return database


def open_configured(settings, *, migrate: bool = True,  # noqa: ANN001 - pos.core.settings.Settings
                    progress: Callable[[str], None] | None = None, must_exist: bool = False) -> Database:
    """``open_database`` on ``settings.database``: its URL and every time-out it sets; a new database takes
    its roles from the settings."""
    from pos.core.authority import seed_rows

    section = settings.database
    return open_database(settings.database_url(), busy_timeout_ms=section.busy_timeout_ms, migrate=migrate,
                         progress=progress, must_exist=must_exist, role_seed=seed_rows(settings),
                         connect_timeout_seconds=section.connect_timeout_seconds,
                         lock_timeout_seconds=section.lock_timeout_seconds,
                         statement_timeout_seconds=section.statement_timeout_seconds)
