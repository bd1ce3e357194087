"""The registry in the store, on SQLite and PostgreSQL: idempotent loads, versions kept."""

import datetime as dt
import json

from ftigate.law.registry import Registry
from ftigate.store import registry_store
from ftigate.store.db import open_store

NOW = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)


def test_load_is_idempotent_and_changes_are_new_versions(store_url, world):
    engine = open_store(store_url)
    reg = Registry.model_validate(world.registry)
    with engine.begin() as conn:
        first = registry_store.load(conn, reg, "a" * 64, NOW)
    assert (first.version, first.changed) == (1, 8)  # 1 agency, 2 officials, 2 officers, 3 statutes
    with engine.begin() as conn:
        again = registry_store.load(conn, reg, "a" * 64, NOW)
    assert (again.version, again.changed) == (1, 0)

    changed = json.loads(json.dumps(world.registry))
    changed["agencies"][0]["safeguards"] = None  # approval withdrawn
    with engine.begin() as conn:
        third = registry_store.load(conn, Registry.model_validate(changed), "b" * 64, NOW)
    assert (third.version, third.changed) == (2, 1)

    with engine.begin() as conn:
        now_reg, v = registry_store.snapshot(conn)
        old_reg, v1 = registry_store.snapshot(conn, at_version=1)
    assert v == 2 and v1 == 1
    assert now_reg.agency("DHS-ICE").safeguards is None
    assert old_reg.agency("DHS-ICE").safeguards is not None  # the past stays explainable
    engine.dispose()


def test_migrations_match_the_tables(store_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from ftigate.store.tables import metadata

    engine = open_store(store_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []
    engine.dispose()


def test_an_entry_ends_and_comes_back_as_a_new_version(store_url, world):
    engine = open_store(store_url)
    reg = Registry.model_validate(world.registry)
    with engine.begin() as conn:
        registry_store.load(conn, reg, "a" * 64, NOW)
        ended_at = registry_store.end(conn, "officers", "ice-ero-0002", NOW)
        assert registry_store.end(conn, "officers", "ice-ero-0002", NOW) is None   # already ended
        assert registry_store.end(conn, "officers", "nobody", NOW) is None
        current, _ = registry_store.snapshot(conn)
        before, _ = registry_store.snapshot(conn, at_version=ended_at - 1)
        named, _ = registry_store.snapshot(conn, with_ended=True)
    assert current.officer("ice-ero-0002") is None and before.officer("ice-ero-0002") is not None
    assert named.officer("ice-ero-0002") is not None
    smaller = json.loads(json.dumps(world.registry))
    smaller["officials"] = [o for o in smaller["officials"] if o["id"] != "ice-staff-1"]
    with engine.begin() as conn:
        left_out = registry_store.load(conn, Registry.model_validate(smaller), "b" * 64, NOW)
        assert registry_store.load(conn, Registry.model_validate(smaller), "b" * 64, NOW).changed == 0
        back = registry_store.load(conn, reg, "a" * 64, NOW)
        current, _ = registry_store.snapshot(conn)
    # the file names the officer ended by hand (a new version in force) and leaves the official out
    assert left_out.ended == (("officials", "ice-staff-1"),) and left_out.changed == 1
    assert back.changed == 1 and back.ended == ()
    assert current.officer("ice-ero-0002") is not None and current.official("ice-staff-1") is not None
    engine.dispose()
