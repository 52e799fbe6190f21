"""Synthetic but realistic demo data: accounts, fee codes and one operator of each role."""

from __future__ import annotations

import csv
import random
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterator

from pos.core.files import private_opener
from pos.core.settings import Settings, load_settings, user_data_dir

FIRST_NAMES = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph "
    "Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony Margaret Mark Sandra "
    "Donald Ashley Steven Kimberly Paul Emily Andrew Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Dorothy "
    "George Melissa Timothy Deborah Ronald Stephanie Edward Rebecca Jason Sharon Jeffrey Laura Ryan Cynthia Jacob "
    "Kathleen Gary Amy Nicholas Angela Eric Shirley Jonathan Anna Stephen Brenda Larry Pamela Justin Emma Scott "
    "Nicole Brandon Helen Benjamin Samantha Samuel Katherine Gregory Christine Alexander Debra Frank Rachel Raymond "
    "Carolyn Jose Janet Maria Luis Carmen Rosa Miguel Sofia Juan Ana Carlos Elena Nguyen Linh Wei Mei Hiroshi Yuki "
    "Priya Arjun Fatima Omar Chloe Noah Olivia Liam Ava Mason Isabella Ethan Mia Aiden Harper Lucas Evelyn Zoe"
).split()
LAST_NAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson "
    "Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis "
    "Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera "
    "Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart "
    "Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim "
    "Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo "
    "Sanders Patel Myers Long Ross Foster Jimenez Okafor Kowalski Schmidt Novak O'Brien Lindqvist Tanaka Chen Wong "
    "Delacroix Müller Peña Nuñez Beaulieu"
).split()
STREETS = (
    "Main Oak Pine Maple Cedar Elm Washington Lake Hill Walnut Spring North Ridge Church Willow Mill Sunset "
    "Railroad Jackson Cherry Highland Park River Meadow Forest Valley Orchard Madison Lincoln Franklin Jefferson "
    "Adams Chestnut Birch Laurel Hickory Sycamore Magnolia Poplar Aspen Juniper Canyon Mesa Vista Harbor Bayview "
    "Riverside Creekside Fairview Greenwood Lakeview Brookside Mountain Prairie Summit Quail Heron Falcon"
).split()
SUFFIXES = ("St", "Ave", "Rd", "Dr", "Ln", "Ct", "Way", "Blvd", "Pl", "Cir")
COMPANIES = ("Bakery", "Auto Repair", "Dental", "Laundromat", "Hardware", "Cafe", "Market", "Church", "Apartments",
             "Properties LLC", "Farms", "Nursery", "Car Wash", "Diner")

DEMO_FEE_CODES = (
    ("PERMIT-BKF", "Backflow device permit", "4010-200", 10000),
    ("PERMIT-CONN", "New service connection permit", "4010-210", 45000),
    ("PERMIT-HYD", "Hydrant use permit", "4010-220", 7500),
    ("LIC-WELL", "Private well license", "4020-100", 12500),
    ("LIC-CONTR", "Contractor license (annual)", "4020-110", None),
    ("CIT-PARK", "Parking citation", "4030-100", None),
    ("CIT-WASTE", "Water waste citation", "4030-110", 5000),
    ("BKF-TEST", "Backflow test", "4040-100", 6500),
    ("RECONNECT", "Reconnection fee", "4050-100", 7500),
    ("RECON-AH", "Reconnection fee, after hours", "4050-110", 15000),
    ("DEPOSIT", "Service deposit", "2200-100", None),
    ("DAMAGE", "Damage to district property", "4060-100", None),
    ("NSF-FEE", "Returned item fee", "4070-100", 2500),
    ("METER-TEST", "Meter accuracy test", "4080-100", 4000),
)


@dataclass(frozen=True)
class DemoOperator:
    operator_id: str
    name: str
    role: str
    pin: str


DEMO_OPERATORS = (
    DemoOperator("ada", "Ada Admin", "admin", "567890"),
    DemoOperator("sam", "Sam Supervisor", "supervisor", "456789"),
    DemoOperator("lena", "Lena Lead", "lead", "345678"),
    DemoOperator("carl", "Carl CSR II", "csr2", "2345"),
    DemoOperator("amy", "Amy Cashier", "cashier", "1234"),
)


def generate_accounts(count: int, *, seed: int = 7, today: date | None = None) -> Iterator[list[str]]:
    """Rows for ACCOUNTS_*.csv: realistic names and addresses, a mix of statuses and flags."""
    rng = random.Random(seed)
    today = today or date.today()
    stamp = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    for index in range(count):
        number = f"{1000000 + index * 7:010d}"
        if rng.random() < 0.06:
            name = f"{rng.choice(LAST_NAMES)} {rng.choice(COMPANIES)}"
        else:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        address = f"{rng.randint(1, 9999)} {rng.choice(STREETS)} {rng.choice(SUFFIXES)}"
        if rng.random() < 0.08:
            address += f", Apt {rng.randint(1, 40)}"
        balance = rng.choice((0, rng.randint(1500, 45000), rng.randint(1500, 25000), -rng.randint(100, 5000)))
        roll = rng.random()
        status = ("shutoff_pending" if roll < 0.04 else "final" if roll < 0.07 else
                  "locked_off" if roll < 0.09 else "closed" if roll < 0.10 else "active")
        if status in ("shutoff_pending", "locked_off") and balance <= 0:
            balance = rng.randint(6000, 40000)
        past_due = 0
        if balance > 0 and (status in ("shutoff_pending", "locked_off") or rng.random() < 0.2):
            past_due = rng.randint(1, balance)
        due = (today + timedelta(days=rng.randint(-10, 25))).isoformat() if balance > 0 else ""
        cash_only = "true" if rng.random() < 0.03 else "false"
        installment = next_due = ""
        if past_due and rng.random() < 0.25:
            installment = str(max(1000, past_due // 4))
            next_due = (today + timedelta(days=rng.randint(1, 30))).isoformat()
        yield [number, name, address, str(balance), str(past_due), due, status, cash_only, installment, next_due,
               stamp]


def write_accounts_csv(path: Path, count: int, *, seed: int = 7) -> Path:
    from sync.account_master import ACCOUNT_COLUMNS

    with open(path, "w", newline="", encoding="utf-8", opener=private_opener) as handle:
        writer = csv.writer(handle)
        writer.writerow(ACCOUNT_COLUMNS)
        writer.writerows(generate_accounts(count, seed=seed))
    return path


def write_fee_codes_csv(path: Path) -> Path:
    from sync.fee_codes import FEE_CODE_COLUMNS

    with open(path, "w", newline="", encoding="utf-8", opener=private_opener) as handle:
        writer = csv.writer(handle)
        writer.writerow(FEE_CODE_COLUMNS)
        for code, description, gl_account, fixed in DEMO_FEE_CODES:
            writer.writerow([code, description, gl_account, "" if fixed is None else fixed, "true"])
    return path


DEMO_AUDIT_KEY = "demo-counter-audit-key"  # public, like the demo PINs: the demo database holds no real money


def demo_dir() -> Path:
    return user_data_dir() / "demo"


DEMO_RECEIPT_HEADER = ("Riverbend Water District", "200 Main Street", "Riverbend, CA 95000", "(555) 010-0100")


def demo_settings(base: Settings | None = None, directory: Path | None = None) -> Settings:
    """The site's settings with the database and report PDFs moved into the demo folder.

    Receipts go to files in the demo folder too, unless the site configured a real printer
    (``printer.backend`` other than ``file``): then the demo prints on it.
    """
    directory = directory or demo_dir()
    base = base if base is not None else load_settings()
    overrides = {"database": {"url": f"sqlite:///{directory / 'pos.db'}"},
                 "drawer": {"reports_dir": str(directory / "reports")},
                 # The demo's chain has a key of its own: the site's key stays off a throwaway database.
                 "security": {"audit_key": DEMO_AUDIT_KEY, "audit_key_file": ""}}
    if base.printer.backend == "file":
        overrides["printer"] = {"directory": str(directory / "receipts")}
    if not base.receipt.header:
        # The demo district's own letterhead; a real site's header comes from its own settings.
        overrides["receipt"] = {"header": list(DEMO_RECEIPT_HEADER),
                                "footer": [*base.receipt.footer, "Pay online: riverbend.example"]}
    data = base.model_dump()
    for section, values in overrides.items():
        data[section].update(values)
    return Settings(**data)


def build_demo(settings: Settings, *, accounts: int = 5000, progress: Callable[[str], None] | None = None) -> bool:
    """Create the demo database if it has no operators yet; returns True when it was created now."""
    from pos.core import operators
    from pos.core.db import open_configured
    from sync.account_master import ImportAccounts, import_accounts
    from sync.fee_codes import ImportFeeCodes, import_fee_codes

    say = progress or (lambda _message: None)
    database = open_configured(settings)
    try:
        with database.reader() as uow:
            if operators.count_operators(uow) > 0:
                return False
        say("creating demo operators")
        admin = DEMO_OPERATORS[0]
        by = None
        for person in DEMO_OPERATORS:
            with database.unit_of_work() as uow:
                operators.add_operator(uow, operators.AddOperator(person.operator_id, person.name, person.role,
                                                                  person.pin, by=by), settings)
            by = operators.Credentials(admin.operator_id, admin.pin)
        with tempfile.TemporaryDirectory() as scratch:
            say(f"generating {accounts:,} demo accounts")
            accounts_file = write_accounts_csv(Path(scratch) / "ACCOUNTS_demo.csv", accounts)
            with database.unit_of_work() as uow:
                import_accounts(uow, ImportAccounts(accounts_file, operator_id=admin.operator_id), settings)
            say("loading fee codes")
            fee_file = write_fee_codes_csv(Path(scratch) / "FEE_CODES_demo.csv")
            with database.unit_of_work() as uow:
                import_fee_codes(uow, ImportFeeCodes(fee_file, operator_id=admin.operator_id), settings)
        return True
    finally:
        database.dispose()


@dataclass(frozen=True)
class SampleStub:
    """A bill stub a demo user can 'scan' by typing its scan line into the lookup box."""

    label: str
    account_number: str
    name: str
    amount_due_cents: int
    scan_line: str


def sample_stubs(settings: Settings) -> list[SampleStub]:
    """One stub per kind of account worth trying: ordinary, shut-off pending, cash only, on an arrangement."""
    from sqlalchemy import text

    from pos.core.db import open_database
    from pos.core.scanline import make_scan_line

    kinds = (
        ("ordinary account", "status = 'active' AND past_due_cents = 0 AND cash_only = false "
                             "AND arrangement_installment_cents IS NULL AND balance_cents > 0"),
        ("shut-off pending", "status = 'shutoff_pending' AND past_due_cents > 0 AND cash_only = false"),
        ("cash only", "cash_only = true AND balance_cents > 0"),
        ("payment arrangement", "arrangement_installment_cents IS NOT NULL AND status = 'active'"),
    )
    database = open_database(settings.database_url(), migrate=False)
    stubs = []
    try:
        with database.reader() as uow:
            for label, condition in kinds:
                row = uow.execute(text(f"SELECT account_number, name, balance_cents FROM account WHERE {condition} "
                                       "ORDER BY account_number LIMIT 1")).first()
                if row is not None:
                    stubs.append(SampleStub(label, row[0], row[1], row[2],
                                            make_scan_line(row[0], row[2], settings.scan_line)))
    finally:
        database.dispose()
    return stubs
