"""``ftigate --server URL …``: the command line acts through the HTTP API with the person's own token
(``$FTIGATE_TOKEN`` or a private ``--token-file``), against ``ftigate serve``'s app on loopback; a
command the API does not offer is refused rather than done locally."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import proven
from loopback import serving

sys.path.insert(0, str(Path(__file__).parents[1] / "web"))
from api_world import serve, signed

from ftigate.service.log import ledger
from ftigate.service.requests import queries
from ftigate.service.requests.worker import work
from ftigate.settings import Settings


@pytest.fixture
def server(data_dir, world):
    settings = Settings(data_dir=data_dir)
    served = serve(settings, world)
    with serving(settings) as url:
        yield url, served


def test_submit_and_dual_control_through_the_api(cli, server, world, tmp_path):
    url, served = server
    path = world.write(world.request(), name="remote.json")
    sent = cli("--server", url, "submit", path, token=served.tokens["ice-director"])
    assert sent.exit_code == 0, sent.stderr
    ref = "DHS-ICE/ICE-2025-000017"
    assert ref in sent.stdout and "awaiting_review" in sent.stdout
    again = cli("--server", url, "submit", path, token=served.tokens["ice-director"])
    assert again.exit_code == 0 and "already submitted" in again.stdout

    # no token: nothing is sent; the official's token cannot review
    assert "--as alone proves nothing" in cli("--server", url, "review", "approve", ref, "--reason", "x").stderr
    refused = cli("--server", url, "review", "approve", ref, "--reason", "x", token=served.tokens["ice-director"])
    assert refused.exit_code == 1 and "HTTP 403" in refused.stderr

    token_file = tmp_path / "do-1.token"
    token_file.write_text(served.tokens["do-1"], encoding="utf-8")
    token_file.chmod(0o644)
    loose = cli("--server", url, "--token-file", token_file, "review", "approve", ref, "--reason", "ok")
    assert loose.exit_code == 2 and "chmod 600" in loose.stderr
    token_file.chmod(0o600)
    approved = cli("--server", url, "--token-file", token_file, "review", "approve", ref, "--reason", "meets it")
    assert approved.exit_code == 0, approved.stderr
    assert "approved" in approved.stdout
    assert queries.requests(served.settings)[0]["state"] == "approved"


def test_what_the_api_does_not_offer_is_refused_not_done_locally(cli, server):
    url, served = server
    refused = cli("--server", url, "staff", "password", "do-1", "--stdin", token=served.tokens[proven.ADMIN])
    assert refused.exit_code == 2 and "not offered by the HTTP API" in refused.stderr
    worker = cli("--server", url, "worker", "--once", token=served.tokens["do-1"])
    assert worker.exit_code == 2 and "not offered by the HTTP API" in worker.stderr
    unreachable = cli("--server", "http://127.0.0.1:9", "review", "approve", "A/B", "--reason", "x",
                      token=served.tokens["do-1"])
    assert unreachable.exit_code == 1 and "no answer" in unreachable.stderr and "Traceback" not in unreachable.stderr


def _denials(settings: Settings) -> list[tuple[str, str]]:
    entries = (ledger.entry(settings, i).to_json() for i in range(ledger.tree_size(settings)))
    return [(e["actor"], e["action"]) for e in entries if e["kind"] == "access.denied"]


def test_staff_and_tokens_through_the_api(cli, server, tmp_path):
    url, served = server
    elsewhere = tmp_path / "client-side"  # a data directory the commands must not touch: they go through the API
    admin = served.tokens[proven.ADMIN]
    added = cli("--server", url, "staff", "add", "do-9", "--name", "Synthetic Nine", "--role", "disclosure_officer",
                token=admin, data=elsewhere)
    assert added.exit_code == 0 and "do-9: disclosure_officer" in added.stdout, added.stderr
    listed = cli("--server", url, "staff", "list", token=served.tokens["ig-1"], data=elsewhere)
    assert listed.exit_code == 0 and "do-9" in listed.stdout and "Synthetic Nine" in listed.stdout
    issued = cli("--server", url, "staff", "token", "do-9", "--days", "5", token=admin, data=elsewhere)
    assert issued.exit_code == 0 and issued.stdout.strip().startswith("ftg_") and "for do-9" in issued.stderr
    nine = issued.stdout.strip()
    assert cli("--server", url, "jobs", token=nine, data=elsewhere).exit_code == 0
    revoked = cli("--server", url, "staff", "revoke-tokens", "do-9", token=admin, data=elsewhere)
    assert revoked.exit_code == 0 and "1 token(s) revoked" in revoked.stdout
    gone = cli("--server", url, "jobs", token=nine, data=elsewhere)
    assert gone.exit_code == 1 and "HTTP 401" in gone.stderr

    agency = cli("--server", url, "registry", "token", "ice-ero-0002", token=admin, data=elsewhere)
    assert agency.exit_code == 0 and agency.stdout.strip().startswith("fta_")
    assert "revoked" in cli("--server", url, "registry", "revoke-tokens", "ice-ero-0002", token=admin,
                            data=elsewhere).stdout
    ended = cli("--server", url, "registry", "end", "officer", "ice-ero-0002", token=admin, data=elsewhere)
    assert ended.exit_code == 0 and "ended from now" in ended.stdout
    assert not elsewhere.exists()

    # the wrong role: 403, and the refusal is in the gateway's ledger
    refused = cli("--server", url, "staff", "add", "x-1", "--name", "X", "--role", "overseer",
                  token=served.tokens["do-1"], data=elsewhere)
    assert refused.exit_code == 1 and "HTTP 403" in refused.stderr
    assert _denials(served.settings)[-1] == ("do-1", "staff.manage")
    # no token: nothing is sent, and an administrator role is never bootstrapped locally
    bare = cli("--server", url, "staff", "add", "adm-9", "--name", "X", "--role", "administrator", data=elsewhere)
    assert bare.exit_code == 1 and "--as alone proves nothing" in bare.stderr and not elsewhere.exists()


def test_as_names_the_tokens_holder_or_nothing_is_done(cli, server, world):
    url, served = server
    ref = served.client("ice-director").submit(signed(world))["request"]
    other = cli("--server", url, "review", "approve", ref, "--as", "do-2", "--reason", "x", token=served.tokens["do-1"])
    assert other.exit_code == 1 and "not 'do-2''s" in other.stderr
    assert queries.requests(served.settings)[0]["state"] == "awaiting_review"
    alone = cli("--server", url, "review", "approve", ref, "--as", "do-1", "--reason", "x")
    assert alone.exit_code == 1 and "--as alone proves nothing" in alone.stderr
    same = cli("--server", url, "review", "approve", ref, "--as", "do-1", "--reason", "meets it",
               token=served.tokens["do-1"])
    assert same.exit_code == 0 and "approved" in same.stdout


def test_incidents_notices_and_the_accounting_through_the_api(cli, server):
    url, served = server
    listed = cli("--server", url, "incident", "list", "--json", token=served.tokens["ig-1"])
    assert listed.exit_code == 0 and json.loads(listed.stdout) == []
    notice = cli("--server", url, "incident", "notice", "INC-2025-0001", "--charge", "26 U.S.C. 7213(a)(1)",
                 "--charged-on", "2025-01-02", token=served.tokens["do-1"])
    assert notice.exit_code == 1 and "HTTP 404" in notice.stderr and "no incident INC-2025-0001" in notice.stderr
    wrong = cli("--server", url, "incident", "notice", "INC-2025-0001", "--charge", "26 U.S.C. 7213(a)(1)",
                "--charged-on", "2025-01-02", token=served.tokens["ig-1"])
    assert wrong.exit_code == 1 and "HTTP 403" in wrong.stderr
    assert _denials(served.settings)[-1] == ("ig-1", "incident.notice")
    opened = cli("--server", url, "accounting", "open", "0", token=served.tokens["ig-1"])
    assert opened.exit_code == 1 and "HTTP 404" in opened.stderr
    not_overseer = cli("--server", url, "accounting", "open", "0", token=served.tokens["do-1"])
    assert not_overseer.exit_code == 1 and "HTTP 403" in not_overseer.stderr
    assert _denials(served.settings)[-1] == ("do-1", "accounting.open")
    recorded = cli("--server", url, "incident", "record", "--kind", "other", "--description", "x",
                   "--request", "DHS-ICE/ICE-2025-000017", token=served.tokens["do-1"])
    assert recorded.exit_code != 0 and "Traceback" not in recorded.stderr  # nothing disclosed to record


def test_a_validation_queued_through_the_api_and_followed(cli, server, world):
    url, served = server
    (world.dir / "subjects.csv").write_text(
        "subject_id,first_name,middle_name,last_name,suffix,date_of_birth,address_line1,address_line2,city,state,zip\n"
        "S-0001,Quentin,,Synthetica,,1980-04-02,12 Example Road,,Springfield,IL,62701\n", encoding="utf-8")
    req = world.request(request_id="ICE-2025-000400")
    del req["subjects"]
    req["subjects_file"] = "subjects.csv"
    path = world.write(req, name="queued.json")
    queued = cli("--server", url, "queue", "validate", path, token=served.tokens["ice-director"])
    assert queued.exit_code == 0 and "validate" in queued.stdout and "queued" in queued.stdout, queued.stderr
    assert queries.requests(served.settings) == []  # not stored yet: the worker does it
    assert work(served.settings, once=True).done
    followed = cli("--server", url, "jobs", token=served.tokens["ice-director"])
    assert followed.exit_code == 0 and "DHS-ICE/ICE-2025-000400" in followed.stdout and "done" in followed.stdout
    refused = cli("--server", url, "queue", "validate", path, token=served.tokens["do-1"])
    assert refused.exit_code == 1 and "HTTP 403" in refused.stderr


def test_the_review_desk_and_the_registry_are_read_through_the_api(cli, server, world, tmp_path):
    url, served = server
    elsewhere = tmp_path / "client-side"  # no data directory here: what is shown comes from the server
    ref = served.client("ice-director").submit(signed(world))["request"]
    officer = served.tokens["do-1"]
    listed = cli("--server", url, "review", "list", token=officer, data=elsewhere)
    assert listed.exit_code == 0, listed.stderr
    assert "1 request awaiting review" in listed.stdout and ref in listed.stdout and "awaiting_review" in listed.stdout
    shown = cli("--server", url, "review", "show", ref, token=officer, data=elsewhere)
    assert shown.exit_code == 0 and f"{ref}: awaiting_review" in shown.stdout and "Review flags" in shown.stdout
    assert "event #" in shown.stdout  # the staff's view carries the request's ledger events
    as_json = json.loads(cli("--server", url, "review", "show", ref, "--json", token=officer, data=elsewhere).stdout)
    assert as_json["request"]["request"] == ref and as_json["findings"]
    approved = cli("--server", url, "review", "approve", ref, "--reason", "meets it", token=officer, data=elsewhere)
    assert approved.exit_code == 0, approved.stderr
    assert "0 requests awaiting review" in cli("--server", url, "review", "list", token=officer, data=elsewhere).stdout
    everything = cli("--server", url, "review", "list", "--all", token=officer, data=elsewhere)
    assert ref in everything.stdout and "approved" in everything.stdout
    assert "review: approve by do-1" in cli("--server", url, "review", "show", ref, token=officer, data=elsewhere).stdout

    registry = cli("--server", url, "registry", "show", token=served.tokens["ig-1"], data=elsewhere)
    assert registry.exit_code == 0, registry.stderr
    assert "Registry version" in registry.stdout and "ice-ero-0002" in registry.stdout
    assert not elsewhere.exists()
    # the API's roles hold: an agency's official reads neither the review desk nor the registry
    refused = cli("--server", url, "registry", "show", token=served.tokens["ice-director"], data=elsewhere)
    assert refused.exit_code == 1 and "HTTP 403" in refused.stderr
    desk = cli("--server", url, "review", "list", token=served.tokens["ice-director"], data=elsewhere)
    assert desk.exit_code == 1 and "HTTP 403" in desk.stderr


def test_a_package_is_fetched_through_the_api_as_the_officer_whose_token_it_is(cli, server, tmp_path):
    url, served = server
    out = tmp_path / "PKG-none.age"
    officer = served.tokens["ice-ero-0001"]
    missing = cli("--server", url, "package", "fetch", "PKG-none", "--officer", "ice-ero-0001", "--out", out,
                  token=officer, data=tmp_path / "client-side")
    assert missing.exit_code == 1 and "HTTP 404" in missing.stderr and not out.exists()
    other = cli("--server", url, "package", "fetch", "PKG-none", "--officer", "ice-ero-0002", "--out", out,
                token=officer, data=tmp_path / "client-side")
    assert other.exit_code == 1 and "not 'ice-ero-0002''s" in other.stderr
    assert not (tmp_path / "client-side").exists()


def test_a_queued_validation_is_cancelled_from_the_command_line(cli, server, world, tmp_path):
    url, served = server
    path = world.write(world.request(request_id="ICE-2025-000701"), name="queued.json")
    director = served.tokens["ice-director"]
    queued = cli("--server", url, "queue", "validate", path, token=director, data=tmp_path / "client-side")
    assert queued.exit_code == 0, queued.stderr
    job = queued.stdout.split()[1]
    refused = cli("--server", url, "queue", "cancel", job, token=served.tokens["do-1"], data=tmp_path / "client-side")
    assert refused.exit_code == 1 and "HTTP 403" in refused.stderr
    cancelled = cli("--server", url, "queue", "cancel", job, token=director, data=tmp_path / "client-side")
    assert cancelled.exit_code == 0 and f"job {job}: cancelled" in cancelled.stdout, cancelled.stderr
    again = cli("--server", url, "queue", "cancel", job, token=director, data=tmp_path / "client-side")
    assert again.exit_code == 1 and "HTTP 409" in again.stderr
    local = cli("queue", "cancel", job)
    assert local.exit_code == 2 and "--server" in local.stderr
    assert not (tmp_path / "client-side").exists()


def test_check_through_the_api_answers_as_on_the_gateway(cli, server, world, tmp_path):
    url, served = server
    elsewhere = tmp_path / "client-side"
    path = world.write(world.request(), name="to-check.json")
    here = cli("check", path, "--json", token=served.tokens["do-1"])
    there = cli("--server", url, "check", path, "--json", token=served.tokens["do-1"], data=elsewhere)
    assert there.exit_code == here.exit_code == 0, there.stderr
    assert json.loads(there.stdout) == json.loads(here.stdout)
    shown = cli("--server", url, "check", path, token=served.tokens["sup-1"], data=elsewhere)
    assert shown.exit_code == 0 and "decision: proceed" in shown.stdout
    rejected = cli("--server", url, "check", world.write(world.request(taxable_periods=[2099]), name="bad.json"),
                   "--json", token=served.tokens["do-1"], data=elsewhere)
    assert rejected.exit_code == 1 and json.loads(rejected.stdout)["decision"] == "rejected"
    refused = cli("--server", url, "check", path, "--json", token=served.tokens["admin-1"], data=elsewhere)
    assert refused.exit_code == 1 and refused.stdout == "" and "HTTP 403" in refused.stderr
    made = [e for e in (ledger.entry(served.settings, i).to_json() for i in range(ledger.tree_size(served.settings)))
            if e["kind"] == "check.made" and e["via"] == "http"]
    assert [e["actor"] for e in made] == ["do-1", "sup-1", "do-1"]
    assert not elsewhere.exists()
