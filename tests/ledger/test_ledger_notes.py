"""Signed notes, checkpoints and cosignatures against the Go reference and the C2SP examples."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ftigate.ledger.checkpoints import Checkpoint, open_checkpoint, parse_checkpoint, sign_checkpoint
from ftigate.ledger.cosignatures import (
    CosignatureSigner,
    CosignatureVerifier,
    cosignature_timestamp,
    cosigned_message,
    verifier_for,
)
from ftigate.ledger.errors import MalformedError, SignatureError
from ftigate.ledger.notes import (
    ALG_COSIGNATURE_V1,
    NoteSigner,
    NoteVerifier,
    open_note,
    parse_note,
    parse_signer_key,
    parse_vkey,
    sign_note,
)

from .conftest import load

V = load("signed_notes.json")


def test_go_reference_signature_is_reproduced_byte_for_byte():
    """Ed25519 is deterministic: signing the Go test note with its key must give its exact note."""
    signer = parse_signer_key(V["peter_skey"])
    assert signer.verifier.vkey == V["peter_vkey"]
    assert sign_note(V["text"], [signer]) == V["text"] + "\n" + V["peter_sig_line"]


def test_vkey_parses_and_every_mangling_is_rejected():
    key = parse_vkey(V["peter_vkey"])
    assert (key.name, key.key_id, key.alg) == ("PeterNeumann", 0xC74F20A3, 1)
    vkey = V["peter_vkey"]
    for i in range(len(vkey)):
        mangled = vkey[:i] + chr(ord(vkey[i]) + 1) + vkey[i + 1:]
        with pytest.raises(MalformedError):
            parse_vkey(mangled)
    for cut in range(1, len(vkey)):
        with pytest.raises(MalformedError):
            parse_vkey(vkey[:cut])
    for bad in V["bad_vkeys"]:
        with pytest.raises(MalformedError):
            parse_vkey(bad)


def test_open_follows_the_signed_note_rules():
    peter = NoteVerifier.from_vkey(V["peter_vkey"])
    enoch = NoteVerifier.from_vkey(V["enoch_vkey"])
    both = V["text"] + "\n" + V["peter_sig_line"] + V["enoch_sig_line"]
    note = open_note(both, [peter])                     # an unknown key's signature is ignored
    assert note.text == V["text"] and [s.name for s in note.verified] == ["PeterNeumann"]
    assert [s.name for s in open_note(both, [peter, enoch]).verified] == ["PeterNeumann", "EnochRoot"]
    with pytest.raises(SignatureError):
        open_note(both, [])                             # no verifiable signature
    sig = V["peter_sig_line"]
    with pytest.raises(SignatureError):                 # a known key's bad signature rejects the note
        open_note(V["text"] + "\n" + sig[:60] + "ABCD" + sig[60:], [peter])
    with pytest.raises(SignatureError):
        open_note(V["text"].replace("cryptography", "cryptographY") + "\n" + sig, [peter])
    dup = open_note(V["text"] + "\n" + sig + sig, [peter])
    assert len(dup.verified) == 1


@pytest.mark.parametrize("suffix", ["", "\n", "\nSIG", "\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
                                    "\n{peter}Unexpected line.\n"])
def test_malformed_notes_are_rejected(suffix):
    with pytest.raises(MalformedError):
        parse_note(V["text"] + suffix.replace("{peter}", V["peter_sig_line"]))
    with pytest.raises(MalformedError):
        parse_note("\x01" + V["text"] + "\n" + V["peter_sig_line"])
    with pytest.raises(MalformedError):
        parse_note(b"\xff" + (V["text"] + "\n" + V["peter_sig_line"]).encode("utf-8"))


def test_checkpoint_body_matches_the_go_tree_note_and_the_c2sp_example():
    cp = parse_checkpoint(V["go_tree_note"])
    assert (cp.origin, cp.size) == ("go.sum database tree", 123456789012)
    assert cp.text == V["go_tree_note"]
    example = parse_note(V["c2sp_checkpoint"])
    cp = parse_checkpoint(example.text)
    assert (cp.origin, cp.size) == ("example.com/behind-the-sofa", 20852163)
    assert base64.b64encode(cp.root).decode() == "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I="
    assert [s.name for s in example.signatures] == ["example.com/behind-the-sofa", "witness.example.com/w1"]
    for bad in ["a\n0123\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n", "a\n1\nshort=\n", "\n1\nx\n",
                "a\n1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n\n", "a\n1\n", "a\n-1\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n"]:
        with pytest.raises(MalformedError):
            parse_checkpoint(bad)


def test_signed_checkpoint_opens_only_with_the_logs_key_and_origin():
    signer = NoteSigner("example.gov/log", Ed25519PrivateKey.generate())
    note = sign_checkpoint(Checkpoint("example.gov/log", 7, b"\x01" * 32), signer)
    cp, _ = open_checkpoint(note, signer.verifier)
    assert cp.size == 7
    other = NoteSigner("example.gov/log", Ed25519PrivateKey.generate())
    with pytest.raises(SignatureError):
        open_checkpoint(note, other.verifier)
    wrong_origin = sign_checkpoint(Checkpoint("other.gov/log", 7, b"\x01" * 32), signer)
    with pytest.raises(MalformedError):
        open_checkpoint(wrong_origin, signer.verifier)


def test_witness_vkeys_and_cosignature_timestamp_from_the_reference():
    for vkey in V["witness_vkeys_good"]:
        verifier = CosignatureVerifier.from_vkey(vkey)
        assert verifier.vkey.startswith(verifier.name + "+")
    assert parse_vkey(V["witness_vkeys_good"][0]).alg == ALG_COSIGNATURE_V1
    for vkey in V["witness_vkeys_bad"]:
        with pytest.raises(MalformedError):
            CosignatureVerifier.from_vkey(vkey)
    raw = base64.b64decode(V["cosignature_b64"])
    assert cosignature_timestamp(raw[4:]) == V["cosignature_time"]
    body = parse_note(V["c2sp_checkpoint"]).text.encode()
    assert cosigned_message(body, 1679315147) == V["c2sp_cosigned_message"].encode()


def test_cosignature_roundtrip_and_domain_separation():
    witness = CosignatureSigner("oversight.example/w1", Ed25519PrivateKey.generate())
    log = NoteSigner("example.gov/log", Ed25519PrivateKey.generate())
    note = sign_checkpoint(Checkpoint("example.gov/log", 9, b"\x02" * 32), log)
    line = witness.cosign(parse_note(note).text, 1700000000).line
    cosigned = note + line
    assert [s.name for s in open_note(cosigned, [verifier_for(witness.verifier.vkey)]).verified] == ["oversight.example/w1"]
    assert open_note(cosigned, [log.verifier]).verified[0].name == "example.gov/log"
    # the same key as a plain note key has another ID: a cosignature is never a note signature
    assert NoteSigner("oversight.example/w1", witness._key).key_id != witness.key_id
    tampered = cosigned.replace("\n9\n", "\n10\n")
    with pytest.raises(SignatureError):
        open_note(tampered, [witness.verifier])
