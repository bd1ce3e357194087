"""The losing side of two processes doing the same thing at once: a one-line error or the winner's
answer, never a database error quoting the row (names, addresses, TINs)."""

from __future__ import annotations

import pytest
from test_lifecycle import _file_request, gateway, population  # noqa: F401  (the lifecycle's fixtures)

from ftigate.errors import StoreConflict
from ftigate.service.requests import disclose as disclose_module
from ftigate.service.requests import submit as submit_module
from ftigate.service.requests.disclose import disclose
from ftigate.service.requests.review import review
from ftigate.service.requests.submit import submit_request_file
from ftigate.service.store_access import transaction
from ftigate.store import disclosure_store, requests_store
from ftigate.tabular import read_rows


def _personal_values(path) -> set[str]:
    """Every name, street line and TIN of a subjects file: none may appear in an error."""
    rows = read_rows(path, ("subject_id", "first_name", "last_name", "address_line1"), ("tin",))
    return {v for r in rows for k, v in r.items() if k != "subject_id" and len(v) > 3}


def _raced(monkeypatch) -> None:
    """The look-up before storing sees nothing: another process stores the request in between."""
    real = requests_store.find_request
    calls = {"n": 0}

    def blind_once(conn, agency, request_id):
        calls["n"] += 1
        return None if calls["n"] == 1 else real(conn, agency, request_id)

    monkeypatch.setattr(submit_module.requests_store, "find_request", blind_once)


def test_a_losing_concurrent_submit_gets_the_winner_s_answer(gateway, world, population, monkeypatch):
    path = _file_request(world, population)
    first = submit_request_file(gateway, path)
    _raced(monkeypatch)
    second = submit_request_file(gateway, path)
    assert second.duplicate and second.ref == first.ref and second.state == first.state
    with transaction(gateway) as conn:
        assert len(requests_store.list_requests(conn)) == 1


def test_a_conflict_the_loser_cannot_resolve_names_no_row_values(gateway, world, population, monkeypatch):
    path = _file_request(world, population)
    submit_request_file(gateway, path)
    monkeypatch.setattr(submit_module.requests_store, "find_request", lambda *a: None)
    with pytest.raises(StoreConflict) as caught:
        submit_request_file(gateway, path)
    text = caught.value.diagnostics()
    assert "\n" not in text and "another process" in text
    assert not [v for v in _personal_values(world.dir / "subjects.csv") if v in text]
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_a_losing_concurrent_disclosure_names_no_row_values(gateway, world, population, monkeypatch):
    """Two processes disclosing the same batch: the second insert of the same disclosures is refused
    by the store; the loser's error quotes none of the identities it tried to write."""
    master = population[0]
    result = submit_request_file(gateway, _file_request(world, population))
    review(gateway, result.ref, "do-1", "approve", "meets 6103(i)(2)")
    real = disclose_module._record_disclosures

    def twice(conn, settings, row, disclosing, *rest):
        real(conn, settings, row, disclosing, *rest)
        if disclosing:  # the other process's insert of the same subjects' disclosures
            real(conn, settings, row, disclosing, *rest)

    monkeypatch.setattr(disclose_module, "_record_disclosures", twice)
    with pytest.raises(StoreConflict) as caught:
        disclose(gateway, result.ref, master)
    text = str(caught.value)
    assert not [v for v in _personal_values(world.dir / "subjects.csv") if v in text]
    with transaction(gateway) as conn:
        row = requests_store.find_request(conn, "DHS-ICE", "ICE-2025-000017")
        assert disclosure_store.count_disclosures(conn, row["id"]) == 0  # the batch rolled back whole
    monkeypatch.setattr(disclose_module, "_record_disclosures", real)
    assert disclose(gateway, result.ref, master).state == "delivered"
