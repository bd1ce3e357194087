"""SQLite's plan for each statement a piece of store code sends: what a test of an index asserts on."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, Engine, event


def sqlite_plans(engine: Engine, run: Callable[[Connection], object],
                 wanted: Callable[[str], bool]) -> list[tuple[str, str]]:
    """``(statement, plan)`` for each statement ``run`` sends that ``wanted`` selects, in the order sent:
    the plan is ``EXPLAIN QUERY PLAN``'s lines joined by `` | ``, with the statement's own parameters."""
    seen: list[tuple[str, tuple]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        if wanted(statement):
            seen.append((statement, tuple(parameters)))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        with engine.connect() as conn:
            run(conn)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    with engine.connect() as conn:
        return [(statement, " | ".join(row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement,
                                                                                 parameters)))
                for statement, parameters in seen]
