"""Stopping an export quietly on SIGINT (Ctrl-C) and SIGTERM.

Inside :func:`stopping_on_signals`, either signal raises :class:`ExportStoppedError` in the
main thread, so the export unwinds as from any error: the workers stop, the new folder
and every temporary file are removed, and the output folder keeps its previous export.
Further signals are ignored while that happens; the exit code is 128 + the signal's
number (130 for SIGINT, 143 for SIGTERM), as a shell reports a process the signal ended.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

from secid_rdf.findings import SecidRdfError

__all__ = ["ExportStoppedError", "stopping_on_signals"]

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class ExportStoppedError(SecidRdfError):
    """A signal stopped the export; :attr:`exit_code` is what the process should exit with."""

    def __init__(self, signum: int) -> None:
        self.exit_code = 128 + signum
        name = signal.Signals(signum).name
        super().__init__(f"export stopped by {name}: the output folder holds one complete export")


def _stop(signum: int, frame: FrameType | None) -> None:
    for other in SIGNALS:
        signal.signal(other, signal.SIG_IGN)  # let the clean-up finish
    raise ExportStoppedError(signum)


@contextlib.contextmanager
def stopping_on_signals() -> Iterator[None]:
    """Turn SIGINT and SIGTERM into :class:`ExportStoppedError` inside the block.

    Only in the main thread, where Python runs signal handlers.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, _stop) for signum in SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
