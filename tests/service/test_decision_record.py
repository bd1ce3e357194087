"""service.decision_record: the record a match.decided entry commits to depends on the decisions only,
not on the order the matcher (or the store) gives them in."""

from __future__ import annotations

import random

from ftigate.service.requests.decision_record import decisions_record, outcome_counts

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
