"""Check that a request's stored match decisions are the ones the ledger recorded.

Each batch of match decisions went into the ledger as one ``match.decided`` entry carrying the
outcome counts and a keyed commitment to every decision of the batch; every subject of the batch is
stored with that entry's index (``subjects.decision_ledger_index``). So an overseer can take the
stored subjects entry by entry, rebuild the committed record (``decision_record``) and open the
commitment: a decision, TIN, probability or piece of evidence changed in the store after the fact
no longer opens it, and a subject moved out of its batch, or left outside every batch, shows too.

This checks the store against the ledger's entries; that the entries themselves are the ones the
signed checkpoints cover is what ``ledger.audit`` checks. Together they show that no decision was
quietly rewritten. Problems name ledger indices, counts and subject row numbers only: never a TIN,
a name or the requester's own subject reference.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ftigate.errors import FtigateError, NotFoundError
from ftigate.ledger import catalogue
from ftigate.ledger.commitments import DECISION_ROWS
from ftigate.progress import Progress
from ftigate.service.log import ledger
from ftigate.service.requests import lifecycle as req
from ftigate.service.requests.decision_record import changed_rows, encoded_decisions, outcome_counts
from ftigate.service.requests.states import State
from ftigate.service.store_access import transaction
from ftigate.settings import Settings
from ftigate.store import requests_store

#: states in which matching is over: every valid subject has a decision in some batch
PAST_MATCHING = frozenset({State.DISCLOSED, State.DELIVERED, State.OVERDUE, State.CLOSED})
#: how many subject row numbers a problem lists before it only counts them
ROWS_SHOWN = 10
#: the stored columns a decision is made of (the subject's name, address and TIN are not read on)
DECISION_COLUMNS = ("id", "row_number", "outcome", "matched_tin", "match_probability", "evidence", "decision_digest")


class DecisionsNotAsRecorded(FtigateError):
    """A request's stored decisions differ from what the ledger recorded, or cannot be checked."""

    exit_code = 1


@dataclass(frozen=True)
class DecisionProblem:
    ledger_index: int | None   # the match.decided entry concerned; None for decisions outside every entry
    message: str               # counts and row numbers at most, never a TIN or a name


@dataclass(frozen=True)
class DecisionAudit:
    ref: str
    batches: int               # match.decided entries the stored subjects name
    decisions: int             # stored subjects that name one
    problems: list[DecisionProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "ref": self.ref, "batches": self.batches, "decisions": self.decisions,
                "problems": [{"ledger_index": p.ledger_index, "message": p.message} for p in self.problems]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DecisionAudit:
        """The audit as :meth:`to_json` wrote it (what the HTTP API answers)."""
        return cls(str(data["ref"]), int(data["batches"]), int(data["decisions"]),
                   [DecisionProblem(p.get("ledger_index"), str(p["message"])) for p in data.get("problems", [])])

    def raise_if_problems(self) -> None:
        """For callers that must fail on any problem (the command exits 1)."""
        if self.problems:
            first = self.problems[0]
            where = f"entry {first.ledger_index}: " if first.ledger_index is not None else ""
            raise DecisionsNotAsRecorded(f"{self.ref}: {len(self.problems)} problem(s) with the recorded match "
                                         f"decisions; the first: {where}{first.message}")


def verify_decisions(settings: Settings, ref: str,
                     progress: Progress | None = None) -> DecisionAudit:
    """Check every stored match decision of request ``ref`` against its ``match.decided`` entry.

    ``progress("checking decisions", done, total)`` is told after each batch: a request of 1.3 million subjects takes minutes.
    """
    with transaction(settings) as conn:
        row = req.load(conn, ref)
        ref = req.ref_of(row)
        pk = row["id"]
        indices = requests_store.decision_batches(conn, pk)
        total = row["subjects_valid"]
        unlogged = requests_store.unbatched_decisions(conn, pk, include_pending=row["state"] in PAST_MATCHING)
        logged = [e["ledger_index"] for e in requests_store.request_events(conn, pk)
                  if e["kind"] == catalogue.Kind.MATCH_DECIDED and e["ledger_index"] is not None]

    problems: list[DecisionProblem] = []
    decisions = 0
    for index in indices:  # one batch in memory at a time
        with transaction(settings) as conn:
            rows = [dict(r) for r in requests_store.batch_decisions(conn, pk, index, DECISION_COLUMNS)]
        decisions += len(rows)
        problems.extend(_check_batch(settings, ref, index, rows))
        if progress:
            progress("checking decisions", decisions, total)
    for index in sorted(set(logged) - set(indices)):
        problems.extend(_check_unclaimed(settings, ref, index))
    if unlogged:
        problems.append(DecisionProblem(None, f"{len(unlogged):,} subject(s) with a decision name no match.decided "
                                              f"entry ({_rows(unlogged)}): their decisions cannot be checked"))
    return DecisionAudit(ref, len(indices), decisions, problems)


def _rows(numbers: Sequence[int]) -> str:
    shown = ", ".join(str(n) for n in sorted(numbers)[:ROWS_SHOWN])
    more = f" and {len(numbers) - ROWS_SHOWN:,} more" if len(numbers) > ROWS_SHOWN else ""
    return f"row{'s' if len(numbers) > 1 else ''} {shown}{more}"


def _entry(settings: Settings, index: int) -> catalogue.Entry | None:
    """The ledger entry at ``index``, or None if there is none or its stored bytes are no catalogued
    event (an entry edited in the store; ``ledger.audit`` says more)."""
    try:
        return ledger.entry(settings, index)
    except (NotFoundError, catalogue.UncataloguedEntry):
        return None


def _check_batch(settings: Settings, ref: str, index: int, rows: list[dict[str, Any]]) -> list[DecisionProblem]:
    """The stored subjects that name entry ``index`` against that entry."""
    entry = _entry(settings, index)
    if entry is None:
        return [DecisionProblem(index, f"{len(rows):,} stored decision(s) ({_rows([r['row_number'] for r in rows])}) "
                                       "name a ledger entry that does not exist or cannot be read")]
    decided = entry.event
    if not isinstance(decided, catalogue.MatchDecided):
        return [DecisionProblem(index, f"{len(rows):,} stored decision(s) ({_rows([r['row_number'] for r in rows])}) "
                                       f"name a {entry.kind.value!r} entry, not a batch of match decisions")]
    if entry.request != ref:
        return [DecisionProblem(index, f"{len(rows):,} stored decision(s) ({_rows([r['row_number'] for r in rows])}) "
                                       "name a batch of match decisions of another request")]
    problems = []
    if decided.subjects != len(rows):
        problems.append(DecisionProblem(index, f"the entry records {decided.subjects} decision(s); "
                                               f"{len(rows):,} stored subject(s) name it"))
    counts = outcome_counts(rows)
    if decided.outcomes != counts:
        problems.append(DecisionProblem(index, f"the entry records outcomes {_counts(decided.outcomes)}; "
                                               f"the store holds {_counts(counts)}"))
    if not _opens(settings, rows, decided.encoding, decided.commitment):
        changed = [r["row_number"] for r in changed_rows(rows)] if decided.encoding == DECISION_ROWS else []
        which = (f"the stored decision of {_rows(changed)} is not the one recorded (its outcome, matched TIN, "
                 "probability or evidence was changed after it was recorded)" if changed else
                 "an outcome, matched TIN, probability or evidence was changed after it was recorded, or a subject "
                 "was moved into or out of the batch")
        problems.append(DecisionProblem(index, f"the stored decisions do not open the entry's commitment: {which}"))
    return problems


def _check_unclaimed(settings: Settings, ref: str, index: int) -> list[DecisionProblem]:
    """A batch of this request that the events name but no stored subject claims."""
    entry = _entry(settings, index)
    if entry is None or not isinstance(entry.event, catalogue.MatchDecided) or entry.request != ref:
        return [DecisionProblem(index, "the request's events name this entry as a batch of its match decisions, "
                                       "but the ledger holds no such entry there")]
    return [DecisionProblem(index, f"the entry records a batch of {entry.event.subjects} decision(s) of this "
                                   "request, but no stored subject names it")]


def _counts(value: Mapping[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))) or "none"


def _opens(settings: Settings, rows: list[dict[str, Any]], encoding: str, commitment: str) -> bool:
    """Do the stored decisions, in the encoding the entry names, open its commitment?"""
    try:
        return ledger.opens_bytes(settings, encoded_decisions(rows, encoding), commitment)
    except (ValueError, FtigateError):  # a stored value with no form in the encoding was not what was committed to
        return False
