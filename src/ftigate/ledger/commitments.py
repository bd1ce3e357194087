"""Keyed commitments: how a permanent, public log refers to a taxpayer without naming one.

A commitment is HMAC-SHA256, under a secret only the gateway holds, of the RFC 8785 canonical form
of an accounting record (which does name the taxpayer, and stays in the gateway's store). Because
the key is secret, nobody can test guesses (a TIN has only a billion values; an unkeyed hash of one
is reversed in seconds). Because the record is canonical JSON, the gateway can *open* a commitment
for an authorised overseer: show the record and let them recompute the HMAC with the key, or simply
confirm that the record matches.

A batch of match decisions (a ``match.decided`` entry) commits to bytes of its own, named in the
entry (``encoding``): :data:`DECISION_ROWS`, one line of compact JSON per decision, which the
standard library writes in C, where RFC 8785 (the decisions carry floats) runs in pure Python and
cost more than the disclosures it records. Entries written before the encoding had a name committed
to :data:`DECISIONS_JSON`. docs/ledger.md defines both, byte for byte.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from ftigate.crypto import canonical_json, encode_plain, plain_json

KEY_BYTES = 32
_HEX_LINES = re.compile(r"(?:[0-9a-f]{64}\n)*")

#: a batch of match decisions as RFC 8785 of ``{"decisions": [{"subject", "outcome", "tin",
#: "probability", "evidence"}, ...]}``, by subject key: every ``match.decided`` entry without an ``encoding``
DECISIONS_JSON = "decisions-json/1"
#: a batch of match decisions as rows: by subject key, one line per decision, the compact JSON array
#: ``[subject,outcome,tin,probability,evidence]`` (keys sorted, ASCII only, Python's shortest float form)
#: followed by a line feed
DECISION_ROWS = "decision-rows/1"
#: every encoding a verifier knows, the newest last
DECISION_ENCODINGS = (DECISIONS_JSON, DECISION_ROWS)
#: a batch of accounting records (a ``disclosures.made`` entry) as the records' own commitments: by
#: disclosure key, each record's commitment (64 lowercase hex digits) followed by a line feed
ACCOUNTING_COMMITMENTS = "accounting-commitments/1"
_ROW_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def _jsonable(value: Any) -> Any:
    """Dates and times become ISO 8601 text, so records read from the store commit as written."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def record_bytes(record: Mapping[str, Any]) -> bytes:
    """The exact bytes a commitment covers."""
    if type(record) is dict and plain_json(record):  # an accounting record: already JSON, RFC 8785 written in C
        return encode_plain(record)
    return canonical_json(_jsonable(record))


def commit(key: bytes, record: Mapping[str, Any]) -> str:
    """Lowercase hex HMAC-SHA256 of the record's canonical bytes."""
    if len(key) < KEY_BYTES:
        raise ValueError("a commitment key is at least 32 bytes")
    return hmac.new(key, record_bytes(record), hashlib.sha256).hexdigest()


def opens(key: bytes, record: Mapping[str, Any], commitment: str) -> bool:
    """True if ``commitment`` is the commitment to exactly this record (compared in constant time)."""
    return hmac.compare_digest(commit(key, record), commitment.lower())


def decision_lines(rows: Iterable[Sequence[Any]]) -> list[bytes]:
    """The :data:`DECISION_ROWS` line of each decision given as ``(subject, outcome, tin, probability,
    evidence)``, in the order given (subject-key order: the caller sorts). The bytes committed to are
    the lines joined; each line's SHA-256 names a decision that no longer matches. Raises
    ``ValueError`` for what JSON cannot carry (a NaN or infinite float, a key that is not text)."""
    try:
        return [(_ROW_ENCODER.encode(list(row)) + "\n").encode("ascii") for row in rows]
    except TypeError as exc:
        raise ValueError(f"a decision has no JSON form: {exc}") from exc


class EvidenceText:
    """A decision's evidence already written as its line writes it (keys sorted, ASCII only, Python's
    shortest float form): the matcher writes a batch's evidence so in bulk (``identity.evidence_texts``),
    and :func:`decision_lines_and_evidence` takes it as it is. Only there: any other encoder refuses
    it (it is no JSON value), so it is never written as something else."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


def decision_lines_and_evidence(rows: Iterable[Sequence[Any]]) -> tuple[list[bytes], list[str]]:
    """:func:`decision_lines` of the decisions, and each decision's evidence as its line writes it (the
    JSON text the store keeps): the evidence, the costly part of a line, is encoded once for both
    (or not at all, given as :class:`EvidenceText`). The lines are :func:`decision_lines`' byte for
    byte (a JSON array is its members' texts joined)."""
    encode, quote = _ROW_ENCODER.encode, json.encoder.encode_basestring_ascii
    finite = math.isfinite
    lines, evidence = [], []
    try:
        for row in rows:
            *head, last = row
            text = last.text if type(last) is EvidenceText else encode(last)
            if len(head) == 4:  # the usual decision: its head written as the encoder writes it, without a call to it
                subject, outcome, tin, probability = head
                if type(subject) is int and type(outcome) is str and (tin is None or type(tin) is str) and (
                        probability is None or (type(probability) is float and finite(probability))):
                    lines.append(f"[{subject},{quote(outcome)},{'null' if tin is None else quote(tin)},"
                                 f"{'null' if probability is None else float.__repr__(probability)},{text}]\n"
                                 .encode("ascii"))
                    evidence.append(text)
                    continue
            lines.append((encode(head)[:-1] + "," + text + "]\n").encode("ascii"))
            evidence.append(text)
    except TypeError as exc:
        raise ValueError(f"a decision has no JSON form: {exc}") from exc
    return lines, evidence


def decision_rows_bytes(rows: Iterable[Sequence[Any]]) -> bytes:
    """The :data:`DECISION_ROWS` bytes of decisions, already in subject-key order: their lines, joined."""
    return b"".join(decision_lines(rows))


def line_digest(line: bytes) -> str:
    """SHA-256 (lowercase hex) of one decision's line, kept beside the decision in the store."""
    return hashlib.sha256(line).hexdigest()


def commit_bytes(key: bytes, data: bytes) -> str:
    """Lowercase hex HMAC-SHA256 of bytes already encoded (a batch of decisions as rows)."""
    if len(key) < KEY_BYTES:
        raise ValueError("a commitment key is at least 32 bytes")
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def opens_bytes(key: bytes, data: bytes, commitment: str) -> bool:
    """True if ``commitment`` is the commitment to exactly these bytes (compared in constant time)."""
    return hmac.compare_digest(commit_bytes(key, data), commitment.lower())


def commitments_bytes(commitments: Iterable[str]) -> bytes:
    """The :data:`ACCOUNTING_COMMITMENTS` bytes of a batch's record commitments, given in disclosure-key
    order. Raises ``ValueError`` for a value that is not 64 lowercase hex digits (it could not be told
    apart from its neighbours, or would let two batches share bytes)."""
    out = list(commitments)
    if not out:
        return b""
    if not all(type(value) is str for value in out):
        raise ValueError("a record's commitment is 64 lowercase hexadecimal digits")
    text = "\n".join(out) + "\n"
    # n lines of 64 hexadecimal digits in n * 65 characters: no value holds a line feed, so each is one line
    if len(text) != 65 * len(out) or not _HEX_LINES.fullmatch(text):
        raise ValueError("a record's commitment is 64 lowercase hexadecimal digits")
    return text.encode("ascii")


def commitments_digest(commitments: Iterable[str]) -> str:
    """SHA-256 (lowercase hex) of :func:`commitments_bytes`: what a ``disclosures.made`` entry carries.
    Unkeyed: the commitments are keyed already and name nobody, so anyone holding the accounting's
    commitments (its export) can check a batch against the log without the gateway's key."""
    return hashlib.sha256(commitments_bytes(commitments)).hexdigest()


_SAFE_INTEGER = 2**53 - 1


def _slot_text(value: Any) -> str | None:
    """A varying value's JSON text as RFC 8785 writes it, or None if the template cannot carry it."""
    kind = type(value)
    if kind is str:
        return json.encoder.encode_basestring(value)
    if kind is int and -_SAFE_INTEGER <= value <= _SAFE_INTEGER:
        return str(value)
    return None


def records_bytes(shared: Mapping[str, Any], names: Sequence[str], values: Sequence[Sequence[Any]]) -> list[bytes]:
    """:func:`record_bytes` of each record ``{**shared, names[0]: v[0], ...}`` for ``v`` in ``values``.

    A batch of accounting records differs only in the taxpayer and the disclosure's key, so the
    shared members are encoded once into a template and each record is the template with its own
    values put in: the same bytes, byte for byte (the first record is checked against the full
    encoding, and anything the template cannot carry is encoded whole), at a fraction of the cost
    of encoding a million records one by one."""
    if not values:
        return []
    slots = [f"\x01ftigate-slot-{i}\x01" for i in range(len(names))]
    template_record = {**shared, **dict(zip(names, slots, strict=True))}
    if len(template_record) != len(shared) + len(names) - len(set(shared) & set(names)) or \
            not (type(template_record) is dict and plain_json(template_record)):
        return [record_bytes({**shared, **dict(zip(names, v, strict=True))}) for v in values]
    text = encode_plain(template_record).decode("utf-8")
    quoted = [json.encoder.encode_basestring(s) for s in slots]
    found = sorted((text.find(q), i) for i, q in enumerate(quoted))
    if any(at < 0 or text.count(quoted[i]) != 1 for at, i in found):
        return [record_bytes({**shared, **dict(zip(names, v, strict=True))}) for v in values]
    pieces, order, at = [], [], 0
    for start, i in found:
        pieces.append(text[at:start])
        order.append(i)
        at = start + len(quoted[i])
    pieces.append(text[at:])
    out: list[bytes] = []
    for v in values:
        parts = [pieces[0]]
        for piece, i in zip(pieces[1:], order, strict=True):
            slot = _slot_text(v[i])
            if slot is None:
                break
            parts.append(slot)
            parts.append(piece)
        else:
            out.append("".join(parts).encode("utf-8"))
            continue
        out.append(record_bytes({**shared, **dict(zip(names, v, strict=True))}))
    if out[0] != record_bytes({**shared, **dict(zip(names, values[0], strict=True))}):
        raise AssertionError("the record template does not reproduce the record's canonical bytes")
    return out


def commit_many(key: bytes, datas: Iterable[bytes]) -> list[str]:
    """:func:`commit_bytes` of each, the key checked once (a batch of accounting records).

    HMAC-SHA-256 as RFC 2104 defines it, H((K ^ opad) || H((K ^ ipad) || m)), with the two padded
    keys hashed once for the batch and each record's hashing started from copies of them: the same
    commitments :func:`hmac.digest` gives, at about half its cost a record (a million records are
    committed to in the writer's turn)."""
    if len(key) < KEY_BYTES:
        raise ValueError("a commitment key is at least 32 bytes")
    block = hashlib.sha256().block_size
    padded = (hashlib.sha256(key).digest() if len(key) > block else key).ljust(block, b"\0")
    inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in padded)).copy
    outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in padded)).copy
    out = []
    for data in datas:
        first = inner()
        first.update(data)
        second = outer()
        second.update(first.digest())
        out.append(second.hexdigest())
    return out
