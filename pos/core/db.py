"""Engines, the unit of work and migrations, for SQLite and PostgreSQL alike."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Callable

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlmodel import Session

from pos.core.errors import DatabaseError
from pos.core.files import private_sqlite_file

MIGRATIONS = "pos.core:migrations"


class Database:
    """An engine plus the way this project opens transactions on it."""

    def __init__(self, url: str, *, busy_timeout_ms: int = 5000) -> None:
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise DatabaseError(f"database.url: {url!r} is not a database URL") from None
        self.url = url
        self.dialect = parsed.get_backend_name()
        if self.dialect == "sqlite":
            if parsed.database and parsed.database != ":memory:" and not parsed.database.startswith("file:"):
                private_sqlite_file(Path(parsed.database))  # 0600 in a 0700 folder; SQLite's -wal/-shm follow
            self.engine = create_engine(url, connect_args={"timeout": busy_timeout_ms / 1000})
            _make_sqlite_strict(self.engine, busy_timeout_ms)
        elif self.dialect == "postgresql":
            if parsed.drivername == "postgresql":
                url = str(parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False))
            self.engine = create_engine(url, pool_size=5, max_overflow=20, pool_pre_ping=True)
        else:
            raise DatabaseError(f"database.url: {self.dialect} is not supported; use sqlite or postgresql")
        self._writer = self.engine.execution_options(pos_writer=True)

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    def unit_of_work(self) -> "UnitOfWork":
        """A writing transaction (SQLite: BEGIN IMMEDIATE, so writers queue instead of deadlocking)."""
        return UnitOfWork(self._writer)

    def reader(self) -> "UnitOfWork":
        """A read-only transaction; never commits."""
        return UnitOfWork(self.engine)

    def upgrade(self, *, role_seed: list[dict] | None = None) -> None:
        """Bring the schema to the newest migration (``role_seed``: the roles a new database starts with)."""
        upgrade(self.engine, role_seed=role_seed)

    def dispose(self) -> None:
        self.engine.dispose()


class UnitOfWork:
    """One database transaction: rolls back unless ``commit()`` was called."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
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
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()
        self._committed = True

    def execute(self, statement, params=None):  # noqa: ANN001 - thin pass-through
        return self.session.execute(statement, params)


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


def open_database(url: str, *, busy_timeout_ms: int = 5000, migrate: bool = True,
                  progress: Callable[[str], None] | None = None, role_seed: list[dict] | None = None) -> Database:
    """Open (and by default upgrade) the database at ``url``; a new one takes its roles from ``role_seed``
    (``pos.core.authority.seed_rows(settings)``), else from the built-in defaults."""
    database = Database(url, busy_timeout_ms=busy_timeout_ms)
    try:
        with database.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        raise DatabaseError(f"database.url: cannot connect: {exc.orig}") from None
    if migrate:
        if progress:
            progress("upgrading database")
        database.upgrade(role_seed=role_seed)
    return database
