"""Disclosure packages: only a named recipient's key opens them; any alteration is caught."""

import base64
import json

import pytest

from ftigate.crypto import new_private_key, public_pem
from ftigate.service.delivery.packages import PackageError, open_sealed, seal


@pytest.fixture
def parties():
    a, b, stranger = (new_private_key("x25519") for _ in range(3))
    gateway = new_private_key("ed25519")
    return a, b, stranger, gateway


def _seal(parties):
    a, b, _, gateway = parties
    content = {"disclosures": [{"subject_id": "S1", "taxpayer_identity": {"last_name": "Synthetic"}}]}
    terms = {"package": "p1", "destroy_by": "2026-12-31"}
    return content, seal(content, terms, {"officer-a": public_pem(a), "officer-b": public_pem(b)}, gateway)


def test_each_named_recipient_opens_it(parties):
    content, envelope = _seal(parties)
    a, b, _, gateway = parties
    assert open_sealed(envelope, "officer-a", a, gateway.public_key()) == content
    assert open_sealed(envelope, "officer-b", b, gateway.public_key()) == content


def test_a_stranger_key_cannot_open_it(parties):
    _, envelope = _seal(parties)
    _, _, stranger, gateway = parties
    with pytest.raises(PackageError, match="cannot open"):
        open_sealed(envelope, "officer-a", stranger, gateway.public_key())
    with pytest.raises(PackageError, match="not addressed"):
        open_sealed(envelope, "officer-c", stranger, gateway.public_key())


def test_altered_terms_or_ciphertext_are_caught(parties):
    _, envelope = _seal(parties)
    a, _, _, gateway = parties
    later = json.loads(json.dumps(envelope))
    later["terms"]["destroy_by"] = "2099-12-31"
    with pytest.raises(PackageError, match="altered"):
        open_sealed(later, "officer-a", a, gateway.public_key())
    flipped = json.loads(json.dumps(envelope))
    raw = bytearray(base64.b64decode(flipped["ciphertext"]))
    raw[0] ^= 1
    flipped["ciphertext"] = base64.b64encode(bytes(raw)).decode()
    with pytest.raises(PackageError):
        open_sealed(flipped, "officer-a", a, gateway.public_key())


def test_a_package_signed_by_another_gateway_is_refused(parties):
    _, envelope = _seal(parties)
    a = parties[0]
    impostor = new_private_key("ed25519")
    with pytest.raises(PackageError, match="altered"):
        open_sealed(envelope, "officer-a", a, impostor.public_key())


def test_a_fault_in_opening_is_not_passed_off_as_a_wrong_key(parties, monkeypatch):
    """Only a failed authentication means "this key cannot open it"; any other error surfaces as
    itself (still opening nothing), so a bug is never mistaken for a recipient's mistake."""
    from ftigate.service.delivery import packages

    _, envelope = _seal(parties)
    a, _, _, gateway = parties

    class Broken:
        def __init__(self, key):
            pass

        def decrypt(self, *args):
            raise RuntimeError("a fault in the cipher")

    monkeypatch.setattr(packages, "AESGCM", Broken)
    with pytest.raises(RuntimeError, match="fault in the cipher"):
        open_sealed(envelope, "officer-a", a, gateway.public_key())
