"""Identity resolution: disclose only on a confident, unique match whose address is confirmed.

The public interface of the identity layer (the rest of the package is internals):

* :func:`resolve` matches a subjects file against the taxpayer master file and yields one
  :class:`MatchResult` per subject: ``match``, ``no_match``, ``ambiguous`` or ``invalid``, each
  with its evidence.
* :func:`disclosable_identity` gives, for matched TINs, the identity the law lets the agency
  disclose (26 U.S.C. 6103(i)(2)(C), 6103(b)(6)): name and last known address;
  :func:`disclosable_identities` the same as columns, for a caller with a million of them.
* :class:`MatchingModel` is the model that scored them, trained from the master file alone; its
  digest is recorded with the decisions.
* :func:`write_results` writes results in the contract's match-results format.
* :func:`normalise_name`, :func:`normalise_address` and :func:`normalise_records` show how values
  are compared.

How the decision is made is documented in docs/identity.md and :mod:`ftigate.identity.decision`.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Generator, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ftigate.errors import InputError
from ftigate.formats import MATCH_COLUMNS
from ftigate.identity.decision import REASONS, SCALE, DecisionRule
from ftigate.identity.disclose import (
    IDENTITY_COLUMNS,
    IdentityRecord,
    disclosable_identities,
    disclosable_identity,
    identity_records,
)
from ftigate.identity.evidence_text import evidence_texts
from ftigate.identity.model import MODEL_VERSION
from ftigate.identity.normalise import (
    NormalisedAddress,
    NormalisedName,
    normalise_address,
    normalise_name,
    normalise_records,
)
from ftigate.identity.training import MatchingModel
from ftigate.progress import Progress
from ftigate.settings import MatchResources
from ftigate.tabular import PRIVATE, write_rows

Outcome = Literal["match", "no_match", "ambiguous", "invalid"]
ENGINES: tuple[str, ...] = ("duckdb", "spark")
#: names the comparisons, blocking and decision rule that produced a result, with the fingerprint
#: of the rule's thresholds (as the policy version carries the law's): recorded with every batch of
#: decisions, so an overseer can tell which version of the matcher decided what
MATCHER_VERSION = f"{MODEL_VERSION}+{DecisionRule().fingerprint()[:12]}"

__all__ = [
    "ENGINES",
    "IDENTITY_COLUMNS",
    "MATCHER_VERSION",
    "Decided",
    "DecisionRule",
    "IdentityRecord",
    "MatchResources",
    "MatchResult",
    "MatchingModel",
    "NormalisedAddress",
    "NormalisedName",
    "Outcome",
    "decided_outcomes",
    "decided_results",
    "disclosable_identities",
    "disclosable_identity",
    "evidence_texts",
    "identity_records",
    "normalise_address",
    "normalise_name",
    "normalise_records",
    "resolve",
    "resolve_columns",
    "write_results",
]


@dataclass
class MatchResult:
    """The outcome for one subject, with the evidence it rests on.

    ``tin`` is set only for a ``match``. ``match_probability`` is the best candidate's probability
    (None when there was no candidate or the subject is invalid). ``evidence`` holds the reason,
    the per-field agreement levels, the match weight, the runner-up's TIN and probability, and for
    an invalid subject the failing rules and their messages.
    """

    subject_id: str
    outcome: Outcome
    tin: str | None
    match_probability: float | None
    evidence: dict[str, Any] = field(default_factory=dict)


def resolve(master: Path, subjects: Path, *, engine: str = "duckdb", work_dir: Path | None = None,
            progress: Progress | None = None,
            rule: DecisionRule | None = None, resources: MatchResources | None = None,
            on_model: Callable[[MatchingModel], None] | None = None,
            judged_under: str | None = None) -> Iterator[MatchResult]:
    """Match every subject against the master file; yield one result per subject row, in any order.

    ``master`` and ``subjects`` are CSV or Parquet files in the contract's formats. The master file
    is read by DuckDB, never whole into Python; the work (and the trained model, cached by the
    master file's SHA-256) lives in ``work_dir`` (else a temporary folder). ``progress(stage,
    fraction, 1.0)`` is told as the job advances; ``resources`` bound its memory (and the Spark
    engine's set-up). ``on_model`` is given the model that scores the subjects (its
    :attr:`~MatchingModel.sha256` and ``master_sha256`` identify it) before any result is yielded;
    it is trained from the master file alone, so the same request gets the same decisions whatever
    was matched before (:mod:`ftigate.identity.training`). Errors in the inputs raise
    :class:`~ftigate.errors.InputError` before any result is yielded.

    Each subject is judged by the law's per-subject rules (:func:`ftigate.law.subject_findings`)
    and an invalid one is an ``invalid`` result, unless the caller has judged them all already:
    ``judged_under`` is then the policy version (``ftigate.law.POLICY_VERSION``, alone or with its
    thresholds' fingerprint) under which every row of ``subjects`` was found valid by those rules.
    Only when it names the version in force are the subjects loaded without being judged again;
    any other value, or none, and they are judged here (fail closed).
    """
    rule = rule or DecisionRule()
    for invalid, batches, valid in _matching(master, subjects, engine=engine, work_dir=work_dir, progress=progress,
                                             rule=rule, resources=resources, on_model=on_model,
                                             judged_under=judged_under):
        yield from invalid
        yield from _results(batches, rule, valid, _reporter(progress))


@dataclass(frozen=True)
class Decided:
    """A request's matching with its decisions still as columns (:func:`resolve_columns`): the
    ``invalid`` subjects' results, and one row per valid subject in ``table`` (an Arrow table), which
    :func:`decided_results` turns into the very results :func:`resolve` yields, under ``rule``."""

    invalid: list[MatchResult]
    table: Any  # pyarrow.Table, or None when no subject was valid
    rule: DecisionRule


def resolve_columns(master: Path, subjects: Path, *, engine: str = "duckdb", work_dir: Path | None = None,
                    progress: Progress | None = None, rule: DecisionRule | None = None,
                    resources: MatchResources | None = None,
                    on_model: Callable[[MatchingModel], None] | None = None,
                    judged_under: str | None = None,
                    subjects_ready: Callable[[], object] | None = None) -> Decided:
    """:func:`resolve`, its decisions kept as columns: for a caller that cuts them into batches and
    builds each batch's results where it likes (another process), instead of holding a million
    result objects. The same arguments, the same checks, the same decisions.

    ``subjects_ready``: the caller is still writing the subjects file (in another thread) when this
    starts: ``subjects_ready()`` returns once the file is whole (or raises), and only then is the file
    opened, by a process of its own, while the master file is read and the model trained here."""
    import pyarrow as pa

    rule = rule or DecisionRule()
    report = _reporter(progress)
    matching = _matching(master, subjects, engine=engine, work_dir=work_dir, progress=progress, rule=rule,
                         resources=resources, on_model=on_model, judged_under=judged_under,
                         subjects_ready=subjects_ready)
    try:
        invalid, batches, _ = next(matching)
        report("deciding", 0.0)
        read = list(batches)  # read while the work database is open: closing the matching closes it
        report("deciding", 1.0)
    finally:
        matching.close()
    return Decided(invalid, pa.Table.from_batches(read) if read else None, rule)


def decided_results(table: Any, rule: DecisionRule) -> list[MatchResult]:
    """The results of rows of a :class:`Decided` table (or a slice of it), in its row order, under ``rule``."""
    from ftigate.identity.model import gamma_labels

    return _built(table, list(gamma_labels().items()), rule, rule.thresholds())


def decided_outcomes(table: Any) -> list[MatchResult]:
    """The results of rows of a :class:`Decided` table, in its row order, without their evidence (an
    empty dictionary each): for a caller that has the evidence as text already
    (:func:`~ftigate.identity.evidence_text.evidence_texts`), at a fraction of building it."""
    subject_ids, outcomes, tins, probabilities = (table.column(name).to_pylist() for name in (
        "subject_id", "outcome", "best_tin", "best_probability"))
    return [MatchResult(subject_id=subject_id, outcome=outcome, tin=tin if outcome == "match" else None,
                        match_probability=None if probability is None else float(probability))
            for subject_id, outcome, tin, probability in zip(subject_ids, outcomes, tins, probabilities, strict=True)]


def _reporter(progress: Progress | None) -> Callable[[str, float], None]:
    def report(stage: str, fraction: float) -> None:
        if progress is not None:
            progress(stage, fraction, 1.0)
    return report


def _matching(master: Path, subjects: Path, *, engine: str, work_dir: Path | None, progress: Progress | None,
              rule: DecisionRule, resources: MatchResources | None,
              on_model: Callable[[MatchingModel], None] | None, judged_under: str | None,
              subjects_ready: Callable[[], object] | None = None,
              ) -> Generator[tuple[list[MatchResult], Iterable[Any], int], None, None]:
    """The matching up to its decisions: yields once, ``(invalid results, the decision's Arrow record
    batches, how many subjects are valid)``, while its work database is open to read them."""
    from ftigate.identity import engine as job
    from ftigate.identity.sources import APART_FROM_BYTES, check_master, judged_under_current_law

    if engine not in ENGINES:
        raise InputError(f"unknown engine '{engine}': use one of {', '.join(ENGINES)}", field="engine")
    master, subjects = Path(master), Path(subjects)
    report = _reporter(progress)

    invalid: list[MatchResult] = []

    def on_invalid(number: int, row: dict[str, str], messages: list[str], rules: list[str]) -> None:
        invalid.append(MatchResult(
            subject_id=row.get("subject_id") or f"row {number}", outcome="invalid", tin=None,
            match_probability=None, evidence={"reasons": messages, "rules": rules, "row": number}))

    def reading_subjects(fraction: float) -> None:
        report("reading subjects", fraction)

    resources = resources or MatchResources()
    cache_dir = Path(work_dir) if work_dir else None
    with job.work_database(work_dir, resources) as (con, folder):
        model: MatchingModel | None = None

        def master_and_model() -> MatchingModel:
            report("reading master file", 0.0)
            records = job.prepare_master(con, master)
            report("reading master file", 1.0)
            report("training", 0.0)
            trained = job.trained_parameters(con, master, records, cache_dir, lambda f: report("training", f))
            report("training", 1.0)
            return trained

        judged = judged_under_current_law(judged_under)
        reading_subjects(0.0)
        def large() -> bool:
            return subjects.is_file() and subjects.stat().st_size >= APART_FROM_BYTES

        def read_here(apart: job.SubjectsApart | None = None) -> int:
            if apart is not None:
                return apart.load(con, on_invalid, reading_subjects)
            if judged:
                return job.prepare_judged_subjects(con, subjects, reading_subjects)
            return job.prepare_subjects(con, subjects, on_invalid, reading_subjects)

        if (subjects_ready is not None or large()) and job.can_read_apart():
            # a large file is read in a process of its own; one still being written (``subjects_ready``)
            # is waited for beside the master file, and then read apart if it is large, else here
            def start() -> job.SubjectsApart | None:
                if subjects_ready is not None:
                    subjects_ready()
                return job.SubjectsApart(subjects, folder, judged=judged) if large() else None

            valid, model = _read_apart(start, master_and_model, read_here)
        else:
            if subjects_ready is not None:
                subjects_ready()
            valid = read_here()
        reading_subjects(1.0)
        batches: Iterable[Any] = []
        if valid:
            if model is None:
                model = master_and_model()
            if on_model is not None:
                on_model(model)
            report("scoring candidates", 0.0)
            if engine == "spark":
                from ftigate.identity.spark_engine import predict_spark

                pairs = predict_spark(con, folder, model, rule, resources)
            else:
                pairs = job.predict_duckdb(con, model, rule)
            report("scoring candidates", 1.0)
            batches = job.decide(con, rule, pairs)
        else:
            check_master(con, master)
        yield invalid, batches, valid


def _read_apart(start: Callable[[], Any], master_and_model: Callable[[], MatchingModel],
                load: Callable[[Any], int]) -> tuple[int, MatchingModel | None]:
    """The subjects read in a process of their own (``start`` makes it, an
    :class:`~ftigate.identity.engine.SubjectsApart`, or None to have them read here after all; in a
    thread, as it may first wait for the subjects file) while the master file is read and the model
    trained in this thread; then ``load`` takes them in. Returns how many subjects are valid, and the
    model. An error in the subjects still comes first, as when they are read first: the model's is
    raised only if some subject is valid. The process is always ended."""
    starting = ThreadPoolExecutor(1, thread_name_prefix="ftigate-subjects")
    started = starting.submit(start)
    try:
        failure: Exception | None = None
        model: MatchingModel | None = None
        try:
            model = master_and_model()
        except Exception as exc:  # raised below only if some subject is valid, as before
            failure = exc
        valid = load(started.result())
    finally:
        starting.shutdown(wait=True)
        if started.exception() is None and started.result() is not None:
            started.result().stop()
    if failure is not None and valid:
        raise failure
    return valid, model


def _results(batches: Iterable[Any], rule: DecisionRule, total: int,
             report: Callable[[str, float], None]) -> Iterator[MatchResult]:
    """One result per row of the decision (Arrow record batches), its evidence built column-wise.

    A batch's columns are turned into Python lists once, and each row's evidence is put together
    from them: the same values, of the same types, as reading the rows one by one as tuples gave,
    at a fraction of the cost for a million subjects. Python's cycle collector is paused while a
    batch's results are built (and set back as it was before they are handed on): the results are
    new containers without cycles, and a caller that keeps a million of them would otherwise have
    every one of them scanned again and again as more are made.
    """
    from ftigate.identity.model import gamma_labels

    labels = list(gamma_labels().items())
    thresholds = rule.thresholds()  # the same for every row: worked out once, each result given its own copy
    done = 0
    for batch in batches:
        yield from _built(batch, labels, rule, thresholds)
        done += batch.num_rows
        report("deciding", min(1.0, done / max(total, 1)))


def _built(batch: Any, labels: list[tuple[str, dict[int, str]]], rule: DecisionRule,
           thresholds: dict[str, float]) -> list[MatchResult]:
    """The results of one record batch (or table) of the decision, its columns turned into lists once."""
    column = dict(zip(batch.schema.names, (c.to_pylist() for c in batch.columns), strict=True))
    collecting = gc.isenabled()
    gc.disable()
    try:
        return list(_batch_results(column, batch.num_rows, labels, rule, thresholds))
    finally:
        if collecting:
            gc.enable()


def _batch_results(column: dict[str, list[Any]], rows: int, labels: list[tuple[str, dict[int, str]]],
                   rule: DecisionRule, thresholds: dict[str, float]) -> Iterator[MatchResult]:
    """The results of one batch of the decision's rows, ``column`` naming each column's values."""
    names = [name for name, _ in labels]
    # each comparison's level labels, a column at a time; then a row's labels together
    levels = zip(*([mapping.get(g, str(g)) for g in column[f"gamma_{name}"]] for name, mapping in labels), strict=True)
    by_field = zip(*(column[f"by_field_{c}"] for c in SCALE), strict=True)
    fields = list(SCALE)
    min_rival_bits = rule.min_rival_bits
    for (subject_id, outcome, reason, best_tin, probability, weight, confirmed, runner_up_tin, runner_up_probability,
         runner_up_weight, rival_tin, rival_bits, row_levels, row_by_field) in zip(
            column["subject_id"], column["outcome"], column["reason"], column["best_tin"],
            column["best_probability"], column["best_weight"], column["address_confirmed"],
            column["runner_up_tin"], column["runner_up_probability"], column["runner_up_weight"],
            column["rival_tin"], column["rival_bits"], levels, by_field, strict=True):
        evidence: dict[str, Any] = {"reason": reason, "explanation": REASONS[reason], "thresholds": dict(thresholds)}
        if best_tin is not None:
            evidence["candidate_tin"] = best_tin
            evidence["match_probability"] = probability
            evidence["match_weight"] = weight
            evidence["address_confirmed"] = bool(confirmed)
            evidence["levels"] = dict(zip(names, row_levels, strict=True))
        evidence["runner_up"] = None if runner_up_tin is None else {
            "tin": runner_up_tin, "match_probability": runner_up_probability, "match_weight": runner_up_weight}
        # the closest rival: its TIN, its likelihood ratio in bits (how much likelier the request's values
        # are under the best candidate than under it), whether that is a tie, and the bits field by field
        # (the rival's cost less the best's on the rule's scale)
        evidence["rival"] = None if rival_tin is None else {
            "tin": rival_tin, "likelihood_ratio_bits": rival_bits, "tie": rival_bits < min_rival_bits,
            "by_field": dict(zip(fields, row_by_field, strict=True))}
        yield MatchResult(subject_id=subject_id, outcome=outcome, tin=best_tin if outcome == "match" else None,
                          match_probability=None if probability is None else float(probability), evidence=evidence)


def write_results(results: Iterable[MatchResult], out: Path) -> Counter[str]:
    """Write results in the match-results format (CSV or Parquet by suffix); count the outcomes.

    The file names taxpayers' TINs, so it is readable by its owner only (0600) from its first byte.
    """
    counts: Counter[str] = Counter()

    def rows() -> Iterator[dict[str, object]]:
        for result in results:
            counts[result.outcome] += 1
            yield {
                "subject_id": result.subject_id,
                "outcome": result.outcome,
                "tin": result.tin if result.outcome == "match" else None,
                "match_probability": None if result.match_probability is None else format(result.match_probability, ".10g"),
            }

    write_rows(Path(out), MATCH_COLUMNS, rows(), mode=PRIVATE)
    return counts
