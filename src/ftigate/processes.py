"""Work handed to processes of their own: whether one may be started, its end with its parent, and a
few workers answering in the order asked (:class:`OrderedWorkers`).

Two pieces of the gateway's long work run in a second process to keep both cores busy, since one
interpreter runs one thread of Python at a time: the matcher's subjects (``identity.engine``) and the
preparation of a large request's decisions (``service.requests.disclose``). Both are started with
``spawn`` (never ``fork``: the starting process holds DuckDB's threads and database connections),
and both must end when the process that started them is killed, since nobody would wait for them.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from typing import Any

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


class WorkerDied(Exception):
    """A worker process ended (killed, out of memory) before it answered what it was asked."""


class OrderedWorkers:
    """A few processes of their own that run functions asked of them in turn, answered in the order asked.

    Why not ``concurrent.futures.ProcessPoolExecutor``: a worker killed while it writes its answer
    leaves half a message in the queue every worker shares, and the pool then waits for the rest of
    it for ever. Here each worker has a pipe of its own each way, and this process keeps no copy of
    the ends the worker writes to, so a worker's death is an end of file (:class:`WorkerDied`), never
    a wait. Asks go to the workers in turn and their answers are read in the same turn, so the answers
    come back in the order asked. Keep at most ``count`` asks unanswered (a worker is asked again only
    once its last answer is read), so that nobody waits on a full pipe. The function and its arguments
    must be picklable (a module-level function); an exception it raises is raised again by :meth:`answer`.
    """

    def __init__(self, count: int, name: str) -> None:
        context = multiprocessing.get_context("spawn")
        self._workers: list[tuple[Any, Any, Any]] = []
        self._asked = self._answered = 0
        self._unasked: dict[int, BaseException] = {}  # asks that never reached their worker, by turn
        try:
            for n in range(count):
                asks, ask_end = context.Pipe(duplex=False)
                answer_end, answers = context.Pipe(duplex=False)
                process = context.Process(target=_serve, args=(asks, answers, os.getpid()), daemon=True,
                                          name=f"{name}-{n}")
                process.start()
                asks.close()  # only the worker reads its asks and writes its answers: its death is an end of file
                answers.close()
                self._workers.append((process, ask_end, answer_end))
        except BaseException:
            self.close()
            raise

    def ask(self, function: Callable[..., Any], *args: Any) -> None:
        """Ask the next worker in turn. If the ask cannot reach it (the worker is gone, the arguments
        cannot be pickled), :meth:`answer` raises that in its turn: an answer never waits for an ask
        that was not made."""
        process, ask_end, _ = self._workers[self._asked % len(self._workers)]
        try:
            ask_end.send((function, args))
        except (BrokenPipeError, ConnectionResetError, EOFError):
            self._unasked[self._asked] = WorkerDied(f"{process.name} ended (exit code {process.exitcode})")
        except Exception as exc:
            self._unasked[self._asked] = exc
        finally:
            self._asked += 1

    def answer(self) -> Any:
        """The answer to the oldest question not yet answered (its exception raised again)."""
        process, _, answer_end = self._workers[self._answered % len(self._workers)]
        failure = self._unasked.pop(self._answered, None)
        if failure is not None:
            self._answered += 1
            raise failure
        try:
            while not answer_end.poll(POLL_SECONDS):
                if not process.is_alive() and not answer_end.poll(0):
                    raise EOFError
            done, value = answer_end.recv()
        except (EOFError, ConnectionResetError, OSError):
            process.join(POLL_SECONDS)
            raise WorkerDied(f"{process.name} ended (exit code {process.exitcode}) before it answered") from None
        self._answered += 1
        if not done:
            raise value
        return value

    def close(self) -> None:
        """Stop every worker: asked to end, then ended if it does not."""
        for _, ask_end, answer_end in self._workers:
            with contextlib.suppress(OSError):
                ask_end.send(None)
            ask_end.close()
            answer_end.close()
        for process, _, _ in self._workers:
            process.join(POLL_SECONDS * 4)
            if process.is_alive():
                process.kill()
                process.join()

    def __enter__(self) -> OrderedWorkers:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def _serve(asks: Any, answers: Any, parent: int) -> None:
    """A worker of :class:`OrderedWorkers`: answer each ask in turn until told to end (None) or orphaned."""
    as_child_of(parent)
    while True:
        try:
            ask = asks.recv()
        except EOFError:
            return
        if ask is None:
            return
        function, args = ask
        try:
            answer = (True, function(*args))
        except Exception as exc:  # given back to the asking process, which raises it
            answer = (False, exc)
        try:
            answers.send(answer)
        except Exception as exc:  # an answer that cannot be sent (not picklable): say why, without it
            answers.send((False, RuntimeError(f"the worker's answer could not be sent: {type(exc).__name__}")))
