"""Loading the withhold list (6103(i)(6)): by disclosure staff only, whole or not at all, and no
error message or ledger entry ever quotes a TIN."""

from __future__ import annotations

import pytest

from ftigate.errors import InputError, NotFoundError, PermissionDenied
from ftigate.service.admin import staff, withholding
from ftigate.service.log import ledger
from ftigate.service.store_access import transaction
from ftigate.settings import Settings
from ftigate.store import disclosure_store


@pytest.fixture
def gateway(data_dir) -> Settings:
    s = Settings(data_dir=data_dir)
    staff.add_staff(s, "do-1", "Synthetic Officer", "disclosure_officer")
    staff.add_staff(s, "admin-1", "Synthetic Admin", "administrator")
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
    first = withholding.load_withhold_list(gateway, path, "do-1")
    assert (first.added, first.already) == (2, 0)
    assert _listed(gateway) == {"900000001": "informant", "900000002": "tax_investigation"}
    again = withholding.load_withhold_list(gateway, path, "do-1")
    assert (again.added, again.already) == (0, 2)
    entries = [ledger.entry(gateway, i).to_json() for i in range(ledger.tree_size(gateway))]
    loads = [e for e in entries if e["kind"] == "withhold_list.added"]
    assert len(loads) == 1 and loads[0]["added"] == 2 and loads[0]["actor"] == "do-1"
    assert "900000001" not in str(loads) and "900000002" not in str(loads)


@pytest.mark.parametrize("rows, field", [("900000001,informant\n12345,informant\n", "tin"),
                                         ("900000001,informant\n900000003,curiosity\n", "ground")])
def test_a_bad_row_loads_nothing_and_is_named_without_its_tin(gateway, tmp_path, rows, field):
    with pytest.raises(InputError) as caught:
        withholding.load_withhold_list(gateway, _file(tmp_path, rows), "do-1")
    assert (caught.value.row, caught.value.field) == (2, field)
    assert "12345" not in caught.value.diagnostics() and "900000003" not in caught.value.diagnostics()
    assert _listed(gateway) == {}


def test_only_disclosure_staff_decide_what_is_withheld(gateway, tmp_path):
    path = _file(tmp_path, "900000001,informant\n")
    with pytest.raises(PermissionDenied, match="administrator"):
        withholding.load_withhold_list(gateway, path, "admin-1")
    with pytest.raises(NotFoundError):
        withholding.load_withhold_list(gateway, path, "nobody")
    assert _listed(gateway) == {}
