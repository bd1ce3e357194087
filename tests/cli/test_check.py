"""``ftigate check REQUEST.json [--json]`` through the real command line, exactly as the contract (docs/formats.md) says:
exit 0 proceed/review, 1 rejected, 2 unreadable; one JSON object; nothing stored."""

from __future__ import annotations

import json
import sqlite3

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import proven
from ftigate.formats import SUBJECT_COLUMNS
from ftigate.settings import Settings

JSON_KEYS = {"decision", "policy_version", "findings", "subjects"}
FINDING_KEYS = {"rule", "citation", "outcome", "message", "subject_id"}


@pytest.fixture
def loaded(cli, world):
    result = cli("registry", "load", world.registry_path, as_="admin-0")
    assert result.exit_code == 0, result.stderr
    return world


def check_json(cli, path):
    result = cli("check", path, "--json")
    data = json.loads(result.stdout)
    return result, data


def test_a_valid_request_proceeds(cli, loaded):
    path = loaded.write(loaded.request())
    result, data = check_json(cli, path)
    assert result.exit_code == 0, result.stdout
    assert set(data) == JSON_KEYS
    assert data["decision"] == "proceed"
    assert data["subjects"] == {"total": 1, "valid": 1, "invalid": 0}
    assert data["policy_version"]
    assert all(set(f) == FINDING_KEYS for f in data["findings"])
    assert all(f["outcome"] in ("pass", "fail", "review") for f in data["findings"])
    assert not [f for f in data["findings"] if f["outcome"] == "fail"]


def test_the_json_output_is_exactly_one_object(cli, loaded):
    result = cli("check", loaded.write(loaded.request()), "--json")
    decoder = json.JSONDecoder()
    obj, end = decoder.raw_decode(result.stdout)
    assert isinstance(obj, dict)
    assert result.stdout[end:].strip() == ""


def test_checking_twice_gives_the_same_answer(cli, loaded):
    path = loaded.write(loaded.request())
    first = cli("check", path, "--json")
    second = cli("check", path, "--json")
    assert first.stdout == second.stdout and first.exit_code == second.exit_code


def test_checking_stores_nothing(cli, loaded, data_dir):
    db = data_dir / "ftigate.sqlite3"

    def counts():
        with sqlite3.connect(db) as conn:
            tables = [r[0] for r in conn.execute("select name from sqlite_master where type='table'")]
            return {t: conn.execute(f'select count(*) from "{t}"').fetchone()[0] for t in tables}

    proven.checker(Settings(data_dir=data_dir))  # the checking officer's registration is not the check's
    before = counts()
    for request in (loaded.request(), loaded.request(taxable_periods=[2099])):
        cli("check", loaded.write(request), "--json")
    assert counts() == before


def test_a_check_that_finds_a_subject_asked_before_is_recorded(cli, loaded, data_dir):
    """Whether the agency asked about a person before is return information: the check that says so
    stores no request but is recorded (check.made, in the name of the officer who checked)."""
    db = data_dir / "ftigate.sqlite3"
    assert cli("submit", loaded.write(loaded.request())).exit_code == 0
    with sqlite3.connect(db) as conn:
        before = conn.execute("select count(*) from requests").fetchone()[0]
    result, data = check_json(cli, loaded.write(loaded.request(request_id="ICE-2025-000018")))
    assert result.exit_code == 0 and data["decision"] == "review"
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from requests").fetchone()[0] == before
        kinds = [tuple(r) for r in conn.execute("select kind, actor from events where kind = 'check.made'")]
    assert kinds == [("check.made", proven.CHECKER)]


def test_without_a_registry_everything_is_unknown_and_rejected(cli, world, data_dir):
    result, data = check_json(cli, world.write(world.request()))
    assert result.exit_code == 1
    assert data["decision"] == "rejected"
    failed = {f["rule"] for f in data["findings"] if f["outcome"] == "fail"}
    assert {"L1-requesting-agency", "L1-signing-official", "L7-designated-statute", "L8-recipients",
            "L11-safeguards"} <= failed
    assert not data_dir.exists()  # nothing was created either


def test_a_rejected_request_exits_1_with_the_citation(cli, loaded):
    result, data = check_json(cli, loaded.write(loaded.request(taxable_periods=[2024, 2099])))
    assert result.exit_code == 1
    assert data["decision"] == "rejected"
    (finding,) = [f for f in data["findings"] if f["outcome"] == "fail"]
    assert finding["citation"] == "26 U.S.C. 6103(i)(2)(B)(ii)"
    assert finding["subject_id"] is None


@pytest.mark.parametrize("content", [b"[]", b"{not json", b"\xff\xfe\x00{", b"", b'"a string"'])
def test_a_file_that_is_not_a_json_object_exits_2(cli, loaded, content):
    path = loaded.dir / "bad.json"
    path.write_bytes(content)
    result = cli("check", path, "--json")
    assert result.exit_code == 2
    assert result.stdout.strip() == ""
    assert "Traceback" not in result.stderr and result.stderr.strip()


def test_a_missing_file_exits_2(cli, loaded):
    result = cli("check", loaded.dir / "absent.json")
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("request_object", [{}, {"format": "ftigate-request/1"}, {"subjects": "x", "signature": 5},
                                            {"investigation": [], "taxable_periods": {}, "recipients": 3}])
def test_an_incomplete_object_is_judged_and_rejected(cli, loaded, request_object):
    path = loaded.dir / "partial.json"
    path.write_text(json.dumps(request_object), encoding="utf-8")
    result, data = check_json(cli, path)
    assert result.exit_code == 1
    assert data["decision"] == "rejected"


def test_a_placeholder_address_is_invalid_alone(cli, loaded):
    from tests.conftest import GOOD_SUBJECT

    bad = dict(GOOD_SUBJECT, subject_id="S-0002", address_line1="Failed to Provide")
    result, data = check_json(cli, loaded.write(loaded.request(subjects=[dict(GOOD_SUBJECT), bad])))
    assert result.exit_code == 0
    assert data["decision"] == "proceed"
    assert data["subjects"] == {"total": 2, "valid": 1, "invalid": 1}
    (finding,) = [f for f in data["findings"] if f["subject_id"] == "S-0002"]
    assert finding["outcome"] == "fail" and finding["citation"] == "26 U.S.C. 6103(i)(2)(B)(i)"


def _subjects_csv(path, rows):
    path.write_text(",".join(SUBJECT_COLUMNS) + "\n" + "".join(",".join(r[c] for c in SUBJECT_COLUMNS) + "\n" for r in rows),
                    encoding="utf-8")


def test_a_subjects_file_signed_with_ftigate_sign(cli, loaded):
    from tests.conftest import GOOD_SUBJECT

    _subjects_csv(loaded.dir / "subjects.csv", [dict(GOOD_SUBJECT, subject_id=f"S-{i}") for i in range(3)])
    request = loaded.request(subjects_file="subjects.csv")
    request.pop("subjects")
    path = loaded.write(request, sign=False)
    assert cli("sign", path, "--key", loaded.dir / "official.key").exit_code == 0
    result, data = check_json(cli, path)
    assert result.exit_code == 0 and data["subjects"]["total"] == 3
    # the file changes after signing: it is not the file the official signed
    with (loaded.dir / "subjects.csv").open("a", encoding="utf-8") as handle:
        handle.write(",".join(dict(GOOD_SUBJECT, subject_id="S-X")[c] for c in SUBJECT_COLUMNS) + "\n")
    result, data = check_json(cli, path)
    assert result.exit_code == 1
    assert any(f["rule"] == "L1-signature" and f["outcome"] == "fail" for f in data["findings"])


def test_a_parquet_subjects_file(cli, loaded):
    from tests.conftest import GOOD_SUBJECT

    rows = [dict(GOOD_SUBJECT, subject_id=f"S-{i}") for i in range(2)]
    table = pa.table({c: pa.array([r[c] for r in rows], type=pa.string()) for c in SUBJECT_COLUMNS})
    pq.write_table(table, loaded.dir / "subjects.parquet")
    request = loaded.request(subjects_file="subjects.parquet")
    request.pop("subjects")
    result, data = check_json(cli, loaded.write(request))
    assert result.exit_code == 0 and data["subjects"] == {"total": 2, "valid": 2, "invalid": 0}


def test_a_missing_subjects_file_is_rejected(cli, loaded):
    request = loaded.request(subjects_file="absent.csv", subjects_sha256="0" * 64)
    request.pop("subjects")
    result, data = check_json(cli, loaded.write(request))
    assert result.exit_code == 1
    assert any(f["rule"] == "L2-subjects-file" for f in data["findings"])


def test_a_signature_by_staff_is_rejected(cli, loaded):
    from ftigate.crypto import load_private_key

    key = load_private_key((loaded.dir / "official.key").read_text())  # the director's key, but staff named
    result, data = check_json(cli, loaded.write(loaded.request(official="ice-staff-1"), key=key))
    assert result.exit_code == 1
    assert any(f["rule"] == "L1-signing-official" and f["outcome"] == "fail" for f in data["findings"])


def test_a_judgement_call_goes_to_review_and_exits_0(cli, loaded, monkeypatch):
    monkeypatch.setenv("FTIGATE_SUBJECTS_PER_RECIPIENT", "0")
    result, data = check_json(cli, loaded.write(loaded.request()))
    assert result.exit_code == 0
    assert data["decision"] == "review"
    assert any(f["rule"] == "L8-recipient-load" and f["outcome"] == "review" for f in data["findings"])


def test_the_table_shows_findings_and_the_decision(cli, loaded):
    result = cli("check", loaded.write(loaded.request(information=["taxpayer_identity", "income"])))
    assert result.exit_code == 1
    assert "L9-information" in result.stdout
    assert "6103(i)(2)(C)" in result.stdout
    assert "decision: rejected" in result.stdout


def test_rules_lists_every_rule_with_its_citation(cli):
    from ftigate.law import rules

    result = cli("rules")
    assert result.exit_code == 0
    for r in rules():
        assert r.id in result.stdout


def test_rules_of_an_unknown_policy_version_is_an_error(cli):
    result = cli("rules", "--policy", "1999.01-1")
    assert result.exit_code == 1 and "unknown" in result.stderr


def test_a_checked_decision_is_re_explained_under_its_version(cli, loaded):
    result = cli("check", loaded.write(loaded.request(taxable_periods=[2099])), "--json")
    decision = loaded.dir / "decision.json"
    decision.write_text(result.stdout, encoding="utf-8")
    explained = cli("explain", decision)
    assert explained.exit_code == 0
    data = json.loads(result.stdout)
    first, second = explained.stdout.splitlines()[:2]
    assert first.startswith(f"Decision: {data['decision']}") and second == f"policy version {data['policy_version']}"
    assert "FAIL L4-taxable-periods (26 U.S.C. 6103(i)(2)(B)(ii))" in explained.stdout
    assert "the taxable period or periods to which such return information relates" in explained.stdout


@pytest.mark.parametrize("content", ['{"policy_version": "2026.11-1"}', '{"findings": []}', "[1]",
                                     '{"policy_version": "2026.11-1", "findings": [{"rule": "x"}]}'])
def test_explain_refuses_what_is_not_a_decision(cli, tmp_path, content):
    path = tmp_path / "decision.json"
    path.write_text(content, encoding="utf-8")
    result = cli("explain", path)
    assert result.exit_code == 2 and "Traceback" not in result.stderr


def test_requester_text_that_looks_like_markup_is_shown_as_written(cli, loaded):
    result = cli("check", loaded.write(loaded.request(format="[bold]x[/bold]")))
    assert result.exit_code == 1
    assert "[bold]x[/bold]" in result.stdout


def test_check_is_for_the_roles_that_may_see_return_information(cli, loaded, data_dir):
    """On a data directory with a store, ``check`` runs only as a proven disclosure officer, supervisor
    or overseer; an administrator or a requesting agency's person is refused and the refusal is in the
    ledger; the answer to an allowed person is the contract's, whoever they are."""
    from ftigate.service.log import ledger

    settings = Settings(data_dir=data_dir)
    path = loaded.write(loaded.request())
    nobody = cli("check", path, "--json", anonymous=True)
    assert nobody.exit_code == 1 and nobody.stdout == "" and "--as alone proves nothing" in nobody.stderr
    for person in ("adm-9", "ice-director"):
        if person == "adm-9":
            proven.add_staff(settings, "adm-9", "Synthetic Administrator", "administrator")
        refused = cli("check", path, "--json", as_=person)
        assert refused.exit_code == 1 and refused.stdout == "" and "requests.check" in refused.stderr
        last = ledger.entry(settings, ledger.tree_size(settings) - 1).to_json()
        assert (last["kind"], last["actor"], last["action"]) == ("access.denied", person, "requests.check")
    bogus = cli("check", path, "--json", token="ftg_not-a-token")
    assert bogus.exit_code == 1 and bogus.stdout == ""

    answers = set()
    for person, role in (("do-9", "disclosure_officer"), ("sup-9", "supervisor"), ("ig-9", "overseer")):
        proven.add_staff(settings, person, f"Synthetic {role}", role)
        allowed = cli("check", path, "--json", as_=person)
        assert allowed.exit_code == 0, allowed.stderr
        answers.add(allowed.stdout)
    assert len(answers) == 1 and set(json.loads(answers.pop())) == JSON_KEYS
