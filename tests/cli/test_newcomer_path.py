"""A newcomer following the README and docs/formats.md is never left guessing: the example registry
works, what is about to end is pointed out, an empty registry says what to run, review output leads
with the flags, and messages read as English."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from ftigate.crypto import new_private_key, public_pem

ROOT = Path(__file__).resolve().parents[2]


def _formats_registry() -> dict:
    text = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    block = text.split("## Registry (JSON)", 1)[1].split("```json", 1)[1].split("```", 1)[0]
    return json.loads(block)


def test_the_documented_registry_example_stays_valid_for_a_good_while():
    registry = _formats_registry()
    ends = dt.date.fromisoformat(registry["agencies"][0]["safeguards"]["expires_on"])
    assert ends >= dt.date.today() + dt.timedelta(days=365), "renew the example's safeguards in docs/formats.md"


def _registry(tmp_path: Path, expires_on: dt.date, valid_to: dt.date | None) -> Path:
    registry = _formats_registry()
    registry["agencies"][0]["safeguards"]["expires_on"] = expires_on.isoformat()
    registry["officials"][0].update(public_key=public_pem(new_private_key("ed25519")),
                                    valid_to=valid_to.isoformat() if valid_to else None)
    registry["officers"][0]["public_key"] = public_pem(new_private_key("x25519"))
    path = tmp_path / "registry.json"
    path.write_text(json.dumps(registry), encoding="utf-8")
    return path


@pytest.fixture
def today(monkeypatch) -> dt.date:
    """The gateway's day (UTC, whatever the machine's time zone), held for the test so that a run
    crossing midnight counts the days from the same day as the test does."""
    from ftigate.cli.commands import registry as registry_command
    from ftigate.service.requests import checking

    day = dt.datetime.now(dt.UTC).date()
    monkeypatch.setattr(registry_command, "today", lambda: day)
    monkeypatch.setattr(checking, "utc_today", lambda: day)
    return day


def test_registry_load_and_show_warn_of_what_ends_within_30_days(cli, tmp_path, today):
    path = _registry(tmp_path, today + dt.timedelta(days=10), today - dt.timedelta(days=1))
    loaded = cli("registry", "load", path, as_="admin-0")
    assert loaded.exit_code == 0
    warnings = " ".join(loaded.stderr.split())
    assert f"agency DHS-ICE: its safeguards approval ends on {today + dt.timedelta(days=10)} (10 days from now)" in warnings
    assert f"official ice-director: the term of office ended on {today - dt.timedelta(days=1)}" in warnings
    shown = cli("registry", "show")
    assert shown.exit_code == 0 and "10 days from now" in " ".join(shown.stderr.split())
    calm = _registry(tmp_path, today + dt.timedelta(days=400), None)
    assert cli("registry", "load", calm, as_="admin-0").stderr.strip() == ""


def test_check_warns_of_the_request_s_agency_and_official(cli, world, tmp_path, today):
    registry = json.loads(world.registry_path.read_text())
    registry["agencies"][0]["safeguards"]["expires_on"] = (today + dt.timedelta(days=3)).isoformat()
    world.registry_path.write_text(json.dumps(registry))
    assert cli("registry", "load", world.registry_path, as_="admin-0").exit_code == 0
    checked = cli("check", world.write(world.request()), "--json")
    assert checked.exit_code == 0
    json.loads(checked.stdout)  # standard output stays one JSON object
    assert "safeguards approval ends on" in checked.stderr and "3 days from now" in checked.stderr


def test_an_empty_registry_says_what_to_run(cli, world):
    checked = cli("check", world.write(world.request()))
    assert checked.exit_code == 1
    assert "the registry is empty: run `ftigate registry load FILE`" in " ".join(checked.stderr.split())
    submitted = cli("submit", world.write(world.request()))
    assert submitted.exit_code == 1
    said = " ".join(submitted.stderr.split())
    assert "registry was empty" in said and "new request_id: this one is spent" in said


def test_review_show_leads_with_flags_then_subjects_by_rule(cli, world):
    assert cli("registry", "load", world.registry_path, as_="admin-0").exit_code == 0
    subjects = [dict(world.request()["subjects"][0], subject_id=f"S-{i:04d}", first_name="FNU") for i in range(1, 70)]
    subjects.append(dict(world.request()["subjects"][0], subject_id="S-0100"))
    path = world.write(world.request(subjects=subjects, reason="investigation"))
    submitted = cli("submit", path)
    assert submitted.exit_code == 0, submitted.stderr
    out = submitted.stdout
    assert out.index("Review flags") < out.index("L6-specific-reason") < out.index("Subjects: 69 subjects")
    assert "L3-subject-name" in out and "S-0069" not in out  # summarised by rule, not 69 rows
    shown = cli("review", "show", "DHS-ICE/ICE-2025-000017")
    assert shown.stdout.index("Review flags") < shown.stdout.index("Subjects:") and "S-0069" not in shown.stdout
    every = cli("review", "show", "DHS-ICE/ICE-2025-000017", "--all")
    assert "S-0069" in every.stdout
    data = json.loads(cli("review", "show", "DHS-ICE/ICE-2025-000017", "--json").stdout)
    assert len([f for f in data["findings"] if f["subject_id"]]) >= 69


def test_references_are_never_cut_at_80_columns(cli, world, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    assert cli("registry", "load", world.registry_path, as_="admin-0").exit_code == 0
    ref = "DHS-ICE/ICE-2025-000017-SUPPLEMENTAL-B"
    path = world.write(world.request(request_id=ref.split("/")[1], reason="investigation",
                                     subjects=[dict(world.request()["subjects"][0], subject_id="S-LONG-REFERENCE-000001",
                                                    first_name="FNU")]))
    tokens = (ref, "S-LONG-REFERENCE-000001", "L6-specific-reason", "L3-subject-name")
    for result in (cli("check", path, "--all"), cli("submit", path, "--all"), cli("review", "show", ref, "--all"),
                   cli("review", "list", "--all")):
        words = result.stdout.split()
        unbroken = result.stdout.replace("\n", "")
        shown = [t for t in tokens if t in unbroken]
        assert shown, result.stdout
        # a token that appears only once the line breaks are taken out was cut in two
        assert all(any(t in w for w in words) for t in shown), result.stdout
        assert "…" not in result.stdout


def test_sign_applies_check_s_rule_to_a_subjects_file_outside_the_request_s_directory(cli, world, tmp_path):
    outside = tmp_path / "elsewhere.csv"
    outside.write_text("subject_id\n", encoding="utf-8")
    request = world.request()
    del request["subjects"]
    request["subjects_file"] = "../elsewhere.csv"
    path = world.write(request, sign=False)
    signed = cli("sign", path, "--key", world.dir / "official.key")
    assert signed.exit_code == 2 and "outside the request's directory" in signed.stderr
    assert "signature" not in json.loads(path.read_text())


def test_sign_inline_makes_the_request_post_check_takes(cli, world):
    assert cli("registry", "load", world.registry_path, as_="admin-0").exit_code == 0
    (world.dir / "subjects.csv").write_text(
        "subject_id,first_name,middle_name,last_name,suffix,date_of_birth,address_line1,address_line2,city,state,zip\n"
        "S-0001,Quentin,,Synthetica,,1980-04-02,12 Example Road,,Springfield,IL,62701\n", encoding="utf-8")
    request = world.request()
    del request["subjects"]
    request["subjects_file"] = "subjects.csv"
    path = world.write(request, sign=False)
    assert cli("sign", path, "--key", world.dir / "official.key", "--inline").exit_code == 0
    inline = json.loads(path.read_text())
    assert "subjects_file" not in inline and inline["subjects"][0]["last_name"] == "Synthetica"
    assert json.loads(cli("check", path, "--json").stdout)["decision"] == "proceed"


def test_staff_add_with_an_empty_name_blames_the_name(cli):
    result = cli("staff", "add", "do-1", "--name", "", "--role", "disclosure_officer", as_="admin-0")
    assert result.exit_code != 0 and "--name" in result.stderr and "'id'" not in result.stderr


def test_explain_states_the_decision_and_prints_no_markup(cli, world, tmp_path):
    assert cli("registry", "load", world.registry_path, as_="admin-0").exit_code == 0
    decision = tmp_path / "decision.json"
    decision.write_text(cli("check", world.write(world.request(taxable_periods=[2099])), "--json").stdout)
    explained = cli("explain", decision)
    assert explained.exit_code == 0
    assert explained.stdout.startswith("Decision: rejected") and "``" not in explained.stdout


def test_help_shows_no_value_after_a_flag(cli):
    for command in (["check", "--help"], ["review", "show", "--help"], ["--help"]):
        assert "<bool>" not in cli(*command).stdout


def test_articles_and_plurals(cli, world):
    assert cli("registry", "load", world.registry_path, as_="admin-0").exit_code == 0
    assert cli("staff", "add", "admin-1", "--name", "Synthetic Admin", "--role", "administrator", as_="admin-0").exit_code == 0
    assert cli("submit", world.write(world.request())).exit_code == 0
    refused = cli("review", "approve", "DHS-ICE/ICE-2025-000017", "--as", "admin-1", "--reason", "x", as_="admin-1")
    assert "an administrator may not review" in refused.stderr and not re.search(r"\ba administrator", refused.stderr)
