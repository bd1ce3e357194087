"""A batch of accounting records: each record's bytes built from one template are exactly the
canonical bytes its commitment covers, and the digest a ``disclosures.made`` entry carries binds
every record's commitment, in order, and nothing else."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ftigate.crypto import canonical_json
from ftigate.errors import InputError
from ftigate.ledger import catalogue, commitments

KEY = bytes(range(32))
SHARED = {"disclosed_on": "2025-06-27", "agency": "DHS-ICE", "recipients": ["ice-ero-0001", "ice-ero-0002"],
          "authority": "8 U.S.C. 1357(a)", "statute": "8 U.S.C. 1253(a)(1)", "request_ref": "DHS-ICE/ICE-2025-000017",
          "fields": ["address_line1", "city", "first_name", "last_name", "state", "zip"]}

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=20)


@given(shared_text=text, tins=st.lists(st.one_of(text, st.from_regex(r"[0-9]{9}", fullmatch=True)), min_size=1,
                                       max_size=20),
       keys=st.lists(st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1), min_size=20, max_size=20, unique=True))
def test_template_bytes_are_the_canonical_bytes_of_each_record(shared_text, tins, keys):
    shared = {**SHARED, "authority": shared_text}
    values = [(key, tin) for key, tin in zip(keys, tins, strict=False)]
    built = commitments.records_bytes(shared, ("disclosure", "tin"), values)
    assert built == [canonical_json({**shared, "disclosure": key, "tin": tin}) for key, tin in values]
    assert built == [commitments.record_bytes({**shared, "disclosure": key, "tin": tin}) for key, tin in values]


def test_a_value_the_template_cannot_carry_is_encoded_whole():
    values = [(1, "900000001"), (3, None), (4, True)]  # a null, a boolean
    built = commitments.records_bytes(SHARED, ("disclosure", "tin"), values)
    assert built == [canonical_json({**SHARED, "disclosure": key, "tin": tin}) for key, tin in values]
    assert commitments.records_bytes(SHARED, ("disclosure", "tin"), []) == []
    with pytest.raises(InputError):  # an integer beyond a double's: refused, as canonical JSON refuses it
        commitments.records_bytes(SHARED, ("disclosure", "tin"), [(1, "900000001"), (2**60, "900000002")])


def test_each_record_commitment_is_the_commitment_to_the_record():
    values = [(7, "900000007"), (8, "900000008")]
    committed = commitments.commit_many(KEY, commitments.records_bytes(SHARED, ("disclosure", "tin"), values))
    assert committed == [commitments.commit(KEY, {**SHARED, "disclosure": k, "tin": t}) for k, t in values]
    assert all(commitments.opens(KEY, {**SHARED, "disclosure": k, "tin": t}, c) for (k, t), c in zip(values, committed, strict=True))
    with pytest.raises(ValueError):
        commitments.commit_many(b"short", [b"x"])


def test_the_batch_digest_covers_every_commitment_in_order_and_nothing_else():
    a, b, c = (hmac.new(KEY, bytes([n]), hashlib.sha256).hexdigest() for n in range(3))
    assert commitments.commitments_bytes([a, b]) == f"{a}\n{b}\n".encode("ascii")
    digest = commitments.commitments_digest([a, b])
    assert digest == hashlib.sha256(f"{a}\n{b}\n".encode("ascii")).hexdigest()
    assert digest != commitments.commitments_digest([b, a])       # reordered
    assert digest != commitments.commitments_digest([a])          # one removed
    assert digest != commitments.commitments_digest([a, b, c])    # one added
    assert digest != commitments.commitments_digest([a, c])       # one replaced
    for bad in ("A" * 64, "ab" * 31, a + "\n", "g" * 64):
        with pytest.raises(ValueError):
            commitments.commitments_bytes([a, bad])


def test_a_disclosures_made_entry_round_trips_through_the_catalogue():
    entry = catalogue.Entry(event=catalogue.DisclosuresMade(
        disclosures=2, fields=("city", "first_name"), recipients=("ice-ero-0001",), citation="26 U.S.C. 6103(i)(2)",
        commitments_sha256="ab" * 32), at="2025-06-27T14:02:11Z", actor="gateway", request="DHS-ICE/ICE-2025-000017")
    data = entry.to_json()
    assert data["kind"] == "disclosures.made" and data["encoding"] == commitments.ACCOUNTING_COMMITMENTS
    assert catalogue.parse_entry(data) == entry
    with pytest.raises(catalogue.UncataloguedEntry):
        catalogue.parse_entry({**data, "disclosures": 0})
    with pytest.raises(catalogue.UncataloguedEntry):
        catalogue.parse_entry({**data, "encoding": "accounting-commitments/2"})


@settings(max_examples=200, deadline=None)
@given(key=st.binary(min_size=32, max_size=160), datas=st.lists(st.binary(max_size=300), max_size=5))
def test_a_batch_of_commitments_is_hmac_sha256_of_each(key, datas):
    """Started from the padded keys hashed once, each commitment is still HMAC-SHA-256 (RFC 2104), for a
    key shorter or longer than SHA-256's block."""
    assert commitments.commit_many(key, datas) == [hmac.new(key, data, hashlib.sha256).hexdigest() for data in datas]
    assert commitments.commit_many(key, datas) == [commitments.commit_bytes(key, data) for data in datas]
