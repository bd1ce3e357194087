"""The ledger's use cases on SQLite and PostgreSQL: append in the caller's transaction, sign, prove."""

from __future__ import annotations

import datetime as dt

import pytest

from ftigate.ledger import catalogue
from ftigate.ledger.checkpoints import open_checkpoint
from ftigate.ledger.errors import EntryRejected, InconsistentLog
from ftigate.ledger.hashing import leaf_hash, merkle_root
from ftigate.ledger.tlog_proof import parse_tlog_proof, verify_tlog_proof
from ftigate.service.log import ledger
from ftigate.service.store_access import transaction
from ftigate.settings import Settings


@pytest.fixture
def settings(tmp_path, store_url):
    return Settings(data_dir=tmp_path / "data", database_url=store_url)


def entries(n: int, start: int = 0) -> list[catalogue.Entry]:
    return [catalogue.Entry(event=catalogue.EvidenceViewed(row=1), at=dt.datetime(2025, 6, 27, 10, tzinfo=dt.UTC), actor="do-1",
                            request=f"DHS-ICE/ICE-2025-{i:06d}")
            for i in range(start, start + n)]


def test_append_returns_dense_indices_and_the_signed_root_covers_them(settings):
    with transaction(settings) as conn:
        assert ledger.append(conn, settings, entries(3)) == [0, 1, 2]
    with transaction(settings) as conn:
        assert ledger.append(conn, settings, entries(600, 3)) == list(range(3, 603))
    note = ledger.publish_checkpoint(settings)
    checkpoint, _ = open_checkpoint(note, ledger.log_verifier(settings))
    from ftigate.crypto import canonical_json

    expected = merkle_root([leaf_hash(canonical_json(e.to_json())) for e in entries(603)])
    assert (checkpoint.size, checkpoint.root) == (603, expected)
    assert ledger.entry(settings, 602) == entries(1, 602)[0]


def test_an_entry_rolls_back_with_the_callers_transaction(settings):
    with pytest.raises(RuntimeError), transaction(settings) as conn:
        ledger.append(conn, settings, entries(5))
        raise RuntimeError("the decision failed")
    assert ledger.tree_size(settings) == 0
    with transaction(settings) as conn:
        assert ledger.append(conn, settings, entries(1)) == [0]


def test_personal_data_is_refused_and_nothing_is_written(settings):
    tin = catalogue.Entry(event=catalogue.StaffRegistered(staff="123-45-6789", role="overseer"), at=dt.datetime(2025, 6, 27, 10, tzinfo=dt.UTC),
                          actor="administrator")
    with pytest.raises(EntryRejected) as info, transaction(settings) as conn:
        ledger.append(conn, settings, entries(2) + [tin])
    assert info.value.position == 2 and info.value.path == "$.staff"
    assert ledger.tree_size(settings) == 0


@pytest.mark.parametrize("raw", [
    {"kind": "request.received", "at": "2025-06-27T10:00:00Z", "request": "DHS-ICE/ICE-2025-000001"},
    {"kind": "anything.else", "at": "2025-06-27T10:00:00Z"},
])
def test_only_a_catalogued_entry_can_be_appended(settings, raw):
    with pytest.raises(EntryRejected, match="catalogued") as info, transaction(settings) as conn:
        ledger.append(conn, settings, entries(1) + [raw])  # type: ignore[list-item]
    assert info.value.position == 1
    assert ledger.tree_size(settings) == 0


def test_checkpoint_is_idempotent_and_refuses_a_rewritten_log(settings):
    with transaction(settings) as conn:
        ledger.append(conn, settings, entries(10))
    first = ledger.publish_checkpoint(settings)
    assert ledger.publish_checkpoint(settings) == first == ledger.latest_checkpoint(settings)
    from sqlalchemy import update

    from ftigate.store.tables import ledger_tiles

    with transaction(settings) as conn:  # someone rewrites the stored tree behind the log's back
        conn.execute(update(ledger_tiles).values(hashes=b"\x00" * 32 * 10))
        ledger.append(conn, settings, entries(1, 10))
    with pytest.raises(InconsistentLog):
        ledger.publish_checkpoint(settings)


def test_inclusion_proof_file_verifies_offline(settings):
    with transaction(settings) as conn:
        ledger.append(conn, settings, entries(300))
    text = ledger.prove_entry(settings, 257)
    checkpoint, data = verify_tlog_proof(parse_tlog_proof(text), ledger.log_verifier(settings))
    assert checkpoint.size == 300 and b"ICE-2025-000257" in data


def test_commitments_are_keyed_stable_and_open_only_to_their_record(settings, tmp_path):
    record = {"tin": "123456789", "disclosed_on": "2025-08-07", "agency": "DHS-ICE"}
    value = ledger.commitment(settings, record)
    assert len(value) == 64 and value == ledger.commitment(settings, dict(reversed(list(record.items()))))
    assert ledger.open_commitment(settings, record, value)
    assert not ledger.open_commitment(settings, {**record, "tin": "123456780"}, value)
    other = Settings(data_dir=tmp_path / "other", database_url=settings.database_url)
    assert ledger.commitment(other, record) != value  # another key: nobody without ours can test guesses
