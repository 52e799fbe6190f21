"""Terminal configuration: one pydantic-settings ``Settings`` read from TOML and ``POS_`` variables."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import (BaseSettings, EnvSettingsSource, PydanticBaseSettingsSource, SettingsConfigDict,
                               SettingsError)

from pos.core.errors import ConfigError

APP_NAME = "pos"
ROLES = ("cashier", "csr2", "lead", "supervisor", "admin")
PERMISSIONS = (
    "take_payments",  # post payments at the counter
    "void_own",  # void own payments in an open batch, within void_cents
    "void_any",  # void anyone's payment within void_cents
    "approve",  # approve another operator's override at the same terminal
    "manage_batches",  # open, close and reopen batches
    "unlock_operators",  # unlock an operator locked out by failed sign-ins
    "manage_operators",  # add operators, set PINs, disable
    "read_reports",
    "verify_drawers",  # verify closed drawers, force-close a drawer left open
    "prepare_deposits",  # build the bank deposit from verified drawers
    "import_data",  # import the account master and fee codes by hand (`pos accounts import --by`)
    "kick_drawer",  # open the cash drawer outside a sale from the command line (a hardware check)
    "manage_roles",  # change what a role may do and its limits (`pos role set`)
)
TENDER_TYPES = ("cash", "check", "money_order", "cashiers_check", "card", "ach")
DEFAULT_AUDIT_KEY = "change-this-audit-key"  # published: the terminal refuses to write under it


def user_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def user_config_file() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "pos.toml"


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    @model_validator(mode="before")
    @classmethod
    def _numbers_from_text(cls, data: Any) -> Any:
        """A numeric choice (``Literal[32, 42, 48]``) given as text, as every environment variable is, is its number."""
        if not isinstance(data, dict):
            return data
        converted = dict(data)
        for name, value in data.items():
            field_info = cls.model_fields.get(name)
            if field_info is not None and isinstance(value, str) and _numeric_choices(field_info.annotation):
                try:
                    converted[name] = int(value.strip())
                except ValueError:
                    pass  # refused by the field itself, with the choices
        return converted


def _numeric_choices(annotation: Any) -> bool:
    return get_origin(annotation) is Literal and all(
        isinstance(choice, int) and not isinstance(choice, bool) for choice in get_args(annotation))


class TerminalSettings(Section):
    id: str = Field(default="T01", pattern=r"^[A-Z0-9]{1,8}$")
    """Terminal id printed on receipts and used in receipt numbers (T01-000123): 1-8 capitals or digits."""
    lease_heartbeat_seconds: float = Field(default=10.0, gt=0, le=600)
    """The running counter says it is alive this often (it holds its terminal id in the database)."""
    lease_timeout_seconds: float = Field(default=60.0, gt=0)
    """A counter on another host that has not said it is alive for this long has let its terminal id go."""
    site_name: str = Field(default="Riverbend Water District", min_length=1)
    """Name of the office, shown on screen and on receipt headers."""
    idle_signout_seconds: int = Field(default=300, ge=0)
    """Sign the operator out after this many seconds without a key; 0 never signs out."""
    business_day_cutoff: str = Field(default="23:59", pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    """Local time (HH:MM) after which counter transactions take the next business date."""


class DatabaseSettings(Section):
    url: str = ""
    """SQLAlchemy URL. Empty: an embedded SQLite file in the user data directory.
    PostgreSQL: postgresql+psycopg://user@host:5432/dbname."""
    busy_timeout_ms: int = Field(default=5000, ge=0)
    """How long a SQLite writer waits for another terminal's transaction before giving up."""
    connect_timeout_seconds: int = Field(default=5, ge=2, le=300)
    """PostgreSQL: how long opening a connection may take before the database is reported as not answering
    (at least 2: the driver's floor)."""
    lock_timeout_seconds: int = Field(default=10, ge=1, le=3600)
    """PostgreSQL: how long a statement waits for rows another terminal holds before it gives up (nothing posted)."""
    statement_timeout_seconds: int = Field(default=60, ge=1, le=86_400)
    """PostgreSQL: longest any one statement may run before the database cancels it (nothing posted)."""


class MoneySettings(Section):
    max_amount_cents: int = Field(default=10_000_000, gt=0)
    """Largest amount any one money field accepts, in cents (10000000 = $100,000.00)."""
    currency_symbol: str = "$"
    """Symbol printed before amounts."""


class SecuritySettings(Section):
    max_failed_signins: int = Field(default=5, ge=1)
    """Failed sign-ins in a row that lock an operator until a supervisor unlocks."""
    pin_min_digits: int = Field(default=4, ge=4, le=12)
    """Shortest PIN for cashiers and CSR IIs, written into a new database once (then `pos role set`)."""
    pin_min_digits_lead: int = Field(default=6, ge=4, le=12)
    """Shortest PIN for leads, supervisors and admins, written into a new database once (then `pos role set`)."""
    signin_delay_seconds: float = Field(default=0.5, ge=0, le=60)
    """After a failed sign-in the next try waits this long, doubling with each failure in a row."""
    signin_delay_max_seconds: float = Field(default=8.0, ge=0, le=600)
    """The longest wait between sign-in tries, however many failed."""
    audit_key: str = Field(default=DEFAULT_AUDIT_KEY, min_length=8)
    """Secret for the HMAC-SHA256 chain of the audit trail. Set your own per site; changing it
    later makes `pos audit verify` fail for entries written under the old key."""
    audit_key_file: str = ""
    """File holding the audit key instead (one line), readable by the service user only (chmod 600).
    Every terminal on one database needs the same key. Empty: use audit_key."""

    @model_validator(mode="before")
    @classmethod
    def _key_from_file(cls, data: Any) -> Any:
        if not isinstance(data, dict) or not data.get("audit_key_file"):
            return data
        path = Path(str(data["audit_key_file"])).expanduser()
        try:
            mode = path.stat().st_mode
            if mode & 0o077:
                raise ValueError(f"audit_key_file: {path} may be read by other users (mode {mode & 0o777:o}): "
                                 f"chmod 600 {path}")
            key = path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ValueError(f"audit_key_file: {path} cannot be read: {exc.strerror}") from None
        if data.get("audit_key") not in (None, DEFAULT_AUDIT_KEY, key):
            raise ValueError("audit_key and audit_key_file are both set: keep one")
        return {**data, "audit_key": key}


class PrinterSettings(Section):
    backend: Literal["file", "network", "serial", "usb", "cups", "lp", "none"] = "file"
    """Where receipts go: file (ESC/POS bytes and a text copy per receipt), network (raw TCP 9100), serial,
    usb, cups (a CUPS queue through pycups), lp (a queue through the lp command), none."""
    directory: str = ""
    """File backend: folder for receipt files. Empty: receipts/ in the user data directory."""
    host: str = "127.0.0.1"
    """Network backend: printer address."""
    port: int = Field(default=9100, ge=1, le=65535)
    """Network backend: raw printing port."""
    timeout_seconds: float = Field(default=5.0, gt=0)
    """Network, serial and USB backends: connect and write time-out."""
    status_timeout_seconds: float = Field(default=1.0, gt=0, le=30)
    """How long to wait for the printer's answer to a status request (DLE EOT) before and after a receipt."""
    require_status: bool = False
    """Hold receipts while the printer does not answer its status request. Off: a printer that never
    answers DLE EOT is sent receipts unasked (one that answers is always asked)."""
    poll_seconds: float = Field(default=3.0, ge=0.5, le=300)
    """While a receipt waits for the printer, ask the printer this often and print it once it is ready."""
    serial_port: str = ""
    """Serial backend: device path such as /dev/ttyS0 or /dev/ttyUSB0."""
    serial_baud: int = Field(default=9600, gt=0)
    """Serial backend: baud rate."""
    serial_flow: Literal["none", "xonxoff", "rtscts", "dsrdtr"] = "dsrdtr"
    """Serial backend: flow control (none, xonxoff, rtscts, dsrdtr)."""
    usb_vendor_id: str = ""
    """USB backend: vendor id in hexadecimal (04b8 for Epson)."""
    usb_product_id: str = ""
    """USB backend: product id in hexadecimal (0202 for a TM-T88)."""
    usb_in_endpoint: int = Field(default=0x82, ge=0, le=255)
    """USB backend: input endpoint (130 = 0x82)."""
    usb_out_endpoint: int = Field(default=0x01, ge=0, le=255)
    """USB backend: output endpoint (1 = 0x01)."""
    queue: str = ""
    """CUPS and lp backends: name of the print queue (empty: the system's default queue)."""
    columns: Literal[0, 32, 42, 48] = 42
    """Characters per line of the paper (58 mm: 32; 80 mm: 42 or 48); 0 takes it from the profile."""
    profile: str = "default"
    """python-escpos printer profile (capabilities: code pages, barcode support, columns), e.g. TM-T88V."""


class CashDrawerSettings(Section):
    kick: Literal["printer", "serial", "none"] = "printer"
    """How the drawer is opened: printer pulse (ESC p), a serial drawer, or none."""
    pin: Literal[2, 5] = 2
    """Printer pulse: drawer connector pin."""
    on_ms: int = Field(default=100, ge=2, le=510)
    """Printer pulse: on time in milliseconds."""
    off_ms: int = Field(default=200, ge=2, le=510)
    """Printer pulse: off time in milliseconds."""
    serial_port: str = ""
    """Serial drawer: device path such as /dev/ttyUSB0."""
    serial_baud: int = Field(default=9600, gt=0)
    """Serial drawer: baud rate."""
    open_command_hex: str = Field(default="07", pattern=r"^([0-9A-Fa-f]{2})+$")
    """Serial drawer: bytes (hex) that open it."""
    sensor: Literal["none", "open_when_high", "open_when_low"] = "none"
    """Drawer sensor as the printer reports it (DLE EOT 1, connector pin 3): none (not wired or not
    reported), open_when_high or open_when_low (see the drawer's manual)."""
    open_warning_seconds: int = Field(default=60, ge=0)
    """Warn the cashier when the drawer stays open this long after a payment; 0 never warns."""


class CustomerDisplaySettings(Section):
    enabled: bool = False
    """Whether a serial pole display (2 lines of 20 characters, ESC/POS display commands) is connected."""
    port: str = ""
    """Device path of the pole display."""
    baud: int = Field(default=9600, gt=0)
    """Baud rate of the pole display."""
    welcome: str = Field(default="Welcome", max_length=20)
    """Line shown while idle (at most 20 characters)."""
    timeout_seconds: float = Field(default=0.5, gt=0, le=10)
    """Write time-out: a display that does not take its text in time is skipped, never waited for."""


class EndorsementSettings(Section):
    enabled: bool = False
    """Endorse the back of each check taken, on the printer's slip station."""
    heading: str = Field(default="FOR DEPOSIT ONLY", min_length=1, max_length=40)
    """First line of the endorsement."""
    bank_account: str = Field(default="", max_length=40)
    """Deposit account printed on the endorsement (as the bank wants it, e.g. "Acct 000123456789")."""
    slip_paper_hex: str = Field(default="04", pattern=r"^[0-9A-Fa-f]{2}$")
    """ESC c 0 n value that selects the slip station on this printer (04 on most Epson slip printers)."""
    columns: int = Field(default=40, ge=20, le=80)
    """Characters per line on the slip."""


class ScanLineSettings(Section):
    length: int = Field(default=21, ge=2, le=80)
    """Digits in a bill stub's scan line (spaces and dashes are ignored)."""
    account_start: int = Field(default=0, ge=0)
    """0-based position of the account number."""
    account_length: int = Field(default=10, ge=1)
    """Digits of the account number."""
    amount_start: int = Field(default=10, ge=0)
    """0-based position of the amount due in cents."""
    amount_length: int = Field(default=10, ge=1)
    """Digits of the amount due."""
    check_digit_position: int = Field(default=20, ge=0)
    """0-based position of the check digit; it covers every digit before it."""
    check_digit: Literal["mod10", "none"] = "mod10"
    """Check-digit scheme: mod10 (Luhn) or none."""

    @model_validator(mode="after")
    def _fields_fit(self) -> "ScanLineSettings":
        for name, start, size in (
            ("account", self.account_start, self.account_length),
            ("amount", self.amount_start, self.amount_length),
            ("check_digit", self.check_digit_position, 1),
        ):
            if start + size > self.length:
                raise ValueError(f"the {name} field ends at {start + size}, past the scan line length {self.length}")
        return self


class LookupSettings(Section):
    account_number_length: int = Field(default=10, ge=1, le=20)
    """Account numbers are this many digits; shorter typed numbers get leading zeros."""
    result_limit: int = Field(default=50, ge=1, le=500)
    """Most name or address matches shown."""


class TenderSettings(Section):
    enabled: list[Literal["cash", "check", "money_order", "cashiers_check", "card", "ach"]] = Field(
        default_factory=lambda: list(TENDER_TYPES), min_length=1
    )
    """Tenders this site takes."""
    cash_back_allowed: bool = False
    """Whether a check or card may exceed the amount due and produce cash change."""
    card_types: list[str] = Field(default_factory=lambda: ["VISA", "MC", "AMEX", "DISC", "DEBIT"], min_length=1)
    """Card types the cashier picks from (authorised on the separate card terminal)."""


class DenominationSettings(Section):
    bills_cents: list[int] = Field(default_factory=lambda: [10000, 5000, 2000, 1000, 500, 200, 100])
    """Bills counted at open and close, in cents."""
    coins_cents: list[int] = Field(default_factory=lambda: [100, 50, 25, 10, 5, 1])
    """Coins counted at open and close, in cents."""
    rolls_cents: list[int] = Field(default_factory=lambda: [1000, 500, 200, 50])
    """Rolled coin (quarters, dimes, nickels, pennies), in cents per roll."""

    @field_validator("bills_cents", "coins_cents", "rolls_cents")
    @classmethod
    def _positive(cls, value: list[int]) -> list[int]:
        if any(v <= 0 for v in value):
            raise ValueError("every denomination must be a positive number of cents")
        if len(set(value)) != len(value):
            raise ValueError("a denomination is listed twice")
        return value


class DrawerSettings(Section):
    standard_float_cents: int = Field(default=20_000, ge=0)
    """Float expected in a drawer that has never been closed on this terminal (20000 = $200.00)."""
    blind_close: bool = True
    """Close with a blind count: the expected amounts are shown only after the count is saved."""
    over_short_tolerance_cents: int = Field(default=100, ge=0)
    """Largest over/short (all tenders) a close saves without a recount and a lead's sign-off."""
    drop_prompt_cents: int = Field(default=150_000, ge=0)
    """Cash in the drawer above which the cashier is asked to make a drop; 0 never asks."""
    till_limit_cents: int = Field(default=300_000, ge=0)
    """Cash in the drawer above which cash payments wait until a drop is made; 0 no limit."""
    paid_out_reasons: dict[str, str] = Field(default_factory=lambda: {
        "refund": "Refund", "petty_cash": "Petty cash", "change_fund_return": "Change fund return"})
    """Reason codes a paid-out must name, code = label."""
    no_sale_needs_approval: bool = False
    """Whether opening the drawer without a sale needs a lead's or supervisor's PIN."""
    reports_dir: str = ""
    """Folder for closeout (Z) reports and deposit slips as PDF. Empty: reports/ in the user data directory."""

    @field_validator("paid_out_reasons")
    @classmethod
    def _reason_codes(cls, value: dict[str, str]) -> dict[str, str]:
        if not value:
            raise ValueError("at least one paid-out reason code is needed")
        for code, label in value.items():
            if not code.replace("_", "").isalnum() or not label.strip():
                raise ValueError(f"reason code {code!r} needs letters, digits or '_' and a label")
        return value

    @model_validator(mode="after")
    def _limits_in_order(self) -> "DrawerSettings":
        if self.drop_prompt_cents and self.till_limit_cents and self.drop_prompt_cents > self.till_limit_cents:
            raise ValueError("drop_prompt_cents must not be above till_limit_cents")
        return self


class RoleAuthority(Section):
    may: list[str] = Field(default_factory=list)
    """What the role may do (see PERMISSIONS in the documented file). Read once, into a new database."""
    void_cents: int = Field(default=0, ge=0)
    """Largest void the role may do alone."""
    refund_cents: int = Field(default=0, ge=0)
    """Largest refund the role may do alone."""
    paid_out_cents: int = Field(default=0, ge=0)
    """Largest paid-out the role may do alone."""
    fee_reversal_cents: int = Field(default=0, ge=0)
    """Largest late-fee reversal the role may do alone."""
    over_short_cents: int = Field(default=0, ge=0)
    """Largest drawer over/short the role may accept alone."""

    @field_validator("may")
    @classmethod
    def _known(cls, value: list[str]) -> list[str]:
        unknown = [v for v in value if v not in PERMISSIONS]
        if unknown:
            raise ValueError(f"unknown permission {unknown[0]!r}; known: {', '.join(PERMISSIONS)}")
        return value


def _default_authority() -> dict[str, RoleAuthority]:
    return {
        "cashier": RoleAuthority(may=["take_payments", "void_own"], void_cents=0, paid_out_cents=2_000,
                                 over_short_cents=500),
        "csr2": RoleAuthority(may=["take_payments", "void_own", "manage_batches"], void_cents=100_000,
                              refund_cents=20_000, paid_out_cents=5_000, fee_reversal_cents=2_500,
                              over_short_cents=1_000),
        "lead": RoleAuthority(may=["take_payments", "void_own", "void_any", "approve", "manage_batches",
                                   "read_reports", "kick_drawer"], void_cents=500_000, refund_cents=50_000,
                              paid_out_cents=20_000, fee_reversal_cents=10_000, over_short_cents=5_000),
        "supervisor": RoleAuthority(may=["take_payments", "void_own", "void_any", "approve", "manage_batches",
                                         "unlock_operators", "manage_operators", "read_reports",
                                         "verify_drawers", "prepare_deposits", "import_data", "kick_drawer"],
                                    void_cents=10_000_000, refund_cents=500_000, paid_out_cents=100_000,
                                    fee_reversal_cents=100_000, over_short_cents=50_000),
        "admin": RoleAuthority(may=list(PERMISSIONS), void_cents=10_000_000, refund_cents=10_000_000,
                               paid_out_cents=10_000_000, fee_reversal_cents=10_000_000,
                               over_short_cents=10_000_000),
    }


class ReceiptSettings(Section):
    header: list[str] = Field(default_factory=list)
    """Lines printed at the top of every receipt (name, street, town, phone). Empty: the terminal's site_name."""
    footer: list[str] = Field(default_factory=lambda: ["Thank you"])
    """Lines printed at the bottom of every payment receipt (not on void slips)."""
    copies: int = Field(default=1, ge=1, le=5)
    """Receipts printed per payment."""


class LedgerSettings(Section):
    transport: Literal["http", "file"] = "http"
    """How batches reach the central billing ledger: http or file (shared folder)."""
    base_url: str = "http://127.0.0.1:8700"
    """HTTP transport: base URL of the ledger API."""
    token: SecretStr = SecretStr("")
    """HTTP transport: bearer token (or POS_LEDGER__TOKEN, or token_file); never printed or logged."""
    token_file: str = ""
    """HTTP transport: file holding the bearer token, used when token is empty."""
    timeout_seconds: float = Field(default=10.0, gt=0)
    """HTTP transport: time-out of one request."""
    outbox_dir: str = ""
    """File transport: folder the ledger imports batch files from."""
    inbox_dir: str = ""
    """File transport: folder the ledger drops ACCOUNTS_*.csv into."""
    poll_seconds: float = Field(default=30.0, gt=0)
    """How often a running sender looks for closed batches (and a file drop for the importer's answer)."""
    backoff_base_seconds: float = Field(default=2.0, gt=0)
    """First wait after a failed delivery; it doubles on each failure, with jitter."""
    backoff_max_seconds: float = Field(default=300.0, gt=0)
    """Longest wait between two deliveries of one batch (a Retry-After from the ledger is honoured)."""
    accounts_pull_minutes: int = Field(default=60, ge=0)
    """How often `pos sync run --follow` pulls the account master and fee codes (0: only on demand)."""
    accounts_page_size: int = Field(default=500, ge=1, le=500)
    """Accounts asked for per page of the account-master pull (the ledger caps it at 500)."""


class Settings(BaseSettings):
    """Everything a terminal is configured with. See config/pos.toml for the documented default."""

    model_config = SettingsConfigDict(
        env_prefix="POS_", env_nested_delimiter="__", extra="forbid", frozen=True,
        use_attribute_docstrings=True,
    )

    terminal: TerminalSettings = TerminalSettings()
    """This terminal and its office."""
    database: DatabaseSettings = DatabaseSettings()
    """Where the data lives."""
    money: MoneySettings = MoneySettings()
    """Limits on amounts."""
    security: SecuritySettings = SecuritySettings()
    """Sign-in and audit."""
    printer: PrinterSettings = PrinterSettings()
    """Receipt printer."""
    cash_drawer: CashDrawerSettings = CashDrawerSettings()
    """Cash drawer."""
    customer_display: CustomerDisplaySettings = CustomerDisplaySettings()
    """Customer-facing pole display."""
    endorsement: EndorsementSettings = EndorsementSettings()
    """Check endorsement on the printer's slip station."""
    scan_line: ScanLineSettings = ScanLineSettings()
    """Bill stub scan-line layout."""
    lookup: LookupSettings = LookupSettings()
    """Account lookup."""
    tenders: TenderSettings = TenderSettings()
    """Tender types."""
    denominations: DenominationSettings = DenominationSettings()
    """Cash denominations."""
    drawer: DrawerSettings = DrawerSettings()
    """Cash drawer sessions."""
    authority: dict[str, RoleAuthority] = Field(default_factory=_default_authority)
    """Authority table: one section per role. It seeds a new database only; after that the database's
    table rules (`pos role list`, `pos role set`), so this file cannot widen anyone's rights."""
    receipt: ReceiptSettings = ReceiptSettings()
    """Receipt text."""
    ledger: LedgerSettings = LedgerSettings()
    """Central billing ledger."""

    @field_validator("authority")
    @classmethod
    def _every_role(cls, value: dict[str, RoleAuthority]) -> dict[str, RoleAuthority]:
        unknown = [r for r in value if r not in ROLES]
        if unknown:
            raise ValueError(f"unknown role {unknown[0]!r}; roles are {', '.join(ROLES)}")
        missing = [r for r in ROLES if r not in value]
        if missing:
            raise ValueError(f"role {missing[0]!r} has no authority section")
        return value

    def database_url(self) -> str:
        if self.database.url:
            return self.database.url
        return f"sqlite:///{user_data_dir() / 'pos.db'}"


class _FileSettings(Settings):
    """Settings built from the file's values with the ``POS_`` variables already laid over them (``load_settings``)."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def config_path() -> Path | None:
    """The file to read: ``POS_CONFIG``, else the user's config file if it exists, else none."""
    override = os.environ.get("POS_CONFIG")
    if override:
        return Path(override)
    default = user_config_file()
    return default if default.exists() else None


def load_settings(path: Path | str | None = None, *, overrides: dict[str, Any] | None = None) -> Settings:
    """Read settings from ``path`` (or ``config_path()``) and ``POS_`` variables.

    Raises ``ConfigError`` naming the file, the key and the reason.
    """
    file = Path(path) if path is not None else config_path()
    data: dict[str, Any] = {}
    if file is not None:
        try:
            with open(file, "rb") as handle:
                data = tomllib.load(handle)
        except FileNotFoundError:
            raise ConfigError(f"{file}: the configuration file does not exist") from None
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{file}: not valid UTF-8 ({exc.reason})") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{file}: not valid TOML: {exc}") from None
        except OSError as exc:
            raise ConfigError(f"{file}: cannot be read: {exc.strerror}") from None
    if overrides:
        data = _merge(data, overrides)
    try:
        data = _overlay(Settings, data, EnvSettingsSource(Settings)())
        return _FileSettings(**data)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, file)) from None
    except SettingsError as exc:  # a POS_ variable meant as a list or a table is not JSON
        raise ConfigError(f"{exc}: give a list or a table as JSON, e.g. POS_TENDERS__ENABLED='[\"cash\", \"check\"]'"
                          ) from None


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _overlay(model: type[BaseModel], base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """``extra`` (the ``POS_`` variables) laid over ``base`` (the file), key by key down to the settings themselves.

    A section, or one role of the authority table, keeps the keys the variables do not name; a setting
    whose value is a list or a table (given as JSON) is replaced whole.
    """
    merged = dict(base)
    for key, value in extra.items():
        field_info = model.model_fields.get(key)
        annotation = field_info.annotation if field_info is not None else None
        if isinstance(value, dict) and isinstance(annotation, type) and issubclass(annotation, BaseModel):
            merged[key] = _overlay(annotation, merged.get(key) or {}, value)
        elif isinstance(value, dict) and get_origin(annotation) is dict and _is_model(get_args(annotation)[1]):
            section = get_args(annotation)[1]
            table = dict(merged[key]) if isinstance(merged.get(key), dict) else _default_table(model, key)
            for name, entry in value.items():
                table[name] = _overlay(section, table.get(name) or {}, entry) if isinstance(entry, dict) else entry
            merged[key] = table
        else:
            merged[key] = value
    return merged


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)


def _default_table(model: type[BaseModel], key: str) -> dict[str, Any]:
    """The built-in table (e.g. every role's authority) that variables naming one entry change."""
    field_info = model.model_fields[key]
    default = field_info.get_default(call_default_factory=True)
    return {name: entry.model_dump() if isinstance(entry, BaseModel) else entry for name, entry in default.items()}


def _describe(exc: ValidationError, file: Path | None) -> str:
    source = str(file) if file is not None else "default configuration"
    lines = []
    for error in exc.errors():
        key = ".".join(str(part) for part in error["loc"]) or "(top level)"
        reason = error["msg"]
        if error["type"] == "extra_forbidden":
            reason = "unknown key"
        elif "input" in error and not isinstance(error["input"], (dict, list)):
            reason = f"{reason} (got {error['input']!r})"
        env_name = "POS_" + "__".join(str(p).upper() for p in error["loc"])
        where = source
        if env_name in os.environ:
            where = f"{source} (environment variable {env_name})"
        lines.append(f"{where}: {key}: {reason}")
    return "\n".join(lines)


SECRET_MASK = "********"


def shown_settings(settings: Settings) -> dict[str, Any]:
    """The settings as `pos config show` prints them: every secret masked (audit key, ledger token, passwords)."""
    from sqlalchemy.engine import make_url

    data = settings.model_dump()
    data["security"]["audit_key"] = SECRET_MASK
    if data["ledger"].get("token"):
        data["ledger"]["token"] = SECRET_MASK
    if data["database"]["url"]:
        try:
            url = make_url(data["database"]["url"])
            if url.password is not None:
                data["database"]["url"] = url.render_as_string(hide_password=True)
        except Exception:  # noqa: BLE001 - not a URL: nothing in it to hide, and config check names the problem
            pass
    return data


def secret_problems(settings: Settings) -> list[str]:
    """Secrets left at their published defaults: the terminal refuses to write with them."""
    problems = []
    if settings.security.audit_key == DEFAULT_AUDIT_KEY:
        problems.append(f"security.audit_key: is still the default {DEFAULT_AUDIT_KEY!r}: set a secret of your own "
                        "(audit_key, or audit_key_file naming a file only this user may read, or "
                        "POS_SECURITY__AUDIT_KEY)")
    return problems
