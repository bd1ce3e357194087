"""The Fellegi-Sunter model: what is compared, how candidate pairs are found, how it is trained.

Splink scores each candidate pair (a subject, a master record) field by field. Each comparison has
ordered agreement levels, from "exact" down to "different"; training estimates, without labels,
how often each level occurs among true matches (m) and among random pairs (u), and a pair's match
weight is the sum of log2(m/u) over its fields plus the prior. The decision rule
(:mod:`ftigate.identity.decision`) then reads the weights *and* the levels.

The comparisons are built per SQL dialect so the same model runs on DuckDB and on Spark; trained
parameters are kept apart from SQL (:class:`TrainedParameters`). How they are trained, from the master
file alone, is :mod:`ftigate.identity.training`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.internals.comparison_level_creator import ComparisonLevelCreator
from splink.internals.dialects import SplinkDialect

#: bump when comparisons, blocking, training or the decision rule change: a cached model of another
#: version is not reused, and the version is recorded with every batch of decisions
MODEL_VERSION = "ftigate-identity-13"

UNIT_COMPATIBLE = "(unit_l IS NULL OR unit_r IS NULL OR unit_l = unit_r)"


def location_agrees() -> cll.Or:
    """Same place: the same ZIP code, or the same city (allowing a typo) in the same state, or a ZIP
    code one keystroke apart in a similar city."""
    return cll.Or(
        cll.ExactMatchLevel("zip5"),
        cll.And(cll.ExactMatchLevel("state"), cll.JaroWinklerLevel("city", 0.90)),
        cll.And(OneEditLevel("zip5"), cll.JaroWinklerLevel("city", 0.80)),
    )


class CrossJaroWinklerLevel(ComparisonLevelCreator):
    """Two columns that agree crosswise, allowing typos: each side's ``first`` is like the other's
    ``second`` and the other way round (names entered in swapped order, then mistyped).

    Splink's own :class:`~splink.comparison_level_library.ColumnsReversedLevel` asks for exact
    equality; this is its Jaro-Winkler counterpart, written with the dialect's own function so it
    runs on DuckDB and Spark alike.
    """

    def __init__(self, first: str, second: str, threshold: float) -> None:
        self.first, self.second, self.threshold = first, second, threshold

    def create_sql(self, sql_dialect: SplinkDialect) -> str:
        jw, a, b, t = sql_dialect.jaro_winkler_function_name, self.first, self.second, self.threshold
        return f"{jw}({a}_l, {b}_r) >= {t} AND {jw}({b}_l, {a}_r) >= {t}"

    def create_label_for_charts(self) -> str:
        return f"{self.first} and {self.second} alike crosswise (Jaro-Winkler >= {self.threshold})"


class DiminutiveLevel(ComparisonLevelCreator):
    """The request's first given name is a diminutive of the record's formal one (Bob for Robert, Pepe
    for José): the record's name is in the group the nickname table gives the request's
    (:func:`~ftigate.identity.reference.nickname_groups`).

    One way only, so the level knows which side is the request: the input table aliased
    ``subjects``. A request for Robert does not name a taxpayer on record as Bob, nor does a request
    for Augustus name Austin: those are given names in their own right, each a person's name.
    """

    def create_sql(self, sql_dialect: SplinkDialect) -> str:
        contains = "array_contains" if sql_dialect.sql_dialect_str == "spark" else "list_contains"
        return (f"(source_dataset_l = 'subjects' AND {contains}(given_group_l, given1_r)) "
                f"OR (source_dataset_r = 'subjects' AND {contains}(given_group_r, given1_l))")

    def create_label_for_charts(self) -> str:
        return "the request's given name a diminutive of the record's"


def edits_at_most(left: str, right: str, edits: int, sql_dialect: SplinkDialect) -> str:
    """SQL: the two values at most ``edits`` (1 or 2) Damerau-Levenshtein edits apart.

    On DuckDB, whose Damerau-Levenshtein function costs as much as twenty Jaro-Winklers (and as much
    for two equal values as for two others), cheap tests come first and the distance is computed
    only where they leave the answer open: equal values are no edit apart; values whose lengths
    differ by more than ``edits`` are further apart; and values one edit apart agree either on their
    first ``k = n // 2`` characters or on their last ``n - k - 1`` (``n`` the shorter length), since
    an edit touches at most two adjacent characters and leaves what is before it and what is after
    it alike. Where either value is missing the test is not true, as the distance alone is not.
    Other dialects compute the distance alone.
    """
    if edits not in (1, 2):
        raise ValueError(f"edits_at_most handles 1 or 2 edits, not {edits}")
    distance = f"{sql_dialect.damerau_levenshtein_function_name}({left}, {right}) <= {edits}"
    if sql_dialect.sql_dialect_str != "duckdb":
        return distance
    lengths = f"abs(length({left}) - length({right})) <= {edits}"
    if edits == 1:
        n = f"least(length({left}), length({right}))"
        head, tail = f"({n} // 2)", f"greatest({n} - {n} // 2 - 1, 0)"
        lengths += (f" AND (left({left}, {head}) = left({right}, {head}) "
                    f"OR right({left}, {tail}) = right({right}, {tail}))")
    return f"({left} = {right} OR ({lengths} AND {distance}))"


class OneEditLevel(ComparisonLevelCreator):
    """A column's two values at most one edit apart (Damerau-Levenshtein distance 1 or 0): a typo.

    The same level as Splink's ``DamerauLevenshteinLevel(column, 1)``, with cheap tests first on
    DuckDB (:func:`edits_at_most`): most pairs of two people's dates of birth or TINs fail them, and
    the distance is computed only for the rest.
    """

    def __init__(self, column: str) -> None:
        self.column = column

    def create_sql(self, sql_dialect: SplinkDialect) -> str:
        return edits_at_most(f"{self.column}_l", f"{self.column}_r", 1, sql_dialect)

    def create_label_for_charts(self) -> str:
        return f"Damerau-Levenshtein distance of {self.column} <= 1"


class StreetSlipsLevel(ComparisonLevelCreator):
    """The street written without spaces with one slip at most, or a long name spelled out with two.

    One slip at most in the street written without spaces (its type abbreviated or spelled out, so
    that "ELMS TREET" is "ELM ST" with a slip of the space bar): Jaro-Winkler alone lets a short name
    with two slips through when the street type they share pads it ("MAPLE ST", "MARBLE ST": 0.91),
    and two slips are allowed only in a long name (ten letters or more, spelled out, without spaces)
    whose first three letters are right: "8 BRIDGEDTREET" for 8 Bridge Street, "38 MOORE O LACE" for
    38 Moore Place. Maple and Marble are two streets. ``slips`` is 1 for the first test, 2 for the
    second; the distances come with cheap tests first on DuckDB (:func:`edits_at_most`).
    """

    def __init__(self, slips: int) -> None:
        self.slips = slips

    def create_sql(self, sql_dialect: SplinkDialect) -> str:
        compact, spelled = ("street_compact_l", "street_compact_r"), ("street_spelled_l", "street_spelled_r")
        if self.slips == 1:
            return (f"({edits_at_most(*compact, 1, sql_dialect)} "
                    f"OR {edits_at_most(*spelled, 1, sql_dialect)})")
        return ("length(street_spelled_l) >= 10 AND length(street_spelled_r) >= 10 "
                "AND substr(street_spelled_l, 1, 3) = substr(street_spelled_r, 1, 3) "
                f"AND {edits_at_most(*spelled, 2, sql_dialect)}")

    def create_label_for_charts(self) -> str:
        return "one slip at most" if self.slips == 1 else "long street name, two slips at most"


#: neither side's street type nor directional contradicts the other's (Moore Place is not Moore Lane,
#: North Main Street not South Main Street), however alike the rest of the two streets is
STREET_KIND_COMPATIBLE = ("(street_type_l IS NULL OR street_type_r IS NULL OR street_type_l = street_type_r) "
                          "AND (street_direction_l IS NULL OR street_direction_r IS NULL "
                          "OR street_direction_l = street_direction_r)")


def street_agrees() -> cll.And:
    """The same street, allowing a typo or a slip of the space bar ("BUSSELLC RESCENT"), or two
    slips in a long name spelled out; never another street type or directional."""
    return cll.And(
        cll.Or(cll.And(cll.Or(_jw("street", 0.90), _jw("street_compact", 0.90)), StreetSlipsLevel(1)),
               StreetSlipsLevel(2)),
        _custom(STREET_KIND_COMPATIBLE, "street type and directional compatible"))


def _custom(sql: str, label: str) -> cll.CustomLevel:
    # plain SQL that every dialect reads the same way; no base dialect, so no translation
    return cll.CustomLevel(sql, label_for_charts=label)


def _jw(column: str, threshold: float) -> cll.JaroWinklerLevel:
    return cll.JaroWinklerLevel(column, threshold)


def comparison_levels() -> dict[str, list[tuple[str, Any]]]:
    """Each comparison's levels, most specific first, with the short label kept in the evidence.

    The first level of each is its null level (no information either way) and the last its
    "different" level. The labels are what :class:`~ftigate.identity.MatchResult` evidence shows.
    """
    return {
        "first_name": [
            ("missing", cll.NullLevel("given")),
            ("exact", cll.ExactMatchLevel("given")),
            ("swapped_with_family_name", cll.ColumnsReversedLevel("given", "last", symmetrical=True)),
            ("first_given_name_exact", cll.ExactMatchLevel("given1")),
            ("swapped_with_family_name_similar", CrossJaroWinklerLevel("given", "last", 0.88)),
            ("similar", _jw("given", 0.92)),
            ("nickname", DiminutiveLevel()),
            ("loosely_similar", _jw("given", 0.80)),
            ("initial_only", _custom("substr(given_l, 1, 1) = substr(given_r, 1, 1)", "initial")),
            ("different", cll.ElseLevel()),
        ],
        "last_name": [
            ("missing", cll.NullLevel("last")),
            ("exact", cll.ExactMatchLevel("last")),
            ("swapped_with_given_name", cll.ColumnsReversedLevel("given", "last", symmetrical=True)),
            ("swapped_with_given_name_similar", CrossJaroWinklerLevel("given", "last", 0.88)),
            ("similar", _jw("last", 0.92)),
            ("shares_a_compound_part", cll.ArrayIntersectLevel("last_tokens", 1)),
            ("loosely_similar", _jw("last", 0.80)),
            ("different", cll.ElseLevel()),
        ],
        "middle_name": [
            ("missing", cll.NullLevel("middle")),
            ("exact", cll.ExactMatchLevel("middle")),
            ("initial", cll.ExactMatchLevel("middle_initial")),
            ("different", cll.ElseLevel()),
        ],
        "suffix": [
            ("missing", _custom("suffix_l IS NULL AND suffix_r IS NULL", "both missing").configure(is_null_level=True)),
            ("exact", cll.ExactMatchLevel("suffix")),
            ("one_side_only", _custom("suffix_l IS NULL OR suffix_r IS NULL", "one side only")),
            ("different", cll.ElseLevel()),
        ],
        "date_of_birth": [
            ("missing", cll.NullLevel("dob")),
            ("exact", cll.ExactMatchLevel("dob")),
            ("one_typo", OneEditLevel("dob")),
            ("day_month_swapped", _custom(
                "substr(dob_l, 1, 4) = substr(dob_r, 1, 4) AND substr(dob_l, 6, 2) = substr(dob_r, 9, 2) "
                "AND substr(dob_l, 9, 2) = substr(dob_r, 6, 2)", "day and month swapped")),
            ("same_year", _custom("substr(dob_l, 1, 4) = substr(dob_r, 1, 4)", "same year")),
            ("different", cll.ElseLevel()),
        ],
        "address": [
            ("missing", cll.NullLevel("street")),
            ("exact", _custom(
                f"house_l = house_r AND street_l = street_r AND zip5_l = zip5_r AND {UNIT_COMPATIBLE}",
                "same house, street, unit and ZIP")),
            # the cheap tests first (SQL's AND stops at the first that fails): the unit, then the
            # place, then the street, whose distances cost the most
            ("confirmed", cll.And(
                cll.ExactMatchLevel("house"), _custom(UNIT_COMPATIBLE, "unit compatible"), location_agrees(),
                street_agrees())),
            ("lines_swapped", cll.And(
                cll.ExactMatchLevel("house"), CrossJaroWinklerLevel("street", "line2", 0.90), location_agrees())),
            ("street_confirmed_one_house_number_missing", cll.And(
                _custom("(house_l IS NULL OR house_r IS NULL)", "one house number missing"),
                _custom(UNIT_COMPATIBLE, "unit compatible"), location_agrees(), street_agrees())),
            ("house_number_one_keystroke_off", cll.And(
                OneEditLevel("house"), _custom(UNIT_COMPATIBLE, "unit compatible"), location_agrees(),
                street_agrees())),
            # the place first: for most pairs of two people it differs, and the street is not compared
            ("same_street_other_house", cll.And(location_agrees(), street_agrees())),
            ("same_place_only", location_agrees()),
            ("different", cll.ElseLevel()),
        ],
        "tin": [
            ("missing", cll.NullLevel("tin_n")),
            ("exact", cll.ExactMatchLevel("tin_n")),
            ("one_typo", OneEditLevel("tin_n")),
            ("different", cll.ElseLevel()),
        ],
    }


#: the address levels that satisfy the address rule (26 U.S.C. 6103(i)(2)(B)(i) as the court read it)
ADDRESS_AGREES = ("exact", "confirmed", "lines_swapped", "street_confirmed_one_house_number_missing")
#: address levels that satisfy it only when the date of birth or the TIN agrees exactly: a house
#: number one keystroke off is a typo of the taxpayer's or the house next door, and only another
#: identifier can say which
ADDRESS_AGREES_IF_CORROBORATED = ("house_number_one_keystroke_off",)
#: name levels strong enough to say the request names this taxpayer
GIVEN_NAME_AGREES = ("exact", "swapped_with_family_name", "first_given_name_exact", "swapped_with_family_name_similar",
                     "similar", "nickname", "loosely_similar")
FAMILY_NAME_AGREES = ("exact", "swapped_with_given_name", "swapped_with_given_name_similar", "similar",
                      "shares_a_compound_part", "loosely_similar")
#: levels at which what the request gives does not contradict a candidate (a typo is no contradiction)
DOB_COMPATIBLE = ("missing", "exact", "one_typo", "day_month_swapped")
MIDDLE_COMPATIBLE = ("missing", "exact", "initial", "different")
SUFFIX_COMPATIBLE = ("missing", "exact", "one_side_only")


def gamma_labels() -> dict[str, dict[int, str]]:
    """Splink's comparison vector value (gamma) for each level, mapped to the level's label.

    Splink numbers a comparison's levels -1 for the null level, then from n-2 (the first non-null
    level) down to 0 (the last, "else" level).
    """
    out: dict[str, dict[int, str]] = {}
    for name, levels in comparison_levels().items():
        non_null = [label for label, _ in levels[1:]]
        mapping = {-1: levels[0][0]}
        for i, label in enumerate(non_null):
            mapping[len(non_null) - 1 - i] = label
        out[name] = mapping
    return out


def comparisons() -> list[cl.CustomComparison]:
    return [
        cl.CustomComparison([level for _, level in levels], output_column_name=name)
        for name, levels in comparison_levels().items()
    ]


def prediction_blocking_rules() -> list[Any]:
    """Which pairs are scored: only those that could satisfy the address rule, plus the TIN.

    The address rule requires that the request's address agree with one of the taxpayer's, so
    every candidate that could be matched shares a ZIP code and house number, or a city, house
    number and street, or a ZIP code and street and family name, or a state, house number and
    street (when both ZIP code and city are mistyped); the TIN block adds the candidate a
    requester's TIN points at, so that its evidence (and its disagreement) is recorded.
    """
    return [
        block_on("zip5", "house"),
        block_on("state", "city", "house", "street_key"),
        block_on("zip5", "street_key", "substr(last, 1, 2)"),
        # a mistyped ZIP code and city together (03069 "Logankea" for 03029 "Loganlea")
        block_on("state", "house", "street_key"),
        block_on("tin_n"),
    ]


def settings_creator(prior: float = 1e-6) -> SettingsCreator:
    return SettingsCreator(
        link_type="link_only",
        comparisons=[*comparisons()],
        blocking_rules_to_generate_predictions=prediction_blocking_rules(),
        probability_two_random_records_match=prior,
        retain_matching_columns=True,
        retain_intermediate_calculation_columns=False,
        em_convergence=0.001,
        max_iterations=20,
    )


@dataclass
class TrainedParameters:
    """m and u probabilities per comparison level (null levels excluded), engine-independent."""

    m: dict[str, list[float | None]]
    u: dict[str, list[float | None]]
    version: str = MODEL_VERSION

    @classmethod
    def from_settings_dict(cls, settings: dict[str, Any]) -> TrainedParameters:
        m: dict[str, list[float | None]] = {}
        u: dict[str, list[float | None]] = {}
        for comparison in settings["comparisons"]:
            name = comparison["output_column_name"]
            levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
            m[name] = [lv.get("m_probability") for lv in levels]
            u[name] = [lv.get("u_probability") for lv in levels]
        return cls(m=m, u=u)

    def apply(self, settings: dict[str, Any]) -> dict[str, Any]:
        """Write these parameters into a (dialect-specific) Splink settings dict."""
        for comparison in settings["comparisons"]:
            name = comparison["output_column_name"]
            levels = [lv for lv in comparison["comparison_levels"] if not lv.get("is_null_level")]
            for level, m, u in zip(levels, self.m[name], self.u[name], strict=True):
                if m is not None:
                    level["m_probability"] = m
                if u is not None:
                    level["u_probability"] = u
        return settings


def settings_dict(dialect: str, prior: float, trained: TrainedParameters | None = None) -> dict[str, Any]:
    """The Splink settings for ``dialect`` ("duckdb" or "spark"), with trained parameters if given."""
    settings = settings_creator(prior).create_settings_dict(dialect)
    if trained is not None:
        trained.apply(settings)
    return settings
