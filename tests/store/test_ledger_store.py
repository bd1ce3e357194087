"""The ledger's rows on SQLite and PostgreSQL: tiles kept right, appends serialised, rows streamed."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import delete

from ftigate.ledger.hashing import leaf_hash, merkle_root
from ftigate.ledger.proofs import inclusion_proof, memory_reader, tree_root
from ftigate.ledger.tiles import all_tiles, tile_node_reader
from ftigate.store import ledger_store
from ftigate.store.db import open_store
from ftigate.store.tables import ledger_entries


@pytest.fixture
def engine(store_url):
    engine = open_store(store_url)
    yield engine
    engine.dispose()


def _append(engine, datas):
    with engine.begin() as conn:
        return ledger_store.append_leaves(conn, datas, [leaf_hash(d) for d in datas])


def test_tiles_after_many_appends_are_those_of_the_whole_tree(engine):
    datas = [b"entry %d" % i for i in range(1_300)]
    at = 0
    for step in (1, 255, 1, 300, 500, 243):
        assert _append(engine, datas[at:at + step]) == list(range(at, at + step))
        at += step
    hashes = [leaf_hash(d) for d in datas]
    with engine.connect() as conn:
        assert ledger_store.tree_size(conn) == 1_300
        keys = {(level, index) for level, index, _ in all_tiles(1_300)}
        tiles = ledger_store.read_tiles(conn, keys)
        assert {k: len(v) // 32 for k, v in tiles.items()} == {(lv, ix): w for lv, ix, w in all_tiles(1_300)}
        reader = tile_node_reader(lambda k: ledger_store.read_tiles(conn, k))
        assert tree_root(1_300, reader) == merkle_root(hashes)
        assert inclusion_proof(700, 1_300, reader) == inclusion_proof(700, 1_300, memory_reader(hashes))
        assert [i for i, _, _ in ledger_store.iter_entries(conn, 250, 260, batch=3)] == list(range(250, 260))


def test_concurrent_appends_get_distinct_dense_indices(engine):
    errors, results = [], []

    def worker(tag: int) -> None:
        try:
            for batch in range(15):
                results.extend(_append(engine, [b"w%d-b%d-%d" % (tag, batch, i) for i in range(7)]))
        except Exception as exc:  # reported below; a lost append is the failure this test is about
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(results) == list(range(3 * 15 * 7))
    with engine.connect() as conn:
        rows = list(ledger_store.iter_entries(conn, 0, 10**6))
        reader = tile_node_reader(lambda k: ledger_store.read_tiles(conn, k))
        assert tree_root(len(rows), reader) == merkle_root([leaf_hash(data) for _, data, _ in rows])


def test_store_source_reports_gaps_and_stale_leaf_hashes(engine):
    _append(engine, [b"a", b"b", b"c", b"d"])
    with engine.begin() as conn:
        conn.execute(delete(ledger_entries).where(ledger_entries.c.idx == 1))
        conn.execute(ledger_entries.update().where(ledger_entries.c.idx == 2).values(data=b"C"))
        source = ledger_store.StoreSource(conn, "")
        assert list(source.entries(4)) == [b"a", b"C", b"d"]
    assert [(p.kind, p.index) for p in source.problems] == [("gap", 1), ("leaf-hash", 2)]
