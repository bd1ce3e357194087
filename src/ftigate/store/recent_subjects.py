"""The subjects an agency asked about recently, as :func:`ftigate.law.subject_key` keys.

Used by ``ftigate check`` and ``ftigate submit`` to flag a subject asked about again (a judgement
call, 26 U.S.C. 6103(i)(2)(B)(iv); ``Thresholds.recent_days``). Every earlier request counts, rejected ones included: a
refused list resent in pieces is exactly what a reviewer should see. The keys stay in memory; they
are never logged or written anywhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import cast

from sqlalchemy import Connection, and_, select

from ftigate.law import subject_key
from ftigate.store.tables import requests, subjects

_KEY_COLUMNS = ("first_name", "last_name", "date_of_birth", "address_line1", "zip")


def recent_subject_keys(conn: Connection, agency: str, since: dt.datetime,
                        exclude_request_id: str | None = None) -> frozenset[str]:
    """Keys of the subjects in ``agency``'s requests received at or after ``since``, except the request
    ``exclude_request_id`` itself (so re-checking a submitted request does not flag it against itself)."""
    condition = and_(requests.c.agency == agency, requests.c.received_at >= since)
    if exclude_request_id is not None:
        condition = and_(condition, requests.c.request_id != exclude_request_id)
    query = (
        select(*(subjects.c[name] for name in _KEY_COLUMNS))
        .select_from(subjects.join(requests, subjects.c.request == requests.c.id))
        .where(condition)
    )
    keys: set[str] = set()
    for row in conn.execute(query).mappings():
        keys.add(subject_key(cast(Mapping[str, object], row)))  # a row is a mapping by column name
    return frozenset(keys)
