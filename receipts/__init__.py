"""Receipts: device-independent layout, text and ESC/POS rendering, and receipt printer backends."""
