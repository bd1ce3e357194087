"""ftigate.processes: workers in processes of their own answer in the order asked, and a worker's death
is an error at once, never a wait."""

from __future__ import annotations

import math
import operator
import os
import signal
import time

import pytest

from ftigate.processes import OrderedWorkers, WorkerDied


def test_answers_come_back_in_the_order_asked_from_every_worker():
    with OrderedWorkers(2, "test-worker") as workers:
        for n in (5, 6):
            workers.ask(math.factorial, n)
        assert [workers.answer(), workers.answer()] == [120, 720]
        for _ in range(2):
            workers.ask(os.getpid)
        pids = {workers.answer(), workers.answer()}
    assert len(pids) == 2 and os.getpid() not in pids


def test_an_exception_in_a_worker_is_raised_by_the_answer_and_the_worker_goes_on():
    with OrderedWorkers(1, "test-worker") as workers:
        workers.ask(operator.truediv, 1, 0)
        with pytest.raises(ZeroDivisionError):
            workers.answer()
        workers.ask(operator.truediv, 1, 4)
        assert workers.answer() == 0.25


def test_a_killed_worker_is_an_error_at_once_not_a_wait():
    with OrderedWorkers(2, "test-worker") as workers:
        workers.ask(os.getpid)
        pid = workers.answer()
        workers.ask(math.factorial, 3)  # the other worker's turn
        assert workers.answer() == 6
        workers.ask(time.sleep, 60)  # the first worker's turn again: it is killed while it works
        os.kill(pid, signal.SIGKILL)
        started = time.monotonic()
        with pytest.raises(WorkerDied, match="ended"):
            workers.answer()
        assert time.monotonic() - started < 30


def test_an_ask_that_cannot_reach_its_worker_is_raised_by_its_answer_not_waited_for():
    with OrderedWorkers(2, "test-worker") as workers:
        workers.ask(math.factorial, lambda: 1)  # a lambda cannot be pickled: the ask never reaches the worker
        workers.ask(math.factorial, 4)
        started = time.monotonic()
        with pytest.raises(Exception, match=r"pickle|lambda"):
            workers.answer()
        assert workers.answer() == 24 and time.monotonic() - started < 30
