"""Every threshold that changes a verdict is part of the policy: validated when read, fingerprinted into
the policy version, written into each decision's and review's ledger entry, and a change of one is a
recorded new policy. Before, ``FTIGATE_DUAL_CONTROL_SUBJECTS=100000000`` for one command approved a large
request with one approval and ``FTIGATE_RECENT_DAYS=-5`` switched the "asked before" flag off, unseen."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ftigate.errors import ConfigurationError
from ftigate.law import POLICY_VERSION, versioned
from ftigate.service.admin import registry as registry_service
from ftigate.service.admin import staff
from ftigate.service.log import ledger
from ftigate.service.requests.review import review
from ftigate.service.requests.submit import submit_request_file
from ftigate.settings import Settings, Thresholds

NAMES = [f.name for f in dataclasses.fields(Thresholds)]


@given(name=st.sampled_from(NAMES), raw=st.text(max_size=12) | st.integers(-10**9, 10**9).map(str))
def test_a_threshold_read_from_the_environment_is_valid_or_a_one_line_error(name, raw):
    try:
        value = getattr(Thresholds.from_env({f"FTIGATE_{name.upper()}": raw}), name)
    except ConfigurationError as exc:
        assert f"FTIGATE_{name.upper()}" in str(exc) and "\n" not in str(exc)
        return
    assert value >= 0


@pytest.mark.parametrize("name, raw", [("recent_days", "-5"), ("recent_days", "0"), ("destroy_within_days", "0"),
                                       ("batch_size_factor", "nan"), ("signed_within_days", "-1"),
                                       ("subjects_per_recipient", "1e3")])
def test_no_negative_or_disabling_threshold_is_taken(name, raw):
    with pytest.raises(ConfigurationError, match=f"FTIGATE_{name.upper()}"):
        Thresholds.from_env({f"FTIGATE_{name.upper()}": raw})


def test_a_changed_threshold_is_a_new_policy_version():
    assert versioned(POLICY_VERSION, Thresholds()) == versioned(POLICY_VERSION, Thresholds())
    assert versioned(POLICY_VERSION, Thresholds()) != versioned(POLICY_VERSION, Thresholds(recent_days=30))


def _entries(settings: Settings) -> list[dict]:
    return [ledger.entry(settings, i).to_json() for i in range(ledger.tree_size(settings))]


def test_one_command_cannot_lift_dual_control_and_the_values_in_force_are_recorded(world, data_dir):
    judged = Settings(data_dir=data_dir, thresholds=Thresholds(dual_control_subjects=2))
    registry_service.load_registry_file(judged, world.registry_path)
    staff.add_staff(judged, "do-1", "Synthetic Disclosure Officer", "disclosure_officer")
    subjects = [dict(world.request()["subjects"][0], subject_id=f"S-{i}", address_line1=f"{10 + i} Example Road")
                for i in range(3)]
    submitted = submit_request_file(judged, world.write(world.request(subjects=subjects)))
    assert submitted.state == "awaiting_review"
    lifted = Settings(data_dir=data_dir, thresholds=Thresholds(dual_control_subjects=10_000_000))
    outcome = review(lifted, submitted.ref, "do-1", "approve", "Specific reasons checked for each subject.")
    assert outcome.state == "awaiting_second_approval" and outcome.approvals_needed == 2
    entries = _entries(judged)
    adopted = [e for e in entries if e["kind"] == "policy.adopted"]
    assert [e["thresholds"]["dual_control_subjects"] for e in adopted] == [2, 10_000_000]
    assert {e["version"] for e in adopted} == {versioned(POLICY_VERSION, judged.thresholds),
                                               versioned(POLICY_VERSION, lifted.thresholds)}
    (checked,) = [e for e in entries if e["kind"] == "request.awaiting_review"]
    assert checked["thresholds"] == judged.thresholds.values()
    assert checked["policy_version"] == versioned(POLICY_VERSION, judged.thresholds)
    (reviewed,) = [e for e in entries if e["kind"] == "request.awaiting_second_approval"]
    assert reviewed["thresholds"]["dual_control_subjects"] == 10_000_000 and reviewed["approvals_needed"] == 2
