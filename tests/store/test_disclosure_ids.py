"""A batch of disclosures' ids come back in the order its rows were given, each naming the row made for
that subject: on SQLite worked out from the largest id before the batch (checked against the last id
the batch made), and read back by subject whenever that check fails or on another database."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select
from tests.store.test_recent_subjects import _insert

from ftigate.store import disclosure_store
from ftigate.store.db import open_store
from ftigate.store.tables import disclosures, requests, subjects

NOW = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)


def _batch(conn, pk: int, keys: list[int]) -> list[int]:
    return disclosure_store.insert_disclosure_batch(
        conn, pk, [(key, f"9{key:08d}", {"last_name": f"X{key}"}, 2024) for key in keys], NOW)


def _subject_of(conn, ids: list[int]) -> list[int]:
    found = dict(conn.execute(select(disclosures.c.id, disclosures.c.subject).where(disclosures.c.id.in_(ids))).all())
    return [found[i] for i in ids]


def test_ids_name_each_subjects_row_in_the_order_given(store_url):
    engine = open_store(store_url)
    with engine.begin() as conn:
        _insert(conn, "DHS-ICE", "R-1", NOW, list(range(1, 13)))
        pk = conn.execute(select(requests.c.id)).scalar_one()
        keys = list(conn.execute(select(subjects.c.id).order_by(subjects.c.id.desc())).scalars())
        first = _batch(conn, pk, keys[:5])  # given in an order that is not the keys' own
        assert _subject_of(conn, first) == keys[:5]
        # the largest disclosure removed: the next batch's ids start below where the last one ended
        conn.execute(delete(disclosures).where(disclosures.c.id == max(first)))
        second = _batch(conn, pk, keys[5:9])
        assert _subject_of(conn, second) == keys[5:9]
        assert len(set(first[:4]) | set(second)) == 8
    engine.dispose()


def test_ids_are_read_back_when_they_do_not_follow_the_largest(tmp_path):
    # On SQLite a row with the largest id there can be makes it pick new ids at random: the batch's ids
    # are then not a run from the largest, and are read back by subject instead.
    engine = open_store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    with engine.begin() as conn:
        _insert(conn, "DHS-ICE", "R-1", NOW, list(range(1, 10)))
        pk = conn.execute(select(requests.c.id)).scalar_one()
        keys = list(conn.execute(select(subjects.c.id).order_by(subjects.c.id)).scalars())
        conn.execute(disclosures.insert().values(id=2**63 - 1, request=pk, subject=keys[0], tin="900000001",
                                                 fields={"last_name": "X"}, tax_period=2024, disclosed_at=NOW))
        ids = _batch(conn, pk, keys[1:])
        assert _subject_of(conn, ids) == keys[1:]
        assert conn.execute(select(func.count()).select_from(disclosures)).scalar_one() == len(keys)
    engine.dispose()
