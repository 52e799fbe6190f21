"""Drawer sessions: opening with a counted float, and (later) drops, paid-outs and the close."""
