"""The lifecycle's state machine: every legal edge is allowed, every other pair raises."""

import itertools

import pytest

from ftigate.errors import IllegalTransition
from ftigate.service.requests.states import FINAL, TRANSITIONS, State, check_transition


def test_happy_path_is_a_chain_of_legal_edges():
    path = [State.RECEIVED, State.AWAITING_REVIEW, State.AWAITING_SECOND_APPROVAL, State.APPROVED,
            State.MATCHING, State.DISCLOSED, State.DELIVERED, State.OVERDUE, State.CLOSED]
    for current, target in itertools.pairwise(path):
        assert check_transition("A/1", current.value, target) is target


@pytest.mark.parametrize("current,target", [
    (c, t) for c, t in itertools.product(State, State) if t not in TRANSITIONS[c]
])
def test_every_other_transition_raises(current, target):
    with pytest.raises(IllegalTransition) as info:
        check_transition("A/1", current.value, target)
    assert info.value.current == current.value and info.value.target == target.value
    assert "cannot go from" in info.value.diagnostics()


def test_rejected_denied_closed_are_final():
    assert {State.REJECTED, State.DENIED, State.CLOSED} == FINAL


def test_a_rejected_request_can_never_reach_matching():
    # No sequence of edges leads from REJECTED (or DENIED) to MATCHING.
    for start in (State.REJECTED, State.DENIED):
        reachable, frontier = set(), [start]
        while frontier:
            for nxt in TRANSITIONS[frontier.pop()]:
                if nxt not in reachable:
                    reachable.add(nxt)
                    frontier.append(nxt)
        assert State.MATCHING not in reachable


def test_matching_needs_approval_first():
    for state in State:
        if State.MATCHING in TRANSITIONS[state]:
            assert state is State.APPROVED


def test_unknown_state_raises():
    with pytest.raises(IllegalTransition):
        check_transition("A/1", "nonsense", State.APPROVED)
