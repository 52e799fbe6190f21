"""Shared kernel: money, settings, persistence, operators, audit trail, accounts."""
