"""NUL and other control characters in any field of a request are findings at intake, on SQLite and on
PostgreSQL: ``check`` exits as the contract says (0 or 1, never a crash), ``submit`` stores the
request, and no output quotes a name, an address or a TIN."""

from __future__ import annotations

import json

import pytest

from ftigate.service.requests import submit as submit_module

SECRETS = ("Quentin", "Synthetica", "12 Example Road", "Springfield", "123456789")


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request, monkeypatch):
    """Run the test on the embedded default, then on PostgreSQL (a fresh database)."""
    if request.param == "postgresql":
        monkeypatch.setenv("FTIGATE_DATABASE_URL", request.getfixturevalue("pg_url"))
    return request.param


@pytest.fixture
def loaded(cli, world, database):
    assert cli("registry", "load", world.registry_path).exit_code == 0
    return world


def _person(**changes) -> dict:
    subject = {"subject_id": "S-0002", "first_name": "Quentin", "middle_name": "", "last_name": "Synthetica",
               "suffix": "", "date_of_birth": "1980-04-02", "address_line1": "12 Example Road",
               "address_line2": "", "city": "Springfield", "state": "IL", "zip": "62701", "tin": "123456789"}
    return {**subject, **changes}


def _no_leak(result) -> None:
    shown = result.stdout + result.stderr
    assert "Traceback" not in shown and "\x00" not in shown and "\x1b" not in shown
    assert not [s for s in SECRETS if s in shown]


@pytest.mark.parametrize("field", ["first_name", "last_name", "address_line1", "city", "tin", "subject_id"])
@pytest.mark.parametrize("character", ["\x00", "\x1b[2J", "\x07"])
def test_a_control_character_in_a_subject_makes_that_subject_invalid(cli, loaded, field, character):
    bad = _person(**{field: _person()[field] + character})
    good = _person(subject_id="S-0001", first_name="Ada", last_name="Lovelock", address_line1="4 Other Street",
                   city="Peoria", zip="61602", tin="")
    path = loaded.write(loaded.request(subjects=[good, bad]))
    checked = cli("check", path, "--json")
    assert checked.exit_code == 0, checked.stdout + checked.stderr
    verdict = json.loads(checked.stdout)
    assert verdict["subjects"] == {"total": 2, "valid": 1, "invalid": 1}
    row = [f for f in verdict["findings"] if f["rule"] == "L2-subject-row"]
    assert row and all("control character" in f["message"] and field in f["message"] for f in row)
    _no_leak(checked)
    submitted = cli("submit", path)
    assert submitted.exit_code == 0, submitted.stderr
    _no_leak(submitted)
    shown = cli("review", "show", "DHS-ICE/ICE-2025-000017")
    assert shown.exit_code == 0
    _no_leak(shown)


@pytest.mark.parametrize("member", ["request_id", "agency", "official", "reason", "investigation.authority",
                                    "investigation.reference", "recipients", "signed_on"])
def test_a_control_character_in_a_request_member_rejects_it(cli, loaded, member):
    request = loaded.request(subjects=[_person()])
    if member == "recipients":
        request["recipients"] = ["ice-ero-0001\x00"]
    elif "." in member:
        outer, inner = member.split(".")
        request[outer][inner] += "\x00"
    else:
        request[member] += "\x00"
    path = loaded.write(request)
    checked = cli("check", path, "--json")
    assert checked.exit_code == 1, checked.stdout + checked.stderr
    findings = json.loads(checked.stdout)["findings"]
    assert any(f["rule"] == "L2-format" and "control character (U+0000)" in f["message"] for f in findings)
    _no_leak(checked)
    submitted = cli("submit", path)
    assert submitted.exit_code in (0, 1) and "rejected" in submitted.stdout, submitted.stderr
    _no_leak(submitted)


def test_a_nul_in_a_subjects_file_is_a_finding_at_its_row(cli, loaded):
    header = "subject_id,first_name,middle_name,last_name,suffix,date_of_birth,address_line1,address_line2,city,state,zip,tin"
    rows = ["S-0001,Ada,,Lovelock,,,4 Other Street,,Peoria,IL,61602,",
            "S-0002,Quentin\x00,,Synthetica,,1980-04-02,12 Example Road,,Springfield,IL,62701,123456789"]
    (loaded.dir / "subjects.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    request = loaded.request()
    del request["subjects"]
    request["subjects_file"] = "subjects.csv"
    path = loaded.write(request)
    checked = cli("check", path, "--json")
    assert checked.exit_code == 0, checked.stdout + checked.stderr
    assert any(f["rule"] == "L2-subject-row" and f["message"].startswith("row 2, field 'first_name'")
               for f in json.loads(checked.stdout)["findings"])
    _no_leak(checked)
    submitted = cli("submit", path)
    assert submitted.exit_code == 0, submitted.stderr
    _no_leak(submitted)


def test_a_losing_concurrent_submit_says_one_line_and_no_row(cli, loaded, monkeypatch):
    path = loaded.write(loaded.request(subjects=[_person()]))
    assert cli("submit", path).exit_code == 0
    monkeypatch.setattr(submit_module.requests_store, "find_request", lambda *a: None)  # raced: blind look-up
    lost = cli("submit", path)
    assert lost.exit_code == 1
    assert lost.stderr.strip().count("\n") == 0 and "another process" in lost.stderr
    _no_leak(lost)
