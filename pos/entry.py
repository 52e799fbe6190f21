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
    from pos.core.logs import configure_logging

    configure_logging()
    code = run_until_quit(make_app(settings))
    if code:  # refused to start (the terminal runs elsewhere) or stopped by a hang-up
        raise SystemExit(code)


def run_until_quit(app, **run_options) -> int:  # noqa: ANN001 - a textual App
    """Run ``app``; once it has quit, leave at once even if a worker still waits on the database.

    ``App.run()`` ends with ``asyncio.run``, which joins the worker threads, and the interpreter joins them
    again at exit: a worker stuck on a database that never answers would keep the program (and a blank
    screen) alive. Ctrl+Q must always quit, so the threads are left to the operating system.
    """
    import asyncio
    import logging
    import os
    import threading
    import time

    from concurrent.futures import ThreadPoolExecutor

    loop = asyncio.new_event_loop()
    workers = ThreadPoolExecutor(thread_name_prefix="pos-worker")
    loop.set_default_executor(workers)
    app.run(loop=loop, **run_options)
    code = app.return_code or 0
    workers.shutdown(wait=False, cancel_futures=True)  # idle threads end now; one in the database does not
    deadline = time.monotonic() + 1.0
    while True:
        waiting = [thread for thread in threading.enumerate()
                   if thread is not threading.current_thread() and not thread.daemon and thread.is_alive()]
        if not waiting or time.monotonic() >= deadline:
            break
        time.sleep(0.02)
    if waiting:
        logging.getLogger("pos").warning("quit while threads still waited: %s",
                                         ", ".join(thread.name for thread in waiting))
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    loop.close()
    return code
