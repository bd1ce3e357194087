"""Text that comes from a request or from a person is shown as written on every command, never read
as Rich markup: a request whose agency, request id or quoted values look like markup is stored,
listed, reviewed and reported like any other, without a traceback."""

from __future__ import annotations

import datetime as dt

import pytest

MARKUP = "[/]"
REF = f"AGENCY[i]/REQ-{MARKUP}1"


@pytest.fixture
def odd(cli, world):
    assert cli("registry", "load", world.registry_path, as_="admin-0").exit_code == 0
    assert cli("staff", "add", "do-1", "--name", "Synthetic Officer", "--role", "disclosure_officer", as_="admin-0").exit_code == 0
    agency, request_id = REF.split("/", 1)
    request = world.request(agency=agency, request_id=request_id, information=["[red]tax returns", MARKUP])
    return world.write(request, sign=False)


def _shown(result) -> str:
    return (result.stdout + result.stderr).replace("\n", "")


def test_submit_shows_the_request_as_written(cli, odd):
    result = cli("submit", odd)
    assert result.exit_code == 1, result.stderr
    assert "Traceback" not in _shown(result)
    assert f"{REF} is rejected" in _shown(result)
    assert "'[red]tax returns'" in _shown(result)


def test_review_list_show_and_errors_show_it_as_written(cli, odd):
    assert cli("submit", odd).exit_code == 1
    listed = cli("review", "list", "--all")
    assert listed.exit_code == 0 and "Traceback" not in _shown(listed)
    assert REF in _shown(listed)
    shown = cli("review", "show", REF)
    assert shown.exit_code == 0 and REF in _shown(shown)
    missing = cli("review", "show", f"NOBODY{MARKUP}/X")
    assert missing.exit_code == 1 and f"no request NOBODY{MARKUP}/X" in _shown(missing)


def test_the_period_report_lists_the_agency_as_written(cli, odd):
    first = dt.datetime.now(dt.UTC).date().isoformat()
    assert cli("submit", odd).exit_code == 1
    last = dt.datetime.now(dt.UTC).date().isoformat()  # the day after, if midnight passed meanwhile
    result = cli("report", "--from", first, "--to", last)
    assert result.exit_code == 0, result.stderr
    assert "AGENCY[i]" in _shown(result)
