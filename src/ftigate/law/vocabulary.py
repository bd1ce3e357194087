"""Words that look like data but say "we do not know": placeholders, facilities, state names.

The reported arrangement disclosed addresses on the strength of fields such as "Failed to Provide",
"Unknown Address" and anything shaped like a ZIP code ("Don't Care 12345" would have passed;
Center for Taxpayer Rights v. IRS). These lists are what the per-subject rules (``subject_rules``)
use to refuse such fields. All comparisons are made on :func:`fold`, so case, punctuation and
spacing do not let a placeholder through.
"""

from __future__ import annotations

from ftigate.law.text import reading_key, shape

#: every comparison with these lists is made on what the text reads as (``reading_key``): case,
#: punctuation, spacing, invisible characters, fullwidth forms and look-alike letters of other
#: scripts do not let a placeholder through
fold = reading_key


def keyed(words: object) -> dict[str, str]:
    """The words of a list by their reading key, each with the word as the list writes it (for messages)."""
    return {reading_key(w): w for w in words}  # type: ignore[attr-defined]


#: a given or family name that is not a name ("first name unknown" and its kin)
NAME_PLACEHOLDERS: frozenset[str] = frozenset({
    "FNU", "LNU", "MNU", "NFN", "NLN", "NMN", "UNK", "UNKN", "UNKNOWN", "UNKOWN", "NONE", "NULL",
    "NIL", "TBD", "BLANK", "REFUSED", "DECLINED", "NOT PROVIDED", "NOT GIVEN",
    "NOT AVAILABLE", "NOT APPLICABLE", "NO NAME", "NONAME", "NAME UNKNOWN", "UNKNOWN NAME",
    "FIRST NAME UNKNOWN", "LAST NAME UNKNOWN", "FIRST UNKNOWN", "LAST UNKNOWN", "FAILED TO PROVIDE",
    "DONT CARE", "DONT KNOW", "DO NOT KNOW", "NOTHING", "XX", "XXX", "XXXX",
})
#: "N/A" folds to "NA", which is also a family name (Na); only its written-out forms are placeholders
NAME_PLACEHOLDER_RAW: frozenset[str] = frozenset({"N/A", "N.A.", "N.A", "N\\A", "N-A", "#N/A"})

#: phrases that make an address line (or a city) a placeholder wherever they appear in it
ADDRESS_PLACEHOLDER_PHRASES: tuple[str, ...] = (
    "FAILED TO PROVIDE", "FAIL TO PROVIDE", "FAILURE TO PROVIDE", "NOT PROVIDED", "NONE PROVIDED",
    "DONT CARE", "DO NOT CARE", "DONT KNOW", "DO NOT KNOW", "UNKNOWN", "UNKOWN", "NO ADDRESS",
    "NO FIXED ADDRESS", "NO KNOWN ADDRESS", "NO STREET", "HOMELESS", "TRANSIENT", "GENERAL DELIVERY",
    "NOT AVAILABLE", "NOT APPLICABLE", "REFUSED", "DECLINED", "TO BE DETERMINED", "UNDELIVERABLE",
    "RETURNED MAIL", "ADDRESS ON FILE", "SEE ABOVE", "SAME AS ABOVE",
)

#: words that, standing alone (numbers aside), are not an address line or a city
ADDRESS_PLACEHOLDER_WORDS: frozenset[str] = frozenset({
    "NA", "NONE", "NULL", "NIL", "UNK", "UNKN", "TBD", "TEST", "BLANK", "SAME", "ANY", "ANYWHERE",
    "NOWHERE", "NFA", "NO", "NOTHING", "ADDRESS", "STREET", "CITY", "DEFAULT", "PENDING", "MISSING",
    "EMPTY", "VARIOUS", "USA", "US", "X", "XX", "XXX", "XXXX",
})

#: words that name a place of custody: where an agency holds a person is not the taxpayer's address
FACILITY_WORDS: frozenset[str] = frozenset({
    "DETENTION", "CORRECTIONAL", "CORRECTIONS", "JAIL", "PRISON", "PENITENTIARY", "FACILITY",
    "STOCKADE",
})
FACILITY_PHRASES: tuple[str, ...] = ("PROCESSING CENTER", "SERVICE PROCESSING", "HOLDING CENTER")

#: USPS state and territory codes, including the military "states"
STATE_CODES: frozenset[str] = frozenset({
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
    "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
    "WV", "WI", "WY", "AS", "GU", "MP", "PR", "VI", "UM", "FM", "MH", "PW", "AA", "AE", "AP",
})

#: the same, by name
STATE_NAMES: frozenset[str] = frozenset({
    "ALABAMA", "ALASKA", "ARIZONA", "ARKANSAS", "CALIFORNIA", "COLORADO", "CONNECTICUT", "DELAWARE",
    "DISTRICT OF COLUMBIA", "FLORIDA", "GEORGIA", "HAWAII", "IDAHO", "ILLINOIS", "INDIANA", "IOWA",
    "KANSAS", "KENTUCKY", "LOUISIANA", "MAINE", "MARYLAND", "MASSACHUSETTS", "MICHIGAN", "MINNESOTA",
    "MISSISSIPPI", "MISSOURI", "MONTANA", "NEBRASKA", "NEVADA", "NEW HAMPSHIRE", "NEW JERSEY",
    "NEW MEXICO", "NEW YORK", "NORTH CAROLINA", "NORTH DAKOTA", "OHIO", "OKLAHOMA", "OREGON",
    "PENNSYLVANIA", "RHODE ISLAND", "SOUTH CAROLINA", "SOUTH DAKOTA", "TENNESSEE", "TEXAS", "UTAH",
    "VERMONT", "VIRGINIA", "WASHINGTON", "WEST VIRGINIA", "WISCONSIN", "WYOMING", "AMERICAN SAMOA",
    "GUAM", "NORTHERN MARIANA ISLANDS", "PUERTO RICO", "VIRGIN ISLANDS", "US VIRGIN ISLANDS",
})

# --- the same lists by reading key (what the rules compare against), each with its written form ------
NAME_PLACEHOLDER_KEYS: dict[str, str] = keyed(NAME_PLACEHOLDERS)
NAME_PLACEHOLDER_SHAPES: frozenset[str] = frozenset(shape(w) for w in NAME_PLACEHOLDER_RAW)
ADDRESS_PLACEHOLDER_PHRASE_KEYS: dict[str, str] = keyed(ADDRESS_PLACEHOLDER_PHRASES)
ADDRESS_PLACEHOLDER_WORD_KEYS: dict[str, str] = keyed(ADDRESS_PLACEHOLDER_WORDS)
FACILITY_KEYS: dict[str, str] = keyed(sorted(FACILITY_WORDS) + list(FACILITY_PHRASES))
STATE_KEYS: frozenset[str] = frozenset(keyed(STATE_CODES)) | frozenset(keyed(STATE_NAMES))
