"""Work handed to a process of its own: whether one may be started, and its end with its parent.

Two pieces of the gateway's long work run in a second process to keep both cores busy, since one
interpreter runs one thread of Python at a time: the matcher's subjects (``identity.engine``) and the
preparation of a large request's decisions (``service.requests.disclose``). Both are started with
``spawn`` (never ``fork``: the starting process holds DuckDB's threads and database connections),
and both must end when the process that started them is killed, since nobody would wait for them.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time

#: how often (seconds) a child looks whether its parent is still there
POLL_SECONDS = 0.5


def may_start_processes() -> bool:
    """Whether this process may start a child (a daemonic process may have none)."""
    return not multiprocessing.current_process().daemon


def end_with_parent(parent: int) -> None:
    """Exit at once when the process ``parent`` is gone (killed): the work is nobody's any more."""
    while os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    os._exit(1)


def as_child_of(parent: int) -> None:
    """Make this process a child that ends with ``parent`` and leaves an interruption (Ctrl-C, sent to
    the whole process group) to it: the parent ends the child when it gives up the work."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=end_with_parent, args=(parent,), daemon=True, name="ftigate-end-with-parent").start()
