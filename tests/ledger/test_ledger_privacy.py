"""No entry may carry a name, an address or a TIN; commitments and hashes pass."""

from __future__ import annotations

import json

import pytest

from ftigate.ledger.entries import encode_entry
from ftigate.ledger.errors import EntryRejected
from ftigate.ledger.privacy import check_entry, key_words

BASE = {"kind": "disclosure.made", "at": "2025-08-07T12:00:00Z"}


@pytest.mark.parametrize("extra", [
    {"tin": "x"}, {"subject": {"last_name": "x"}}, {"mailingAddress": "x"}, {"zip": "20500"},
    {"DOB": "1980-01-01"}, {"people": [{"name": "x"}]}, {"address_line1": "1600 Penn"},
    {"note": "tin 123456789 matched"}, {"ref": "987654321"}, {"count": 123456789}, {"ssn": "x"},
    {"detail": "123-45-6789"}, {"ein": "x"}, {"employer": "12-3456789"}, {"123456789": True},
])
def test_personal_data_is_refused(extra):
    with pytest.raises(EntryRejected):
        encode_entry({**BASE, **extra})


@pytest.mark.parametrize("extra", [
    {"commitment": "7f3a0912345678901234abcdef0123456789abcdef0123456789abcdef012345"},
    {"subjects_sha256": "0123456789" * 6 + "abcd"}, {"request": "DHS-ICE/ICE-2025-000017"},
    {"count": 47289}, {"filename": "subjects.csv"}, {"agency": "DHS-ICE"}, {"date": "2025-06-27"},
    {"statute": "8 U.S.C. 1253(a)(1)"}, {"recipients": ["ice-ero-0001", "ice-ero-0002"]},
])
def test_ordinary_event_details_pass(extra):
    data = encode_entry({**BASE, **extra})
    assert json.loads(data) == {**BASE, **extra}


def test_entries_are_canonical_json_and_need_kind_and_at():
    assert encode_entry({"kind": "x", "at": "2025-01-01T00:00:00Z", "b": 1, "a": "é"}) == \
        '{"a":"é","at":"2025-01-01T00:00:00Z","b":1,"kind":"x"}'.encode()
    for bad in [{"at": "2025-01-01T00:00:00Z"}, {"kind": "x"}, {"kind": "x", "at": "yesterday"},
                {"kind": "", "at": "2025-01-01T00:00:00Z"}, {"kind": "x", "at": "2025-01-01T00:00:00Z", "v": float("nan")},
                {"kind": "x", "at": "2025-01-01T00:00:00Z", "big": "y" * 70000}, ["not", "an", "object"]]:
        with pytest.raises(EntryRejected):
            encode_entry(bad)


def test_rejection_names_where_the_problem_is():
    with pytest.raises(EntryRejected) as info:
        check_entry({**BASE, "detail": {"people": [{"first_name": "x"}]}}, position=4)
    assert info.value.path == "$.detail.people[0].first_name" and info.value.position == 4
    assert key_words("mailingAddressLine1") == ["mailing", "address", "line", "1"]


def test_fast_privacy_scan_agrees_with_the_full_walk():
    import json
    import random

    from ftigate.ledger.privacy import looks_clean

    rng = random.Random(6103)
    pieces = ["0123456789abcdef" * 4, "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669", "é", "123456789", "12345678", "-", "x", "ABCDEF0123456789" * 3, "12-3456789",
              "123-45-6789", "2025-06-27", "\"", "9" * 10, "ab" + "1" * 9 + "cd" * 15, "0" * 64]
    for _ in range(3000):
        value = {"kind": "x", "at": "2025-01-01T00:00:00Z"}
        for _ in range(rng.randrange(1, 4)):
            text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 3)))
            value[rng.choice(["ref", "commitment", "note", text[:12]])] = rng.choice([text, [text], {"k": text}, len(text) * 11111111])
        keys: set[str] = set()

        def collect(v, keys: set[str]) -> None:
            if isinstance(v, dict):
                for k, c in v.items():
                    keys.add(k)
                    collect(c, keys)
            elif isinstance(v, list):
                for c in v:
                    collect(c, keys)

        collect(value, keys)
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        try:
            check_entry(value)
            clean = True
        except EntryRejected:
            clean = False
        assert looks_clean(text.encode(), keys) == clean, value


def test_an_entry_with_whole_number_floats_is_rfc8785_and_still_checked():
    """The thresholds (one a float, 3.0) in an entry: the same bytes as RFC 8785, the same refusals."""
    import rfc8785

    entry = {**BASE, "thresholds": {"batch_size_factor": 3.0, "recent_days": 365}, "share": [0.5, 2.0]}
    assert encode_entry(entry) == rfc8785.dumps(entry)
    whole = {**BASE, "thresholds": {"batch_size_factor": 3.0, "recent_days": 365}}
    assert encode_entry(whole) == rfc8785.dumps(whole) == encode_entry({**whole, "thresholds": {
        "batch_size_factor": 3, "recent_days": 365}})
    for bad in ({"count": 123456789.0}, {"tin": 3.0}, {"detail": {"zip": 20500.0}}):
        with pytest.raises(EntryRejected):
            encode_entry({**BASE, **bad})
