"""Packages in the age format: encrypted to the recipients' registered X25519 keys, so the standard
``age`` tool opens them; signed by the gateway with a detached Ed25519 signature over the file's bytes
that a few lines of code, without ftigate, can check."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.serialization import load_pem_public_key
from hypothesis import given, settings
from hypothesis import strategies as st

from ftigate.crypto import age_identity_text, age_recipient_text, new_private_key, public_pem
from ftigate.service.delivery.packages import (
    FORMAT,
    PackageError,
    open_age,
    open_package_file,
    seal,
    seal_age,
    signature_path,
    verify_package_file,
)

CONTENT = {"request": "DHS-ICE/ICE-2025-000017",
           "disclosures": [{"subject_id": "S1", "taxpayer_identity": {"last_name": "Synthetic"}}],
           "answers": [{"subject_id": "S1", "answer": "disclosed"}]}
TERMS = {"package": "p1", "destroy_by": "2026-12-31", "recipients": ["officer-a", "officer-b"]}


@pytest.fixture
def parties():
    a, b, stranger = (new_private_key("x25519") for _ in range(3))
    return a, b, stranger, new_private_key("ed25519")


def _sealed(parties):
    a, b, _, gateway = parties
    return seal_age(CONTENT, TERMS, {"officer-a": public_pem(a), "officer-b": public_pem(b)}, gateway)


def test_each_recipient_opens_it_and_reads_the_terms(parties):
    a, b, _, gateway = parties
    sealed = _sealed(parties)
    assert sealed.data.startswith(b"age-encryption.org/v1\n")
    for officer, key in (("officer-a", a), ("officer-b", b)):
        document = open_age(sealed.data, sealed.signature, officer, key, gateway.public_key())
        keys = {"officer-a": age_recipient_text(a), "officer-b": age_recipient_text(b)}
        assert document == {"format": FORMAT, "terms": {**TERMS, "recipient_keys": keys}, **CONTENT}
    with pytest.raises(PackageError, match="cannot open"):  # a recipient's key, but not this officer's
        open_age(sealed.data, sealed.signature, "officer-b", a, gateway.public_key())


def test_a_stranger_an_alteration_or_another_gateway_is_refused(parties):
    a, _, stranger, gateway = parties
    sealed = _sealed(parties)
    with pytest.raises(PackageError, match="cannot open"):
        open_age(sealed.data, sealed.signature, "officer-a", stranger, gateway.public_key())
    with pytest.raises(PackageError, match="not addressed"):
        open_age(sealed.data, sealed.signature, "officer-c", a, gateway.public_key())
    altered = bytearray(sealed.data)
    altered[-5] ^= 1
    with pytest.raises(PackageError, match="signature"):
        open_age(bytes(altered), sealed.signature, "officer-a", a, gateway.public_key())
    with pytest.raises(PackageError, match="signature"):
        open_age(sealed.data, sealed.signature, "officer-a", a, new_private_key("ed25519").public_key())


@settings(max_examples=25, deadline=None)
@given(st.binary(min_size=32, max_size=32))
def test_age_keys_are_the_registered_keys_in_bech32(raw):
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from pyrage import x25519

    key = X25519PrivateKey.from_private_bytes(raw)
    identity = x25519.Identity.from_str(age_identity_text(key))
    assert str(identity.to_public()) == age_recipient_text(key) == age_recipient_text(key.public_key())
    assert age_recipient_text(key).startswith("age1") and age_identity_text(key).startswith("AGE-SECRET-KEY-1")


def test_a_few_lines_without_ftigate_check_the_signature(parties, tmp_path):
    _, _, _, gateway = parties
    sealed = _sealed(parties)
    pem = public_pem(gateway).encode()
    # what docs/formats.md gives a recipient: the gateway's PEM key, the .age bytes, the .sig text
    key = load_pem_public_key(pem)
    key.verify(base64.b64decode(sealed.signature), sealed.data)
    with pytest.raises(InvalidSignature):
        key.verify(base64.b64decode(sealed.signature), sealed.data + b"\n")


def test_the_standard_age_tool_opens_it(parties, tmp_path):
    if shutil.which("age") is None:
        if os.environ.get("CI"):
            pytest.fail("the age tool is not installed (CI installs the Debian package age)")
        pytest.skip("the age tool is not installed (Debian package age)")
    a, _, _, _ = parties
    sealed = _sealed(parties)
    package = tmp_path / "p1.age"
    package.write_bytes(sealed.data)
    identity = tmp_path / "officer-a.txt"
    identity.write_text(age_identity_text(a) + "\n")
    opened = subprocess.run(["age", "--decrypt", "-i", str(identity), str(package)], capture_output=True,
                            check=True, timeout=60)
    assert json.loads(opened.stdout)["disclosures"] == CONTENT["disclosures"]
    # and a package the age tool encrypts to the recipient string opens with the same identity
    plain = tmp_path / "note.txt"
    plain.write_text("synthetic")
    encrypted = tmp_path / "note.age"
    subprocess.run(["age", "-r", age_recipient_text(a), "-o", str(encrypted), str(plain)], check=True, timeout=60)
    back = subprocess.run(["age", "-d", "-i", str(identity), str(encrypted)], capture_output=True, check=True,
                          timeout=60)
    assert back.stdout == b"synthetic"


def test_files_of_both_formats_open_and_verify(parties, tmp_path):
    a, b, _, gateway = parties
    sealed = _sealed(parties)
    new = tmp_path / "p1.age"
    new.write_bytes(sealed.data)
    signature_path(new).write_text(sealed.signature + "\n")
    assert verify_package_file(new, None, gateway.public_key()) == sealed.sha256
    assert open_package_file(new, "officer-b", b, gateway.public_key())["answers"] == CONTENT["answers"]
    signature_path(new).unlink()
    with pytest.raises(PackageError, match="signature"):
        open_package_file(new, "officer-b", b, gateway.public_key())

    old = tmp_path / "p0.json"  # a package of the earlier format, as delivered before
    old.write_text(json.dumps(seal(CONTENT, TERMS, {"officer-a": public_pem(a)}, gateway)))
    assert open_package_file(old, "officer-a", a, gateway.public_key()) == CONTENT
    verify_package_file(old, None, gateway.public_key())


def test_openssl_checks_the_signature_as_docs_formats_says(parties, tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    _, _, _, gateway = parties
    sealed = _sealed(parties)
    package, sig, raw, pub = (tmp_path / n for n in ("p1.age", "p1.age.sig", "sig.bin", "gateway.pub"))
    package.write_bytes(sealed.data)
    sig.write_text(sealed.signature + "\n")
    pub.write_text(public_pem(gateway))
    raw.write_bytes(base64.b64decode(sig.read_text()))

    def check() -> int:
        return subprocess.run(["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", str(pub), "-rawin",
                               "-in", str(package), "-sigfile", str(raw)], capture_output=True, timeout=60).returncode

    assert check() == 0
    package.write_bytes(sealed.data[:-1] + bytes([sealed.data[-1] ^ 1]))
    assert check() != 0


@settings(max_examples=40, deadline=None)
@given(subject_ids=st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=12), max_size=6),
       outcomes=st.lists(st.sampled_from(["match", "no_match", "ambiguous", "withheld", "invalid", None]),
                         min_size=6, max_size=6),
       names=st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=12), min_size=6, max_size=6))
def test_members_encoded_a_row_at_a_time_are_the_canonical_document(subject_ids, outcomes, names):
    """The package's answers and disclosures, encoded row by row as they are read from the store, make
    exactly the bytes RFC 8785 gives the whole document."""
    from ftigate.crypto import canonical_json
    from ftigate.service.delivery.packages import _document, canonical_array
    from ftigate.service.requests.disclose import _answer_bytes, _disclosure_bytes

    answers = [_answer_bytes(s, o) for s, o in zip(subject_ids, outcomes, strict=False)]
    disclosures = [_disclosure_bytes(s, {"last_name": n, "city": n[::-1]}, 2024)
                   for s, n in zip(subject_ids, names, strict=False)]
    expected = {"format": FORMAT, "request": "R", "answers": [
        {"subject_id": s, "answer": {"invalid": "invalid", "match": "disclosed"}.get(o or "", "no record")}
        for s, o in zip(subject_ids, outcomes, strict=False)], "disclosures": [
        {"subject_id": s, "taxpayer_identity": {"last_name": n, "city": n[::-1]}, "tax_period": 2024}
        for s, n in zip(subject_ids, names, strict=False)]}
    built = _document({"format": FORMAT, "request": "R", "answers": canonical_array(answers),
                       "disclosures": canonical_array(disclosures)})
    assert built == canonical_json(expected)
    assert json.loads(built) == expected


@settings(max_examples=40, deadline=None)
@given(names=st.lists(st.text(st.characters(blacklist_categories=("Cs",)), max_size=12), min_size=1, max_size=6),
       odd=st.sampled_from([None, "missing field", "number", "float period"]))
def test_a_batch_of_disclosures_read_from_the_store_is_encoded_as_each_one_alone(names, odd):
    """A package's disclosures, read back as their stored JSON text and encoded a batch at a time, are
    byte for byte the RFC 8785 form of each disclosure on its own, whatever the fields hold (one of an
    unusual shape goes through the canonical encoder)."""
    from ftigate.service.requests.disclose import DISCLOSED_FIELDS, _disclosure_bytes, _disclosures_bytes

    rows = []
    for n, name in enumerate(names):
        fields: dict = {field: name[::-1] if field == "city" else name for field in DISCLOSED_FIELDS}
        period: object = 2024
        if n == 0 and odd == "missing field":
            del fields["zip"]
        elif n == 0 and odd == "number":
            fields["zip"] = 2134
        elif n == 0 and odd == "float period":
            period = 2024.5
        rows.append((f"S-{name}", json.dumps(fields), period))
    data, count = _disclosures_bytes(rows)
    assert count == len(rows)
    assert data == b",".join(_disclosure_bytes(s, json.loads(f), p) for s, f, p in rows)
    assert json.loads(b"[" + data + b"]") == [
        {"subject_id": s, "taxpayer_identity": json.loads(f), "tax_period": p} for s, f, p in rows]


_ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=10)


@settings(max_examples=200, deadline=None)
@given(values=st.lists(_ANY_TEXT, min_size=9, max_size=9), subject=_ANY_TEXT,
       period=st.integers(min_value=-(2**60), max_value=2**60),
       written=st.sampled_from(["as the store writes it", "json.dumps", "spaced", "keys unsorted", "ascii"]))
def test_a_disclosure_carried_as_stored_is_its_canonical_form_or_is_decoded(values, subject, period, written):
    """Whatever a disclosure's stored text, the package gets RFC 8785's bytes of it: a text already in
    that form (as the store writes it) is carried as it is, and any other (an earlier version's
    ``json.dumps``, spaces, keys out of order, escapes of another form) is decoded and encoded, so the
    two ways never give different bytes. Text that UTF-8 cannot carry (a lone surrogate) is refused."""
    from ftigate.crypto import canonical_json, plain_text
    from ftigate.errors import InputError
    from ftigate.service.requests.disclose import DISCLOSED_FIELDS, _disclosures_bytes

    fields = dict(zip(DISCLOSED_FIELDS, values, strict=True))
    text = {"as the store writes it": plain_text(fields), "json.dumps": json.dumps(fields),
            "spaced": json.dumps(fields, sort_keys=True, ensure_ascii=False),
            "keys unsorted": json.dumps(fields, separators=(",", ":"), ensure_ascii=False),
            "ascii": json.dumps(fields, sort_keys=True, separators=(",", ":"))}[written]
    expected_item = {"subject_id": subject, "taxpayer_identity": fields, "tax_period": period}
    try:
        expected = canonical_json(expected_item)
    except InputError:
        with pytest.raises(InputError):
            _disclosures_bytes([(subject, text, period), (subject, plain_text(fields), period)])
        return
    data, count = _disclosures_bytes([(subject, text, period), (subject, plain_text(fields), period)])
    assert count == 2
    assert data == expected + b"," + expected


def test_the_store_keeps_a_disclosures_fields_in_the_form_the_package_carries(tmp_path):
    """On SQLite the fields are written in RFC 8785 form, and read back as the same values."""
    import datetime as dt

    from sqlalchemy import select
    from tests.store.test_recent_subjects import _insert

    from ftigate.crypto import plain_text
    from ftigate.service.requests.disclose import _CANONICAL_IDENTITY, DISCLOSED_FIELDS
    from ftigate.store import disclosure_store
    from ftigate.store.db import open_store
    from ftigate.store.tables import disclosures, requests, subjects

    engine = open_store(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    fields = dict(zip(DISCLOSED_FIELDS, ["Zoë \"Q\"", "", "O'Neil\\", "", "1\n2 Rue \u2028", "\x07", "Åre", "XX", "0"],
                      strict=True))
    at = dt.datetime(2026, 12, 7, tzinfo=dt.UTC)
    with engine.begin() as conn:
        _insert(conn, "DHS-ICE", "R-1", at, [1])
        pk = conn.execute(select(requests.c.id)).scalar_one()
        subject = conn.execute(select(subjects.c.id)).scalar_one()
        disclosure_store.insert_disclosure_batch(conn, pk, [(subject, "900000001", fields, 2024)], at)
    with engine.connect() as conn:
        [[(_, text, _)]] = list(disclosure_store.disclosed_batches(conn, pk))
        assert text == plain_text(fields) and _CANONICAL_IDENTITY.fullmatch(text)
        assert conn.execute(select(disclosures.c.fields)).scalar_one() == fields
    engine.dispose()
