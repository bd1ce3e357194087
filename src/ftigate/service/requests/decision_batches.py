"""A request's decisions cut into batches and prepared for writing: no database, no ledger.

The matcher's decisions arrive as columns (``identity.resolve_columns``). They are cut into the
batches they are written in (:class:`DecisionBatches`), the matched taxpayers' disclosable identities
joined to them as columns (:meth:`DecisionBatches.with_identities`), and each batch is prepared (:func:`prepare`):
its results built from its rows, each decided as the law allows (withheld, no address record, fail
closed), encoded as its ``match.decided`` entry commits to it, and its disclosures put in the form
the store keeps. ``service.requests.disclose`` writes the batches, each in one transaction, and
prepares the next ones meanwhile, in processes of their own for a large request
(:func:`prepare_on_file` reads the columns from a file there).
"""

from __future__ import annotations

import json
import operator
import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple, cast

from ftigate import identity, law
from ftigate.crypto import plain_text
from ftigate.ledger.commitments import EvidenceText, commit_bytes
from ftigate.service.requests.decision_record import encoded_batch, outcome_counts
from ftigate.tabular import PRIVATE

DISCLOSED_FIELDS = ("first_name", "middle_name", "last_name", "suffix",
                    "address_line1", "address_line2", "city", "state", "zip")
#: a taxpayer's disclosed values, in :data:`DISCLOSED_FIELDS` order, read in one call
_DISCLOSED_VALUES = operator.attrgetter(*DISCLOSED_FIELDS)
#: the same in the order RFC 8785 writes an object's members (by name), and the RFC 8785 text of the
#: disclosed fields with a place for each value's (quoted) text: what :func:`~ftigate.crypto.plain_text`
#: writes of them when every value is text
_SORTED_VALUES = operator.attrgetter(*sorted(DISCLOSED_FIELDS))
_FIELDS_TEXT = "{" + ",".join(f'"{name}":%s' for name in sorted(DISCLOSED_FIELDS)) + "}"
#: the columns the matched taxpayer's disclosable identity is joined to a decision's row in
_JOINED = tuple(f"identity.{name}" for name in identity.IDENTITY_COLUMNS)


@dataclass(frozen=True)
class DecisionBatches:
    """A request's decisions cut into the batches they are written in: in the request's own order by
    subject key (the matcher answers in its own), ``size`` subjects each (``disclose.BATCH``), so
    that a run resumed after an interruption cuts the same batches from the subjects still pending,
    and the ledger records the same decisions in the same entries as a run nobody interrupted.

    The valid subjects' decisions stay the matcher's columns (``table``, sorted by place in the
    request, ``_place``); a batch's results are built from its rows only where it is prepared, and so
    are its matched taxpayers' identities, from the columns :meth:`with_identities` joins to them.
    A match among the results that arrive built (``invalid``) has no identity joined: it is
    disclosed about nobody (fail closed); intake's invalid subjects are never matches."""

    table: Any  # pyarrow.Table or None
    invalid: list[tuple[int, identity.MatchResult]]  # (place, result), by place
    bounds: list[tuple[int, int, int, int]]  # each batch's rows of table and of invalid, [start, end)
    rule: identity.DecisionRule
    strays: int  # answers about subjects the request did not ask about
    total: int

    @classmethod
    def cut(cls, decided: identity.Decided, order: dict[str, int], size: int) -> DecisionBatches:
        """Cut ``decided`` into batches of ``size`` by ``order`` (subject key -> place in the request).
        An answer about a key ``order`` lacks is counted in ``strays`` and left out of every batch."""
        import numpy as np
        import pyarrow as pa
        import pyarrow.compute as pc

        invalid = sorted(((order[r.subject_id], r) for r in decided.invalid if r.subject_id in order),
                         key=operator.itemgetter(0))
        strays = sum(1 for r in decided.invalid if r.subject_id not in order)
        table, places = decided.table, np.empty(0, dtype=np.int64)
        if table is not None:
            # each row's place: its key looked up among ``order``'s keys in Arrow (-1: not asked about)
            keys = table.column("subject_id")
            found = pc.index_in(keys, value_set=pa.array(list(order), type=pa.string()).cast(keys.type))
            place_of = np.append(np.fromiter(order.values(), dtype=np.int64, count=len(order)), -1)
            places = place_of[found.fill_null(-1).to_numpy()]
            asked = places >= 0
            strays += int((~asked).sum())
            by_place = np.flatnonzero(asked)[np.argsort(places[asked], kind="stable")]
            places = places[by_place]
            table = table.take(pa.array(by_place)).append_column("_place", pa.array(places))
        invalid_places = np.array([place for place, _ in invalid], dtype=np.int64)
        every = np.sort(np.concatenate([places, invalid_places]))
        bounds, row, item = [], 0, 0
        for start in range(0, len(every), size):
            last = every[min(start + size, len(every)) - 1]
            row_end = int(np.searchsorted(places, last, side="right"))
            item_end = int(np.searchsorted(invalid_places, last, side="right"))
            bounds.append((row, row_end, item, item_end))
            row, item = row_end, item_end
        return cls(table, invalid, bounds, decided.rule, strays, len(every))

    def __len__(self) -> int:
        return len(self.bounds)

    def size(self, n: int) -> int:
        row, row_end, item, item_end = self.bounds[n]
        return row_end - row + item_end - item

    def results(self, n: int) -> list[identity.MatchResult]:
        """Batch ``n``'s results, in the request's order."""
        return self.on_file(None, n).results(self.table)

    def prepare(self, n: int, withheld: dict[str, str], key: bytes) -> Prepared:
        """Batch ``n`` prepared here (:func:`prepare`)."""
        return self.on_file(None, n).prepare(self.table, withheld, key)

    def with_identities(self, identities: Any) -> DecisionBatches:
        """These batches with each match's disclosable identity joined to its row: ``identities`` as
        :func:`~ftigate.identity.disclosable_identities` gives them (one row per TIN found), joined by
        the matched TIN, as columns the batch's preparation reads (a row that is no match, or whose
        TIN was not found, has none). Done in Arrow: a million taxpayers, not a million records."""
        import pyarrow as pa
        import pyarrow.compute as pc

        if self.table is None:
            return self
        found = pc.index_in(self.table.column("best_tin"), value_set=identities.column("tin"))
        found = pc.if_else(pc.equal(self.table.column("outcome"), "match"), found, pa.scalar(None, found.type))
        table = self.table
        for name, joined in zip(identity.IDENTITY_COLUMNS, _JOINED, strict=True):
            table = table.append_column(joined, identities.column(name).take(found))
        return replace(self, table=table)

    def on_file(self, path: str | None, n: int) -> BatchOnFile:
        """Batch ``n`` as a process of its own is given it: its rows of the columns written to ``path``
        (:meth:`write`), and its results that arrive built."""
        row, row_end, item, item_end = self.bounds[n]
        return BatchOnFile(path, row, row_end, self.invalid[item:item_end], self.rule)

    def matched_tins(self) -> Any:
        """Every TIN the request's results matched, once each, sorted: Arrow text (``pyarrow.Array``),
        picked from the columns in Arrow, not a million values one at a time."""
        import pyarrow as pa
        import pyarrow.compute as pc

        found = [pa.array([r.tin for _, r in self.invalid if r.outcome == "match" and r.tin], type=pa.string())]
        if self.table is not None:
            tins = self.table.column("best_tin").filter(pc.equal(self.table.column("outcome"), "match"))
            found.append(tins.combine_chunks().cast(pa.string()))  # a row with no outcome: left out
        tins = pc.unique(pa.concat_arrays(found)).drop_null()
        tins = tins.filter(pc.not_equal(tins, ""))
        return tins.take(pc.array_sort_indices(tins))

    def write(self, path: Path) -> str:
        """The columns in a private Arrow file at ``path``, which another process maps; its name."""
        import pyarrow as pa

        path.unlink(missing_ok=True)
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE), "wb") as out:
            if self.table is not None:
                with pa.ipc.new_file(out, self.table.schema) as writer:
                    writer.write_table(self.table)
        return str(path)


@dataclass(frozen=True)
class BatchOnFile:
    """One batch as a process of its own is given it: small to send (row numbers, not rows)."""

    path: str | None  # the columns' file (None: read here, from the table given)
    row: int  # the batch's rows of the columns, [row, row_end)
    row_end: int
    invalid: list[tuple[int, identity.MatchResult]]  # its results that arrive built, (place, result)
    rule: identity.DecisionRule

    def prepare(self, table: Any, withheld: dict[str, str], key: bytes) -> Prepared:
        """The batch prepared (:func:`prepare`), its rows and its taxpayers' identities read from ``table``."""
        results, texts = self.results_and_evidence(table)
        return prepare(results, withheld, self.identities(table), key, texts)

    def identities(self, table: Any) -> dict[str, identity.IdentityRecord]:
        """The disclosable identities joined to the batch's rows of ``table``, by TIN."""
        if self.row_end == self.row or _JOINED[0] not in table.column_names:
            return {}
        import pyarrow.compute as pc

        rows = table.slice(self.row, self.row_end - self.row).select(list(_JOINED))
        rows = rows.filter(pc.is_valid(rows.column(0)))  # the rows with an identity joined: the matches
        return identity.identity_records([column.to_pylist() for column in rows.columns])

    def results(self, table: Any) -> list[identity.MatchResult]:
        """The batch's results in the request's order, its rows read from ``table``."""
        rows = self._rows(table)
        return self._in_order(table, identity.decided_results(rows, self.rule) if rows is not None else [])

    def results_and_evidence(self, table: Any) -> tuple[list[identity.MatchResult], list[str | None]]:
        """:meth:`results`, and beside each its evidence as the stored decision keeps it (JSON text),
        where the matcher writes it in bulk (:func:`~ftigate.identity.evidence_texts`); such a result
        carries no evidence of its own. Where the text is ``None`` (the results that arrive built, and
        any row the bulk writer leaves to Python), the result carries its evidence built."""
        rows = self._rows(table)
        if rows is None:
            return self._in_order(table, []), [None] * len(self.invalid)
        texts = identity.evidence_texts(rows, self.rule)
        built = identity.decided_outcomes(rows)
        missing = [n for n, text in enumerate(texts) if text is None]
        if missing:
            import pyarrow as pa

            for n, result in zip(missing, identity.decided_results(rows.take(pa.array(missing)), self.rule),
                                 strict=True):
                built[n] = result
        if not self.invalid:
            return built, texts
        ordered = self._in_order(table, list(zip(built, texts, strict=True)),
                                 [(place, (result, None)) for place, result in self.invalid])
        return [result for result, _ in ordered], [text for _, text in ordered]

    def _rows(self, table: Any) -> Any:
        """The batch's rows of the decision's columns (None: it has none), without the joined identities."""
        count = self.row_end - self.row
        rows = table.slice(self.row, count) if count else None
        if rows is not None and _JOINED[0] in rows.column_names:
            rows = rows.drop_columns(list(_JOINED))
        return rows

    def _in_order(self, table: Any, built: list[Any], invalid: list[tuple[int, Any]] | None = None) -> list[Any]:
        """The batch's items built from its rows (``built``, in the rows' order) and those that arrive built
        (``invalid``, by place; the batch's own by default), together in the request's order."""
        invalid = self.invalid if invalid is None else invalid
        if not invalid:
            return built
        count = self.row_end - self.row
        places = table.column("_place").slice(self.row, count).to_pylist() if count else []
        return [r for _, r in sorted([*zip(places, built, strict=True), *invalid], key=operator.itemgetter(0))]


#: the columns a preparing process has mapped, by file name (one request's at a time)
_MAPPED: dict[str, Any] = {}


def prepare_on_file(batch: BatchOnFile, withheld: dict[str, str], key: bytes) -> Prepared:
    """``batch`` built from the columns in its file and prepared (:meth:`BatchOnFile.prepare`): what a
    preparing process is asked. The file is mapped once per process, not read into its memory."""
    table = None
    if batch.path is not None and batch.row_end > batch.row:
        if batch.path not in _MAPPED:
            import pyarrow as pa

            _MAPPED.clear()
            _MAPPED[batch.path] = pa.ipc.open_file(pa.memory_map(batch.path)).read_all()
        table = _MAPPED[batch.path]
    return batch.prepare(table, withheld, key)


def warm_up() -> None:
    """What a preparing process is asked first, while the matched taxpayers' identities are still being
    read: the modules a batch's preparation needs, imported before the first batch is asked."""
    import pyarrow.compute
    import pyarrow.ipc

    from ftigate.identity import model

    del pyarrow, model


#: one decision as the store keeps it: outcome, matched TIN, probability, evidence as the committed line
#: writes it (JSON text), the line's digest, subject key
StoredDecision = tuple[str, str | None, float | None, str | None, str | None, int]
#: one disclosure as the store keeps it: subject key, TIN, the disclosed fields in RFC 8785 text, tax period
DisclosureRow = tuple[int, str, str, int]


class Prepared(NamedTuple):
    """A batch of decisions ready to be written, as :func:`prepare` makes it."""

    decisions: list[StoredDecision]
    commitment: str | None  # the batch's entry's commitment to its decisions; None when a decision has no such form
    error: str | None  # why not
    outcomes: dict[str, int]
    disclosing: list[DisclosureRow]
    tins: list[str]  # the TINs the batch's results matched, withheld or not: what the withhold list is asked about


def prepare(chunk: list[identity.MatchResult], withheld: dict[str, str], identities: dict[str, Any],
            key: bytes, texts: Sequence[str | None] | None = None) -> Prepared:
    """A batch decided (:func:`decide`), encoded as its ledger entry commits to it and committed to with
    the gateway's commitment ``key``, and its disclosures in the form the store keeps. Pure: the same in
    a thread or in a process of its own (which is given the key, so that a batch's megabytes of decision
    lines are hashed where they are written and never sent back). ``texts``: beside each result, its
    evidence already as the stored text, or ``None`` (the result's own evidence is encoded)."""
    updates, disclosing = decide(chunk, withheld, identities, texts)
    counts = outcome_counts(updates)
    tins = [r.tin for r in chunk if r.outcome == "match" and r.tin]
    try:
        committed, digests = encoded_batch(updates)
    except ValueError as exc:  # raised in the batch's own turn, which records nothing of it
        return Prepared([], None, str(exc), counts, [], tins)
    decisions: list[StoredDecision] = []
    for u in updates:
        digest, text = digests[u["id"]]
        decisions.append((u["outcome"], u["matched_tin"], u["match_probability"], text, digest, u["id"]))
    return Prepared(decisions, commit_bytes(key, committed), None, counts, disclosure_rows(disclosing), tins)


def disclosure_rows(items: list[tuple[int, str, Any]]) -> list[DisclosureRow]:
    """Each disclosure ``(subject key, TIN, identity)`` as the store keeps it: the taxpayer's disclosed
    values (a missing one as empty text) in RFC 8785 text, and the tax period they are from."""
    rows, quote = [], json.encoder.encode_basestring
    for subject, tin, ident in items:
        try:  # every value text: the object written from its template, a value at a time
            text = _FIELDS_TEXT % tuple(map(quote, _SORTED_VALUES(ident)))
        except TypeError:  # a value that is not text: written by the encoder, a missing one as empty text
            values = _DISCLOSED_VALUES(ident)
            text = plain_text(dict(zip(DISCLOSED_FIELDS, values, strict=True)) if None not in values
                              else {name: value or "" for name, value in zip(DISCLOSED_FIELDS, values, strict=True)})
        rows.append((subject, tin, text, int(ident.tax_period)))
    return rows


def decide(chunk: list[identity.MatchResult], withheld: dict[str, str], identities: dict[str, Any],
           texts: Sequence[str | None] | None = None) -> tuple[list[dict[str, Any]], list[tuple[int, str, Any]]]:
    """Each result of a batch as the decision stored and committed to (``updates``), and the subjects
    disclosed about, ``(subject key, TIN, identity)``: a match is disclosed only with a TIN, off the
    withhold list, whose taxpayer has an address record; anything else is no disclosure (fail closed).
    The matcher's evidence is copied only where a decision adds to it (it is only read afterwards);
    given as text (``texts``), it is kept as it is (:class:`~ftigate.ledger.commitments.EvidenceText`),
    and read back only where a decision adds to it."""
    updates, disclosing = [], []
    for result, text in zip(chunk, texts if texts is not None else [None] * len(chunk), strict=True):
        subject = int(result.subject_id)
        outcome: str = result.outcome
        tin = result.tin
        evidence: Any = EvidenceText(text) if text is not None else result.evidence or {}
        if outcome == "match":
            if tin is None:  # fail closed: nothing to disclose about nobody
                outcome, evidence = "no_match", {**_read(evidence), "error": "a match without a TIN"}
            else:
                finding = law.withhold(tin, withheld) if withheld else None
                if finding is not None:
                    outcome, evidence = "withheld", {**_read(evidence), "withheld": finding.to_json()}
                elif tin not in identities:
                    outcome, evidence = "no_match", {**_read(evidence), "error": "matched TIN has no address record"}
                else:
                    disclosing.append((subject, tin, identities[tin]))
        updates.append({"id": subject, "outcome": outcome, "evidence": evidence,
                        "matched_tin": tin if outcome in ("match", "withheld") else None,
                        "match_probability": result.match_probability})
    return updates, disclosing


def _read(evidence: Any) -> dict[str, Any]:
    """Evidence as a dictionary, to add to: given as text, read back."""
    return cast(dict[str, Any], json.loads(evidence.text)) if type(evidence) is EvidenceText else evidence
