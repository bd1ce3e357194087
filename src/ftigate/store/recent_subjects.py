"""The subjects an agency asked about recently, as :func:`ftigate.law.subject_key` keys.

Used by ``ftigate check`` and ``ftigate submit`` to flag a subject asked about again (a judgement
call, 26 U.S.C. 6103(i)(2)(B)(iv); ``Thresholds.recent_days``). Every earlier request counts, rejected ones included: a
refused list resent in pieces is exactly what a reviewer should see. The keys stay in memory; they
are never logged or written anywhere.

Each stored subject carries the SHA-256 of its key (``subjects.subject_key_sha256``, indexed, written
with the subject), so a new request's subjects are looked up among the recent ones by that digest
(:func:`recent_subject_keys` with ``among``) instead of every recent subject being read and keyed:
the cost follows the new request, not the agency's history. A row stored without a digest is keyed
when read, so the answer never depends on how a row got into the store.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from typing import cast

from sqlalchemy import Connection, String, and_, func, literal, select, union_all
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql import ColumnElement, Executable, FromClause, Select

from ftigate.law import subject_key
from ftigate.store.tables import requests, subjects

KEY_COLUMNS = ("first_name", "last_name", "date_of_birth", "address_line1", "zip")
#: digests looked up in one statement
_LOOKUP = 2000


def key_digest(subject: Mapping[str, object]) -> str:
    """SHA-256 (hex) of a subject's :func:`~ftigate.law.subject_key`: what ``subjects`` stores and is
    searched by. (Changing ``subject_key`` needs a migration that recomputes the stored digests.)"""
    return digest_of(subject_key(subject))


def digest_of(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def recent_subject_keys(conn: Connection, agency: str, since: dt.datetime,
                        exclude_request_id: str | None = None, among: Iterable[str] | None = None) -> frozenset[str]:
    """Keys of the subjects in ``agency``'s requests received at or after ``since``, except the request
    ``exclude_request_id`` itself (so re-checking a submitted request does not flag it against itself).

    With ``among`` (the keys of the request being judged), only those of them that are recent: all a
    membership test needs, found by digest through the index."""
    condition = and_(requests.c.agency == agency, requests.c.received_at >= since)
    if exclude_request_id is not None:
        condition = and_(condition, requests.c.request_id != exclude_request_id)
    joined = subjects.join(requests, subjects.c.request == requests.c.id)
    if among is None:
        return _keyed(conn, select(*(subjects.c[name] for name in KEY_COLUMNS)).select_from(joined).where(condition))
    wanted = {digest_of(key): key for key in among}
    digests = list(wanted) or [""]
    found: set[str] = set()
    for start in range(0, len(digests), _LOOKUP):
        # the digests of this chunk that some recent subject has, and (once) every recent subject stored
        # without a digest, keyed here: one statement
        having = _having(conn, digests[start:start + _LOOKUP], joined, condition)
        query: Executable = having
        if start == 0:
            unkeyed = select(literal(None, String).label("digest"), *(subjects.c[name] for name in KEY_COLUMNS)
                             ).select_from(joined).where(condition, subjects.c.subject_key_sha256.is_(None))
            query = union_all(having, unkeyed)
        for row in conn.execute(query).mappings():
            if row["digest"] is not None:
                found.add(wanted[row["digest"]])
            else:
                key = subject_key(cast(Mapping[str, object], row))
                if digest_of(key) in wanted:
                    found.add(key)
    return frozenset(found)


def _having(conn: Connection, digests: list[str], joined: FromClause, condition: ColumnElement[bool]) -> Select:
    """Those of ``digests`` that a subject matching ``condition`` has (with empty key columns)."""
    blanks = [literal(None, String).label(name) for name in KEY_COLUMNS]
    if conn.dialect.name == "postgresql":
        # each digest stops at its first recent subject (a subject asked about in every request costs one row)
        wanted = func.unnest(literal(digests, ARRAY(String))).table_valued("digest").render_derived(name="wanted")
        recent = select(literal(1)).select_from(joined).where(condition, subjects.c.subject_key_sha256 == wanted.c.digest)
        return select(wanted.c.digest, *blanks).where(recent.exists())
    return (select(subjects.c.subject_key_sha256.label("digest"), *blanks).distinct().select_from(joined)
            .where(condition, subjects.c.subject_key_sha256.in_(digests)))


def _keyed(conn: Connection, query: Executable) -> frozenset[str]:
    keys: set[str] = set()
    for row in conn.execute(query).mappings():
        keys.add(subject_key(cast(Mapping[str, object], row)))  # a row is a mapping by column name
    return frozenset(keys)
