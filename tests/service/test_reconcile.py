"""Reconciliation: rows deleted or altered beside an intact log are found, each by ledger index.

Before, deleting a disclosure and its accounting row, deleting an event row, or changing an
accounting record's TIN passed ``ledger audit`` (the log itself is untouched) and the gateway's own
report then disagreed with its log. ``ledger reconcile`` walks the tables beside the log."""

from __future__ import annotations

from sqlalchemy import delete, select, update

import proven
from ftigate.service.log import ledger
from ftigate.service.log.reconcile import reconcile
from ftigate.service.store_access import transaction
from ftigate.store.tables import accounting, disclosures, events, packages


def _first_accounting(gateway):
    with transaction(gateway) as conn:
        return conn.execute(select(accounting).order_by(accounting.c.ledger_index)).mappings().first()


def test_an_untouched_gateway_reconciles(gateway):
    result = reconcile(gateway)
    assert result.ok, result.differences
    assert result.entries == ledger.tree_size(gateway) == result.events
    assert result.accounting > 0 and result.packages > 0


def test_a_disclosure_deleted_with_its_accounting_record_is_found(gateway):
    ledger.publish_checkpoint(gateway)
    row = _first_accounting(gateway)
    with transaction(gateway) as conn:
        conn.execute(delete(accounting).where(accounting.c.id == row["id"]))
        conn.execute(delete(disclosures).where(disclosures.c.id == row["disclosure"]))
    assert ledger.audit(gateway).ok  # the log itself is intact: audit alone cannot see this
    (difference,) = reconcile(gateway).differences
    assert difference.index == row["ledger_index"] and difference.what == "accounting"
    assert "no accounting record" in difference.message


def test_an_altered_tin_in_the_accounting_is_found(gateway):
    row = _first_accounting(gateway)
    with transaction(gateway) as conn:
        conn.execute(update(accounting).where(accounting.c.id == row["id"]).values(tin="900000999"))
    found = reconcile(gateway).differences
    assert {(d.what, d.index) for d in found} == {("accounting", row["ledger_index"]),
                                                  ("disclosure", row["ledger_index"])}
    assert all("900000999" not in d.message for d in found)


def test_a_deleted_or_altered_event_row_is_found(gateway):
    with transaction(gateway) as conn:
        first, second = conn.execute(select(events.c.id, events.c.ledger_index).order_by(events.c.ledger_index)
                                     .limit(2)).all()
        conn.execute(delete(events).where(events.c.id == first[0]))
        conn.execute(update(events).where(events.c.id == second[0]).values(actor="someone-else"))
    found = reconcile(gateway).differences
    assert [(d.what, d.index) for d in found] == [("event", first[1]), ("event", second[1])]
    assert "deleted" in found[0].message and "altered" in found[1].message


def test_a_package_replaced_or_removed_is_found(gateway):
    with transaction(gateway) as conn:
        ids = [r[0] for r in conn.execute(select(packages.c.id).order_by(packages.c.id))]
        conn.execute(update(packages).where(packages.c.id == ids[0]).values(sha256="0" * 64))
    found = reconcile(gateway).differences
    assert [d.what for d in found] == ["package"] and found[0].index is not None


def test_reconciliation_on_sqlite_and_postgresql(store_url, world, tmp_path):
    from ftigate.service.admin import registry as registry_service
    from ftigate.settings import Settings

    s = Settings(data_dir=tmp_path / "data", database_url=store_url)
    registry_service.load_registry_file(s, proven.admin(s), world.registry_path)
    proven.add_staff(s, "do-1", "Synthetic Disclosure Officer", "disclosure_officer")
    assert reconcile(s).ok
    with transaction(s) as conn:
        event_id, index = conn.execute(select(events.c.id, events.c.ledger_index).order_by(events.c.id)).first()
        conn.execute(delete(events).where(events.c.id == event_id))
    assert [(d.what, d.index) for d in reconcile(s).differences] == [("event", index)]


def _batch(gateway, index):
    with transaction(gateway) as conn:
        return list(conn.execute(select(accounting).where(accounting.c.ledger_index == index)
                                 .order_by(accounting.c.disclosure)).mappings())


def test_a_batch_whose_record_commitment_was_rewritten_is_found(gateway):
    row = _first_accounting(gateway)
    assert len(_batch(gateway, row["ledger_index"])) > 1  # a batch of several disclosures, one entry
    with transaction(gateway) as conn:
        conn.execute(update(accounting).where(accounting.c.id == row["id"]).values(commitment="ab" * 32))
    found = reconcile(gateway).differences
    assert {(d.what, d.index) for d in found} == {("accounting", row["ledger_index"])}
    assert any("not the ones it recorded" in d.message for d in found)
    assert any("no longer opens its commitment" in d.message for d in found)


def test_a_record_moved_between_batches_is_found_in_both(gateway):
    first = _first_accounting(gateway)
    with transaction(gateway) as conn:
        later = conn.execute(select(accounting).where(accounting.c.ledger_index > first["ledger_index"])
                             .order_by(accounting.c.ledger_index)).mappings().first()
        conn.execute(update(accounting).where(accounting.c.id == first["id"]).values(ledger_index=later["ledger_index"]))
    found = reconcile(gateway).differences
    assert {(d.what, d.index) for d in found} == {("accounting", first["ledger_index"]),
                                                  ("accounting", later["ledger_index"])}
    assert any("have no accounting record" in d.message for d in found)
    assert any("records were added" in d.message for d in found)


def test_records_swapped_within_a_batch_still_reconcile_but_a_swapped_tin_does_not(gateway):
    row = _first_accounting(gateway)
    one, two = _batch(gateway, row["ledger_index"])[:2]
    with transaction(gateway) as conn:  # the TINs of two records of one batch exchanged
        conn.execute(update(accounting).where(accounting.c.id == one["id"]).values(tin=two["tin"]))
        conn.execute(update(accounting).where(accounting.c.id == two["id"]).values(tin=one["tin"]))
    found = reconcile(gateway).differences
    assert sorted(d.message.split(" of ledger entry")[0] for d in found if d.what == "accounting") == \
        sorted(f"accounting record {r['id']}" for r in (one, two))
    assert all(one["tin"] not in d.message and two["tin"] not in d.message for d in found)
