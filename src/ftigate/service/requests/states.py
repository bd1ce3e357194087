"""The request lifecycle as an explicit state machine.

A request only ever moves along an edge below; anything else raises :class:`IllegalTransition`,
so no code path can, say, disclose for a request nobody approved. The edges follow the flow (README.md):
submit -> validate -> review -> resolve identity -> disclose -> deliver -> safeguard and close.
"""

from __future__ import annotations

from enum import StrEnum

from ftigate.errors import IllegalTransition


class State(StrEnum):
    RECEIVED = "received"
    REJECTED = "rejected"                   # failed a hard requirement of the law (final)
    AWAITING_REVIEW = "awaiting_review"
    AWAITING_SECOND_APPROVAL = "awaiting_second_approval"  # dual control: one approval given
    APPROVED = "approved"
    DENIED = "denied"                       # a reviewer said no (final)
    MATCHING = "matching"
    DISCLOSED = "disclosed"                 # matching done, disclosures recorded
    DELIVERED = "delivered"                 # the encrypted package is ready for the recipients
    OVERDUE = "overdue"                     # destruction or return not certified by the deadline
    CLOSED = "closed"                       # destruction or return certified (final)


TRANSITIONS: dict[State, frozenset[State]] = {
    State.RECEIVED: frozenset({State.REJECTED, State.AWAITING_REVIEW}),
    State.AWAITING_REVIEW: frozenset({State.APPROVED, State.AWAITING_SECOND_APPROVAL, State.DENIED}),
    State.AWAITING_SECOND_APPROVAL: frozenset({State.APPROVED, State.DENIED}),
    State.APPROVED: frozenset({State.MATCHING}),
    State.MATCHING: frozenset({State.DISCLOSED}),
    State.DISCLOSED: frozenset({State.DELIVERED}),
    State.DELIVERED: frozenset({State.CLOSED, State.OVERDUE}),
    State.OVERDUE: frozenset({State.CLOSED}),
    State.REJECTED: frozenset(),
    State.DENIED: frozenset(),
    State.CLOSED: frozenset(),
}

FINAL: frozenset[State] = frozenset(s for s, targets in TRANSITIONS.items() if not targets)


def check_transition(request: str, current: str, target: State) -> State:
    """Return ``target`` if ``current -> target`` is an edge of the lifecycle, else raise."""
    try:
        state = State(current)
    except ValueError:
        raise IllegalTransition(request, current, target.value) from None
    if target not in TRANSITIONS[state]:
        raise IllegalTransition(request, state.value, target.value)
    return target
