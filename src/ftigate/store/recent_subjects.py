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
from collections.abc import Iterable, Iterator, Mapping
from functools import lru_cache
from typing import cast

from sqlalchemy import Connection, String, and_, bindparam, func, literal, select, union_all
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql import ColumnElement, Executable, Select

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

    With ``among`` (the keys of the request being judged, read once, a chunk at a time), only those of
    them that are recent: all a membership test needs, found by digest through the index."""
    params = {"agency": agency, "since": since, "exclude": exclude_request_id}
    if among is None:
        condition = _condition(exclude_request_id is not None)
        return _keyed(conn, select(*(subjects.c[name] for name in KEY_COLUMNS)).select_from(_JOINED).where(condition),
                      params)
    found: set[str] = set()
    unkeyed: set[str] = set()
    first = True
    for chunk in _chunks(among):
        # the digests of this chunk that some recent subject has, and (with the first) every recent
        # subject stored without a digest, keyed here: one statement, built once per kind of store
        wanted = {digest_of(key): key for key in chunk}
        query = _lookup(conn.dialect.name, exclude_request_id is not None, first)
        for row in conn.execute(query, {**params, "digests": list(wanted) or [""]}).mappings():
            if row["digest"] is not None:
                found.add(wanted[row["digest"]])
            else:
                unkeyed.add(subject_key(cast(Mapping[str, object], row)))
        found.update(key for key in wanted.values() if key in unkeyed)
        first = False
    return frozenset(found)


def _chunks(keys: Iterable[str]) -> Iterator[list[str]]:
    """The keys a chunk at a time (at least one, maybe empty): a request's keys are never all held."""
    chunk: list[str] = []
    given = False
    for key in keys:
        chunk.append(key)
        if len(chunk) == _LOOKUP:
            yield chunk
            chunk, given = [], True
    if chunk or not given:
        yield chunk


_JOINED = subjects.join(requests, subjects.c.request == requests.c.id)


def _condition(excluding: bool) -> ColumnElement[bool]:
    condition = and_(requests.c.agency == bindparam("agency"), requests.c.received_at >= bindparam("since"))
    return and_(condition, requests.c.request_id != bindparam("exclude")) if excluding else condition


@lru_cache(maxsize=8)
def _lookup(dialect: str, excluding: bool, with_unkeyed: bool) -> Executable:
    """Those of the digests (``:digests``) that a recent subject of the agency has (with empty key
    columns), and, ``with_unkeyed``, every recent subject stored without a digest."""
    condition = _condition(excluding)
    blanks = [literal(None, String).label(name) for name in KEY_COLUMNS]
    having: Select
    if dialect == "postgresql":
        # each digest stops at its first recent subject (a subject asked about in every request costs one row)
        wanted = func.unnest(bindparam("digests", type_=ARRAY(String))).table_valued("digest").render_derived(
            name="wanted")
        recent = select(literal(1)).select_from(_JOINED).where(condition, subjects.c.subject_key_sha256 == wanted.c.digest)
        having = select(wanted.c.digest, *blanks).where(recent.exists())
    else:
        having = (select(subjects.c.subject_key_sha256.label("digest"), *blanks).distinct().select_from(_JOINED)
                  .where(condition, subjects.c.subject_key_sha256.in_(bindparam("digests", expanding=True))))
    if not with_unkeyed:
        return having
    unkeyed = select(literal(None, String).label("digest"), *(subjects.c[name] for name in KEY_COLUMNS)
                     ).select_from(_JOINED).where(condition, subjects.c.subject_key_sha256.is_(None))
    return union_all(having, unkeyed)


def _keyed(conn: Connection, query: Executable, params: Mapping[str, object]) -> frozenset[str]:
    keys: set[str] = set()
    for row in conn.execute(query, params).mappings():
        keys.add(subject_key(cast(Mapping[str, object], row)))  # a row is a mapping by column name
    return frozenset(keys)
