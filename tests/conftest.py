"""Shared fixtures: settings on a temporary folder, and a real database on SQLite or PostgreSQL."""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Iterator

import pytest

from tests.suite_home import pytest_sessionfinish  # noqa: F401 - HOME and TMPDIR of the run, checked at its end
from pos.core.settings import Settings

POSTGRES_URL = os.environ.get("POS_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_POSTGRES = os.environ.get("POS_REQUIRE_POSTGRES", "") not in ("", "0", "false")
_postgres_state: dict[str, str | None] = {}


def postgres_unavailable() -> str | None:
    """None when PostgreSQL answers, else the reason (checked once per run)."""
    if "reason" not in _postgres_state:
        try:
            import psycopg

            dsn = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
            with psycopg.connect(dsn, connect_timeout=3) as connection:
                connection.execute("SELECT 1")
            _postgres_state["reason"] = None
        except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
            _postgres_state["reason"] = f"PostgreSQL at {POSTGRES_URL} is not reachable: {exc}".strip()
    return _postgres_state["reason"]


def pytest_sessionstart(session: pytest.Session) -> None:
    if REQUIRE_POSTGRES and postgres_unavailable():
        raise pytest.UsageError(f"POS_REQUIRE_POSTGRES is set but {postgres_unavailable()}")


def make_settings(tmp_path: Path, url: str | None = None, **sections: dict) -> Settings:
    data: dict = {
        "database": {"url": url or f"sqlite:///{tmp_path / 'pos.db'}"},
        "printer": {"backend": "file", "directory": str(tmp_path / "receipts")},
        "security": {"audit_key": "test-audit-key-0123", "signin_delay_seconds": 0},  # delay: its own tests
    }
    for name, values in sections.items():
        data.setdefault(name, {}).update(values)
    return Settings(**data)


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture(params=["sqlite", "postgres"])
def engine_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a schema of its own on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'pos.db'}"
        return
    reason = postgres_unavailable()
    if reason:
        pytest.skip(reason)
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    dsn = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def settings(engine_url: str, tmp_path: Path) -> Settings:
    return make_settings(tmp_path, engine_url)


@pytest.fixture
def database(settings: Settings):  # noqa: ANN201
    from pos.core.db import open_database

    db = open_database(settings.database_url())
    yield db
    db.dispose()
