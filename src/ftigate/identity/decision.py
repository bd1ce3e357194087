"""The decision rule: match only on a confident, unique candidate whose address is confirmed.

A wrong match discloses a stranger's tax information, so every test below must pass for a
``match``; anything short of that is ``no_match`` or ``ambiguous``, never a guess.

1. **Confident.** The best candidate taxpayer's match probability is at least
   :attr:`DecisionRule.min_probability`.
2. **Unique by score.** Every other taxpayer (another TIN) scores at least
   :attr:`DecisionRule.min_margin_bits` below the best, in match weight (log2 of the Bayes
   factor): with the default 6 bits the best is over 64 times likelier than the runner-up.
3. **Unique by evidence.** No other taxpayer *fits* the request: names agreeing (allowing typos,
   nicknames, swapped order), the address agreeing, and nothing the request gives contradicting
   them (a date of birth or a generational suffix that differs). A TIN does not count here: it is
   evidence only, so it cannot tell apart a father and son, or twins, whom the name, address and
   birth date fit alike; nor does a middle name, recorded too unevenly (an initial, omitted, moved
   into the given name) to tell two people apart.
   Jon and John, twins at one address with one birthday, are ``ambiguous``: one slip of a key
   turns one into the other.
4. **Address confirmed** (26 U.S.C. 6103(i)(2)(B)(i); Center for Taxpayer Rights v. IRS): the request's address
   agrees with an address the taxpayer has in the master file, in any tax period: the same house
   number, street (allowing a typo or a slip of the space bar, or the street and a building name
   entered on each other's line) and place. A house number missing on one side does not
   contradict; a house number one keystroke off agrees only when the date of birth or the TIN
   agrees exactly, since otherwise it may as well be the house next door. Another house number, or
   another street, is another address: a name and TIN that agree are never enough.
5. **Named.** On that same record, the request's given and family names agree with the
   taxpayer's (allowing typos, nicknames, swapped order); an initial alone does not. A family
   name that differs outright (a name changed on marriage) is accepted only when everything else
   pins the taxpayer down: the given name agrees, the address is confirmed without a slip, and
   both the date of birth and the TIN agree exactly. A given name that differs never is: twins and
   siblings share a family name, an address and, for twins, a birthday.
6. **TIN not pointing elsewhere.** A TIN supplied by the requester that is the TIN of *another*
   taxpayer in the master file than the best candidate makes the request point at two people:
   ``ambiguous``.

The reason recorded is the first test that fails, in the order confident, address confirmed,
unique by score, unique by evidence, named, TIN: a best candidate whose address is not an
address of theirs is ``no_match`` whoever scores next to it (two neighbours one house number
away from the request's are neither of them confirmed, so neither is "nearly as good").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ftigate.identity.model import (
    ADDRESS_AGREES,
    ADDRESS_AGREES_IF_CORROBORATED,
    DOB_COMPATIBLE,
    FAMILY_NAME_AGREES,
    GIVEN_NAME_AGREES,
    MIDDLE_COMPATIBLE,
    SUFFIX_COMPATIBLE,
    gamma_labels,
)


@dataclass(frozen=True)
class DecisionRule:
    """The documented thresholds of the decision (docs/identity.md)."""

    #: the best candidate's match probability must be at least this
    min_probability: float = 0.99
    #: every other candidate must score at least this many bits (log2 Bayes factor) below the best
    min_margin_bits: float = 6.0
    #: candidates scoring below this weight are not kept: too weak to be the match or to fit
    keep_above_bits: float = -40.0

    @property
    def min_weight(self) -> float:
        p = self.min_probability
        return math.log2(p / (1.0 - p))

    @property
    def prediction_floor(self) -> float:
        """Pairs below this weight are neither the match nor a rival: Splink need not keep them."""
        return min(self.keep_above_bits, self.min_weight - self.min_margin_bits)


REASONS = {
    "no_candidate": "no taxpayer in the master file shares the request's address or TIN",
    "below_threshold": "the best candidate is not a confident match",
    "runner_up_too_close": "another taxpayer scores nearly as well: the request does not tell them apart",
    "another_taxpayer_fits": "the request's name, address and birth date fit another taxpayer as well",
    "address_not_confirmed": "the request's address is not an address of the best candidate in the master file",
    "name_not_confirmed": "the request's name does not agree with the best candidate's",
    "tin_names_another_taxpayer": "the TIN in the request is another taxpayer's than the best candidate's",
    "confident_unique_match": "a confident, unique match with the address confirmed",
}


def _levels_in(comparison: str, labels: tuple[str, ...]) -> str:
    mapping = gamma_labels()[comparison]
    values = sorted(g for g, label in mapping.items() if label in labels)
    return "(" + ", ".join(str(v) for v in values) + ")"


def decision_sql(rule: DecisionRule, pairs: str, subjects: str, master: str) -> str:
    """SQL (DuckDB) giving one row per valid subject: outcome, tin, probability and the evidence.

    ``pairs`` has columns ``s_id, tin, match_weight, match_probability`` and ``gamma_<comparison>``;
    ``subjects`` has ``unique_id, subject_id, tin_n``; ``master`` has ``master_tin``.
    """
    comparisons = list(gamma_labels())
    gammas = ", ".join(f"gamma_{c}" for c in comparisons)
    best_gammas = ", ".join(f"b.gamma_{c}" for c in comparisons)
    given_ok = f"gamma_first_name IN {_levels_in('first_name', GIVEN_NAME_AGREES)}"
    family_ok = f"gamma_last_name IN {_levels_in('last_name', FAMILY_NAME_AGREES)}"
    names_ok = f"{given_ok} AND {family_ok}"
    dob_exact = f"gamma_date_of_birth IN {_levels_in('date_of_birth', ('exact',))}"
    tin_exact = f"gamma_tin IN {_levels_in('tin', ('exact',))}"
    address_strict = f"gamma_address IN {_levels_in('address', ADDRESS_AGREES)}"
    address_ok = (f"({address_strict} OR (gamma_address IN {_levels_in('address', ADDRESS_AGREES_IF_CORROBORATED)} "
                  f"AND ({dob_exact} OR {tin_exact})))")
    # rule 5: both names, or the given name with everything else exact (a family name changed)
    named = f"(({address_ok} AND {names_ok}) OR ({given_ok} AND {address_strict} AND {dob_exact} AND {tin_exact}))"
    compatible = (f"gamma_date_of_birth IN {_levels_in('date_of_birth', DOB_COMPATIBLE)} "
                  f"AND gamma_middle_name IN {_levels_in('middle_name', MIDDLE_COMPATIBLE)} "
                  f"AND gamma_suffix IN {_levels_in('suffix', SUFFIX_COMPATIBLE)}")
    return f"""
    WITH per_record AS (
        SELECT s_id, tin, match_weight, match_probability, {gammas},
               row_number() OVER (PARTITION BY s_id, tin ORDER BY match_weight DESC) AS record_rank,
               bool_or({address_ok}) OVER (PARTITION BY s_id, tin) AS address_confirmed,
               bool_or({named}) OVER (PARTITION BY s_id, tin) AS identity_confirmed,
               bool_or({address_strict} AND {names_ok} AND {compatible}) OVER (PARTITION BY s_id, tin) AS fits
        FROM {pairs}
    ),
    per_tin AS (
        SELECT *, row_number() OVER (PARTITION BY s_id ORDER BY match_weight DESC, tin) AS tin_rank
        FROM per_record WHERE record_rank = 1
    ),
    best AS (SELECT * FROM per_tin WHERE tin_rank = 1),
    second AS (SELECT s_id, tin, match_weight, match_probability FROM per_tin WHERE tin_rank = 2),
    rivals AS (SELECT s_id, count(*) AS fitting_others FROM per_tin WHERE tin_rank > 1 AND fits GROUP BY s_id),
    judged AS (
        SELECT s.unique_id, s.subject_id, b.tin AS best_tin, b.match_weight AS best_weight,
               b.match_probability AS best_probability, b.address_confirmed, {best_gammas},
               r.tin AS runner_up_tin, r.match_weight AS runner_up_weight,
               r.match_probability AS runner_up_probability, coalesce(f.fitting_others, 0) AS fitting_others,
               CASE
                 WHEN b.tin IS NULL THEN 'no_candidate'
                 WHEN b.match_probability < {rule.min_probability!r} THEN 'below_threshold'
                 WHEN NOT b.address_confirmed THEN 'address_not_confirmed'
                 WHEN r.tin IS NOT NULL AND b.match_weight - r.match_weight < {rule.min_margin_bits!r}
                      THEN 'runner_up_too_close'
                 WHEN f.fitting_others > 0 THEN 'another_taxpayer_fits'
                 WHEN NOT b.identity_confirmed THEN 'name_not_confirmed'
                 WHEN s.tin_n IS NOT NULL AND s.tin_n <> b.tin
                      AND s.tin_n IN (SELECT master_tin FROM {master}) THEN 'tin_names_another_taxpayer'
                 ELSE 'confident_unique_match'
               END AS reason
        FROM {subjects} AS s
        LEFT JOIN best AS b ON b.s_id = s.unique_id
        LEFT JOIN second AS r ON r.s_id = s.unique_id
        LEFT JOIN rivals AS f ON f.s_id = s.unique_id
    )
    SELECT *,
           CASE WHEN reason = 'confident_unique_match' THEN 'match'
                WHEN reason IN ('runner_up_too_close', 'another_taxpayer_fits', 'tin_names_another_taxpayer')
                     THEN 'ambiguous'
                ELSE 'no_match' END AS outcome
    FROM judged
    """  # nosec B608  # levels and thresholds are the decision rule's own constants
