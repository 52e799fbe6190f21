"""How a frozen batch reaches the ledger: HTTP (httpx) or a file drop; each answer read into one Delivery."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Protocol

import httpx

from pos.core.settings import Settings
from sync.errors import LedgerError
from sync.filedrop import file_name

# What one attempt came to. "retry": try again later (the outcome may be unknown: see ``unknown``);
# "absent": the ledger never accepted it (GET 404); "waiting": a dropped file not yet imported.
ACCEPTED, REFUSED, CONFLICT, HELD, RETRY, ABSENT, WAITING = (
    "accepted", "refused", "conflict", "held", "retry", "absent", "waiting")


@dataclass(frozen=True)
class Delivery:
    kind: str
    ledger_ref: str | None = None
    reasons: tuple[dict[str, Any], ...] = ()
    error: str | None = None
    retry_after: float | None = None
    unknown: bool = False  # the request may have reached the ledger: ask before sending again
    extra: dict[str, Any] = field(default_factory=dict)


class Transport(Protocol):
    def deliver(self, batch_id: str, payload: bytes) -> Delivery: ...

    def lookup(self, batch_id: str, payload: bytes) -> Delivery: ...

    def close(self) -> None: ...


def bearer_token(settings: Settings) -> str:
    """The token from the configuration (or POS_LEDGER__TOKEN), else from token_file."""
    token = settings.ledger.token.get_secret_value().strip()
    if token:
        return token
    if settings.ledger.token_file:
        path = Path(settings.ledger.token_file).expanduser()
        try:
            return path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise LedgerError(f"ledger.token_file: cannot read {path}: {exc.strerror}") from None
    return ""


def make_transport(settings: Settings) -> Transport:
    if settings.ledger.transport == "file":
        return FileDropTransport(settings)
    return HttpTransport(settings)


class HttpTransport:
    """POST /v1/payment-batches with the frozen bytes; GET it back to settle an unknown outcome."""

    def __init__(self, settings: Settings, *, client: httpx.Client | None = None) -> None:
        token = bearer_token(settings)
        if not token:
            raise LedgerError("ledger.token: no bearer token is configured (token, token_file or "
                              "POS_LEDGER__TOKEN)")
        timeout = settings.ledger.timeout_seconds
        self.base_url = settings.ledger.base_url.rstrip("/")
        self.client = client or httpx.Client(
            base_url=self.base_url, verify=True, follow_redirects=False,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json"})

    def close(self) -> None:
        self.client.close()

    def deliver(self, batch_id: str, payload: bytes) -> Delivery:
        headers = {"Idempotency-Key": batch_id, "Content-Type": "application/json"}
        try:
            response = self.client.post("/v1/payment-batches", content=payload, headers=headers)
        except httpx.HTTPError as exc:
            return _network_error(exc)
        return read_post_reply(response, expected_count=json.loads(payload)["control"]["count"])

    def lookup(self, batch_id: str, payload: bytes) -> Delivery:
        try:
            response = self.client.get(f"/v1/payment-batches/{batch_id}")
        except httpx.HTTPError as exc:
            return _network_error(exc)
        if response.status_code == 404:
            return Delivery(ABSENT)
        if response.status_code in (401, 403):
            return _held(response)
        if response.status_code != 200:
            return _unexpected(response, unknown=True)
        body = _json(response)
        if not isinstance(body, dict) or body.get("batch_id") != batch_id or body.get("status") != "accepted" \
                or not _text(body.get("ledger_ref")):
            return Delivery(RETRY, error=f"GET /v1/payment-batches/{batch_id}: the reply is not a batch "
                                         f"status with batch_id, status 'accepted' and ledger_ref", unknown=True)
        return Delivery(ACCEPTED, ledger_ref=body["ledger_ref"])

    # -- account master ---------------------------------------------------------------------------
    def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """A GET whose reply must be 200 JSON; anything else is a LedgerError naming what came back."""
        try:
            response = self.client.get(path, params=params)
        except httpx.HTTPError as exc:
            raise LedgerError(f"GET {path}: {_network_error(exc).error}") from None
        if response.status_code != 200:
            raise LedgerError(f"GET {path}: {_status_words(response)}")
        body = _json(response)
        if body is None:
            raise LedgerError(f"GET {path}: the reply is not JSON")
        return body


def read_post_reply(response: httpx.Response, *, expected_count: int) -> Delivery:
    """One POST reply read strictly: only a well-formed 201/200 is success."""
    status = response.status_code
    if status in (200, 201):
        body = _json(response)
        if not isinstance(body, dict) or not _text(body.get("ledger_ref")) or "accepted" not in body:
            return Delivery(RETRY, error=f"the ledger answered {status} without ledger_ref and accepted: "
                                         "not taken as accepted", unknown=True)
        accepted = body["accepted"]
        if not isinstance(accepted, int) or isinstance(accepted, bool) or accepted != expected_count:
            return Delivery(RETRY, error=f"the ledger answered {status} accepting {accepted!r} transactions of "
                                         f"{expected_count}: not taken as accepted", unknown=True)
        return Delivery(ACCEPTED, ledger_ref=body["ledger_ref"], extra={"replay": status == 200})
    if status == 422:
        body = _json(response)
        errors = body.get("errors") if isinstance(body, dict) else None
        if not isinstance(errors, list) or not errors or not all(
                isinstance(e, dict) and _text(e.get("reason")) for e in errors):
            return Delivery(RETRY, error="the ledger answered 422 without a list of errors with reasons",
                            unknown=True)
        reasons = tuple({"txn_id": e.get("txn_id") if isinstance(e.get("txn_id"), str) else None,
                         "reason": e["reason"]} for e in errors)
        return Delivery(REFUSED, reasons=reasons, error=f"refused by the ledger: {reasons[0]['reason']}"
                        + (f" (and {len(reasons) - 1} more)" if len(reasons) > 1 else ""))
    if status == 409:
        return Delivery(CONFLICT, error="the ledger already holds a different batch under this id (409 Conflict); "
                                        "it is never sent again: the ledger's administrator must look at it")
    if status in (401, 403):
        return _held(response)
    if status == 429 or 500 <= status <= 599:
        return Delivery(RETRY, error=_status_words(response), retry_after=retry_after_seconds(response))
    return _unexpected(response, unknown=True)


def retry_after_seconds(response: httpx.Response) -> float | None:
    """Retry-After as seconds (a number or an HTTP date); None when absent or unreadable."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return max(0.0, (moment - datetime.now(timezone.utc)).total_seconds())


def _held(response: httpx.Response) -> Delivery:
    what = "the bearer token was refused (401)" if response.status_code == 401 else \
        "this terminal may not send batches (403)"
    return Delivery(HELD, error=f"{what}: sending is stopped until ledger.token or the ledger's access is fixed")


def _unexpected(response: httpx.Response, *, unknown: bool) -> Delivery:
    return Delivery(RETRY, error=_status_words(response), unknown=unknown)


def _status_words(response: httpx.Response) -> str:
    status = response.status_code
    if 300 <= status < 400:
        where = response.headers.get("Location", "nowhere")
        return f"the ledger answered {status} redirecting to {where}; redirects are not followed: check ledger.base_url"
    detail = ""
    body = _json(response)
    if isinstance(body, dict) and isinstance(body.get("errors"), list) and body["errors"]:
        first = body["errors"][0]
        if isinstance(first, dict) and _text(first.get("reason")):
            detail = f": {first['reason'][:200]}"
    return f"the ledger answered {status} {response.reason_phrase}{detail}".rstrip()


def _network_error(exc: httpx.HTTPError) -> Delivery:
    # Connecting failed: the request never left. Anything later may have reached the ledger.
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout)):
        return Delivery(RETRY, error=f"cannot reach the ledger: {_describe(exc)}")
    if isinstance(exc, httpx.TimeoutException):
        return Delivery(RETRY, error="the ledger did not answer in time; the outcome is unknown", unknown=True)
    return Delivery(RETRY, error=f"the connection to the ledger broke: {_describe(exc)}; the outcome is unknown",
                    unknown=True)


def _describe(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text[:200]


def _json(response: httpx.Response) -> Any:
    if "json" not in response.headers.get("Content-Type", ""):
        return None
    try:
        return response.json()
    except ValueError:
        return None


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


class FileDropTransport:
    """Writes PAY_… files into the outbox folder atomically; done/ and rejected/ settle the outcome."""

    def __init__(self, settings: Settings) -> None:
        if not settings.ledger.outbox_dir:
            raise LedgerError("ledger.outbox_dir: no folder is configured for the file drop")
        self.folder = Path(settings.ledger.outbox_dir).expanduser()
        if not self.folder.is_dir():
            raise LedgerError(f"ledger.outbox_dir: {self.folder} is not a folder")

    def close(self) -> None:
        pass

    def deliver(self, batch_id: str, payload: bytes) -> Delivery:
        from sync.filedrop import render

        body = json.loads(payload)
        name = file_name(body)
        settled = self._settled(name)
        if settled is not None:
            return settled
        if (self.folder / name).exists():
            return Delivery(WAITING)
        try:
            write_atomically(self.folder, name, render(body))
        except OSError as exc:
            return Delivery(RETRY, error=f"cannot write {name} into {self.folder}: {exc.strerror}")
        return Delivery(WAITING)

    def lookup(self, batch_id: str, payload: bytes) -> Delivery:
        name = file_name(json.loads(payload))
        settled = self._settled(name)
        if settled is not None:
            return settled
        if (self.folder / name).exists():
            return Delivery(WAITING)
        return Delivery(ABSENT)

    def _settled(self, name: str) -> Delivery | None:
        if (self.folder / "done" / name).exists():
            return Delivery(ACCEPTED, ledger_ref=f"done/{name}")
        rejected = self.folder / "rejected" / name
        if rejected.exists():
            reason_file = self.folder / "rejected" / f"{name}.reason.txt"
            try:
                reason = reason_file.read_text(encoding="utf-8", errors="replace").strip()
            except OSError:
                reason = ""
            reason = reason or f"rejected/{name} has no reason file"
            lines = [line for line in reason.splitlines() if line.strip()] or [reason]
            return Delivery(REFUSED, reasons=tuple({"txn_id": None, "reason": line} for line in lines),
                            error=f"refused by the ledger's importer: {lines[0]}")
        return None


def write_atomically(folder: Path, name: str, content: bytes) -> Path:
    """Write under a .tmp name, flush and fsync, rename, then fsync the folder: never half a file."""
    temporary = folder / f"{name}.tmp"
    with open(temporary, "wb") as handle:
        handle.write(content)
        handle.flush()
        os.fsync(handle.fileno())
    final = folder / name
    os.replace(temporary, final)
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return final
