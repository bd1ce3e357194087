"""The decision rule: match only on a confident, unique candidate whose address is confirmed.

A wrong match discloses a stranger's tax information, so every test below must pass for a
``match``; anything short of that is ``no_match`` or ``ambiguous``, never a guess.

1. **Confident.** The best candidate taxpayer's match probability is at least
   :attr:`DecisionRule.min_probability`.
2. **Unique.** The runner-up taxpayer (a different TIN) scores at least
   :attr:`DecisionRule.min_margin_bits` below the best, in match weight (log2 of the Bayes factor):
   with the default 10 bits the best is over a thousand times likelier than the runner-up. The
   father and son of one name at one address, twins, the namesake next door: when the request
   does not tell them apart, the outcome is ``ambiguous``.
3. **Address confirmed** (LAW.md L3; Center for Taxpayer Rights v. IRS): the request's address
   agrees with an address the taxpayer has in the master file, in any tax period. A name and TIN
   that agree are never enough.
4. **Named.** The request's given and family names agree with the taxpayer's (allowing typos,
   nicknames, compound names and swapped order); an initial alone does not.
5. **TIN not pointing elsewhere.** A TIN supplied by the requester is evidence only: agreeing, it
   adds weight, disagreeing it takes weight away. When it is the TIN of *another* taxpayer in the
   master file than the best candidate, the request points at two people: ``ambiguous``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ftigate.identity.model import ADDRESS_AGREES, FAMILY_NAME_AGREES, GIVEN_NAME_AGREES, gamma_labels


@dataclass(frozen=True)
class DecisionRule:
    """The documented thresholds of the decision (docs/identity.md)."""

    #: the best candidate's match probability must be at least this
    min_probability: float = 0.999
    #: the runner-up must score at least this many bits (log2 Bayes factor) below the best
    min_margin_bits: float = 10.0

    @property
    def min_weight(self) -> float:
        p = self.min_probability
        return math.log2(p / (1.0 - p))

    @property
    def prediction_floor(self) -> float:
        """Pairs below this weight cannot be the match nor a close runner-up: Splink need not keep them."""
        return self.min_weight - self.min_margin_bits


REASONS = {
    "no_candidate": "no taxpayer in the master file shares the request's address or TIN",
    "below_threshold": "the best candidate is not a confident match",
    "runner_up_too_close": "another taxpayer fits nearly as well: the request does not tell them apart",
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
    address_ok = f"gamma_address IN {_levels_in('address', ADDRESS_AGREES)}"
    given_ok = f"b.gamma_first_name IN {_levels_in('first_name', GIVEN_NAME_AGREES)}"
    family_ok = f"b.gamma_last_name IN {_levels_in('last_name', FAMILY_NAME_AGREES)}"
    return f"""
    WITH per_record AS (
        SELECT s_id, tin, match_weight, match_probability, {gammas},
               row_number() OVER (PARTITION BY s_id, tin ORDER BY match_weight DESC) AS record_rank,
               bool_or({address_ok}) OVER (PARTITION BY s_id, tin) AS address_confirmed
        FROM {pairs}
    ),
    per_tin AS (
        SELECT *, row_number() OVER (PARTITION BY s_id ORDER BY match_weight DESC, tin) AS tin_rank
        FROM per_record WHERE record_rank = 1
    ),
    best AS (SELECT * FROM per_tin WHERE tin_rank = 1),
    second AS (SELECT s_id, tin, match_weight, match_probability FROM per_tin WHERE tin_rank = 2),
    judged AS (
        SELECT s.unique_id, s.subject_id, b.tin AS best_tin, b.match_weight AS best_weight,
               b.match_probability AS best_probability, b.address_confirmed, {best_gammas},
               r.tin AS runner_up_tin, r.match_weight AS runner_up_weight,
               r.match_probability AS runner_up_probability,
               CASE
                 WHEN b.tin IS NULL THEN 'no_candidate'
                 WHEN b.match_probability < {rule.min_probability!r} THEN 'below_threshold'
                 WHEN r.tin IS NOT NULL AND b.match_weight - r.match_weight < {rule.min_margin_bits!r}
                      THEN 'runner_up_too_close'
                 WHEN NOT b.address_confirmed THEN 'address_not_confirmed'
                 WHEN NOT ({given_ok} AND {family_ok}) THEN 'name_not_confirmed'
                 WHEN s.tin_n IS NOT NULL AND s.tin_n <> b.tin
                      AND s.tin_n IN (SELECT master_tin FROM {master}) THEN 'tin_names_another_taxpayer'
                 ELSE 'confident_unique_match'
               END AS reason
        FROM {subjects} AS s
        LEFT JOIN best AS b ON b.s_id = s.unique_id
        LEFT JOIN second AS r ON r.s_id = s.unique_id
    )
    SELECT *,
           CASE reason WHEN 'confident_unique_match' THEN 'match'
                       WHEN 'runner_up_too_close' THEN 'ambiguous'
                       WHEN 'tin_names_another_taxpayer' THEN 'ambiguous'
                       ELSE 'no_match' END AS outcome
    FROM judged
    """
