"""Console entry point: `pos run` starts the counter before loading the command line, for a fast first frame."""

from __future__ import annotations

import sys


def main() -> None:
    if sys.argv[1:] == ["run"]:
        start_counter()
        return
    from pos.cli.main import run

    run()


def start_counter(settings=None) -> None:  # noqa: ANN001 - pos.core.settings.Settings
    """Load the settings (POS_CONFIG, user file, defaults) and run the counter; a bad file stops it plainly."""
    from pos.core.errors import PosError

    try:
        if settings is None:
            from pos.core.settings import load_settings

            settings = load_settings()
        from pos.core.audit import refuse_default_key

        refuse_default_key(settings.security.audit_key)  # before the first frame, not at the first payment
        from pos.tui.app import make_app
    except PosError as error:
        sys.stderr.write(f"{error.title}: {error.message}\n")
        raise SystemExit(1) from None
    app = make_app(settings)
    app.run()
    if app.return_code:  # refused to start (the terminal runs elsewhere) or stopped by a hang-up
        raise SystemExit(app.return_code)
