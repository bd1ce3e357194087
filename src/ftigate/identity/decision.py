"""The decision rule: match only on a confident, unique candidate whose address is confirmed.

A wrong match discloses a stranger's tax information, so every test below must pass for a
``match``; anything short of that is ``no_match`` or ``ambiguous``, never a guess.

1. **Confident.** The best candidate taxpayer's match probability is at least
   :attr:`DecisionRule.min_probability`.
2. **Unique: no rival nearly as likely.** Every other taxpayer (another TIN) among the candidates
   is a *rival*, and the rule asks how much likelier the request's values are under the best
   candidate than under the rival: a likelihood ratio, in bits (log2), over what the request gives.
   Each field a candidate's record does not agree with exactly costs bits on a documented scale
   (:class:`DecisionRule`, and :data:`SCALE` for which level costs what):

   * a letter of a name (Damerau-Levenshtein, at most three counted; a name said the same but
     spelled otherwise, Stephen for Steven, counts as one), another form of the same
     name (a nickname, a further given name, one part of a compound family name), or a slip in the
     street, city or ZIP code (a typo, a space, a transposed ZIP, the two lines swapped):
     :attr:`DecisionRule.letter_bits`, 3 bits. Names are spelled many ways and sound alike (Jon and
     John, Frances and Francis, Eric and Erica), so a letter is as often a spelling as a slip;
   * a digit of a number copied from a record, the house number or the date of birth (one
     keystroke, or the day and month swapped): :attr:`DecisionRule.digit_bits`, 6 bits;
   * a contradiction (another given or family name, house, street, birth date, suffix):
     :attr:`DecisionRule.contradiction_bits`, 20 bits.

   What the request does not give costs nothing on either side (no birth date, no suffix, no house
   number), nor do the TIN (evidence only: it cannot tell apart a father and son, or twins, whom
   the name, address and birth date fit alike) and the middle name (recorded too unevenly: an
   initial, omitted, moved into the given name). A candidate's cost is its least costly record; the
   rival's likelihood ratio is its cost less the best's. A rival under
   :attr:`DecisionRule.min_rival_bits` (5 bits: the best over 32 times likelier) is a tie and the
   subject ``ambiguous``. So the father and son of one name at one address, asked for without birth
   date or suffix, tie (0 bits); the namesake at 368 when the request gives 366, the best's number,
   does not (6 bits: a digit slip); nor does Daniel when the request gives Danielle, his twin's
   name (6 bits: two letters); Jon and John, twins at one address with one birthday, tie whichever
   the request gives (3 bits: one letter), as do twins whose names the request misspells alike.
   The best candidate is the one of highest match weight among those the scale does not put
   :attr:`DecisionRule.min_rival_bits` or more behind the least costly: a common name exactly
   given weighs less than a rarer one nearly given, so the weight alone may prefer Danielle to
   Daniel when the request names Daniel; the scale does not.
3. **Address confirmed** (26 U.S.C. 6103(i)(2)(B)(i); Center for Taxpayer Rights v. IRS): the request's address
   agrees with an address the taxpayer has in the master file, in any tax period: the same house
   number, street (allowing a typo, a slip of the space bar, two slips in a long name such as
   "8 bridgedtreet" for 8 Bridge Street, or the street and a building name entered on each other's
   line; never another street type or directional) and place (a ZIP code with two digits swapped
   agrees when the city does). A house number missing on one side does not
   contradict; a house number one keystroke off agrees only when the date of birth or the TIN
   agrees exactly, since otherwise it may as well be the house next door. Another house number, or
   another street, is another address: a name and TIN that agree are never enough.
4. **Named.** On that same record, the request's given and family names agree with the
   taxpayer's (allowing typos, nicknames, swapped order); an initial alone does not. A family
   name that differs outright (a name changed on marriage) is accepted only when everything else
   pins the taxpayer down: the given name agrees, the address is confirmed without a slip, and
   both the date of birth and the TIN agree exactly. A given name that differs never is: twins and
   siblings share a family name, an address and, for twins, a birthday. Nor is a given name only
   loosely like the taxpayer's (Wilhelmina for William, Leopold for Leonel) unless the date of
   birth or the TIN agrees exactly, and never a record whose date of birth the request
   contradicts unless the TIN agrees exactly and the given name is the taxpayer's or a slip of it:
   another person at the same address is named so. The nickname table is evidence
   only when the request's given name is a diminutive or short form of the taxpayer's formal name
   (Bob for Robert, Patty for Patricia, Pepe for José), never between two given names in their own
   right that the table relates (Austin and Augustus, Mary and Marie: each is a person's name, and
   the two may be brother and grandfather), nor a formal name asked for where the record holds a
   diminutive. And a given name that agrees only so, with neither the date of birth nor the TIN
   exact, names the taxpayer only when nothing else needs excusing: the family name exact, the
   address exact or confirmed (no house number missing, no lines swapped), and no middle name that
   contradicts the record's. Those who share a taxpayer's family name and address are their family.
5. **TIN not pointing elsewhere.** A TIN supplied by the requester that is the TIN of *another*
   taxpayer in the master file than the best candidate makes the request point at two people:
   ``ambiguous``.

The reason recorded is the first test that fails, in the order confident, address confirmed,
unique, named, TIN: a best candidate whose address is not an address of theirs is ``no_match``
whoever scores next to it (two neighbours one house number away from the request's are neither
of them confirmed, so neither is "nearly as good"). Whatever the outcome, the evidence names the
closest rival and its likelihood ratio in bits, field by field.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, fields

from ftigate.identity.model import (
    ADDRESS_AGREES,
    ADDRESS_AGREES_IF_CORROBORATED,
    DOB_COMPATIBLE,
    FAMILY_NAME_AGREES,
    GIVEN_NAME_AGREES,
    gamma_labels,
)

#: the comparisons whose levels the uniqueness rule weighs, and the kind of evidence each level is
#: on the scale (``free``: no cost; ``letters``: ``letter_bits`` per letter by which the names
#: differ; ``letter``, ``digit``, ``contradiction``: that many bits). The TIN and the middle name
#: are not weighed (see rule 2).
SCALE: dict[str, dict[str, str]] = {
    "first_name": {"missing": "free", "exact": "free", "swapped_with_family_name": "free",
                   "first_given_name_exact": "letter", "nickname": "letter", "similar": "letters",
                   "swapped_with_family_name_similar": "letters", "loosely_similar": "letters",
                   "initial_only": "contradiction", "different": "contradiction"},
    "last_name": {"missing": "free", "exact": "free", "swapped_with_given_name": "free",
                  "shares_a_compound_part": "letter", "similar": "letters",
                  "swapped_with_given_name_similar": "letters", "loosely_similar": "letters",
                  "different": "contradiction"},
    "suffix": {"missing": "free", "exact": "free", "one_side_only": "free", "different": "contradiction"},
    "date_of_birth": {"missing": "free", "exact": "free", "one_typo": "digit", "day_month_swapped": "digit",
                      "same_year": "contradiction", "different": "contradiction"},
    "address": {"missing": "free", "exact": "free", "street_confirmed_one_house_number_missing": "free",
                "confirmed": "letter", "lines_swapped": "letter", "house_number_one_keystroke_off": "digit",
                "same_street_other_house": "contradiction", "same_place_only": "contradiction",
                "different": "contradiction"},
}
#: given name levels that are the record's name or a slip of it: with these and the TIN exact, a
#: contradicted birth date is taken for a slip of the birth date (rule 4)
GIVEN_NAME_CLOSE = ("exact", "swapped_with_family_name", "first_given_name_exact", "swapped_with_family_name_similar",
                    "similar")
#: with a given name agreeing only as a diminutive (rule 4) and neither birth date nor TIN exact: the
#: family name levels, address levels and middle name levels that leave nothing to excuse
NICKNAME_FAMILY_NAME = ("exact", "swapped_with_given_name")
NICKNAME_ADDRESS = ("exact", "confirmed")
NICKNAME_MIDDLE_NAME = ("missing", "exact", "initial")
#: the column (of the pairs table) counting the letters by which a name differs, per comparison
_LETTERS = {"first_name": "given_slips", "last_name": "last_slips"}
#: at most this many letters of one name are counted
MAX_LETTERS = 3


@dataclass(frozen=True)
class DecisionRule:
    """The documented thresholds of the decision (docs/identity.md); :meth:`fingerprint` names them
    in the matcher's version, so a changed threshold is a new matcher version."""

    #: the best candidate's match probability must be at least this
    min_probability: float = 0.99
    #: a rival whose likelihood ratio (best over rival, in bits) is under this ties with the best
    min_rival_bits: float = 5.0
    #: the evidence scale: a letter of a name, another form of it, or a slip in the street or place
    letter_bits: float = 3.0
    #: a digit of the house number or the date of birth
    digit_bits: float = 6.0
    #: a field that contradicts the request
    contradiction_bits: float = 20.0
    #: candidates scoring below this weight are not kept: too weak to be the match or a rival
    keep_above_bits: float = -40.0

    @property
    def min_weight(self) -> float:
        p = self.min_probability
        return math.log2(p / (1.0 - p))

    @property
    def prediction_floor(self) -> float:
        """Pairs below this weight are neither the match nor a rival: Splink need not keep them."""
        return self.keep_above_bits

    def thresholds(self) -> dict[str, float]:
        """The thresholds in force, by name: what each decision's evidence records."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def fingerprint(self) -> str:
        """SHA-256 (hex) of the thresholds."""
        return hashlib.sha256(json.dumps(self.thresholds(), sort_keys=True).encode("ascii")).hexdigest()


REASONS = {
    "no_candidate": "no taxpayer in the master file shares the request's address or TIN",
    "below_threshold": "the best candidate is not a confident match",
    "another_taxpayer_fits": ("the request's values are about as likely for another taxpayer: the request does "
                              "not tell them apart"),
    "address_not_confirmed": "the request's address is not an address of the best candidate in the master file",
    "name_not_confirmed": "the request's name does not agree with the best candidate's",
    "tin_names_another_taxpayer": "the TIN in the request is another taxpayer's than the best candidate's",
    "confident_unique_match": "a confident, unique match with the address confirmed",
}


def _levels_in(comparison: str, labels: tuple[str, ...]) -> str:
    mapping = gamma_labels()[comparison]
    values = sorted(g for g, label in mapping.items() if label in labels)
    return "(" + ", ".join(str(v) for v in values) + ")"


def _cost_sql(rule: DecisionRule, comparison: str) -> str:
    """SQL for the bits one comparison's level costs a record, on the rule's scale."""
    bits = {"free": "0.0", "letter": repr(rule.letter_bits), "digit": repr(rule.digit_bits),
            "contradiction": repr(rule.contradiction_bits)}
    if comparison in _LETTERS:
        bits["letters"] = f"{rule.letter_bits!r} * least(greatest(coalesce({_LETTERS[comparison]}, 1), 1), {MAX_LETTERS})"
    cases = []
    for gamma, label in sorted(gamma_labels()[comparison].items()):
        cases.append(f"WHEN {gamma} THEN {bits[SCALE[comparison][label]]}")
    return f"CASE gamma_{comparison} {' '.join(cases)} ELSE {rule.contradiction_bits!r} END"


def decision_sql(rule: DecisionRule, pairs: str, subjects: str, master: str) -> str:
    """SQL (DuckDB) giving one row per valid subject: outcome, tin, probability and the evidence.

    ``pairs`` has columns ``s_id, tin, match_weight, match_probability``, ``gamma_<comparison>``
    and ``given_slips, last_slips`` (letters by which the names differ); ``subjects`` has
    ``unique_id, subject_id, tin_n``; ``master`` has ``master_tin``.
    """
    comparisons = list(gamma_labels())
    gammas = ", ".join(f"gamma_{c}" for c in comparisons)
    best_gammas = ", ".join(f"b.gamma_{c}" for c in comparisons)
    weighed = list(SCALE)
    costs = ", ".join(f"{_cost_sql(rule, c)} AS bits_{c}" for c in weighed)
    total = " + ".join(f"bits_{c}" for c in weighed)
    best_bits = ", ".join(f"e.bits_{c} AS best_bits_{c}" for c in weighed)
    rival_bits = ", ".join(f"v.bits_{c} AS rival_bits_{c}" for c in weighed)
    given_ok = f"gamma_first_name IN {_levels_in('first_name', GIVEN_NAME_AGREES)}"
    family_ok = f"gamma_last_name IN {_levels_in('last_name', FAMILY_NAME_AGREES)}"
    names_ok = f"{given_ok} AND {family_ok}"
    dob_exact = f"gamma_date_of_birth IN {_levels_in('date_of_birth', ('exact',))}"
    tin_exact = f"gamma_tin IN {_levels_in('tin', ('exact',))}"
    address_strict = f"gamma_address IN {_levels_in('address', ADDRESS_AGREES)}"
    address_ok = (f"({address_strict} OR (gamma_address IN {_levels_in('address', ADDRESS_AGREES_IF_CORROBORATED)} "
                  f"AND ({dob_exact} OR {tin_exact})))")
    # rule 4: both names, or the given name with everything else exact (a family name changed)
    # and, whichever way it is named, never a record whose birth date the request contradicts, nor
    # one whose given name is only loosely like the request's (Wilhelmina, William; Leopold, Leonel)
    # unless the birth date or the TIN agrees exactly: at a shared address that is another person
    dob_ok = f"gamma_date_of_birth IN {_levels_in('date_of_birth', DOB_COMPATIBLE)}"
    loose_given = f"gamma_first_name IN {_levels_in('first_name', ('loosely_similar',))}"
    # and a given name that agrees only through the nickname table (the request's a diminutive of the
    # record's: Bob for Robert), with neither the birth date nor the TIN exact, names the taxpayer only
    # when nothing else has to be excused: the family name exact, the address confirmed at the same house
    # number (none missing, the lines not swapped), and no
    # middle name that contradicts the record's. The people who share a taxpayer's family name and
    # address are their family, and a family can hold a Robert and a Bobby; what tells them apart is a
    # birth date, a TIN, a middle name, and failing those the rest of the request given exactly.
    nickname_given = f"gamma_first_name IN {_levels_in('first_name', ('nickname',))}"
    nickname_corroborated = (
        f"gamma_last_name IN {_levels_in('last_name', NICKNAME_FAMILY_NAME)} "
        f"AND gamma_address IN {_levels_in('address', NICKNAME_ADDRESS)} "
        f"AND gamma_middle_name IN {_levels_in('middle_name', NICKNAME_MIDDLE_NAME)}")
    # a birth date the request contradicts rules the record out, unless the TIN agrees exactly and the
    # given name is the record's or a slip of it (a birth date is mistyped or misfiled as often as a
    # name; the TIN and the name together are a person, a diminutive or a loose likeness are not)
    given_close = f"gamma_first_name IN {_levels_in('first_name', GIVEN_NAME_CLOSE)}"
    dob_not_contradicted = f"({dob_ok} OR ({tin_exact} AND {given_close}))"
    named = (f"((({address_ok} AND {names_ok}) OR ({given_ok} AND {address_strict} AND {dob_exact} AND {tin_exact})) "
             f"AND {dob_not_contradicted} AND (NOT ({loose_given}) OR {dob_exact} OR {tin_exact}) "
             f"AND (NOT ({nickname_given}) OR {dob_exact} OR {tin_exact} OR ({nickname_corroborated})))")
    return f"""
    WITH scored AS (
        SELECT *, {total} AS evidence_bits
        FROM (SELECT s_id, tin, match_weight, match_probability, {gammas}, {costs} FROM {pairs})
    ),
    per_record AS (
        SELECT *,
               row_number() OVER (PARTITION BY s_id, tin ORDER BY match_weight DESC) AS record_rank,
               row_number() OVER (PARTITION BY s_id, tin ORDER BY evidence_bits, match_weight DESC) AS evidence_rank,
               bool_or({address_ok}) OVER (PARTITION BY s_id, tin) AS address_confirmed,
               bool_or({named}) OVER (PARTITION BY s_id, tin) AS identity_confirmed,
               min(evidence_bits) OVER (PARTITION BY s_id, tin) AS tin_evidence_bits
        FROM scored
    ),
    contenders AS (
        SELECT *, tin_evidence_bits < min(tin_evidence_bits) OVER (PARTITION BY s_id) + {rule.min_rival_bits!r}
                  AS contender
        FROM per_record WHERE record_rank = 1
    ),
    per_tin AS (
        SELECT * EXCLUDE (tin_evidence_bits, contender),
               row_number() OVER (PARTITION BY s_id ORDER BY contender DESC, match_weight DESC, tin) AS tin_rank
        FROM contenders
    ),
    least_costly AS (SELECT * FROM per_record WHERE evidence_rank = 1),
    best AS (SELECT * FROM per_tin WHERE tin_rank = 1),
    second AS (SELECT s_id, tin, match_weight, match_probability FROM per_tin WHERE tin_rank = 2),
    best_evidence AS (
        SELECT b.s_id, e.evidence_bits AS best_evidence_bits, {best_bits}
        FROM best AS b JOIN least_costly AS e ON e.s_id = b.s_id AND e.tin = b.tin
    ),
    rivals AS (
        SELECT v.s_id, v.tin, v.evidence_bits - be.best_evidence_bits AS rival_bits, {rival_bits},
               row_number() OVER (PARTITION BY v.s_id ORDER BY v.evidence_bits - be.best_evidence_bits,
                                  v.match_weight DESC, v.tin) AS rival_rank,
               count(*) FILTER (WHERE v.evidence_bits - be.best_evidence_bits < {rule.min_rival_bits!r})
                   OVER (PARTITION BY v.s_id) AS tying_rivals
        FROM least_costly AS v
        JOIN best AS b ON b.s_id = v.s_id AND v.tin <> b.tin
        JOIN best_evidence AS be ON be.s_id = v.s_id
    ),
    closest AS (SELECT * FROM rivals WHERE rival_rank = 1),
    judged AS (
        SELECT s.unique_id, s.subject_id, b.tin AS best_tin, b.match_weight AS best_weight,
               b.match_probability AS best_probability, b.address_confirmed, {best_gammas},
               r.tin AS runner_up_tin, r.match_weight AS runner_up_weight,
               r.match_probability AS runner_up_probability, be.* EXCLUDE (s_id),
               c.tin AS rival_tin, c.rival_bits, c.* EXCLUDE (s_id, tin, rival_bits, rival_rank, tying_rivals),
               coalesce(c.tying_rivals, 0) AS tying_rivals,
               CASE
                 WHEN b.tin IS NULL THEN 'no_candidate'
                 WHEN b.match_probability < {rule.min_probability!r} THEN 'below_threshold'
                 WHEN NOT b.address_confirmed THEN 'address_not_confirmed'
                 WHEN c.tying_rivals > 0 THEN 'another_taxpayer_fits'
                 WHEN NOT b.identity_confirmed THEN 'name_not_confirmed'
                 WHEN s.tin_n IS NOT NULL AND s.tin_n <> b.tin
                      AND s.tin_n IN (SELECT master_tin FROM {master}) THEN 'tin_names_another_taxpayer'
                 ELSE 'confident_unique_match'
               END AS reason
        FROM {subjects} AS s
        LEFT JOIN best AS b ON b.s_id = s.unique_id
        LEFT JOIN second AS r ON r.s_id = s.unique_id
        LEFT JOIN best_evidence AS be ON be.s_id = s.unique_id
        LEFT JOIN closest AS c ON c.s_id = s.unique_id
    )
    SELECT *,
           CASE WHEN reason = 'confident_unique_match' THEN 'match'
                WHEN reason IN ('another_taxpayer_fits', 'tin_names_another_taxpayer') THEN 'ambiguous'
                ELSE 'no_match' END AS outcome
    FROM judged
    """  # nosec B608  # levels and thresholds are the decision rule's own constants
