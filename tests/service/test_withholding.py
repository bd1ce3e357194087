"""Loading the withhold list (6103(i)(6)): by disclosure staff only, whole or not at all, and no
error message or ledger entry ever quotes a TIN."""

from __future__ import annotations

import pytest

import proven
from ftigate.errors import InputError, PermissionDenied
from ftigate.service.admin import withholding
from ftigate.service.log import ledger
from ftigate.service.store_access import transaction
from ftigate.settings import Settings
from ftigate.store import disclosure_store


def ledger_entries(s):
    return [ledger.entry(s, i).to_json() for i in range(ledger.tree_size(s))]


@pytest.fixture
def gateway(data_dir) -> Settings:
    s = Settings(data_dir=data_dir)
    proven.add_staff(s, "do-1", "Synthetic Officer", "disclosure_officer")
    proven.add_staff(s, "admin-1", "Synthetic Admin", "administrator")
    return s


def _file(tmp_path, text: str):
    path = tmp_path / "withhold.csv"
    path.write_text("tin,ground\n" + text, encoding="utf-8")
    return path


def _listed(gateway) -> dict[str, str]:
    with transaction(gateway) as conn:
        return disclosure_store.withhold_map(conn)


def test_a_list_is_added_once_and_recorded_without_a_tin(gateway, tmp_path):
    path = _file(tmp_path, "900000001,informant\n900-00-0002,tax_investigation\n")
    first = withholding.load_withhold_list(gateway, path, proven.as_(gateway, "do-1"))
    assert (first.added, first.already) == (2, 0)
    assert _listed(gateway) == {"900000001": "informant", "900000002": "tax_investigation"}
    again = withholding.load_withhold_list(gateway, path, proven.as_(gateway, "do-1"))
    assert (again.added, again.already) == (0, 2)
    entries = [ledger.entry(gateway, i).to_json() for i in range(ledger.tree_size(gateway))]
    loads = [e for e in entries if e["kind"] == "withhold_list.added"]
    assert len(loads) == 1 and loads[0]["added"] == 2 and loads[0]["actor"] == "do-1"
    assert "900000001" not in str(loads) and "900000002" not in str(loads)


@pytest.mark.parametrize("rows, field", [("900000001,informant\n12345,informant\n", "tin"),
                                         ("900000001,informant\n900000003,curiosity\n", "ground")])
def test_a_bad_row_loads_nothing_and_is_named_without_its_tin(gateway, tmp_path, rows, field):
    with pytest.raises(InputError) as caught:
        withholding.load_withhold_list(gateway, _file(tmp_path, rows), proven.as_(gateway, "do-1"))
    assert (caught.value.row, caught.value.field) == (2, field)
    assert "12345" not in caught.value.diagnostics() and "900000003" not in caught.value.diagnostics()
    assert _listed(gateway) == {}


def test_only_disclosure_staff_decide_what_is_withheld(gateway, tmp_path):
    path = _file(tmp_path, "900000001,informant\n")
    with pytest.raises(PermissionDenied, match="administrator"):
        withholding.load_withhold_list(gateway, path, proven.as_(gateway, "admin-1"))
    assert _listed(gateway) == {}
    [denied] = [e for e in ledger_entries(gateway) if e["kind"] == "access.denied"]
    assert (denied["actor"], denied["action"], denied["role"]) == ("admin-1", "withhold.load", "administrator")


@pytest.mark.parametrize("small_list", [20_000, 0])
def test_a_batch_finds_the_same_entries_whether_the_list_is_read_whole_or_asked(gateway, tmp_path, monkeypatch,
                                                                              small_list):
    """A batch's TINs on the list: a short list is read whole and looked up, a long one asked for the TINs;
    both give exactly the entries of the batch's TINs, no other."""
    path = _file(tmp_path, "900000001,informant\n900000002,tax_investigation\n")
    withholding.load_withhold_list(gateway, path, proven.as_(gateway, "do-1"))
    monkeypatch.setattr(disclosure_store, "_SMALL_LIST", small_list)
    with transaction(gateway) as conn:
        assert disclosure_store.withhold_map(conn, ["900000002", "900000009", "900-00-0001"]) == {
            "900000002": "tax_investigation"}
        assert disclosure_store.withhold_map(conn, []) == {}
