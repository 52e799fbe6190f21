"""The printer test page: a width ruler as wide as the paper at 32, 42 and 48 columns."""

import pytest

from pos.core.cards import find_card_number
from pos.core.printing import print_test_page, width_ruler
from receipts.printers import FilePrinter
from tests.conftest import make_settings


@pytest.mark.parametrize("columns", [32, 42, 48])
def test_the_width_ruler_fills_every_column(tmp_path, columns):
    settings = make_settings(tmp_path, printer={"columns": columns})
    print_test_page(settings, FilePrinter(tmp_path / "paper"))
    [text_file] = (tmp_path / "paper").glob("*.txt")
    ruler = width_ruler(columns)
    assert len(ruler) == columns and ruler.startswith("....:....1....:....2....:....3")
    assert ruler[39:40] == ("4" if columns >= 40 else "")  # the tens mark stands in its own column
    assert not find_card_number(ruler)
    assert ruler in text_file.read_text(encoding="utf-8").splitlines()
    [escpos_file] = (tmp_path / "paper").glob("*.escpos")
    assert ruler.encode("ascii") + b"\n" in escpos_file.read_bytes()
