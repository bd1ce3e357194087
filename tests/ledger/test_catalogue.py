"""The event catalogue: every ledger entry is a declared event, written and read only through it."""

from __future__ import annotations

import ast
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ftigate.ledger import catalogue
from ftigate.ledger.catalogue import Entry, Kind, UncataloguedEntry, parse_entry

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "src" / "ftigate"
AT = dt.datetime(2025, 6, 27, 10, 0, 0, 123456, tzinfo=dt.UTC)
SHA = "ab" * 32


def test_every_kind_has_one_model_and_every_model_one_kind():
    models = catalogue.models()
    assert set(models) == set(Kind)
    assert len(set(models.values())) == len(Kind)
    for kind, model in models.items():
        assert model.model_config.get("frozen") and model.model_config.get("extra") == "forbid", kind
        assert not set(model.model_fields) & {"at", "actor", "request"}, f"{kind} declares an envelope field"
        assert (model.__doc__ or "").strip(), f"{kind} says nothing about when it is recorded"


def test_docs_table_is_the_catalogues():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "ledger-events"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert catalogue.events_markdown() in (ROOT / "docs" / "ledger.md").read_text(encoding="utf-8")


def test_an_entry_round_trips_through_its_json():
    entry = Entry(event=catalogue.RequestDelivered(
        from_="disclosed", package="PKG-1", package_sha256=SHA, recipients=["ero-0001"],
        destroy_by=dt.date(2025, 9, 1), disclosures=3), at=AT, actor="gateway", request="DHS-ICE/ICE-2025-000017")
    data = entry.to_json()
    assert data == {"kind": "request.delivered", "at": "2025-06-27T10:00:00.123456Z", "actor": "gateway",
                    "request": "DHS-ICE/ICE-2025-000017", "from": "disclosed", "to": "delivered",
                    "package": "PKG-1", "package_sha256": SHA, "recipients": ["ero-0001"],
                    "destroy_by": "2025-09-01", "disclosures": 3}
    assert parse_entry(data) == entry
    assert parse_entry(data).event.recipients == ("ero-0001",)


def test_an_event_frozen_and_closed():
    event = catalogue.StaffRegistered(staff="do-1", role="disclosure_officer")
    with pytest.raises(Exception):  # noqa: B017 (pydantic's frozen error)
        event.staff = "do-2"  # type: ignore[misc]
    with pytest.raises(ValueError, match="Extra inputs"):
        catalogue.StaffRegistered(staff="do-1", role="overseer", name="Jane")  # type: ignore[call-arg]


GOOD = {"kind": "match.decided", "at": "2025-06-27T10:00:00Z", "actor": "gateway", "request": "A/B",
        "subjects": 2, "outcomes": {"match": 2}, "matcher": "m-1", "policy_version": "p-1", "commitment": "c" * 64}


@pytest.mark.parametrize(("change", "field"), [
    ({"kind": "match.made"}, "kind"),                    # not in the catalogue
    ({"subjects": "2"}, "subjects"),                     # a count written as text is not the count
    ({"subjects": True}, "subjects"),
    ({"subjects": -1}, "subjects"),
    ({"extra": 1}, "extra"),                             # fields beyond the model's
    ({"at": "yesterday"}, "at"),
    ({"at": "2025-06-27T10:00:00"}, "at"),               # no time zone
    ({"actor": None}, "actor"),
])
def test_a_bad_entry_is_refused_naming_the_field_not_the_value(change, field):
    with pytest.raises(UncataloguedEntry) as info:
        parse_entry({**GOOD, **change}, 41)
    message = info.value.diagnostics()
    assert message.startswith("ledger entry 41 is not a catalogued event")
    assert field in message or "kind" in message
    assert "'2'" not in message and "yesterday" not in message


def test_a_missing_field_is_refused():
    fields = dict(GOOD)
    del fields["commitment"]
    with pytest.raises(UncataloguedEntry, match="commitment"):
        parse_entry(fields)
    assert parse_entry(GOOD).kind is Kind.MATCH_DECIDED


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                                       max_size=3), max_leaves=8)


@given(st.dictionaries(st.sampled_from([*GOOD, "kind", "to", "from", "row"]) | st.text(max_size=6), json_values,
                       max_size=8),
       st.sampled_from([k.value for k in Kind]))
def test_the_parser_only_ever_answers_an_entry_or_refuses(fields, kind):
    try:
        entry = parse_entry({**fields, "kind": kind})
    except UncataloguedEntry:
        return
    assert parse_entry(entry.to_json()) == entry


def _modules() -> list[Path]:
    return [p for p in SOURCE.rglob("*.py") if p != SOURCE / "ledger" / "catalogue.py"]


def test_no_module_names_an_event_kind_but_the_catalogue():
    """Writers build models and readers parse them: nobody spells a kind, so a rename cannot
    leave a reader counting nothing."""
    kinds = {k.value for k in Kind} | {k.value.partition(".")[0] + "." for k in Kind if k.startswith("request.")}
    offenders = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in kinds:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
            if isinstance(node, ast.keyword) and node.arg == "kind" and isinstance(node.value, ast.JoinedStr):
                offenders.append(f"{path.relative_to(ROOT)}:{node.value.lineno}: an f-string kind")
    assert not offenders, "\n".join(offenders)


def test_only_the_logs_use_cases_append():
    """The store's append is called by the log's use cases alone, which take catalogued entries only."""
    callers = [str(p.relative_to(ROOT)) for p in _modules()
               if "append_leaves(" in p.read_text(encoding="utf-8") and p.name != "ledger_store.py"]
    assert callers == ["src/ftigate/service/log/ledger.py"]


def test_match_decided_names_the_model_and_master_file_and_older_entries_without_them_still_read():
    older = parse_entry(GOOD)  # written before the digests were recorded
    assert isinstance(older.event, catalogue.MatchDecided)
    assert older.event.model_sha256 is None and older.event.master_sha256 is None
    newer = parse_entry({**GOOD, "model_sha256": "a" * 64, "master_sha256": "b" * 64})
    assert isinstance(newer.event, catalogue.MatchDecided)
    assert (newer.event.model_sha256, newer.event.master_sha256) == ("a" * 64, "b" * 64)
    assert newer.to_json() == {**GOOD, "model_sha256": "a" * 64, "master_sha256": "b" * 64,
                               "encoding": "decisions-json/1"}  # the encoding an entry without one used
    with pytest.raises(UncataloguedEntry, match="model_sha256"):
        parse_entry({**GOOD, "model_sha256": "not a digest"})
