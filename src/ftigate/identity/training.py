"""Training the model from the master file alone, the same way every time.

A request's decisions must not depend on what the gateway happened to match before it: the same
request against the same master file gets the same outcomes, TINs and probabilities on every
gateway, whichever request came first and whether the model was trained now or read from the cache.
So the model is a function of the master file and of constants, nothing else:

* **u**, how often each level occurs between two records of different people, is counted on every
  pair of two fixed samples of the master file's records (:data:`U_LEFT` x :data:`U_RIGHT`). The
  samples are the records whose digest (MD5 of the record's normalised fields as JSON) comes
  first: the order a database scans, or the threads it runs, cannot change which records they are,
  and no pair is drawn at random. A level of agreement none of the pairs shows (two different
  people rarely share a full address) is given u = 1 / (pairs): seen less than once in that many.
* **m**, how often each level occurs between a request and the right taxpayer's record, is a
  constant of the model (:data:`M_PROBABILITIES`). It describes how requests garble a taxpayer's
  details, which the master file cannot show: a taxpayer's records repeat the same name and birth
  date in every tax period and differ only where they moved, so expectation maximisation on pairs
  of master records would learn that nobody ever mistypes a name. The constants were measured once
  by ``benchmarks/calibrate.py`` on requests whose true taxpayers are known (two synthetic requests
  of 10,000 subjects against a 100,000-person master file, and FEBRL4): each level's share of the
  pairs of a subject and a record of its true taxpayer (a level no such pair shows counts as less
  than once in all of them).
* the **prior** that a random pair is a match is 1 / (records in the master file).

The result is :class:`MatchingModel`; its :attr:`~MatchingModel.sha256` is the SHA-256 of the
parameters as canonical JSON (RFC 8785), recorded with every batch of decisions beside the master
file's SHA-256, so an overseer can tell which model decided, and two gateways can show they used
the same one. Changing a constant here changes :data:`~ftigate.identity.model.MODEL_VERSION`.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import rfc8785

from ftigate.identity.model import MODEL_VERSION, TrainedParameters, comparison_levels, settings_dict
from ftigate.tabular import PRIVATE, write_file_atomic

#: records of the master file on each side of the pairs u is counted on (all U_LEFT x U_RIGHT pairs)
U_LEFT = 2_000
U_RIGHT = 1_000

#: m per comparison and level (null levels excluded), most specific first, as in
#: :func:`~ftigate.identity.model.comparison_levels` (made by benchmarks/calibrate.py); None would leave
#: a level to Splink's default
M_PROBABILITIES: dict[str, dict[str, float | None]] = {
    "first_name": {
        "exact": 0.835, "swapped_with_family_name": 0.056, "first_given_name_exact": 0.000806,
        "swapped_with_family_name_similar": 0.00416, "similar": 0.0619, "nickname": 0.0116,
        "loosely_similar": 0.011, "initial_only": 0.00139, "different": 0.0178,
    },
    "last_name": {
        "exact": 0.837, "swapped_with_given_name": 0.056, "swapped_with_given_name_similar": 0.00416,
        "similar": 0.0773, "shares_a_compound_part": 0.00228, "loosely_similar": 0.0104, "different": 0.0129,
    },
    "middle_name": {"exact": 0.975, "initial": 0.0249, "different": 9.46e-05},
    "suffix": {"exact": 0.548, "one_side_only": 0.452, "different": 0.00332},
    "date_of_birth": {
        "exact": 0.988, "one_typo": 0.00205, "day_month_swapped": 5e-05, "same_year": 0.0005, "different": 0.00926,
    },
    "address": {
        "exact": 0.7, "confirmed": 0.0544, "lines_swapped": 0.00698, "street_confirmed_one_house_number_missing": 0.0109,
        "house_number_one_keystroke_off": 0.00792, "same_street_other_house": 0.0145, "same_place_only": 0.0751,
        "different": 0.13,
    },
    "tin": {"exact": 0.964, "one_typo": 0.0196, "different": 0.016},
}


def prior(master_records: int) -> float:
    """The prior that a random (subject, master record) pair is a match: one record in the master file."""
    return 1.0 / max(master_records, 2)


def m_probabilities() -> dict[str, list[float | None]]:
    """:data:`M_PROBABILITIES` in the order of the model's levels (null levels excluded).

    Raises ``KeyError`` naming a level that has no constant: a level added to the comparisons needs one.
    """
    out: dict[str, list[float | None]] = {}
    for name, levels in comparison_levels().items():
        constants = M_PROBABILITIES[name]
        labels = [label for label, _ in levels[1:]]
        missing = [label for label in labels if label not in constants]
        if missing:
            raise KeyError(f"no m probability for {name} level(s) {', '.join(missing)}")
        out[name] = [constants[label] for label in labels]
    return out


@dataclass(frozen=True)
class MatchingModel:
    """The trained model for one master file: m, u and the prior, with their digest."""

    parameters: TrainedParameters
    prior: float
    master_sha256: str

    def document(self) -> dict[str, Any]:
        """The parameters as the digest covers them (the master file's digest is recorded beside it)."""
        return {"version": self.parameters.version, "prior": self.prior,
                "m": self.parameters.m, "u": self.parameters.u}

    @property
    def sha256(self) -> str:
        """SHA-256 of :meth:`document` as canonical JSON (RFC 8785): the same model, the same digest."""
        return hashlib.sha256(rfc8785.dumps(self.document())).hexdigest()

    def save(self, path: Path) -> None:
        # trained on the master file: its owner's eyes only, like the master file itself
        data = {**self.document(), "master_sha256": self.master_sha256, "sha256": self.sha256}
        write_file_atomic(path, json.dumps(data, indent=1), mode=PRIVATE)

    @classmethod
    def load(cls, path: Path, master_sha256: str) -> MatchingModel | None:
        """The model cached at ``path``, or None if there is none, or it is of another version, another
        master file, or its parameters no longer give its digest (then it is trained again)."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            model = cls(TrainedParameters(m=data["m"], u=data["u"], version=data["version"]),
                        prior=float(data["prior"]), master_sha256=str(data["master_sha256"]))
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if model.parameters.version != MODEL_VERSION or model.master_sha256 != master_sha256 \
                or data.get("sha256") != model.sha256:
            return None
        return model


def quiet_splink() -> None:
    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _floored(u: list[float | None], floor: float) -> list[float | None]:
    """A level of agreement that none of the pairs showed occurs at most once in that many pairs (not at
    Splink's default rate). The "different" level, and a comparison no pair could compare at all (the
    field is missing throughout), keep Splink's defaults."""
    if all(p is None for p in u):
        return u
    return [floor if p is None and i < len(u) - 1 else p for i, p in enumerate(u)]


def train(con: duckdb.DuckDBPyConnection, master_records: int, master_sha256: str,
          progress: Callable[[float], None] | None = None) -> MatchingModel:
    """Train on the normalised master file in ``m_norm`` (as :func:`~ftigate.identity.engine.prepare_master`
    leaves it): u counted on fixed samples of its records, m the model's constants."""
    from splink import DuckDBAPI, Linker

    quiet_splink()
    report = progress or (lambda fraction: None)
    report(0.1)
    # the U_LEFT + U_RIGHT records whose digest comes first; records with one digest are identical in
    # every field, so which of them a tie keeps changes nothing
    con.execute(f"""
        CREATE OR REPLACE TABLE u_sample AS
        SELECT row_number() OVER (ORDER BY training_key) AS unique_id, * EXCLUDE (training_key)
        FROM (SELECT md5(CAST(to_json(r) AS VARCHAR)) AS training_key, r.*
              FROM (SELECT * EXCLUDE (unique_id) FROM m_norm) AS r
              ORDER BY training_key LIMIT {U_LEFT + U_RIGHT})""")  # nosec B608  # sample sizes are constants
    # two of every three records (in digest order) on the left, the third on the right: U_LEFT x U_RIGHT
    # pairs from a large master file, and both sides filled from a small one
    con.execute("CREATE OR REPLACE TABLE u_left AS SELECT * FROM u_sample WHERE unique_id % 3 <> 0")
    con.execute("CREATE OR REPLACE TABLE u_right AS SELECT * FROM u_sample WHERE unique_id % 3 = 0")
    left, right = (int(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]) for t in ("u_left", "u_right"))  # nosec B608
    model_prior = prior(master_records)
    u: dict[str, list[float | None]] = {name: [None] * (len(levels) - 1) for name, levels in comparison_levels().items()}
    if left and right:
        # Splink's check of the settings against the tables only logs what it finds, and its warnings are
        # silenced (quiet_splink): it would parse every comparison's SQL for nothing, a few seconds of each
        # training. The tests run it once instead (test_training: the settings name only columns there are).
        linker = Linker(["u_left", "u_right"], settings_dict("duckdb", model_prior), DuckDBAPI(connection=con),
                        input_table_aliases=["subjects", "master"], set_up_basic_logging=False,
                        validate_settings=False)
        report(0.3)
        # max_pairs above the number of pairs: Splink compares every pair and samples none
        linker.training.estimate_u_using_random_sampling(max_pairs=2 * left * right)
        counted = TrainedParameters.from_settings_dict(linker.misc.save_model_to_json()).u
        u = {name: _floored(values, 1.0 / (left * right)) for name, values in counted.items()}
    for table in ("u_sample", "u_left", "u_right"):
        con.execute(f"DROP TABLE {table}")  # nosec B608  # the matcher's own tables
    report(1.0)
    return MatchingModel(TrainedParameters(m=m_probabilities(), u=u), prior=model_prior,
                         master_sha256=master_sha256)
