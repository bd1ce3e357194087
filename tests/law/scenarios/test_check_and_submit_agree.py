"""The request as stored is the request as checked: ``ftigate check`` and ``ftigate submit`` give the
same verdict on every conformance scenario and on fuzzed requests. Before, they read different
requests (check trimmed what submit stored raw) and a request_id with nine digits in a row was
"proceed" in check and refused by submit."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import proven
from ftigate.errors import InputError
from ftigate.service.admin import registry as registry_service
from ftigate.service.requests import submit as submit_module
from ftigate.service.requests.checking import check_request_file
from ftigate.service.requests.submit import submit_request_file
from ftigate.settings import Settings, Thresholds

from .test_scenarios import SCENARIOS, build


def _verdict(decision) -> tuple:
    return (decision.decision, decision.total, decision.valid, decision.invalid,
            sorted((f.rule, f.outcome, f.subject_id or "") for f in decision.findings))


def _both(root: Path, request: dict[str, Any], registry: dict[str, Any], today: dt.date,
          thresholds: Thresholds, monkeypatch) -> tuple[Any, Any]:
    """Check, then submit, the request in a fresh data directory whose clock says ``today``."""
    root.mkdir(parents=True)
    s = Settings(data_dir=root / "data", thresholds=thresholds)
    registry_path = root / "registry.json"
    registry_path.write_text(json.dumps(registry), encoding="utf-8")
    registry_service.load_registry_file(s, proven.admin(s), registry_path)
    path = root / "request.json"
    path.write_text(json.dumps(request, ensure_ascii=False), encoding="utf-8")
    at = dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC)
    monkeypatch.setattr(submit_module, "now", lambda: at)
    try:
        checked: Any = check_request_file(s, path, today=today)
    except InputError:
        checked = "exit 2"
    try:
        submitted: Any = submit_request_file(s, path).decision
    except InputError:
        submitted = "exit 2"
    return checked, submitted


@pytest.mark.parametrize("scenario", [s for s in SCENARIOS if "recent" not in s.get("context", {})],
                         ids=lambda s: s["name"])
def test_check_and_submit_agree_on_every_scenario(kit, scenario, tmp_path, monkeypatch):
    request, _subjects, registry, ctx = build(kit, scenario)
    thresholds = ctx.get("thresholds", Thresholds())
    checked, submitted = _both(tmp_path / "gw", request, registry, ctx.get("today", kit.today), thresholds,
                               monkeypatch)
    if isinstance(checked, str) or isinstance(submitted, str):
        assert checked == submitted
        return
    assert _verdict(checked) == _verdict(submitted), scenario["name"]


#: what a hostile requester writes into a member: padding, invisible characters, look-alikes,
#: fullwidth forms, digits shaped like a TIN, odd types
_TEXT = st.sampled_from(["", " ", "ice-ero-0001 ", " DHS-ICE", "DHS\u200b-ICE", "ICE-123456789", "123-45-6789",
                         "\uff24\uff28\uff33-\uff29\uff23\uff25", "ice-director", "8 U.S.C. 1253(a)(1)",
                         "D\u0405-ICE", "N/A", "Failed to Provide", "\u202eevil", "x" * 300])
_VALUE = st.one_of(_TEXT, st.integers(-10**12, 10**12), st.booleans(), st.none(), st.lists(_TEXT, max_size=3),
                   st.dictionaries(_TEXT, _TEXT, max_size=2))
_MEMBERS = ["request_id", "agency", "official", "signed_on", "recipients", "reason", "information", "format",
            "taxable_periods", "investigation", "subjects", "signature"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(changes=st.dictionaries(st.sampled_from(_MEMBERS), _VALUE, min_size=1, max_size=3),
       subject_changes=st.dictionaries(st.sampled_from(["first_name", "last_name", "address_line1", "subject_id",
                                                        "zip", "tin"]), _TEXT, max_size=2),
       resign=st.booleans())
def test_check_and_submit_agree_on_fuzzed_requests(kit, tmp_path, monkeypatch, changes, subject_changes, resign):
    from ftigate.crypto import sign_request

    subjects = [dict(kit.subject(1), **subject_changes), kit.subject(2)]
    request = kit.request(subjects=subjects, sign=None)
    request.update(copy.deepcopy(changes))
    if resign:
        with contextlib.suppress(TypeError, ValueError):  # values the canonical form cannot carry: unsigned
            request["signature"] = sign_request({k: v for k, v in request.items() if k != "signature"},
                                                kit.keys["ice-director"])
    checked, submitted = _both(Path(tempfile.mkdtemp(dir=tmp_path)) / "gw", request, kit.registry_data(), kit.today, Thresholds(),
                               monkeypatch)
    if isinstance(checked, str) or isinstance(submitted, str):
        assert checked == submitted
        return
    assert _verdict(checked) == _verdict(submitted), changes
