"""Normalisation of names and US addresses: one definition, run inside DuckDB for millions of rows.

The inspector general found the agency unable to "accurately and consistently match" records that
were not uniformly formatted (report of June 8, 2026; docs/law.md). Both sides of a comparison, the request's subjects and the
master file, therefore go through exactly the same normalisation before anything is compared:

* names: case, punctuation and accents folded (Unidecode for letters beyond Latin-1 accents such
  as Ø or Ł), courtesy titles dropped, generational suffixes (Jr, Sr, II, III, ...) moved out of the
  name fields into ``suffix``, compound and hyphenated family names split into tokens, the first
  given name mapped to its nickname group (``nicknames`` package);
* addresses: street types, directionals and unit designators abbreviated to USPS Publication 28
  (``usaddress-scourgify`` tables), the line split into house number, street and unit, ZIP+4 cut
  to its five-digit ZIP, state names to USPS codes, Saint/Mount/Fort spelled out in city names;
  the street is also kept without spaces (``street_compact``: "BUSSELLC RESCENT" is a slip of the
  space bar, not another street), and without spaces with its type spelled out (``street_spelled``:
  "8 BRIDGEDTREET" is "8 BRIDGE ST" with the space lost and a letter mistyped), and the second line whole (``line2``: a building or property name
  sometimes entered on the first line, and the street on the second).

The rules are SQL macros (:func:`install`) so DuckDB applies them column-wise to a 10-million-row
master file without bringing it into Python. :func:`normalise_name` and :func:`normalise_address`
run the same macros on one value, for tests, documentation and callers that need a single answer.
"""

from __future__ import annotations

import contextlib
import functools
import re
import threading
from dataclasses import dataclass

import duckdb
import pyarrow as pa
from duckdb.func import FunctionNullHandling, PythonUDFType
from unidecode import unidecode

from ftigate.identity.reference import (
    CITY_WORDS,
    NAME_SUFFIXES,
    NAME_TITLES,
    TRAILING_SUFFIXES,
    UNIT_DESIGNATORS,
    UNIT_WORDS,
    address_abbreviations,
    mistypable_street_types,
    nickname_groups,
    spelled_street_types,
    state_codes,
)
from ftigate.law.text import canonical

#: family-name particles that do not, alone, make two compound names agree ("DE LA CRUZ" / "DE LEON")
_PARTICLES = ("DE", "DEL", "DELA", "LA", "LAS", "LOS", "VAN", "VON", "DER", "DEN", "DA", "DI", "DOS", "DAS",
              "DU", "LE", "Y", "E", "MC", "MAC", "ST", "SAINT", "BIN", "BEN", "AL", "EL")

#: the normalised columns every side of a comparison carries (besides its own identifiers)
NORMALISED_COLUMNS: tuple[str, ...] = (
    "given", "given1", "given_group", "middle", "middle_initial", "last", "last_tokens", "suffix",
    "dob", "house", "street", "street_key", "street_compact", "street_spelled",
    "street_type", "street_direction", "line2", "unit", "city", "state", "zip5", "tin_n",
)


def _sql_str(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _sql_list(values: tuple[str, ...] | list[str]) -> str:
    return "[" + ", ".join(_sql_str(v) for v in values) + "]"


def _sql_map(table: dict[str, str]) -> str:
    return "MAP {" + ", ".join(f"{_sql_str(k)}: {_sql_str(v)}" for k, v in sorted(table.items())) + "}"


def _regex_alternatives(words: tuple[str, ...]) -> str:
    return "|".join(words)


def _lookups() -> dict[str, str]:
    """The lookup tables as SQL literals, written into the macros (DuckDB folds them once per query)."""
    return {
        "ftg_address_words": _sql_map(address_abbreviations()),
        "ftg_type_words": _sql_list(sorted(mistypable_street_types())),
        "ftg_type_abbreviations": _sql_map(mistypable_street_types()),
        "ftg_spelled_types": _sql_map(spelled_street_types()),
        "ftg_suffixes": _sql_map(NAME_SUFFIXES),
        "ftg_trailing_suffixes": _sql_map(TRAILING_SUFFIXES),
        "ftg_dropped_words": _sql_list(list(NAME_TITLES) + list(TRAILING_SUFFIXES)),
        "ftg_particles": _sql_list(_PARTICLES),
        "ftg_city_words": _sql_map(CITY_WORDS),
        "ftg_states": _sql_map(state_codes()),
    }


def macro_sql() -> list[str]:
    """The ``CREATE MACRO`` statements that define normalisation (DuckDB dialect).

    Macros take either a raw field (``ftg_text``, ``ftg_words``, ``ftg_address_text``) or the
    words/text computed from it once per row by :func:`row_by_row_select`. ``LOOKUP(name)`` stands
    for one of the :func:`_lookups` tables, written in as a literal.
    """
    units = _regex_alternatives(UNIT_DESIGNATORS)
    unit_words = _regex_alternatives(UNIT_WORDS)
    statements = [
        # accents and other non-ASCII letters: Unidecode, only for the values that need it
        r"""CREATE OR REPLACE MACRO ftg_ascii(s) AS
            CASE WHEN regexp_matches(s, '[^\x01-\x7F]') THEN ftg_unidecode(s) ELSE s END""",
        # upper case, apostrophes and periods removed (O'Brien = OBRIEN), other punctuation = space
        r"""CREATE OR REPLACE MACRO ftg_text(s) AS
            nullif(trim(regexp_replace(regexp_replace(
                regexp_replace(upper(ftg_ascii(s)), '[''`.]', '', 'g'),
                '#', ' # ', 'g'), '[^A-Z0-9#]+', ' ', 'g')), '')""",
        r"""CREATE OR REPLACE MACRO ftg_words(s) AS
            list_filter(string_split(regexp_replace(coalesce(ftg_text(s), ''), '#', '', 'g'), ' '),
                        lambda t: t <> '')""",
        # --- names, from their words -------------------------------------------------------------
        # without titles or generational suffixes, unless nothing else is left ("J.R." is a name)
        """CREATE OR REPLACE MACRO ftg_name_core(w) AS
            list_filter(w, lambda t: NOT list_contains(LOOKUP(ftg_dropped_words), t))""",
        """CREATE OR REPLACE MACRO ftg_name_tokens(w) AS
            CASE WHEN len(ftg_name_core(w)) > 0 THEN ftg_name_core(w) ELSE w END""",
        """CREATE OR REPLACE MACRO ftg_name(w) AS nullif(array_to_string(ftg_name_tokens(w), ' '), '')""",
        """CREATE OR REPLACE MACRO ftg_suffix_in(w) AS
            CASE WHEN len(ftg_name_core(w)) > 0 THEN LOOKUP(ftg_trailing_suffixes)[
                list_filter(w, lambda t: map_contains(LOOKUP(ftg_trailing_suffixes), t))[-1]] END""",
        # the suffix field's own word(s), else a suffix left at the end of the family name, else of the given name
        """CREATE OR REPLACE MACRO ftg_suffix_field(w) AS LOOKUP(ftg_suffixes)[array_to_string(w, '')]""",
        """CREATE OR REPLACE MACRO ftg_suffix(suffix_words, first_words, last_words) AS
            coalesce(ftg_suffix_field(suffix_words), ftg_suffix_in(last_words), ftg_suffix_in(first_words))""",
        """CREATE OR REPLACE MACRO ftg_last_tokens(w) AS
            list_filter(ftg_name_tokens(w),
                        lambda t: length(t) > 1 AND NOT list_contains(LOOKUP(ftg_particles), t))""",
        # the letters by which two names differ (Damerau-Levenshtein), a name that sounds the same
        # spelled otherwise counting as one: Stephen for Steven is a spelling, not two slips
        # (``ftg_sound`` is :func:`sound`, asked only of names two letters apart or more)
        """CREATE OR REPLACE MACRO ftg_name_slips(a, b) AS
            CASE WHEN damerau_levenshtein(a, b) >= 2 AND ftg_sound(a) = ftg_sound(b) THEN 1
                 ELSE damerau_levenshtein(a, b) END""",
        # --- addresses ---------------------------------------------------------------------------
        # a street type mistyped in the last word of a line ("HALL TSREET"): the type it is one keystroke from
        """CREATE OR REPLACE MACRO ftg_mistyped_type(t) AS
            CASE WHEN length(t) >= 5 THEN LOOKUP(ftg_type_abbreviations)[
                list_filter(LOOKUP(ftg_type_words), lambda w: damerau_levenshtein(t, w) <= 1)[1]] END""",
        # a line with USPS abbreviations applied word by word
        """CREATE OR REPLACE MACRO ftg_address_words(w) AS
            list_transform(w, lambda t, i: coalesce(LOOKUP(ftg_address_words)[t],
                                                    CASE WHEN i = len(w) AND i > 1 + CASE WHEN regexp_matches(w[1], '^[0-9]') THEN 1 ELSE 0 END
                                                         THEN ftg_mistyped_type(t) END, t))""",
        # the line's words before abbreviation, and the abbreviated words back into a line: a query
        # that works the words out once (a column) and abbreviates them after spares ftg_address_words
        # from working them out again for each word (the macro names them inside its lambda)
        """CREATE OR REPLACE MACRO ftg_address_line_words(s) AS
            string_split(regexp_replace(coalesce(ftg_text(s), ''), '^(P O|POST OFFICE) BOX ', 'PO BOX '), ' ')""",
        """CREATE OR REPLACE MACRO ftg_address_line(w) AS nullif(array_to_string(ftg_address_words(w), ' '), '')""",
        """CREATE OR REPLACE MACRO ftg_address_text(s) AS ftg_address_line(ftg_address_line_words(s))""",
        r"""CREATE OR REPLACE MACRO ftg_house(text) AS
            nullif(regexp_extract(text, '^([0-9]+[A-Z]?)( |$)', 1), '')""",
        # the line without its house number: street name, type, and maybe a unit after them
        r"""CREATE OR REPLACE MACRO ftg_after_house(text) AS
            regexp_replace(coalesce(text, ''), '^[0-9]+[A-Z]?( |$)', '')""",
        # a unit designator counts only after at least one word of street ("100 Lot Rd" has no unit)
        f"""CREATE OR REPLACE MACRO ftg_street(text) AS
            nullif(trim(coalesce(nullif(regexp_extract(ftg_after_house(text), '^(.+?) (?:{units})(?: |$)', 1), ''),
                                 ftg_after_house(text))), '')""",
        f"""CREATE OR REPLACE MACRO ftg_unit_after_street(text) AS
            nullif(ltrim(regexp_extract(ftg_after_house(text), '^.+? (?:{units}) ?(?:NO |NUM |NUMBER |NBR )?([A-Z0-9]+)', 1), '0'), '')""",
        # the second line: a designated unit, a standalone unit word, or a bare unit number ("5", "4B")
        f"""CREATE OR REPLACE MACRO ftg_unit_line2(text) AS
            nullif(ltrim(coalesce(
                nullif(regexp_extract(coalesce(text, ''), '(?:^| )(?:{units}) ?(?:NO |NUM |NUMBER |NBR )?([A-Z0-9]+)', 1), ''),
                nullif(regexp_extract(coalesce(text, ''), '(?:^| )({unit_words})(?: |$)', 1), ''),
                regexp_extract(coalesce(text, ''), '^([A-Z]?[0-9]+[A-Z]?)$', 1)), '0'), '')""",
        r"""CREATE OR REPLACE MACRO ftg_unit(text1, text2) AS coalesce(ftg_unit_after_street(text1), ftg_unit_line2(text2))""",
        # the first word of the street that is not a directional, cut to four letters: a blocking key
        r"""CREATE OR REPLACE MACRO ftg_street_key(street) AS
            nullif(left(regexp_replace(coalesce(street, ''), '^(N|S|E|W|NE|NW|SE|SW) ', ''), 4), '')""",
        # the street as it is spoken, without spaces: street types spelled out ("BRG ST" =
        # "BRIDGESTREET"), so that a type run into the name and mistyped still compares
        """CREATE OR REPLACE MACRO ftg_street_spelled(street) AS
            nullif(array_to_string(list_transform(string_split(coalesce(street, ''), ' '),
                lambda t: coalesce(LOOKUP(ftg_spelled_types)[t], t)), ''), '')""",
        # the street's type (its last word, when a USPS type) and directional (its first word, when one)
        """CREATE OR REPLACE MACRO ftg_street_type(street) AS
            CASE WHEN strpos(coalesce(street, ''), ' ') > 0
                      AND map_contains(LOOKUP(ftg_spelled_types), string_split(street, ' ')[-1])
                 THEN string_split(street, ' ')[-1] END""",
        """CREATE OR REPLACE MACRO ftg_street_direction(street) AS
            CASE WHEN strpos(coalesce(street, ''), ' ') > 0
                      AND list_contains(['N', 'S', 'E', 'W', 'NE', 'NW', 'SE', 'SW'], string_split(street, ' ')[1])
                 THEN string_split(street, ' ')[1] END""",
        """CREATE OR REPLACE MACRO ftg_city(s) AS
            nullif(array_to_string(list_transform(ftg_words(s),
                lambda t: coalesce(LOOKUP(ftg_city_words)[t], t)), ' '), '')""",
        """CREATE OR REPLACE MACRO ftg_state(s) AS
            coalesce(LOOKUP(ftg_states)[ftg_name(ftg_words(s))], ftg_name(ftg_words(s)))""",
        r"""CREATE OR REPLACE MACRO ftg_zip5(s) AS nullif(regexp_extract(trim(coalesce(s, '')), '^([0-9]{5})', 1), '')""",
        r"""CREATE OR REPLACE MACRO ftg_dob(s) AS
            CASE WHEN regexp_matches(trim(coalesce(s, '')), '^[0-9]{4}-[0-9]{2}-[0-9]{2}$') THEN trim(s) END""",
        # nine digits as written (nearly every TIN) are taken as they are, without rewriting them twice
        r"""CREATE OR REPLACE MACRO ftg_tin(s) AS
            CASE WHEN regexp_full_match(coalesce(s, ''), '[0-9]{9}') THEN s
                 WHEN length(regexp_replace(coalesce(s, ''), '[^0-9]', '', 'g')) = 9
                 THEN regexp_replace(s, '[^0-9]', '', 'g') END""",
    ]
    lookups = _lookups()
    for name, literal in lookups.items():
        statements = [statement.replace(f"LOOKUP({name})", literal) for statement in statements]
    return statements


def install(con: duckdb.DuckDBPyConnection) -> None:
    """Define the normalisation macros, the Unidecode function and the nickname table on ``con``."""
    # already there: a connection is set up once, this keeps install() idempotent
    with contextlib.suppress(duckdb.Error):
        con.create_function("ftg_unidecode", _unidecode, ["VARCHAR"], "VARCHAR", side_effects=False)
    with contextlib.suppress(duckdb.Error):
        # a vector of names at a time, each distinct name worked out once: the uniqueness rule asks it
        # of millions of candidate pairs whose names repeat (a name of no letters sounds like nothing: NULL)
        con.create_function("ftg_sound", _sounds, ["VARCHAR"], "VARCHAR", type=PythonUDFType.ARROW,
                            null_handling=FunctionNullHandling.SPECIAL, side_effects=False)
    for statement in macro_sql():
        con.execute(statement)
    existing = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'ftg_nicknames'"
    ).fetchall()[0][0]
    if not existing:
        groups = nickname_groups()
        con.execute("CREATE TEMP TABLE ftg_nicknames (name VARCHAR PRIMARY KEY, grp VARCHAR[])")
        names = sorted(groups)
        con.register("ftg_nickname_rows", pa.table({
            "name": pa.array(names, type=pa.string()),
            "grp": pa.array([groups[n] for n in names], type=pa.list_(pa.string())),
        }))
        con.execute("INSERT INTO ftg_nicknames SELECT name, grp FROM ftg_nickname_rows")
        con.unregister("ftg_nickname_rows")


def _unidecode(value: str | None) -> str | None:
    """Transliterate text that is not ASCII, after the law's canonical form (NFKC, invisible characters
    removed): the matcher reads a name as the rules read it, whatever file it comes from."""
    return None if value is None else unidecode(canonical(value))


#: letters said alike, written alike (in this order): PH = F, TH = T, CK = K, C = S before E, I
#: or Y and K elsewhere, G = J before E, I or Y, Q = K, Z = S, V = F, Y = I
_SAID_ALIKE = ((r"PH", "F"), (r"TH", "T"), (r"CK", "K"), (r"C(?=[EIY])", "S"), (r"C", "K"), (r"G(?=[EIY])", "J"),
               (r"Q", "K"), (r"Z", "S"), (r"V", "F"), (r"Y", "I"))


def sound(name: str | None) -> str | None:
    """How a (normalised) name sounds, roughly: its consonants, said-alike letters written alike,
    with its first letter and its final vowel, doubled letters once.

    Names said the same but spelled otherwise sound the same (STEVEN, STEPHEN: STFN; GEOFFREY,
    JEFFREY: JFRI; KATHERINE, CATHERINE: KTRNE); a final vowel is kept because it is often all that
    tells a woman's name from a man's (DANIEL: DNL, DANIELLE: DNLE; PATRICK, PATRICIA).
    """
    letters = re.sub(r"[^A-Z]", "", name or "")
    for pattern, said in _SAID_ALIKE:
        letters = re.sub(pattern, said, letters)
    letters = letters.rstrip("H")
    if not letters:
        return None
    middle = re.sub(r"[AEIOUH]", "", letters[1:-1]) if len(letters) > 2 else letters[1:-1]
    spoken = letters[0] + middle + (letters[-1] if len(letters) > 1 else "")
    return re.sub(r"(.)\1+", r"\1", spoken)


@functools.lru_cache(maxsize=1 << 18)
def _cached_sound(name: str | None) -> str | None:
    return sound(name)


def _sounds(names: pa.Array) -> pa.Array:
    """:func:`sound` of each name of an Arrow vector (DuckDB's vectorised form of ``ftg_sound``)."""
    return pa.array([_cached_sound(name) for name in names.to_pylist()], type=pa.string())


def row_by_row_select(source: str, id_columns: str) -> str:
    """A SELECT that normalises the contract's columns of ``source`` row by row: the definition.

    ``id_columns`` is the list of identifying columns kept as they are (for example ``unique_id, tin``).
    Each field is folded once into words or text (stage 1) and the parts are taken from those
    (stage 2); the nickname group of the first given name comes from the ``ftg_nicknames`` table.
    :func:`normalised_select` gives the same rows faster; this one normalises a single row
    (:func:`normalise_name`, :func:`normalise_address`) and is what the faster one is tested against.
    """
    return f"""
        SELECT n.*, coalesce(k.grp, CASE WHEN n.given1 IS NULL THEN NULL ELSE [n.given1] END) AS given_group,
               left(n.middle, 1) AS middle_initial, ftg_street_key(n.street) AS street_key,
               replace(n.street, ' ', '') AS street_compact, ftg_street_spelled(n.street) AS street_spelled,
               ftg_street_type(n.street) AS street_type, ftg_street_direction(n.street) AS street_direction
        FROM (
            SELECT * EXCLUDE (first_words, middle_words, last_words, suffix_words, text1, text2),
                   ftg_name(first_words) AS given, ftg_name_tokens(first_words)[1] AS given1,
                   ftg_name(middle_words) AS middle, ftg_name(last_words) AS last,
                   ftg_last_tokens(last_words) AS last_tokens,
                   ftg_suffix(suffix_words, first_words, last_words) AS suffix,
                   ftg_house(text1) AS house, ftg_street(text1) AS street, ftg_unit(text1, text2) AS unit,
                   CASE WHEN ftg_unit_line2(text2) IS NULL THEN text2 END AS line2
            FROM (
                SELECT {id_columns},
                       ftg_words(first_name) AS first_words, ftg_words(middle_name) AS middle_words,
                       ftg_words(last_name) AS last_words, ftg_words(suffix) AS suffix_words,
                       ftg_address_text(address_line1) AS text1, ftg_address_text(address_line2) AS text2,
                       ftg_dob(date_of_birth) AS dob, ftg_city(city) AS city, ftg_state(state) AS state,
                       ftg_zip5(zip) AS zip5, ftg_tin(tin) AS tin_n
                FROM {source}
            )
        ) AS n
        LEFT JOIN ftg_nicknames AS k ON k.name = n.given1
    """  # nosec B608  # SQL built from the matcher's own constants; no request text is spliced in


#: the fields normalised through a table of their distinct values (:func:`normalised_select`): the
#: others (date of birth, ZIP, TIN) are one cheap pattern each, and nearly as many values as rows
_DICTIONARY_FIELDS = ("first_name", "middle_name", "last_name", "suffix", "address_line1", "address_line2",
                      "city", "state")


def normalised_select(source: str, id_columns: str) -> str:
    """A SELECT giving exactly the rows of :func:`row_by_row_select`, each distinct value normalised once.

    ``source`` must be a table (or view) that can be read more than once. In a master file the same
    few thousand given names, family names, cities and second lines, and the same addresses, recur
    over millions of rows (one taxpayer's over several tax periods, one street's over its
    neighbours), and the address's regular expressions are most of the cost of normalising it. So
    each field's distinct values are normalised once, by the same macros, into a small table that
    is joined back to the rows on the value (NULL matching NULL). Every normalised column is a
    function of one field, except ``suffix`` and ``unit``, which take the first of parts that each
    come from one field (:func:`macro_sql`: ``ftg_suffix``, ``ftg_unit``): those parts are joined
    back and combined in the same order.
    """
    def distinct(field: str) -> str:
        return f"SELECT DISTINCT {field} AS raw FROM {source}"  # nosec B608  # a column name of the contract's and the matcher's own source

    keys = ", ".join(f"{f} AS ftg_key_{f}" for f in _DICTIONARY_FIELDS)
    joins = "\n".join(f"LEFT JOIN ftg_d_{f} AS d_{f} ON d_{f}.raw IS NOT DISTINCT FROM b.ftg_key_{f}"
                      for f in _DICTIONARY_FIELDS)
    excluded = ", ".join(["ftg_dob", "ftg_zip5", "ftg_tin_n"] + [f"ftg_key_{f}" for f in _DICTIONARY_FIELDS])
    return f"""
        WITH ftg_d_first_name AS (
            SELECT d.*, coalesce(k.grp, CASE WHEN d.given1 IS NULL THEN NULL ELSE [d.given1] END) AS given_group
            FROM (SELECT raw, ftg_name(w) AS given, ftg_name_tokens(w)[1] AS given1, ftg_suffix_in(w) AS suffix_in
                  FROM (SELECT raw, ftg_words(raw) AS w FROM ({distinct('first_name')}))) AS d
            LEFT JOIN ftg_nicknames AS k ON k.name = d.given1
        ), ftg_d_middle_name AS (
            SELECT raw, middle, left(middle, 1) AS middle_initial
            FROM (SELECT raw, ftg_name(ftg_words(raw)) AS middle FROM ({distinct('middle_name')}))
        ), ftg_d_last_name AS (
            SELECT raw, ftg_name(w) AS last, ftg_last_tokens(w) AS last_tokens, ftg_suffix_in(w) AS suffix_in
            FROM (SELECT raw, ftg_words(raw) AS w FROM ({distinct('last_name')}))
        ), ftg_d_suffix AS (
            SELECT raw, ftg_suffix_field(ftg_words(raw)) AS suffix FROM ({distinct('suffix')})
        ), ftg_d_address_line1 AS (
            SELECT raw, house, street, unit, ftg_street_key(street) AS street_key,
                   replace(street, ' ', '') AS street_compact, ftg_street_spelled(street) AS street_spelled,
                   ftg_street_type(street) AS street_type, ftg_street_direction(street) AS street_direction
            FROM (SELECT raw, ftg_house(text) AS house, ftg_street(text) AS street,
                         ftg_unit_after_street(text) AS unit
                  FROM (SELECT raw, ftg_address_line(w) AS text
                        FROM (SELECT raw, ftg_address_line_words(raw) AS w FROM ({distinct('address_line1')}))))
        ), ftg_d_address_line2 AS (
            SELECT raw, unit, CASE WHEN unit IS NULL THEN text END AS line2
            FROM (SELECT raw, text, ftg_unit_line2(text) AS unit
                  FROM (SELECT raw, ftg_address_line(w) AS text
                        FROM (SELECT raw, ftg_address_line_words(raw) AS w FROM ({distinct('address_line2')}))))
        ), ftg_d_city AS (
            SELECT raw, ftg_city(raw) AS city FROM ({distinct('city')})
        ), ftg_d_state AS (
            SELECT raw, ftg_state(raw) AS state FROM ({distinct('state')})
        )
        SELECT b.* EXCLUDE ({excluded}),
               b.ftg_dob AS dob, d_city.city, d_state.state, b.ftg_zip5 AS zip5, b.ftg_tin_n AS tin_n,
               d_first_name.given, d_first_name.given1, d_middle_name.middle, d_last_name.last,
               d_last_name.last_tokens,
               coalesce(d_suffix.suffix, d_last_name.suffix_in, d_first_name.suffix_in) AS suffix,
               d_address_line1.house, d_address_line1.street,
               coalesce(d_address_line1.unit, d_address_line2.unit) AS unit, d_address_line2.line2,
               d_first_name.given_group, d_middle_name.middle_initial, d_address_line1.street_key,
               d_address_line1.street_compact, d_address_line1.street_spelled, d_address_line1.street_type,
               d_address_line1.street_direction
        FROM (SELECT {id_columns}, ftg_dob(date_of_birth) AS ftg_dob, ftg_zip5(zip) AS ftg_zip5,
                     ftg_tin(tin) AS ftg_tin_n, {keys}
              FROM {source}) AS b
        {joins}
    """  # nosec B608  # SQL built from the matcher's own constants; no request text is spliced in


# --- one value at a time ---------------------------------------------------------------------------

@dataclass(frozen=True)
class NormalisedName:
    """A person's name as the matcher compares it."""

    given: str | None
    given1: str | None
    given_group: tuple[str, ...]
    middle: str | None
    last: str | None
    last_tokens: tuple[str, ...]
    suffix: str | None


@dataclass(frozen=True)
class NormalisedAddress:
    """A US address as the matcher compares it: house number, street, unit, city, state, ZIP.

    ``street_compact`` is the street without spaces, ``street_spelled`` the same with its type spelled
    out, and ``line2`` the second line when it is not a unit (a building or property name), all kept
    to recognise slips (see the module's docstring).
    """

    house: str | None
    street: str | None
    unit: str | None
    city: str | None
    state: str | None
    zip5: str | None
    street_compact: str | None = None
    line2: str | None = None
    street_spelled: str | None = None


_local = threading.local()


def _connection() -> duckdb.DuckDBPyConnection:
    con = getattr(_local, "con", None)
    if con is None:
        con = duckdb.connect()
        install(con)
        _local.con = con
    return con


_ONE_ROW = """(SELECT CAST(? AS VARCHAR) AS first_name, CAST(? AS VARCHAR) AS middle_name,
    CAST(? AS VARCHAR) AS last_name, CAST(? AS VARCHAR) AS suffix, CAST(NULL AS VARCHAR) AS date_of_birth,
    CAST(? AS VARCHAR) AS address_line1, CAST(? AS VARCHAR) AS address_line2, CAST(? AS VARCHAR) AS city,
    CAST(? AS VARCHAR) AS state, CAST(? AS VARCHAR) AS zip, CAST(NULL AS VARCHAR) AS tin)"""


def _normalise_one(values: list[str]) -> dict[str, object]:
    cursor = _connection().execute(row_by_row_select(_ONE_ROW, "1 AS one"), values)
    names = [d[0] for d in cursor.description]
    return dict(zip(names, cursor.fetchall()[0], strict=True))


_RAW_FIELDS = ("first_name", "middle_name", "last_name", "suffix", "date_of_birth", "address_line1", "address_line2",
               "city", "state", "zip", "tin")


def normalise_records(rows: list[dict[str, str]]) -> list[dict[str, object]]:
    """Normalise many rows of the contract's columns at once (one query), in order.

    Each result holds the columns :data:`NORMALISED_COLUMNS` names; missing fields count as empty.
    """
    if not rows:
        return []
    table = pa.table({"ftg_row": pa.array(range(len(rows)), type=pa.int64()),
                      **{f: pa.array([str(r.get(f) or "") for r in rows], type=pa.string()) for f in _RAW_FIELDS}})
    con = _connection()
    con.register("ftg_records", table)
    try:
        cursor = con.execute(f"SELECT * FROM ({normalised_select('ftg_records', 'ftg_row')}) ORDER BY ftg_row")  # nosec B608  # the matcher's own SQL macros; rows come in as a registered table
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    finally:
        con.unregister("ftg_records")


def normalise_name(first_name: str = "", last_name: str = "", middle_name: str = "", suffix: str = "") -> NormalisedName:
    """Normalise one name exactly as :func:`normalised_select` normalises a column of them."""
    row = _normalise_one([first_name, middle_name, last_name, suffix, "", "", "", "", ""])
    return NormalisedName(row["given"], row["given1"], tuple(row["given_group"] or ()),  # type: ignore[arg-type]
                          row["middle"], row["last"], tuple(row["last_tokens"] or ()), row["suffix"])  # type: ignore[arg-type]


def normalise_address(address_line1: str = "", address_line2: str = "", city: str = "", state: str = "",
                      zip_code: str = "") -> NormalisedAddress:
    """Normalise one address exactly as :func:`normalised_select` normalises a column of them."""
    row = _normalise_one(["", "", "", "", address_line1, address_line2, city, state, zip_code])
    return NormalisedAddress(row["house"], row["street"], row["unit"], row["city"], row["state"],  # type: ignore[arg-type]
                             row["zip5"], row["street_compact"], row["line2"], row["street_spelled"])  # type: ignore[arg-type]
