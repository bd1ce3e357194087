"""service.decision_record: the record a match.decided entry commits to depends on the decisions only,
not on the order the matcher (or the store) gives them in."""

from __future__ import annotations

import json
import random

from hypothesis import given
from hypothesis import strategies as st

from ftigate.service.requests.decision_record import (
    changed_rows,
    decisions_record,
    encoded_batch,
    encoded_decisions,
    encoded_rows,
    outcome_counts,
)

ROWS = [
    {"id": 7, "outcome": "match", "matched_tin": "900000001", "match_probability": 0.998,
     "evidence": {"agreed": ["last_name", "zip"], "runner_up_tin": "900000002"}, "row_number": 3},
    {"id": 2, "outcome": "no_match", "matched_tin": None, "match_probability": 0.12, "evidence": {}, "row_number": 1},
    {"id": 5, "outcome": "withheld", "matched_tin": "900000003", "match_probability": 0.97,
     "evidence": {"withheld": {"ground": "informant"}}, "row_number": 2},
    {"id": 11, "outcome": "no_match", "matched_tin": None, "match_probability": None, "evidence": None, "row_number": 4},
]


def test_the_record_lists_decisions_by_subject_key_whatever_order_they_come_in():
    record = decisions_record(ROWS)
    assert [d["subject"] for d in record["decisions"]] == [2, 5, 7, 11]
    shuffled = list(ROWS)
    random.Random(3).shuffle(shuffled)
    assert decisions_record(shuffled) == record == decisions_record(reversed(ROWS))


def test_the_record_holds_each_part_of_a_decision_and_nothing_else():
    first = decisions_record(ROWS)["decisions"][2]
    assert first == {"subject": 7, "outcome": "match", "tin": "900000001", "probability": 0.998,
                     "evidence": {"agreed": ["last_name", "zip"], "runner_up_tin": "900000002"}}


def test_outcome_counts():
    assert outcome_counts(ROWS) == {"match": 1, "no_match": 2, "withheld": 1}
    assert outcome_counts([]) == {}


json_values = st.recursive(st.none() | st.booleans() | st.integers(-(2**53), 2**53)
                           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                           max_leaves=8)


@given(st.lists(st.fixed_dictionaries({
    "id": st.integers(1, 10**9), "outcome": st.sampled_from(["match", "no_match", "ambiguous", "withheld"]),
    "matched_tin": st.none() | st.from_regex(r"[0-9]{9}", fullmatch=True),
    "match_probability": st.none() | st.floats(0, 1), "evidence": st.dictionaries(st.text(max_size=6), json_values, max_size=4),
}), max_size=12, unique_by=lambda r: r["id"]))
def test_a_batch_encoded_with_its_evidence_is_the_committed_encoding(rows):
    """The lines built with each decision's evidence encoded once are decision-rows/1's, byte for byte,
    and the evidence kept beside each is JSON that reads back as the decision's evidence."""
    data, kept = encoded_batch(rows)
    expected, digests = encoded_rows(rows)
    assert data == expected == encoded_decisions(rows)
    assert {k: digest for k, (digest, _) in kept.items()} == digests
    for r in rows:
        assert json.loads(kept[r["id"]][1]) == r["evidence"]
    stored = [{**r, "evidence": json.loads(kept[r["id"]][1]), "decision_digest": kept[r["id"]][0]} for r in rows]
    assert changed_rows(stored) == []  # the decisions as stored open their digests
