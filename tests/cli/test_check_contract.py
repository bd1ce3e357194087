"""Conformance of ``ftigate check`` to the contract, written from the contract (docs/formats.md) and the statute (docs/law.md) alone.

Black-box: registries and requests are built exactly as the contract's examples show, signed with real
Ed25519 keys over RFC 8785 canonical JSON computed here independently, loaded with ``ftigate registry
load`` and judged with ``ftigate check REQUEST.json --json``. Nothing below relies on rule ids or messages
(the contract leaves them open); it relies on exit codes, the JSON shape, decisions, outcomes, subject ids
and the citations as docs/law.md writes them.

The second half fuzzes the request with odd JSON: every answer must be exit 0 or 1 with findings (2 only
for a file that is not a JSON object in UTF-8), never a traceback, and a ``subjects_file`` outside the
request's directory is refused without being read.
"""

from __future__ import annotations

import base64
import copy
import csv
import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

# --- the contract's vocabulary ---------------------------------------------------------------------

#: docs/law.md's citations, prefixed with the title as the contract's example writes "26 U.S.C. 6103(i)(2)(B)(ii)".
CITATION = {
    "L1": "26 U.S.C. 6103(i)(2)(A)",
    "L2": "26 U.S.C. 6103(i)(2)(B)",
    "L3": "26 U.S.C. 6103(i)(2)(B)(i)",
    "L4": "26 U.S.C. 6103(i)(2)(B)(ii)",
    "L5": "26 U.S.C. 6103(i)(2)(B)(iii)",
    "L6": "26 U.S.C. 6103(i)(2)(B)(iv)",
    "L7": "26 U.S.C. 6103(i)(2)(A), 6103(i)(1)(A)(i)",
    "L8": "26 U.S.C. 6103(i)(2)(A)",
    "L9": "26 U.S.C. 6103(i)(2)(C), 6103(b)(2), (b)(3), (b)(6)",
    "L10": "26 U.S.C. 6103(i)(6)",
    "L11": "26 U.S.C. 6103(p)(4)(A)\u2013(F)",
}
SUBJECT_COLUMNS = ["subject_id", "first_name", "middle_name", "last_name", "suffix", "date_of_birth",
                   "address_line1", "address_line2", "city", "state", "zip"]
DECISIONS = {"proceed", "review", "rejected"}
OUTCOMES = {"pass", "fail", "review"}
TODAY = dt.datetime.now(dt.UTC).date()


def day(offset: int) -> str:
    """The date ``offset`` days from the day the checks run (the gateway's clock judges offices)."""
    return (TODAY + dt.timedelta(days=offset)).isoformat()


@pytest.fixture(autouse=True)
def _checked_on_today(monkeypatch) -> None:
    """The gateway judges on ``TODAY``, the day this module's dates were computed from: a run that
    crosses midnight (UTC) between collection and a check would otherwise judge a request signed
    "today" on the next day, and an official "from tomorrow" as in office."""
    from ftigate.service.requests import checking

    monkeypatch.setattr(checking, "utc_today", lambda: TODAY)


#: requests are signed on the day they are checked: an official must be in office on the day the
#: gateway receives the request, and signed_on may not lie after it nor more than 30 days before it
SIGNED_ON = day(0)
THIS_YEAR = TODAY.year


# --- keys, registry and requests, as the contract's examples show them -----------------------------

def _public_pem(key: Ed25519PrivateKey | X25519PrivateKey) -> str:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def _private_pem(key: Ed25519PrivateKey) -> str:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode("ascii")


def jcs(obj: Any) -> bytes:
    """RFC 8785 for the integers, strings, lists and objects these tests sign (no floats)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def signature_of(request: dict, key: Ed25519PrivateKey) -> str:
    """Standard base64 with padding of the Ed25519 signature over JCS(request without 'signature')."""
    body = {k: v for k, v in request.items() if k != "signature"}
    return base64.b64encode(key.sign(jcs(body))).decode("ascii")


#: Officials of the example registry: id -> (agency, role, valid_from, valid_to).
OFFICIALS = {
    "ice-director": ("DHS-ICE", "head", "2025-01-20", None),
    "dhs-ig": ("DHS-ICE", "inspector_general", "2025-01-20", None),
    "ice-staff": ("DHS-ICE", "staff", "2025-01-20", None),
    "ice-deputy": ("DHS-ICE", "deputy_director", "2025-01-20", None),
    "ice-former": ("DHS-ICE", "head", "2025-01-20", day(-1)),
    "ice-until-today": ("DHS-ICE", "head", "2025-01-20", SIGNED_ON),
    "ice-from-today": ("DHS-ICE", "head", SIGNED_ON, None),
    "ice-from-tomorrow": ("DHS-ICE", "head", day(1), None),
    "doj-usattorney": ("DOJ-FBI", "doj_listed", "2025-01-20", None),
}
OFFICERS = {"ice-ero-0001": "DHS-ICE", "ice-ero-0002": "DHS-ICE", "fbi-sa-0001": "DOJ-FBI"}


@dataclass
class Env:
    """Keys and a directory to write registries, requests and subject files in."""

    dir: Path
    keys: dict[str, Ed25519PrivateKey] = field(default_factory=dict)
    officer_keys: dict[str, X25519PrivateKey] = field(default_factory=dict)
    counter: int = 0

    def registry(self, **agency_changes: Any) -> dict:
        """The contract's example registry, with more officials, a second agency and three statutes."""
        ice = {"id": "DHS-ICE", "name": "U.S. Immigration and Customs Enforcement",
               "safeguards": {"approved_on": day(-88), "expires_on": day(277)},
               "usual_subjects_per_request": 5000}
        ice.update(agency_changes)
        ice = {k: v for k, v in ice.items() if v is not _ABSENT}
        fbi = {"id": "DOJ-FBI", "name": "Federal Bureau of Investigation",
               "safeguards": {"approved_on": day(-500), "expires_on": day(300)},
               "usual_subjects_per_request": 50}
        return {
            "agencies": [ice, fbi],
            "officials": [{"id": oid, "agency": agency, "name": f"Synthetic Official {i}", "role": role,
                           "valid_from": since, "valid_to": until, "public_key": _public_pem(self.keys[oid])}
                          for i, (oid, (agency, role, since, until)) in enumerate(OFFICIALS.items())],
            "officers": [{"id": oid, "agency": agency, "name": f"Synthetic Officer {i}",
                          "public_key": _public_pem(self.officer_keys[oid])}
                         for i, (oid, agency) in enumerate(OFFICERS.items())],
            "statutes": [
                {"citation": "8 U.S.C. 1253(a)(1)", "title": "Willful failure to depart", "criminal": True,
                 "tax_administration": False},
                {"citation": "8 U.S.C. 1229a", "title": "Removal proceedings", "criminal": False,
                 "tax_administration": False},
                {"citation": "26 U.S.C. 7201", "title": "Attempt to evade or defeat tax", "criminal": True,
                 "tax_administration": True},
                {"citation": "18 U.S.C. 1546", "title": "Fraud and misuse of visas, permits, and other "
                 "documents", "criminal": True, "tax_administration": False},
            ],
        }

    def write_registry(self, registry: dict) -> Path:
        self.counter += 1
        path = self.dir / f"registry-{self.counter}.json"
        path.write_text(json.dumps(registry, indent=1), encoding="utf-8")
        return path

    def write(self, request: Any, *, sign: str | None = "ice-director", name: str | None = None,
              folder: Path | None = None) -> Path:
        """Write a request (signed by an official's key, unless ``sign`` is None) as UTF-8 JSON."""
        if sign is not None and isinstance(request, dict):
            request = dict(request)
            request["signature"] = signature_of(request, self.keys[sign])
        self.counter += 1
        path = (folder or self.dir) / (name or f"request-{self.counter}.json")
        path.write_text(json.dumps(request, indent=1, ensure_ascii=False), encoding="utf-8")
        return path

    def folder(self) -> Path:
        """A fresh directory for a request and its subjects file."""
        self.counter += 1
        path = self.dir / f"req-{self.counter}"
        path.mkdir()
        return path


_ABSENT = object()


def subject(n: int, **changes: str) -> dict:
    """A usable synthetic subject row (all contract columns), numbered ``S-000n``."""
    given = ["Quentin", "Marisol", "Theodor", "Ingrid", "Bartholomew", "Yusra", "Caspian", "Odalys"]
    family = ["Synthetica", "Fabrikam", "Imaginary", "Notreal", "Madeup", "Examplar", "Testwell"]
    row = {"subject_id": f"S-{n:04d}", "first_name": given[n % len(given)], "middle_name": "",
           "last_name": f"{family[n % len(family)]}{'' if n < 56 else n}", "suffix": "",
           "date_of_birth": f"19{50 + n % 49:02d}-{1 + n % 12:02d}-{1 + n % 28:02d}",
           "address_line1": f"{100 + n} Example Road", "address_line2": "",
           "city": "Springfield", "state": "IL", "zip": "62701"}
    row.update(changes)
    return row


def subjects(count: int, start: int = 1) -> list[dict]:
    return [subject(n) for n in range(start, start + count)]


def request(**overrides: Any) -> dict:
    """The contract's example request with three usable subjects inline."""
    req = {"format": "ftigate-request/1", "request_id": "ICE-2025-000017", "agency": "DHS-ICE",
           "official": "ice-director", "signed_on": SIGNED_ON,
           "investigation": {"reference": "ERO-CI-2025-0042", "statute": "8 U.S.C. 1253(a)(1)",
                             "authority": "8 U.S.C. 1357(a)", "kind": "criminal"},
           "taxable_periods": [2022, 2023, 2024],
           "reason": "Each subject is under investigation for willful failure to depart after a final "
                     "order of removal; a last known address is relevant to locating the subject.",
           "information": ["taxpayer_identity"],
           "recipients": ["ice-ero-0001", "ice-ero-0002"],
           "subjects": subjects(3)}
    for key, value in overrides.items():
        if value is _ABSENT:
            req.pop(key, None)
        else:
            req[key] = value
    return req


def write_csv(path: Path, rows: list[dict], columns: list[str] | None = None, encoding: str = "utf-8") -> Path:
    columns = columns or list(rows[0])
    with path.open("w", newline="", encoding=encoding) as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_parquet(path: Path, rows: list[dict]) -> Path:
    pq.write_table(pa.table({c: [r[c] for r in rows] for c in rows[0]}), path)
    return path


def sha256_hex(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def with_file(folder: Path, file_name: str, **overrides: Any) -> dict:
    """A request whose subjects are in ``folder/file_name``, with its lowercase hex SHA-256."""
    base = {"subjects": _ABSENT, "subjects_file": file_name, "subjects_sha256": sha256_hex(folder / file_name)}
    return request(**{**base, **overrides})


# --- running the commands --------------------------------------------------------------------------

@dataclass
class Verdict:
    exit_code: int
    decision: str
    findings: list[dict]
    subjects: dict
    policy_version: str
    stdout: str

    def failed(self, law: str | None = None, subject_id: Any = _ABSENT) -> list[dict]:
        return self._with("fail", law, subject_id)

    def flagged(self, law: str | None = None, subject_id: Any = _ABSENT) -> list[dict]:
        return self._with("review", law, subject_id)

    def _with(self, outcome: str, law: str | None, subject_id: Any) -> list[dict]:
        return [f for f in self.findings if f["outcome"] == outcome
                and (law is None or f["citation"] == CITATION[law])
                and (subject_id is _ABSENT or f["subject_id"] == subject_id)]


def no_traceback(result) -> None:
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr


def judge(cli, path: Path, data: Path | None = None) -> Verdict:
    """``ftigate check PATH --json``: exit 0/1, exactly one JSON object of the contract's shape."""
    result = cli("check", path, "--json", data=data)
    no_traceback(result)
    assert result.exit_code in (0, 1), (result.exit_code, result.stdout, result.stderr)
    obj = json.loads(result.stdout)  # the whole of stdout is one JSON document
    assert isinstance(obj, dict)
    assert {"decision", "policy_version", "findings", "subjects"} <= set(obj)
    assert obj["decision"] in DECISIONS
    assert isinstance(obj["policy_version"], str) and obj["policy_version"]
    assert isinstance(obj["findings"], list)
    for f in obj["findings"]:
        assert {"rule", "citation", "outcome", "message", "subject_id"} <= set(f), f
        assert isinstance(f["rule"], str) and f["rule"]
        assert isinstance(f["citation"], str) and f["citation"]
        assert isinstance(f["message"], str) and f["message"]
        assert f["outcome"] in OUTCOMES
        assert f["subject_id"] is None or isinstance(f["subject_id"], str)
    counts = obj["subjects"]
    assert {"total", "valid", "invalid"} <= set(counts)
    assert all(type(counts[k]) is int and counts[k] >= 0 for k in ("total", "valid", "invalid"))
    assert counts["total"] == counts["valid"] + counts["invalid"]
    outcomes = {f["outcome"] for f in obj["findings"]}
    # Exit 0: it may proceed (review flags or not); 1: rejected.
    assert result.exit_code == (1 if obj["decision"] == "rejected" else 0)
    if obj["decision"] == "rejected":
        assert "fail" in outcomes
    if obj["decision"] == "review":
        assert "review" in outcomes
    if obj["decision"] == "proceed":
        assert "review" not in outcomes
    return Verdict(result.exit_code, obj["decision"], obj["findings"], counts, obj["policy_version"],
                   result.stdout)


def load(cli, path: Path, data: Path | None = None) -> None:
    result = cli("registry", "load", path, data=data, as_="admin-0")
    no_traceback(result)
    assert result.exit_code == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> Env:
    """Keys for every official and officer of the example registry (generated once per module)."""
    e = Env(tmp_path_factory.mktemp("contract"))
    e.keys = {oid: Ed25519PrivateKey.generate() for oid in OFFICIALS}
    e.keys["stranger"] = Ed25519PrivateKey.generate()
    e.officer_keys = {oid: X25519PrivateKey.generate() for oid in OFFICERS}
    e.shared = e.dir / "shared-data"  # type: ignore[attr-defined]
    e.shared_loaded = False  # type: ignore[attr-defined]
    return e


@pytest.fixture
def ok(cli, env) -> Any:
    """Check against the module's shared data directory, holding the example registry."""
    if not env.shared_loaded:
        load(cli, env.write_registry(env.registry()), data=env.shared)
        env.shared_loaded = True
    return lambda path: judge(cli, path, data=env.shared)


@pytest.fixture
def own(cli, env) -> Any:
    """Load a registry of the test's own into the test's own data directory; return its checker."""
    def loader(registry: dict) -> Any:
        load(cli, env.write_registry(registry))
        return lambda path: judge(cli, path)
    return loader


# === the shape and the exit codes ==================================================================

def test_the_example_request_proceeds_with_exit_0(ok, env):
    v = ok(env.write(request()))
    assert v.exit_code == 0 and v.decision == "proceed"
    assert (v.subjects["total"], v.subjects["valid"], v.subjects["invalid"]) == (3, 3, 0)
    assert v.failed() == [] and v.flagged() == []


def test_without_json_the_exit_codes_are_the_same(cli, ok, env):
    ok(env.write(request()))  # loads the shared registry
    good = cli("check", env.write(request()), data=env.shared)
    bad = cli("check", env.write(request(information=["tax_return"])), data=env.shared)
    array = env.dir / "array.json"
    array.write_text("[]", encoding="utf-8")
    unreadable = cli("check", array, data=env.shared)
    for result in (good, bad, unreadable):
        no_traceback(result)
    assert (good.exit_code, bad.exit_code, unreadable.exit_code) == (0, 1, 2)


def test_request_findings_carry_null_and_subject_findings_their_subject_id(ok, env):
    rows = subjects(3)
    rows[1]["address_line1"] = "Failed to Provide"
    v = ok(env.write(request(subjects=rows, information=["taxpayer_identity", "wages"])))
    assert v.decision == "rejected"
    assert v.failed("L9") and all(f["subject_id"] is None for f in v.failed("L9"))
    bad_row = v.failed(subject_id="S-0002")
    assert bad_row and {f["citation"] for f in bad_row} == {CITATION["L3"]}
    assert v.failed(subject_id="S-0001") == [] and v.failed(subject_id="S-0003") == []


def test_one_unusable_subject_is_rejected_alone(ok, env):
    rows = subjects(3)
    rows[2]["address_line1"] = "Unknown Address"
    v = ok(env.write(request(subjects=rows)))
    assert (v.exit_code, v.decision) == (0, "proceed")
    assert (v.subjects["total"], v.subjects["valid"], v.subjects["invalid"]) == (3, 2, 1)
    assert v.failed("L3", subject_id="S-0003")
    assert [f for f in v.failed() if f["subject_id"] is None] == []


def test_a_request_without_any_usable_subject_is_rejected(ok, env):
    rows = [subject(1, first_name="FNU"), subject(2, address_line1="N/A")]
    v = ok(env.write(request(subjects=rows)))
    assert v.decision == "rejected"
    assert (v.subjects["total"], v.subjects["valid"], v.subjects["invalid"]) == (2, 0, 2)


def test_checking_twice_gives_the_same_answer_and_stores_nothing(cli, env, ok):
    path = env.write(request())
    rejected = env.write(request(taxable_periods=[THIS_YEAR + 1]))
    ok(path)

    def snapshot() -> dict[str, str]:
        return {str(p.relative_to(env.shared)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(env.shared.rglob("*")) if p.is_file()}

    before = snapshot()
    first, second = ok(path), ok(path)
    third, fourth = ok(rejected), ok(rejected)
    assert first.stdout == second.stdout and third.stdout == fourth.stdout
    assert snapshot() == before


def test_the_policy_version_is_the_same_for_every_request(ok, env):
    a = ok(env.write(request()))
    b = ok(env.write(request(reason="")))
    assert a.policy_version == b.policy_version


@pytest.mark.parametrize("content", [
    b"[]", b'[{"format": "ftigate-request/1"}]', b'"a string"', b"42", b"null", b"true", b"",
    b"{not json", b'{"a": 1', b'{"reason": "caf\xe9"}', b"\xff\xfe{\x00}\x00",
    "{\"reason\": \"\u00e9\"}".encode("utf-16"),
])
def test_a_file_that_is_not_a_json_object_in_utf8_exits_2(cli, env, ok, content):
    ok(env.write(request()))
    path = env.dir / "not-an-object.json"
    path.write_bytes(content)
    result = cli("check", path, "--json", data=env.shared)
    no_traceback(result)
    assert result.exit_code == 2


def test_a_missing_file_exits_2(cli, env, ok):
    ok(env.write(request()))
    result = cli("check", env.dir / "no-such-request.json", "--json", data=env.shared)
    no_traceback(result)
    assert result.exit_code == 2


def test_a_directory_exits_2(cli, env, ok):
    ok(env.write(request()))
    result = cli("check", env.folder(), "--json", data=env.shared)
    no_traceback(result)
    assert result.exit_code == 2


@pytest.mark.parametrize("obj", [{}, {"format": "ftigate-request/1"}, {"subjects": []},
                                 {"signature": "AAAA"}])
def test_an_incomplete_object_is_judged_exit_1_with_findings(ok, env, obj):
    v = ok(env.write(obj, sign=None))
    assert (v.exit_code, v.decision) == (1, "rejected")
    assert v.failed()


def test_an_unknown_format_is_rejected(ok, env):
    assert ok(env.write(request(format="ftigate-request/2"))).decision == "rejected"
    assert ok(env.write(request(format=_ABSENT))).decision == "rejected"


# === L1: who may sign ==============================================================================

@pytest.mark.parametrize("official, decision", [
    ("ice-director", "proceed"), ("dhs-ig", "proceed"), ("ice-staff", "rejected"),
    ("ice-deputy", "rejected"),
])
def test_only_head_inspector_general_and_doj_listed_may_sign(ok, env, official, decision):
    v = ok(env.write(request(official=official), sign=official))
    assert v.decision == decision
    if decision == "rejected":
        assert v.failed("L1") and all(f["subject_id"] is None for f in v.failed("L1"))
    else:
        assert v.failed() == []


def test_a_doj_listed_official_signs_for_the_department_of_justice(ok, env):
    req = request(agency="DOJ-FBI", official="doj-usattorney", recipients=["fbi-sa-0001"],
                  investigation={"reference": "FBI-2025-77", "statute": "18 U.S.C. 1546",
                                 "authority": "28 U.S.C. 533", "kind": "criminal"})
    v = ok(env.write(req, sign="doj-usattorney"))
    assert v.decision == "proceed", v.findings


@pytest.mark.parametrize("official, decision", [
    ("ice-former", "rejected"), ("ice-until-today", "proceed"), ("ice-from-today", "proceed"),
    ("ice-from-tomorrow", "rejected"),
])
def test_term_of_office_is_judged_on_the_day_of_receipt_inclusive(ok, env, official, decision):
    v = ok(env.write(request(official=official), sign=official))
    assert v.decision == decision
    if decision == "rejected":
        assert v.failed("L1")


@pytest.mark.parametrize("official, signed_on, decision", [
    ("ice-former", day(-1), "rejected"),      # signed on the last day of the term, received after it
    ("ice-former", day(-2), "rejected"),
    ("ice-director", day(-30), "proceed"),    # 30 days old: the default limit
    ("ice-director", day(-31), "rejected"),
    ("ice-director", day(1), "rejected"),     # dated after the day of receipt
])
def test_a_backdated_signature_does_not_count(ok, env, official, signed_on, decision):
    """An official whose term has ended cannot sign today and date the request into the term."""
    v = ok(env.write(request(official=official, signed_on=signed_on), sign=official))
    assert v.decision == decision, v.findings
    if decision == "rejected":
        assert v.failed("L1")


def test_an_unknown_official_or_one_of_another_agency_does_not_count(ok, env):
    unknown = ok(env.write(request(official="nobody"), sign="stranger"))
    assert unknown.decision == "rejected" and unknown.failed("L1")
    other = ok(env.write(request(official="doj-usattorney"), sign="doj-usattorney"))
    assert other.decision == "rejected" and other.failed("L1")


def test_an_unknown_agency_is_rejected(ok, env):
    assert ok(env.write(request(agency="DOD-XYZ"))).decision == "rejected"


# === L2: in writing, signed ========================================================================

def test_ftigate_sign_produces_the_contracts_signature(cli, env, ok, tmp_path):
    ok(env.write(request()))
    key = tmp_path / "official.key"
    key.write_text(_private_pem(env.keys["ice-director"]), encoding="ascii")
    req = request(reason="Relevant to locating the subject \u2014 Jos\u00e9, \u00c5ngstr\u00f6m \U0001f600.")
    path = env.write(req, sign=None)
    result = cli("sign", path, "--key", key)
    no_traceback(result)
    assert result.exit_code == 0, result.stdout + result.stderr
    signed = json.loads(path.read_text(encoding="utf-8"))
    assert signed["signature"] == signature_of(req, env.keys["ice-director"])  # Ed25519 is deterministic
    assert ok(path).decision == "proceed"


def test_keys_new_then_sign_with_a_subjects_file(cli, env, tmp_path):
    prefix = tmp_path / "director"
    officer = tmp_path / "officer"
    for args in (("keys", "new", prefix), ("keys", "new", officer, "--for", "officer")):
        result = cli(*args)
        no_traceback(result)
        assert result.exit_code == 0, result.stdout + result.stderr
    public = Path(f"{prefix}.pub").read_text(encoding="ascii")
    assert public.startswith("-----BEGIN PUBLIC KEY-----")
    registry = env.registry()
    registry["officials"][0]["public_key"] = public
    registry["officers"][0]["public_key"] = Path(f"{officer}.pub").read_text(encoding="ascii")
    load(cli, env.write_registry(registry))
    folder = env.folder()
    write_csv(folder / "subjects.csv", subjects(3), SUBJECT_COLUMNS)
    path = env.write(with_file(folder, "subjects.csv", subjects_sha256=_ABSENT), sign=None, folder=folder)
    result = cli("sign", path, "--key", f"{prefix}.key")
    assert result.exit_code == 0, result.stdout + result.stderr
    signed = json.loads(path.read_text(encoding="utf-8"))
    assert signed["subjects_sha256"] == sha256_hex(folder / "subjects.csv")
    v = judge(cli, path)
    assert v.decision == "proceed" and v.subjects["valid"] == 3


def test_an_unsigned_request_is_rejected(ok, env):
    v = ok(env.write(request(), sign=None))
    assert v.decision == "rejected" and v.failed()


def test_a_signature_by_another_key_is_rejected(ok, env):
    v = ok(env.write(request(), sign="stranger"))
    assert v.decision == "rejected"
    assert [f for f in v.failed() if f["citation"] in (CITATION["L1"], CITATION["L2"])]


def test_a_signature_of_another_registered_official_is_rejected(ok, env):
    v = ok(env.write(request(official="ice-director"), sign="dhs-ig"))
    assert v.decision == "rejected"


def test_content_altered_after_signing_is_rejected(ok, env):
    req = request()
    req["signature"] = signature_of(req, env.keys["ice-director"])
    assert ok(env.write(req, sign=None)).decision == "proceed"
    for change in ({"reason": req["reason"] + " "}, {"taxable_periods": [2022, 2023]},
                   {"recipients": ["ice-ero-0001"]}, {"subjects": subjects(2)}, {"extra": "x"}):
        altered = {**copy.deepcopy(req), **change}
        v = ok(env.write(altered, sign=None))
        assert v.decision == "rejected", change


def test_the_signature_is_standard_base64_with_padding(ok, env):
    req = request()
    raw = env.keys["ice-director"].sign(jcs(req))
    good = base64.b64encode(raw).decode("ascii")
    assert good.endswith("=")
    assert ok(env.write({**req, "signature": good}, sign=None)).decision == "proceed"
    for bad in (good.rstrip("="), base64.b64encode(raw).hex(), raw.hex(), good + "\n" + "AAAA",
                "!" + good[1:], "", good[:40]):
        assert ok(env.write({**req, "signature": bad}, sign=None)).decision == "rejected", bad


def test_url_safe_base64_is_not_the_standard_alphabet(ok, env):
    for n in range(200):
        req = request(request_id=f"ICE-2025-{n:06d}")
        sig = signature_of(req, env.keys["ice-director"])
        if "+" in sig or "/" in sig:
            break
    url_safe = sig.replace("+", "-").replace("/", "_")
    assert ok(env.write({**req, "signature": url_safe}, sign=None)).decision == "rejected"


# === L3: the name and address of the taxpayer =======================================================

@pytest.mark.parametrize("changes", [
    {"first_name": ""}, {"last_name": ""}, {"first_name": "FNU"}, {"last_name": "LNU"},
    {"first_name": "UNKNOWN"}, {"last_name": "NONE"}, {"first_name": "N/A"}, {"last_name": "Unknown"},
    {"first_name": "fnu"}, {"last_name": " LNU "}, {"first_name": "   "},
])
def test_a_subject_without_a_usable_name_is_invalid(ok, env, changes):
    rows = [subject(1), subject(2, **changes)]
    v = ok(env.write(request(subjects=rows)))
    assert v.failed("L3", subject_id="S-0002"), v.findings
    assert (v.subjects["valid"], v.subjects["invalid"]) == (1, 1)


@pytest.mark.parametrize("changes", [
    {"address_line1": ""}, {"address_line1": "Failed to Provide"}, {"address_line1": "Unknown Address"},
    {"address_line1": "Don't Care"}, {"address_line1": "N/A"}, {"address_line1": "None"},
    {"address_line1": "FAILED TO PROVIDE"}, {"address_line1": "unknown address"},
    {"address_line1": "  "},
    {"address_line1": "", "address_line2": "12 Example Road"},  # a street line is required
    {"address_line1": "12 Example Road", "city": "", "state": "", "zip": ""},
    {"address_line1": "12 Example Road", "city": "Springfield", "state": "", "zip": ""},
    {"address_line1": "12 Example Road", "city": "", "state": "IL", "zip": ""},
    {"address_line1": "", "city": "", "state": "", "zip": "12345"},  # a ZIP code alone
    {"address_line1": "Don't Care", "city": "", "state": "", "zip": "12345"},  # the court's example
])
def test_a_subject_without_a_usable_address_is_invalid(ok, env, changes):
    rows = [subject(1), subject(2, **changes)]
    v = ok(env.write(request(subjects=rows)))
    assert v.failed("L3", subject_id="S-0002"), v.findings
    assert (v.subjects["valid"], v.subjects["invalid"]) == (1, 1)


@pytest.mark.parametrize("changes", [
    {"city": "", "state": "", "zip": "62701"}, {"zip": ""}, {"zip": "62701-1234"},
    {"city": "", "state": "", "zip": "62701-1234"}, {"middle_name": "A", "suffix": "JR"},
    {"address_line2": "Apt 4"}, {"date_of_birth": ""},
    {"first_name": "Quentin2", "last_name": "Synthetica17"},  # a given and a family name, neither a placeholder
])
def test_usable_subjects_are_valid(ok, env, changes):
    rows = [subject(1), subject(2, **changes)]
    v = ok(env.write(request(subjects=rows)))
    assert v.decision == "proceed", v.findings
    assert (v.subjects["valid"], v.subjects["invalid"]) == (2, 0)


@pytest.mark.parametrize("dob", ["1980-02-30", "1981-02-29", "1980-13-01", "04/02/1980", "1980/04/02",
                                 "yesterday", "19800402", "1980-4-2", "0000-01-01"])
def test_a_given_date_of_birth_must_be_a_real_date(ok, env, dob):
    rows = [subject(1), subject(2, date_of_birth=dob)]
    v = ok(env.write(request(subjects=rows)))
    assert v.failed(subject_id="S-0002"), v.findings
    assert (v.subjects["valid"], v.subjects["invalid"]) == (1, 1)


def test_a_leap_day_is_a_real_date(ok, env):
    v = ok(env.write(request(subjects=[subject(1, date_of_birth="1980-02-29")])))
    assert v.decision == "proceed" and v.subjects["valid"] == 1


def test_tin_and_reason_columns_are_optional_and_a_tin_has_nine_digits(ok, env):
    rows = [subject(1, tin="900123456"), subject(2, reason="Named in the indictment as co-defendant."),
            subject(3, tin="12345"), subject(4, tin="abcdefghi")]
    v = ok(env.write(request(subjects=rows)))
    assert v.failed(subject_id="S-0001") == [] and v.failed(subject_id="S-0002") == []
    assert v.failed(subject_id="S-0003") and v.failed(subject_id="S-0004")
    assert (v.subjects["valid"], v.subjects["invalid"]) == (2, 2)


def test_subject_ids_are_unique_within_the_request(ok, env):
    rows = [subject(1), subject(2), subject(3, subject_id="S-0002")]
    v = ok(env.write(request(subjects=rows)))
    assert v.failed() and v.subjects["valid"] <= 2
    assert v.subjects["total"] == 3


def test_an_empty_subject_list_is_rejected(ok, env):
    v = ok(env.write(request(subjects=[])))
    assert v.decision == "rejected" and v.failed("L3")


def test_neither_subjects_nor_subjects_file_is_rejected(ok, env):
    v = ok(env.write(request(subjects=_ABSENT)))
    assert v.decision == "rejected" and v.failed()


def test_both_subjects_and_subjects_file_is_rejected(ok, env):
    folder = env.folder()
    write_csv(folder / "subjects.csv", subjects(3), SUBJECT_COLUMNS)
    req = with_file(folder, "subjects.csv", subjects=subjects(3))
    v = ok(env.write(req, folder=folder))
    assert v.decision == "rejected" and v.failed()


# === subjects_file: CSV and Parquet, hashed =========================================================

def test_a_csv_subjects_file_is_read(ok, env):
    folder = env.folder()
    rows = subjects(4)
    rows[3]["last_name"] = "LNU"
    write_csv(folder / "subjects.csv", rows, SUBJECT_COLUMNS)
    v = ok(env.write(with_file(folder, "subjects.csv"), folder=folder))
    assert (v.decision, v.exit_code) == ("proceed", 0)
    assert (v.subjects["total"], v.subjects["valid"], v.subjects["invalid"]) == (4, 3, 1)
    assert v.failed("L3", subject_id="S-0004")


def test_a_csv_with_tin_and_reason_columns(ok, env):
    folder = env.folder()
    rows = [subject(1, tin="900000001", reason=""), subject(2, tin="", reason="Co-defendant.")]
    write_csv(folder / "subjects.csv", rows, SUBJECT_COLUMNS + ["tin", "reason"])
    v = ok(env.write(with_file(folder, "subjects.csv"), folder=folder))
    assert v.decision == "proceed", v.findings
    assert v.subjects["valid"] == 2


def test_a_parquet_subjects_file_is_read(ok, env):
    folder = env.folder()
    rows = subjects(5)
    rows[0]["address_line1"] = "Don't Care"
    write_parquet(folder / "subjects.parquet", rows)
    v = ok(env.write(with_file(folder, "subjects.parquet"), folder=folder))
    assert (v.decision, v.exit_code) == ("proceed", 0)
    assert (v.subjects["total"], v.subjects["valid"], v.subjects["invalid"]) == (5, 4, 1)
    assert v.failed("L3", subject_id="S-0001")


def test_a_subjects_file_in_a_subdirectory_is_inside_the_request_directory(ok, env):
    folder = env.folder()
    (folder / "batch").mkdir()
    write_csv(folder / "batch" / "subjects.csv", subjects(2), SUBJECT_COLUMNS)
    v = ok(env.write(with_file(folder, "batch/subjects.csv"), folder=folder))
    assert v.decision == "proceed", v.findings


def test_the_subjects_file_must_match_its_hash(ok, env):
    folder = env.folder()
    write_csv(folder / "subjects.csv", subjects(3), SUBJECT_COLUMNS)
    req = with_file(folder, "subjects.csv")
    path = env.write(req, folder=folder)
    assert ok(path).decision == "proceed"
    write_csv(folder / "subjects.csv", subjects(3, start=2), SUBJECT_COLUMNS)  # swapped after signing
    v = ok(path)
    assert v.decision == "rejected" and v.failed()


@pytest.mark.parametrize("digest", ["upper", "missing", "short", "not-hex", "number"])
def test_subjects_sha256_is_lowercase_hex_of_the_files_bytes(ok, env, digest):
    folder = env.folder()
    write_csv(folder / "subjects.csv", subjects(3), SUBJECT_COLUMNS)
    right = sha256_hex(folder / "subjects.csv")
    value = {"upper": right.upper(), "missing": _ABSENT, "short": right[:32], "not-hex": "z" * 64,
             "number": 12345}[digest]
    v = ok(env.write(with_file(folder, "subjects.csv", subjects_sha256=value), folder=folder))
    assert v.decision == "rejected" and v.failed()


def test_a_missing_subjects_file_is_a_finding(ok, env):
    folder = env.folder()
    req = request(subjects=_ABSENT, subjects_file="nowhere.csv", subjects_sha256="0" * 64)
    v = ok(env.write(req, folder=folder))
    assert (v.exit_code, v.decision) == (1, "rejected") and v.failed()


@pytest.mark.parametrize("kind", ["missing-column", "short-row", "latin-1", "empty", "header-only",
                                  "not-csv"])
def test_a_bad_subjects_file_is_a_finding_not_a_crash(ok, env, kind):
    folder = env.folder()
    name = "subjects.csv"
    target = folder / name
    rows = subjects(3)
    if kind == "missing-column":
        write_csv(target, rows, [c for c in SUBJECT_COLUMNS if c != "last_name"])
    elif kind == "short-row":
        write_csv(target, rows, SUBJECT_COLUMNS)
        with target.open("a", encoding="utf-8") as fh:
            fh.write("S-0009,Ingrid\n")
    elif kind == "latin-1":
        rows[1]["last_name"] = "Mu\u00f1oz"
        write_csv(target, rows, SUBJECT_COLUMNS, encoding="latin-1")
    elif kind == "empty":
        target.write_bytes(b"")
    elif kind == "header-only":
        target.write_text(",".join(SUBJECT_COLUMNS) + "\n", encoding="utf-8")
    else:
        target.write_bytes(b"\x00\x01PAR1 garbage \xff\xfe")
    v = ok(env.write(with_file(folder, name), folder=folder))
    assert v.failed()
    if kind == "short-row":  # never silently dropped: the bad row counts, or the file is refused
        assert v.subjects["total"] == 4 or v.decision == "rejected"
        assert v.subjects["valid"] <= 3
    if kind in ("missing-column", "empty", "header-only", "not-csv", "latin-1"):
        assert v.decision == "rejected"


# === L4-L7: periods, authority, reason, statute =====================================================

@pytest.mark.parametrize("periods, decision", [
    ([2022, 2023, 2024], "proceed"), ([THIS_YEAR], "proceed"), ([THIS_YEAR + 1], "rejected"),
    ([2023, THIS_YEAR + 5], "rejected"), ([], "rejected"), (_ABSENT, "rejected"),
])
def test_taxable_periods_are_set_forth_and_not_in_the_future(ok, env, periods, decision):
    v = ok(env.write(request(taxable_periods=periods)))
    assert v.decision == decision
    if decision == "rejected":
        assert v.failed("L4") and all(f["subject_id"] is None for f in v.failed("L4"))


@pytest.mark.parametrize("authority", ["", "   ", _ABSENT])
def test_the_statutory_authority_is_set_forth(ok, env, authority):
    inv = {"reference": "ERO-CI-2025-0042", "statute": "8 U.S.C. 1253(a)(1)", "authority": authority,
           "kind": "criminal"}
    inv = {k: v for k, v in inv.items() if v is not _ABSENT}
    v = ok(env.write(request(investigation=inv)))
    assert v.decision == "rejected" and v.failed("L5")


@pytest.mark.parametrize("reason", ["", "  ", _ABSENT])
def test_the_specific_reason_is_set_forth(ok, env, reason):
    v = ok(env.write(request(reason=reason)))
    assert v.decision == "rejected" and v.failed("L6")


@pytest.mark.parametrize("statute, kind", [
    ("8 U.S.C. 1229a", "criminal"),            # civil removal proceedings
    ("26 U.S.C. 7201", "criminal"),            # a tax crime goes by other routes
    ("18 U.S.C. 9999", "criminal"),            # not a registered statute
    ("8 U.S.C. 1253(a)(1)", "civil"),          # kind other than criminal
    ("8 U.S.C. 1253(a)(1)", "administrative"),
    ("8 U.S.C. 1253(a)(1)", "Criminal "),
    ("8 U.S.C. 1253(a)(1)", _ABSENT),
    ("", "criminal"),
])
def test_only_a_designated_non_tax_federal_criminal_statute(ok, env, statute, kind):
    inv = {"reference": "ERO-CI-2025-0042", "statute": statute, "authority": "8 U.S.C. 1357(a)",
           "kind": kind}
    inv = {k: v for k, v in inv.items() if v is not _ABSENT}
    v = ok(env.write(request(investigation=inv)))
    assert v.decision == "rejected" and v.failed("L7")


# === L8, L9, L10 ===================================================================================

@pytest.mark.parametrize("recipients", [[], ["ice-ero-9999"], ["ice-ero-0001", "fbi-sa-0001"],
                                        ["ice-director"], _ABSENT])
def test_recipients_are_registered_officers_of_the_requesting_agency(ok, env, recipients):
    v = ok(env.write(request(recipients=recipients)))
    assert v.decision == "rejected" and v.failed("L8")


@pytest.mark.parametrize("information", [["taxpayer_identity", "wages"], ["tax_return"],
                                         ["return_information"], ["TAXPAYER_IDENTITY"], [], _ABSENT,
                                         "taxpayer_identity"])
def test_only_taxpayer_identity_may_be_asked_for(ok, env, information):
    v = ok(env.write(request(information=information)))
    assert v.decision == "rejected" and v.failed("L9")


def test_a_proper_request_passes_every_rule_of_the_law(ok, env):
    v = ok(env.write(request()))
    assert v.failed() == [] and v.flagged() == []
    assert {f["citation"] for f in v.findings} <= set(CITATION.values())


def test_informant_and_tax_investigation_protection_never_fails_a_proper_request(ok, env):
    v = ok(env.write(request()))
    assert v.failed("L10") == []


# === L11: safeguards, judged on signed_on ===========================================================

@pytest.mark.parametrize("safeguards, decision", [
    (_ABSENT, "rejected"), (None, "rejected"),
    ({"approved_on": day(-366), "expires_on": day(-1)}, "rejected"),   # expired the day before
    ({"approved_on": day(-365), "expires_on": SIGNED_ON}, "proceed"),  # last valid day
    ({"approved_on": SIGNED_ON, "expires_on": day(365)}, "proceed"),
    ({"approved_on": day(1), "expires_on": day(366)}, "rejected"),     # not yet approved
])
def test_safeguards_absent_null_or_expired_reject(own, env, safeguards, decision):
    check = own(env.registry(safeguards=safeguards))
    v = check(env.write(request()))
    assert v.decision == decision, v.findings
    if decision == "rejected":
        assert v.failed("L11") and all(f["subject_id"] is None for f in v.failed("L11"))


@pytest.mark.parametrize("safeguards", [{"approved_on": "2025-03-31", "expires_on": None}, {},
                                        {"approved_on": "2025-03-31"}, "approved", [], 5])
def test_safeguards_without_both_dates_never_approve(cli, env, safeguards):
    """Refused when the registry is loaded (exit 2, the file names the field), or loaded and then no
    approval: either way nothing proceeds, and nothing crashes."""
    loaded = cli("registry", "load", env.write_registry(env.registry(safeguards=safeguards)), as_="admin-0")
    no_traceback(loaded)
    if loaded.exit_code == 0:
        assert judge(cli, env.write(request())).decision == "rejected"
    else:
        assert loaded.exit_code == 2 and "safeguards" in loaded.stderr
        assert judge(cli, env.write(request())).decision == "rejected"  # no registry: nothing is vouched for


def test_the_safeguards_are_judged_on_the_day_the_request_was_signed(own, env):
    """An approval that lapsed before the request was signed lets nothing through."""
    check = own(env.registry(safeguards={"approved_on": day(-100), "expires_on": day(-5)}))
    assert check(env.write(request(signed_on=day(-6)))).decision == "proceed"
    assert check(env.write(request(signed_on=day(-3)))).decision == "rejected"


# === registry load =================================================================================

def test_loading_the_same_registry_twice_changes_nothing(cli, env, data_dir):
    path = env.write_registry(env.registry())
    load(cli, path)
    req = env.write(request())
    first = judge(cli, req)

    def snapshot() -> dict[str, str]:
        return {str(p.relative_to(data_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(data_dir.rglob("*")) if p.is_file()}

    before = snapshot()
    load(cli, path)
    assert snapshot() == before
    assert judge(cli, req).stdout == first.stdout


def test_a_changed_entry_takes_effect(cli, env):
    load(cli, env.write_registry(env.registry(safeguards=None)))
    req = env.write(request())
    assert judge(cli, req).decision == "rejected"
    load(cli, env.write_registry(env.registry()))
    assert judge(cli, req).decision == "proceed"


# === review flags: exit 0, decision review ==========================================================

def test_a_batch_far_larger_than_usual_goes_to_review(own, env):
    check = own(env.registry(usual_subjects_per_request=2))
    v = check(env.write(request(subjects=subjects(30))))
    assert (v.exit_code, v.decision) == (0, "review")
    assert v.flagged() and v.failed() == []


def test_the_same_reason_for_every_subject_goes_to_review(ok, env):
    same = "Believed to reside unlawfully in the United States."
    rows = [subject(n, reason=same) for n in range(1, 4)]
    v = ok(env.write(request(subjects=rows)))
    assert (v.exit_code, v.decision) == (0, "review")
    assert v.flagged()


def test_the_same_person_twice_goes_to_review(ok, env):
    rows = subjects(3) + [subject(2, subject_id="S-0099")]
    v = ok(env.write(request(subjects=rows)))
    assert (v.exit_code, v.decision) == (0, "review")
    assert v.flagged()


def test_more_subjects_per_recipient_than_anyone_could_be_engaged_with(ok, env):
    """The documented default is 1,000 subjects per named recipient officer."""
    folder = env.folder()
    rows = subjects(1001)
    write_csv(folder / "subjects.csv", rows, SUBJECT_COLUMNS)
    one = ok(env.write(with_file(folder, "subjects.csv", recipients=["ice-ero-0001"]), folder=folder))
    assert (one.exit_code, one.decision) == (0, "review")
    assert one.subjects == {"total": 1001, "valid": 1001, "invalid": 0}
    assert one.flagged("L8")
    two = ok(env.write(with_file(folder, "subjects.csv"), folder=folder))
    assert two.flagged("L8") == []


def test_the_recipient_load_threshold_is_a_setting(cli, env, monkeypatch, ok):
    ok(env.write(request()))
    monkeypatch.setenv("FTIGATE_SUBJECTS_PER_RECIPIENT", "1")
    v = judge(cli, env.write(request()), data=env.shared)
    assert (v.exit_code, v.decision) == (0, "review") and v.flagged("L8")


# === fuzz: odd JSON never crashes ===================================================================

JUNK: list[Any] = [None, 0, -1, 1.5, True, "", " ", "x" * 200_000, [], {}, [None], [[[]]], {"a": {"b": [1, {}]}},
                   "\u0000\u202e\ufeff\U0001f600 \u00e9\u0301", 10**40, ["x"] * 50, "../../etc/passwd"]
MEMBERS = ["format", "request_id", "agency", "official", "signed_on", "investigation", "taxable_periods",
           "reason", "information", "recipients", "subjects", "signature"]


def _cases() -> list[tuple[str, Any]]:
    cases: list[tuple[str, Any]] = []
    for member in MEMBERS:
        cases.append((member, _ABSENT))
        cases.extend((member, j) for j in JUNK)
    for member in ("reference", "statute", "authority", "kind"):
        cases.extend((f"investigation.{member}", j) for j in JUNK[:14])
    for member in SUBJECT_COLUMNS + ["tin", "reason"]:
        cases.extend((f"subject.{member}", j) for j in JUNK[:14])
    for member in ("subjects_file", "subjects_sha256"):
        cases.extend((member, j) for j in JUNK)
    cases += [("taxable_periods", [2023, "2024"]), ("taxable_periods", [2023.0]), ("taxable_periods", [True]),
              ("taxable_periods", [-5, 0, 10**40]), ("signed_on", "2025-02-30"), ("signed_on", "27/06/2025"),
              ("signed_on", "9999-12-31"), ("signed_on", "0001-01-01"), ("recipients", [1, 2]),
              ("recipients", [{"id": "ice-ero-0001"}]), ("recipients", ["ice-ero-0001"] * 3),
              ("information", [1]), ("information", [None, "taxpayer_identity"]),
              ("subjects", [1, "x", None, [], True]), ("subjects", [{}]), ("subjects", [{"subject_id": None}]),
              ("subjects", {"subject_id": "S-1"}), ("subjects", [subject(1)] * 3),
              ("subjects", [dict(subject(1), extra={"nested": [1]})]),
              ("subjects", [{k: v for k, v in subject(1).items() if k in ("subject_id", "first_name")}])]
    return cases


def _mutate(member: str, value: Any) -> dict:
    req = request()
    if member.startswith("investigation."):
        inv = dict(req["investigation"])
        inv[member.split(".", 1)[1]] = value
        req["investigation"] = inv
    elif member.startswith("subject."):
        row: dict[str, Any] = dict(subject(1))
        row[member.split(".", 1)[1]] = value
        req["subjects"] = [row, subject(2)]
    elif member in ("subjects_file", "subjects_sha256"):
        req.pop("subjects")
        req["subjects_file"] = "subjects.csv"
        req["subjects_sha256"] = "0" * 64
        req[member] = value
    elif value is _ABSENT:
        req.pop(member, None)
    else:
        req[member] = value
    return req


def _label(case: tuple[str, Any]) -> str:
    member, value = case
    text = "ABSENT" if value is _ABSENT else repr(value)
    return f"{member}={text[:30]}"


@pytest.mark.parametrize("case", _cases(), ids=_label)
def test_odd_json_is_judged_never_a_crash(ok, env, case):
    req = _mutate(*case)
    signed = case[0] != "signature"
    try:
        path = env.write(req, sign="ice-director" if signed else None)
    except (TypeError, ValueError):  # values JSON cannot carry signed here: write them unsigned
        path = env.write(req, sign=None)
    v = ok(path)  # exit 0/1, the contract's shape, no traceback
    if v.decision != "rejected":
        assert v.subjects["valid"] >= 1


def test_a_subjects_file_outside_the_request_directory_is_refused_and_not_read(ok, env):
    outside = env.folder()
    write_csv(outside / "subjects.csv", subjects(2), SUBJECT_COLUMNS)
    digest = sha256_hex(outside / "subjects.csv")
    folder = env.folder()
    for target in (f"../{outside.name}/subjects.csv", str(outside / "subjects.csv"),
                   f"./../{outside.name}/subjects.csv", f"sub/../../{outside.name}/subjects.csv"):
        req = request(subjects=_ABSENT, subjects_file=target, subjects_sha256=digest)
        v = ok(env.write(req, folder=folder))
        assert (v.exit_code, v.decision) == (1, "rejected"), target
        assert v.subjects["valid"] == 0, target  # not read
    etc = request(subjects=_ABSENT, subjects_file="../../../../../../../../etc/passwd",
                  subjects_sha256=hashlib.sha256(b"").hexdigest())
    assert ok(env.write(etc, folder=folder)).decision == "rejected"


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_symbolic_link_out_of_the_request_directory_is_refused(ok, env):
    outside = env.folder()
    write_csv(outside / "subjects.csv", subjects(2), SUBJECT_COLUMNS)
    folder = env.folder()
    (folder / "subjects.csv").symlink_to(outside / "subjects.csv")
    v = ok(env.write(with_file(folder, "subjects.csv"), folder=folder))
    assert (v.exit_code, v.decision) == (1, "rejected")
    assert v.subjects["valid"] == 0


def test_a_request_nested_very_deeply_is_not_a_crash(cli, ok, env):
    ok(env.write(request()))
    path = env.dir / "deep.json"
    path.write_text('{"reason": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    result = cli("check", path, "--json", data=env.shared)
    no_traceback(result)
    assert result.exit_code in (1, 2)


def test_a_json_object_with_duplicate_members_or_a_bom_is_not_a_crash(cli, ok, env):
    ok(env.write(request()))
    dup = env.dir / "dup.json"
    dup.write_text('{"reason": "a", "reason": "b"}', encoding="utf-8")
    bom = env.dir / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + json.dumps(request()).encode("utf-8"))
    for path in (dup, bom):
        result = cli("check", path, "--json", data=env.shared)
        no_traceback(result)
        assert result.exit_code in (1, 2)


@pytest.mark.parametrize("content", [
    '{"reason": "\\ud800"}',                    # half a surrogate pair: no UTF-8 text can hold it
    '{"subjects": [{"subject_id": "\\uDC00"}]}',
    '{"taxable_periods": [NaN]}', '{"reason": Infinity}', '{"signed_on": -Infinity}',  # not JSON (RFC 8259)
])
def test_what_python_would_parse_but_json_is_not_exits_2(cli, ok, env, content):
    ok(env.write(request()))
    path = env.dir / "lenient.json"
    path.write_text(content, encoding="utf-8")
    for args in (("--json",), ()):
        result = cli("check", path, *args, data=env.shared)
        no_traceback(result)
        assert result.exit_code == 2


def test_a_surrogate_pair_written_as_escapes_is_one_character(ok, env):
    req = request(reason="Relevant to locating the subject \U0001f600 for the criminal proceeding.")
    req["signature"] = signature_of(req, env.keys["ice-director"])
    path = env.dir / "escaped.json"
    path.write_text(json.dumps(req, ensure_ascii=True), encoding="utf-8")  # "\ud83d\ude00" on disk
    assert ok(path).decision == "proceed"


@pytest.mark.parametrize("depth", [200, 900])
def test_deep_but_parseable_nesting_is_judged(cli, ok, env, depth):
    ok(env.write(request()))
    path = env.write(request(reason=json.loads("[" * depth + "]" * depth), investigation={"kind": [[[{}]]]}))
    result = cli("check", path, "--json", data=env.shared)
    no_traceback(result)
    assert result.exit_code in (1, 2)


def test_a_signature_of_the_wrong_length_is_rejected(ok, env):
    req = request()
    for raw in (b"\x00" * 32, b"\x01" * 63, b"\x02" * 65, b""):
        v = ok(env.write({**req, "signature": base64.b64encode(raw).decode("ascii")}, sign=None))
        assert v.decision == "rejected"


@pytest.mark.parametrize("kind", ["garbage", "magic-only", "missing-column", "typed", "nested", "binary"])
def test_an_odd_parquet_file_is_a_finding_not_a_crash(ok, env, kind):
    folder = env.folder()
    target = folder / "subjects.parquet"
    rows = subjects(3)
    columns: dict[str, Any] = {c: [r[c] for r in rows] for c in SUBJECT_COLUMNS}
    if kind == "garbage":
        target.write_bytes(b"not a parquet file at all")
    elif kind == "magic-only":
        target.write_bytes(b"PAR1" + b"\x00" * 64 + b"PAR1")
    else:
        if kind == "missing-column":
            del columns["address_line1"]
        elif kind == "typed":
            columns["zip"] = pa.array([62701, 62702, 62703], type=pa.int64())
            columns["date_of_birth"] = pa.array([dt.date(1980, 4, 2), None, dt.date(1975, 1, 1)])
        elif kind == "nested":
            columns["last_name"] = pa.array([["a"], ["b"], ["c"]])
        else:
            columns["first_name"] = pa.array([b"\xff\xfe", b"Ingrid", b"Yusra"], type=pa.binary())
        pq.write_table(pa.table(columns), target)
    v = ok(env.write(with_file(folder, "subjects.parquet"), folder=folder))
    if kind == "typed":  # Parquet carries types: the values still read as the text they stand for
        assert v.decision == "proceed" and v.subjects["valid"] == 3, v.findings
    else:
        assert v.decision == "rejected" and v.failed()


def test_checking_against_a_data_directory_never_set_up_creates_nothing(cli, env, tmp_path):
    fresh = tmp_path / "never-used"
    v = judge(cli, env.write(request()), data=fresh)
    assert v.decision == "rejected" and v.failed("L1")
    assert not fresh.exists() or not any(fresh.rglob("*"))


@pytest.mark.parametrize("case", [c for c in _cases() if c[1] is _ABSENT or c[1] in (None, {}, [None])
                                  or (isinstance(c[1], str) and len(c[1]) > 1000) or c[1] == JUNK[13]],
                         ids=_label)
def test_odd_json_without_json_output_is_a_table_never_a_crash(cli, ok, env, case):
    """The human-readable table shows requester text as written: never markup, never a traceback."""
    ok(env.write(request()))
    result = cli("check", env.write(_mutate(*case)), data=env.shared)
    no_traceback(result)
    assert result.exit_code in (0, 1) and "decision:" in result.stdout


def test_requester_text_that_looks_like_markup_is_shown_as_written(cli, ok, env):
    ok(env.write(request()))
    result = cli("check", env.write(request(format="[bold red]ftigate[/] [link=x]y[/link]")), data=env.shared)
    no_traceback(result)
    assert result.exit_code == 1 and "[bold red]ftigate[/]" in result.stdout.replace("\n", "")


@pytest.mark.parametrize("named", [".", "./", "sub", "request-self.json", "sub/../../", "sub/"])
def test_a_subjects_file_that_is_no_subjects_file_is_a_finding(ok, env, named):
    folder = env.folder()
    (folder / "sub").mkdir()
    write_csv(folder / "subjects.csv", subjects(2), SUBJECT_COLUMNS)
    req = request(subjects=_ABSENT, subjects_file=named, subjects_sha256="0" * 64)
    v = ok(env.write(req, folder=folder, name="request-self.json"))
    assert (v.exit_code, v.decision) == (1, "rejected") and v.failed()
    assert v.subjects["valid"] == 0
