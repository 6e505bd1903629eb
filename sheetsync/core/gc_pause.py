"""Pausing the cyclic garbage collector while the core, the sync or the journal builds 15,000-row structures."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector: those structures hold no cycles, and in a process
    that also holds the sheet and a pandas frame each full collection walks every object
    (tens of ms, several per sync). Also a decorator (``@no_gc()``)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
