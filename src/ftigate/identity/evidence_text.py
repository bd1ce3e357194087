"""A batch of decisions' evidence written as JSON text by DuckDB, a column at a time.

A stored decision keeps its evidence as compact JSON: keys sorted, ASCII only, each number in
Python's shortest form (``repr``), ``null`` for nothing. That is the text the decision's ledger
line carries, and what an overseer's check writes again from the stored evidence. Built by Python,
one dictionary per decision and one encoder call for it, it cost the gateway more than any other
step after matching: a 1.3-million-subject request spent about 20 s of processor time on it.

Here the same text is put together by DuckDB from the decision's columns (:class:`~ftigate.identity.Decided`),
in C++ and for a whole batch in one query. DuckDB writes a double as Python's ``repr`` does, digit
for digit (``tests/identity/test_evidence_text.py`` holds it to that over random doubles, and holds
every row's text to the encoder's text of the evidence :func:`~ftigate.identity.decided_results` builds).
Where the text could differ, it is not written here: a row whose numbers are not all finite, whose
text holds anything but printable ASCII without quotes or backslashes, whose reason is unknown or
whose level is unlabelled gets ``None``, and its caller builds that row's evidence the usual way
(which refuses what JSON cannot carry, as before).
"""

from __future__ import annotations

import json
import threading
from typing import Any

import duckdb
import pyarrow as pa

from ftigate.identity.decision import REASONS, SCALE, DecisionRule

#: the form of a stored decision's evidence (the ledger's decision lines write it so)
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)

#: the decision's columns this writes from, and the type each must have (any other: nothing written here)
_STRINGS = ("reason", "best_tin", "runner_up_tin", "rival_tin")
_DOUBLES = ("best_probability", "best_weight", "runner_up_probability", "runner_up_weight", "rival_bits",
            *(f"by_field_{name}" for name in SCALE))
#: text JSON writes as it is, between its quotes: printable ASCII but the quote and the backslash
_PLAIN = r"'[ !#-\[\]-~]*'"


def _literal(text: str) -> str:
    """``text`` as an SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _json(value: Any) -> str:
    """A constant's JSON text, as an SQL string literal."""
    return _literal(_ENCODER.encode(value))


def _number(column: str) -> str:
    return f"coalesce(CAST({column} AS VARCHAR), 'null')"


def _text(column: str) -> str:
    return f"concat('\"', {column}, '\"')"


def _object(members: dict[str, str]) -> str:
    """An SQL expression writing a JSON object whose members' values are the SQL expressions given."""
    parts = [f"{_literal(('{' if n == 0 else ',') + _ENCODER.encode(name) + ':')}, {value}"
             for n, (name, value) in enumerate(sorted(members.items()))]
    return "concat(" + ", ".join(parts) + ", '}')"


def _sql(rule: DecisionRule, labels: dict[str, dict[int, str]]) -> str:
    """The query writing each row's evidence from the registered table ``ftg_decided``."""
    def level(name: str) -> str:
        cases = " ".join(f"WHEN {int(g)} THEN {_json(label)}" for g, label in sorted(labels[name].items()))
        return f"(CASE gamma_{name} {cases} END)"

    explanation = "(CASE reason " + " ".join(
        f"WHEN {_literal(reason)} THEN {_json(text)}" for reason, text in REASONS.items()) + " END)"
    candidate = {"address_confirmed": "(CASE WHEN address_confirmed THEN 'true' ELSE 'false' END)",
                 "candidate_tin": _text("best_tin"), "levels": _object({name: level(name) for name in labels}),
                 "match_probability": _number("best_probability"), "match_weight": _number("best_weight")}
    runner_up = _object({"tin": _text("runner_up_tin"), "match_probability": _number("runner_up_probability"),
                         "match_weight": _number("runner_up_weight")})
    tie = f"CAST({_literal(repr(float(rule.min_rival_bits)))} AS DOUBLE)"
    rival = _object({"tin": _text("rival_tin"), "likelihood_ratio_bits": _number("rival_bits"),
                     "tie": f"(CASE WHEN rival_bits < {tie} THEN 'true' ELSE 'false' END)",
                     "by_field": _object({name: _number(f"by_field_{name}") for name in SCALE})})
    always = {"reason": _text("reason"), "explanation": explanation, "thresholds": _json(rule.thresholds()),
              "runner_up": f"(CASE WHEN runner_up_tin IS NULL THEN 'null' ELSE {runner_up} END)",
              "rival": f"(CASE WHEN rival_tin IS NULL THEN 'null' ELSE {rival} END)"}
    # ``concat`` writes nothing for a null: every value it is given is known here not to be one (a
    # level the model does not label, or a null level, is written by Python, as its number in quotes)
    known = {name: ", ".join(str(int(g)) for g in sorted(labels[name])) for name in labels}
    writable = " AND ".join([
        *(f"({c} IS NULL OR regexp_full_match({c}, {_PLAIN}))" for c in _STRINGS),
        *(f"({c} IS NULL OR isfinite({c}))" for c in _DOUBLES),
        "reason IN (" + ", ".join(map(_literal, REASONS)) + ")", "(rival_tin IS NULL OR rival_bits IS NOT NULL)",
        *(f"(best_tin IS NULL OR coalesce(gamma_{name} IN ({known[name]}), false))" for name in labels)])
    return (f"SELECT CASE WHEN {writable} THEN "  # nosec B608  # built from the model's labels and the rule's numbers (constants); the rows are a registered table
            f"(CASE WHEN best_tin IS NULL THEN {_object(always)} ELSE {_object({**always, **candidate})} END) "
            "END AS evidence FROM ftg_decided")


def _writable(schema: pa.Schema, labels: dict[str, dict[int, str]]) -> bool:
    """Whether the decision's columns are of the types this writes as Python would."""
    names = set(schema.names)
    wanted = {*_STRINGS, *_DOUBLES, "address_confirmed", *(f"gamma_{name}" for name in labels)}
    if not wanted <= names:
        return False
    return (all(pa.types.is_string(schema.field(c).type) for c in _STRINGS)
            and all(pa.types.is_float64(schema.field(c).type) for c in _DOUBLES)
            and pa.types.is_boolean(schema.field("address_confirmed").type)
            and all(pa.types.is_integer(schema.field(f"gamma_{name}").type) for name in labels))


def evidence_texts(table: pa.Table, rule: DecisionRule) -> list[str | None]:
    """Each row's evidence, in the row's order, as the JSON text of the evidence
    :func:`~ftigate.identity.decided_results` builds for it, written in the stored form (keys sorted,
    ASCII only, Python's shortest float form); ``None`` for a row this does not write."""
    from ftigate.identity.model import gamma_labels

    labels = gamma_labels()
    if not table.num_rows:
        return []
    if not _writable(table.schema, labels):
        return [None] * table.num_rows
    con = _connection().cursor()  # a cursor of its own: callable from any thread
    try:
        con.register("ftg_decided", table)
        texts: list[str | None] = con.sql(_sql(rule, labels)).to_arrow_table().column(0).to_pylist()
        return texts
    finally:
        con.close()


_CONNECTIONS: list[duckdb.DuckDBPyConnection] = []
_CONNECTING = threading.Lock()


def _connection() -> duckdb.DuckDBPyConnection:
    """The process's DuckDB for writing evidence (in memory, one thread: it runs beside other work),
    opened once: opening one for every batch of 5,000 cost more than writing the batch."""
    with _CONNECTING:
        if not _CONNECTIONS:
            _CONNECTIONS.append(duckdb.connect(config={"threads": 1}))
        return _CONNECTIONS[0]
