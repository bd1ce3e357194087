"""service.requests.decision_batches: the matcher's decisions (as columns) cut into the batches they are
written in, and each batch prepared.

A batch must hold exactly the results a sort of all of them by place in the request would give, cut
every ``size`` results, whichever of them arrive as columns and whichever as built results (the
invalid subjects'); an answer about a subject the request did not ask about is counted, never placed;
and a batch prepared from the columns written to a file (as a process of its own reads them) is the
batch prepared from the columns in memory.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import shutil
import stat
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_lifecycle import population  # noqa: F401  (the lifecycle's fixtures)

from ftigate import identity
from ftigate.crypto import plain_text
from ftigate.service.requests.decision_batches import (
    DISCLOSED_FIELDS,
    DecisionBatches,
    disclosure_rows,
    prepare_on_file,
)
from ftigate.service.requests.decision_record import encoded_decisions

#: a commitment key for the tests' batches (the gateway's is read from its keys folder)
_KEY = bytes(range(32))


@pytest.fixture(scope="module")
def decided(tmp_path_factory, population, trained_models) -> identity.Decided:
    """The 300-subject batch matched once for the module, its decisions as columns."""
    master, subjects, _ = population
    work = tmp_path_factory.mktemp("match")
    for model in trained_models.glob("model-*.json"):
        shutil.copy2(model, work / model.name)
    result = identity.resolve_columns(master, subjects, work_dir=work)
    for model in work.glob("model-*.json"):
        if not (trained_models / model.name).exists():
            shutil.copy2(model, trained_models / model.name)
    assert result.table is not None and result.table.num_rows > 200
    return result


def _all_results(decided: identity.Decided) -> list[identity.MatchResult]:
    return [*decided.invalid, *identity.decided_results(decided.table, decided.rule)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**32 - 1), size=st.integers(1, 120), moved_share=st.floats(0.0, 0.5))
def test_batches_are_the_results_in_the_requests_order_cut_by_size(decided, seed, size, moved_share):
    rng = random.Random(seed)
    results = _all_results(decided)
    places = list(range(len(results)))
    rng.shuffle(places)
    order = {r.subject_id: place for r, place in zip(results, places, strict=True)}
    # some valid subjects' results arrive already built (as the invalid ones do), the rest as columns
    rows = decided.table
    moved = set(rng.sample(range(rows.num_rows), int(rows.num_rows * moved_share)))
    built = identity.decided_results(rows, decided.rule)
    mixed = identity.Decided([*decided.invalid, *(built[i] for i in sorted(moved))],
                             rows.take([i for i in range(rows.num_rows) if i not in moved]), decided.rule)

    batches = DecisionBatches.cut(mixed, order, size)
    expected = sorted(results, key=lambda r: order[r.subject_id])
    got = [batches.results(n) for n in range(len(batches))]
    assert got == [expected[start:start + size] for start in range(0, len(expected), size)]
    assert [batches.size(n) for n in range(len(batches))] == [len(batch) for batch in got]
    assert batches.strays == 0 and batches.total == len(results)
    assert batches.matched_tins().to_pylist() == sorted({r.tin for r in results if r.outcome == "match" and r.tin})


def test_an_answer_about_a_subject_nobody_asked_about_is_a_stray(decided):
    built = identity.decided_results(decided.table, decided.rule)
    left_out = {r.subject_id for r in built[:5]}  # the request did not ask about five of the valid subjects
    asked = [r for r in _all_results(decided) if r.subject_id not in left_out]
    order = {r.subject_id: place for place, r in enumerate(asked)}
    batches = DecisionBatches.cut(decided, order, 40)
    assert batches.strays == 5
    assert [r for n in range(len(batches)) for r in batches.results(n)] == asked


def _keyed(decided: identity.Decided, size: int) -> DecisionBatches:
    """The valid subjects' decisions cut into batches of ``size``, each subject named by a whole number
    (the gateway's subject keys are: the prepared decisions name the subject by its key)."""
    results = _all_results(decided)
    order = {r.subject_id: place for place, r in enumerate(sorted(results, key=lambda r: r.subject_id))}
    keyed = identity.Decided([], decided.table.set_column(
        decided.table.schema.get_field_index("subject_id"), "subject_id",
        pa.array([str(order[key]) for key in decided.table.column("subject_id").to_pylist()])), decided.rule)
    return DecisionBatches.cut(keyed, {str(place): place for place in order.values()}, size)


def test_a_batch_prepared_from_the_columns_on_file_is_the_batch_prepared_in_memory(decided, population, tmp_path):
    master = population[0]
    batches = _keyed(decided, 40)
    batches = batches.with_identities(identity.disclosable_identities(master, batches.matched_tins()))
    path = batches.write(tmp_path / "decided.arrow")
    assert stat.S_IMODE(Path(path).stat().st_mode) == 0o600  # it names taxpayers
    prepared = [batches.prepare(n, {}, _KEY) for n in range(len(batches))]
    assert [prepare_on_file(batches.on_file(path, n), {}, _KEY) for n in range(len(batches))] == prepared
    assert sum(len(p.disclosing) for p in prepared) > 100
    for n, batch in enumerate(prepared):  # the commitment is the keyed hash of the batch's decision lines
        rows = [{"id": subject, "outcome": outcome, "matched_tin": tin, "match_probability": probability,
                 "evidence": json.loads(evidence)} for outcome, tin, probability, evidence, _, subject in batch.decisions]
        assert batch.error is None and len(batch.decisions) == batches.size(n)
        assert batch.commitment == hmac.new(_KEY, encoded_decisions(rows), hashlib.sha256).hexdigest()
        assert batch.commitment != batches.prepare(n, {}, b"k" * 32).commitment


def test_each_match_is_disclosed_with_its_own_taxpayers_identity_and_nothing_else_is(decided, population):
    """The identities joined as columns are the records :func:`identity.disclosable_identity` gives, each
    beside the subject matched to its TIN; a subject that is no match has none, and a match whose
    taxpayer has no address record is disclosed about nobody."""
    master = population[0]
    batches = _keyed(decided, 25)
    tins = batches.matched_tins().to_pylist()
    records = identity.disclosable_identity(master, tins)
    missing = tins[0]  # as if the master file had no address record for the first matched taxpayer
    found = identity.disclosable_identities(master, tins)
    batches = batches.with_identities(found.filter(pc.not_equal(found.column("tin"), missing)))
    for n in range(len(batches)):
        chunk = batches.results(n)
        joined = batches.on_file(None, n).identities(batches.table)
        assert joined == {r.tin: records[r.tin] for r in chunk if r.outcome == "match" and r.tin != missing}
        prepared = batches.prepare(n, {}, _KEY)
        assert sorted(prepared.tins) == sorted(r.tin for r in chunk if r.outcome == "match" and r.tin)
        disclosed = {(subject, tin) for subject, tin, _, _ in prepared.disclosing}
        assert disclosed == {(int(r.subject_id), r.tin) for r in chunk if r.outcome == "match" and r.tin != missing}


def test_the_evidence_written_in_bulk_is_the_evidence_python_builds(decided, population):
    """Each stored decision's evidence, written by DuckDB for the batch, is the row encoder's text of the
    evidence Python builds for the same result; where a decision adds to it (a match whose taxpayer has
    no address record), it is read back, added to and written again."""
    master = population[0]
    batches = _keyed(decided, 60)
    tins = batches.matched_tins().to_pylist()
    missing = tins[0]
    found = identity.disclosable_identities(master, tins)
    batches = batches.with_identities(found.filter(pc.not_equal(found.column("tin"), missing)))
    encoder = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
    added = 0
    for n in range(len(batches)):
        built = {int(r.subject_id): r for r in batches.results(n)}
        _, texts = batches.on_file(None, n).results_and_evidence(batches.table)
        assert None not in texts  # every row of a real batch written in bulk
        for outcome, _, _, text, _, subject in batches.prepare(n, {}, _KEY).decisions:
            expected = dict(built[subject].evidence)
            if built[subject].tin == missing and built[subject].outcome == "match":
                assert outcome == "no_match"
                expected["error"] = "matched TIN has no address record"
                added += 1
            assert text == encoder.encode(expected)
    assert added >= 1


@settings(max_examples=300, deadline=None)
@given(values=st.lists(st.one_of(st.text(st.characters(codec=None, exclude_categories=()), max_size=8), st.none(),
                                 st.sampled_from(['"', "\\", "\x00", "\x1f", "\x7f", "\u2028", "é"])),
                       min_size=9, max_size=9),
       period=st.integers(1900, 2100))
def test_a_disclosures_fields_are_kept_in_their_rfc8785_text(values, period):
    """Written from the template a value at a time, a disclosure's fields are the text the encoder gives
    the same fields (a missing value as empty text), whatever the values hold."""
    record = identity.IdentityRecord("900000001", *values, str(period))
    [(subject, tin, text, tax_period)] = disclosure_rows([(7, "900000001", record)])
    fields = dict(zip(DISCLOSED_FIELDS, values, strict=True))
    assert text == plain_text(fields if None not in values else {k: v or "" for k, v in fields.items()})
    assert (subject, tin, tax_period) == (7, "900000001", period)
