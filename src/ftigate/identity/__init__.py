"""Identity resolution: disclose only on a confident, unique match whose address is confirmed.

The public interface of the identity layer (the rest of the package is internals):

* :func:`resolve` matches a subjects file against the taxpayer master file and yields one
  :class:`MatchResult` per subject: ``match``, ``no_match``, ``ambiguous`` or ``invalid``, each
  with its evidence.
* :func:`disclosable_identity` gives, for matched TINs, the identity the law lets the agency
  disclose (26 U.S.C. 6103(i)(2)(C), 6103(b)(6)): name and last known address.
* :class:`MatchingModel` is the model that scored them, trained from the master file alone; its
  digest is recorded with the decisions.
* :func:`write_results` writes results in the contract's match-results format.
* :func:`normalise_name`, :func:`normalise_address` and :func:`normalise_records` show how values
  are compared.

How the decision is made is documented in docs/identity.md and :mod:`ftigate.identity.decision`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from ftigate.errors import InputError
from ftigate.formats import MATCH_COLUMNS
from ftigate.identity.decision import REASONS, SCALE, DecisionRule
from ftigate.identity.disclose import IdentityRecord, disclosable_identity
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
    "MATCHER_VERSION",
    "DecisionRule",
    "IdentityRecord",
    "MatchResources",
    "MatchResult",
    "MatchingModel",
    "NormalisedAddress",
    "NormalisedName",
    "Outcome",
    "disclosable_identity",
    "normalise_address",
    "normalise_name",
    "normalise_records",
    "resolve",
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
    from ftigate.identity import engine as job
    from ftigate.identity.sources import APART_FROM_BYTES, check_master, judged_under_current_law

    if engine not in ENGINES:
        raise InputError(f"unknown engine '{engine}': use one of {', '.join(ENGINES)}", field="engine")
    rule = rule or DecisionRule()
    master, subjects = Path(master), Path(subjects)
    def report(stage: str, fraction: float) -> None:
        if progress is not None:
            progress(stage, fraction, 1.0)

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
        if subjects.is_file() and subjects.stat().st_size >= APART_FROM_BYTES and job.can_read_apart():
            # the subjects in a process of their own while the master file and the model are prepared
            # here; an error in the subjects file still comes first, as when they are read first
            apart = job.SubjectsApart(subjects, folder, judged=judged)
            failure: Exception | None = None
            try:
                try:
                    model = master_and_model()
                except Exception as exc:  # raised below only if some subject is valid, as before
                    failure = exc
                valid = apart.load(con, on_invalid, reading_subjects)
            finally:
                apart.stop()
            if failure is not None and valid:
                raise failure
        elif judged:
            valid = job.prepare_judged_subjects(con, subjects, reading_subjects)
        else:
            valid = job.prepare_subjects(con, subjects, on_invalid, reading_subjects)
        reading_subjects(1.0)
        decided: list[MatchResult] | Iterator[MatchResult] = []
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
            decided = _results(job.decide(con, rule, pairs), rule, valid, report)
        else:
            check_master(con, master)
        yield from invalid
        yield from decided


def _results(cursor: Any, rule: DecisionRule, total: int, report: Callable[[str, float], None]) -> Iterator[MatchResult]:
    from ftigate.identity.model import gamma_labels

    labels = gamma_labels()
    thresholds = rule.thresholds()  # the same for every row: worked out once, each result given its own copy
    names = [d[0] for d in cursor.description]
    done = 0
    while True:
        rows = cursor.fetchmany(20_000)
        if not rows:
            break
        for values in rows:
            row = dict(zip(names, values, strict=True))
            yield _result(row, labels, rule, thresholds)
        done += len(rows)
        report("deciding", min(1.0, done / max(total, 1)))


def _result(row: dict[str, Any], labels: dict[str, dict[int, str]], rule: DecisionRule,
            thresholds: dict[str, float] | None = None) -> MatchResult:
    reason = row["reason"]
    evidence: dict[str, Any] = {
        "reason": reason,
        "explanation": REASONS[reason],
        "thresholds": rule.thresholds() if thresholds is None else dict(thresholds),
    }
    probability = row["best_probability"]
    if row["best_tin"] is not None:
        evidence.update({
            "candidate_tin": row["best_tin"],
            "match_probability": probability,
            "match_weight": row["best_weight"],
            "address_confirmed": bool(row["address_confirmed"]),
            "levels": {name: mapping.get(row[f"gamma_{name}"], str(row[f"gamma_{name}"]))
                       for name, mapping in labels.items()},
        })
    evidence["runner_up"] = None if row["runner_up_tin"] is None else {
        "tin": row["runner_up_tin"], "match_probability": row["runner_up_probability"],
        "match_weight": row["runner_up_weight"],
    }
    evidence["rival"] = None if row["rival_tin"] is None else _rival(row, rule)
    outcome = row["outcome"]
    return MatchResult(
        subject_id=row["subject_id"], outcome=outcome,
        tin=row["best_tin"] if outcome == "match" else None,
        match_probability=None if probability is None else float(probability),
        evidence=evidence,
    )


def _rival(row: dict[str, Any], rule: DecisionRule) -> dict[str, Any]:
    """The closest rival: its TIN, its likelihood ratio in bits (how much likelier the request's
    values are under the best candidate than under it), whether that is a tie, and the bits field
    by field (the rival's cost less the best's on the rule's scale)."""
    bits = float(row["rival_bits"])
    return {
        "tin": row["rival_tin"],
        "likelihood_ratio_bits": bits,
        "tie": bits < rule.min_rival_bits,
        "by_field": {c: float(row[f"rival_bits_{c}"]) - float(row[f"best_bits_{c}"]) for c in SCALE},
    }


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
