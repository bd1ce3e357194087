"""The reference vocabularies normalisation relies on, taken from maintained packages.

* Street types, directionals and unit designators follow USPS Publication 28 as packaged by
  ``usaddress-scourgify`` (``scourgify.address_constants``): "Street", "Str" and "St" all become
  ``ST``, "North" becomes ``N``, "Apartment" becomes ``APT``.
* State names become their two-letter USPS codes (same package).
* Nicknames come from the ``nicknames`` package (a hand-curated list of English given names and
  their diminutives): "Bill" and "Billy" are diminutives of WILLIAM. That list is
  English only, so :data:`OTHER_DIMINUTIVES` adds the common diminutives of Spanish, Portuguese,
  Italian, German and Slavic given names (Pepe for José, Dima for Dmitri). A name the list relates
  to another that is a given name in its own right (Austin and Augustus, Mary and Marie) is not
  taken for a diminutive (:data:`GIVEN_NAMES_IN_THEIR_OWN_RIGHT`).

Everything here is plain data (dicts and lists, upper case); :mod:`ftigate.identity.normalise`
turns it into SQL so that millions of rows are normalised inside the database engine.
"""

from __future__ import annotations

from functools import lru_cache

from nicknames import NickNamer
from scourgify import address_constants as usps

#: ordinal street names spelled out, as they are written on the other side as often as not
_ORDINALS = {
    "FIRST": "1ST", "SECOND": "2ND", "THIRD": "3RD", "FOURTH": "4TH", "FIFTH": "5TH", "SIXTH": "6TH",
    "SEVENTH": "7TH", "EIGHTH": "8TH", "NINTH": "9TH", "TENTH": "10TH",
}

#: unit designators that are followed by an identifier ("APT 4B", "# 12")
UNIT_DESIGNATORS: tuple[str, ...] = (
    "APT", "BLDG", "DEPT", "FL", "HNGR", "LOT", "RM", "SPC", "STE", "TRLR", "UNIT", "#",
)
#: unit designators that stand alone ("REAR", "BSMT"), recognised on the second line only: on the
#: first they are as likely to be a street's name (Front Street, Lower Road)
UNIT_WORDS: tuple[str, ...] = ("BSMT", "BASEMENT", "FRNT", "FRONT", "LOWR", "LOWER", "PH", "PENTHOUSE", "REAR",
                               "UPPR", "UPPER", "SIDE")
#: USPS occupancy words abbreviated on every line; the other Publication 28 occupancy words
#: (Front, Rear, Side, Lower, Upper, Office, Lobby, Key, Pier, Slip, Stop) are left as written
_OCCUPANCY_WORDS = ("APARTMENT", "BUILDING", "DEPARTMENT", "FLOOR", "HANGER", "ROOM", "SPACE", "SUITE", "TRAILER",
                    "UNIT", "LOT")

#: generational suffixes and how they are written out
NAME_SUFFIXES: dict[str, str] = {
    "JR": "JR", "JUNIOR": "JR", "SR": "SR", "SENIOR": "SR",
    "I": "I", "1ST": "I", "II": "II", "2ND": "II", "III": "III", "3RD": "III",
    "IV": "IV", "4TH": "IV", "V": "V", "5TH": "V",
}
#: suffixes recognised when they trail a name field ("SMITH JR"); "I" and "V" are left alone there
#: because they are as likely to be initials
TRAILING_SUFFIXES: dict[str, str] = {k: v for k, v in NAME_SUFFIXES.items() if k not in ("I", "V", "1ST", "5TH")}
#: courtesy titles dropped from name fields
NAME_TITLES: tuple[str, ...] = ("MR", "MRS", "MS", "MISS", "MX", "DR", "PROF", "REV", "SIR")

#: city words abbreviated one way or the other ("ST LOUIS" = "SAINT LOUIS")
CITY_WORDS: dict[str, str] = {"ST": "SAINT", "STE": "SAINTE", "MT": "MOUNT", "FT": "FORT"}


@lru_cache(maxsize=1)
def address_abbreviations() -> dict[str, str]:
    """Single-word address tokens and their USPS standard abbreviation (street types win over units)."""
    table: dict[str, str] = {}
    occupancy = {w: a for w, a in usps.OCCUPANCY_TYPE_ABBREVIATIONS.items() if w in _OCCUPANCY_WORDS}
    for source in (occupancy, usps.DIRECTIONAL_REPLACEMENTS, usps.STREET_TYPE_ABBREVIATIONS, _ORDINALS):
        for word, abbreviation in source.items():
            if " " not in word and word != "#":
                table[word.upper()] = abbreviation.upper()
    # "Saint" in a street name is written "St" as often as not ("18 St Paul St")
    table["SAINT"] = "ST"
    return table


@lru_cache(maxsize=1)
def mistypable_street_types() -> dict[str, str]:
    """Street types spelled out in full (five letters or more) and their USPS abbreviation.

    A last word of a street line one keystroke from one of these ("TSREET", "STEEET") is that
    type mistyped; shorter words are left alone, where one keystroke turns a type into a name.
    """
    return {word.upper(): abbreviation.upper() for word, abbreviation in usps.STREET_TYPE_ABBREVIATIONS.items()
            if len(word) >= 5 and " " not in word and word.upper() != abbreviation.upper()}


@lru_cache(maxsize=1)
def state_codes() -> dict[str, str]:
    """State names and old abbreviations mapped to USPS two-letter codes (codes map to themselves)."""
    table = {name.upper(): code.upper() for name, code in usps.STATE_ABBREVIATIONS.items()}
    for code in set(table.values()):
        table[code] = code
    return table


#: common diminutives beyond the English list: diminutive -> the given names it stands for
OTHER_DIMINUTIVES: dict[str, tuple[str, ...]] = {
    # Spanish and Portuguese
    "PEPE": ("JOSE",), "CHEPE": ("JOSE",), "PACO": ("FRANCISCO",), "PANCHO": ("FRANCISCO",), "CHICO": ("FRANCISCO",),
    "CHUCHO": ("JESUS",), "CHUY": ("JESUS",), "LUPE": ("GUADALUPE",), "LUPITA": ("GUADALUPE",),
    "BETO": ("ALBERTO", "ROBERTO", "HUMBERTO"), "MEMO": ("GUILLERMO",), "NACHO": ("IGNACIO",),
    "TONO": ("ANTONIO",), "TONI": ("ANTONIO", "ANTONIA"), "LALO": ("EDUARDO",), "QUIQUE": ("ENRIQUE",),
    "KIKE": ("ENRIQUE",), "RAFA": ("RAFAEL",), "FER": ("FERNANDO", "FERNANDA"),
    "CHAVA": ("SALVADOR",), "CHAVO": ("SALVADOR",), "GOYO": ("GREGORIO",), "JUANCHO": ("JUAN",),
    "CHELO": ("CONSUELO", "MARCELO"), "CONCHA": ("CONCEPCION",), "CONCHITA": ("CONCEPCION",),
    "LOLA": ("DOLORES",), "LOLITA": ("DOLORES",), "PILI": ("PILAR",), "MAITE": ("MARIA TERESA", "TERESA"),
    "TERE": ("TERESA",), "MARISOL": ("MARIA SOLEDAD",), "CHARO": ("ROSARIO",), "ROCHI": ("ROCIO",),
    "PAQUITA": ("FRANCISCA",), "JOSEFINA": ("JOSEFA",), "PEPA": ("JOSEFA",), "PEPITA": ("JOSEFA",),
    "NENA": ("MAGDALENA", "ELENA"), "MANOLO": ("MANUEL",), "MANU": ("MANUEL",), "LUCHO": ("LUIS",),
    "ZECA": ("JOSE",), "QUIM": ("JOAQUIM",), "TIAGO": ("SANTIAGO",), "CHANO": ("LUCIANO", "SEBASTIANO"),
    # Italian
    "BEPPE": ("GIUSEPPE",), "PEPPE": ("GIUSEPPE",), "PINO": ("GIUSEPPE",), "JOE": ("GIUSEPPE",),
    "GINO": ("LUIGI", "GIORGIO"), "GIGI": ("LUIGI",), "NINO": ("GIOVANNI", "ANTONINO"), "GIANNI": ("GIOVANNI",),
    "NANDO": ("FERDINANDO", "FERNANDO"), "TONIO": ("ANTONIO",), "ENZO": ("VINCENZO", "LORENZO"),
    "CENZO": ("VINCENZO",), "PIPPO": ("FILIPPO",), "SANDRO": ("ALESSANDRO",), "MIMMO": ("DOMENICO",),
    "TOTO": ("SALVATORE",), "TURI": ("SALVATORE",), "FRANCO": ("FRANCESCO",), "CECCO": ("FRANCESCO",),
    "PINA": ("GIUSEPPINA",), "GIUSY": ("GIUSEPPINA",), "LELLA": ("GABRIELLA", "RAFFAELLA"),
    # German and Dutch
    "HANS": ("JOHANNES", "JOHANN"), "SEPP": ("JOSEF",), "FRITZ": ("FRIEDRICH",), "HEINZ": ("HEINRICH",),
    "KLAUS": ("NIKOLAUS",), "LENI": ("HELENE", "MAGDALENA"), "GRETE": ("MARGARETE",), "GRETEL": ("MARGARETE",),
    "JUPP": ("JOSEF",), "UWE": ("ULRICH",), "UTE": ("ULRIKE",), "KATJA": ("KATHARINA",), "KATRIN": ("KATHARINA",),
    "JAN": ("JOHANNES", "JOHAN"), "WIM": ("WILLEM",), "KEES": ("CORNELIS",), "HENK": ("HENDRIK",),
    # Slavic
    "DIMA": ("DMITRI", "DMITRY", "DMITRIY"), "SASHA": ("ALEXANDER", "ALEKSANDR", "ALEXANDRA", "ALEKSANDRA"),
    "SHURA": ("ALEXANDER", "ALEKSANDR", "ALEXANDRA"), "MISHA": ("MIKHAIL",), "KOLYA": ("NIKOLAI", "NIKOLAY"),
    "VANYA": ("IVAN",), "VOVA": ("VLADIMIR",), "VOLODYA": ("VLADIMIR",), "SERYOZHA": ("SERGEI", "SERGEY"),
    "SEREZHA": ("SERGEI", "SERGEY"), "ZHENYA": ("YEVGENY", "EVGENY", "YEVGENIYA", "EVGENIA"),
    "PASHA": ("PAVEL",), "PETYA": ("PYOTR", "PETR"), "TOLYA": ("ANATOLY", "ANATOLIY"), "YURA": ("YURI", "YURIY"),
    "SLAVA": ("VYACHESLAV", "YAROSLAV", "STANISLAV", "VLADISLAV"), "VITYA": ("VIKTOR",), "LYOSHA": ("ALEKSEI", "ALEXEI"),
    "ALYOSHA": ("ALEKSEI", "ALEXEI"), "ANDRYUSHA": ("ANDREI",), "KOSTYA": ("KONSTANTIN",), "GRISHA": ("GRIGORY",),
    "NATASHA": ("NATALIA", "NATALYA"), "MASHA": ("MARIA", "MARIYA"), "KATYA": ("EKATERINA", "YEKATERINA"),
    "DASHA": ("DARIA", "DARYA"), "TANYA": ("TATIANA", "TATYANA"), "OLYA": ("OLGA",), "SVETA": ("SVETLANA",),
    "LENA": ("ELENA", "YELENA", "HELENA"), "NASTYA": ("ANASTASIA", "ANASTASIYA"), "GALYA": ("GALINA",),
    "LYUBA": ("LYUBOV",), "NADYA": ("NADEZHDA",), "YULYA": ("YULIA", "JULIA"), "IRA": ("IRINA",),
    "KASIA": ("KATARZYNA",), "KASHA": ("KATARZYNA",), "GOSIA": ("MALGORZATA",), "BASIA": ("BARBARA",),
    "ASIA": ("JOANNA",), "KUBA": ("JAKUB",), "BARTEK": ("BARTLOMIEJ", "BARTOSZ"), "WOJTEK": ("WOJCIECH",),
    "TOMEK": ("TOMASZ",), "MAREK": ("MARIUSZ",), "STASZEK": ("STANISLAW",), "FRANEK": ("FRANCISZEK",),
    "JANEK": ("JAN",), "ZOSIA": ("ZOFIA",), "MILOS": ("MILOSLAV",), "PEPIK": ("JOSEF",),
}


#: given names that the nickname table lists as another name's nickname but that are given names in
#: their own right, registered as such: two people of one family may bear them side by side (Austin
#: and Augustus, Mary and Marie, Ann and Anna, John and Jonathan), so the table relating them says
#: nothing about which of the two a request names. They are compared by spelling only.
GIVEN_NAMES_IN_THEIR_OWN_RIGHT: frozenset[str] = frozenset({
    "ALICE", "ALLAN", "ALLEN", "ALAN", "ANDREA", "ANDREW", "ANGEL", "ANGELA", "ANN", "ANNA", "ANNE", "ANNETTE",
    "AUGUST", "AUSTIN", "BRIAN", "BRYAN", "CARL", "CAROL", "CAROLINE", "CHARLES", "CLARA", "CLARE", "ELENA",
    "ELEANOR", "ELLA", "ELLEN", "EMILY", "EMMA", "GRETA", "HANNAH", "HELEN", "HELENA", "IAN", "IVAN", "JACK",
    "JAN", "JANE", "JANET", "JANICE", "JEAN", "JEANNE", "JOAN", "JOANNA", "JOHN", "JOHAN", "JON", "JONATHAN",
    "KARL", "LENA", "LISA", "LOUISA", "LOUISE", "MARC", "MARCUS", "MARIA", "MARIAH", "MARIE", "MARILYN",
    "MARION", "MARK", "MARY", "MAUREEN", "MEGAN", "MICHAEL", "MIGUEL", "NANCY", "NATHAN", "NORA", "PETER",
    "RANDY", "REN", "ROSA", "ROSE", "SARA", "SARAH", "SOPHIA", "SOPHIE", "SUSAN", "VIRGINIA",
})


def _nickname_rows() -> set[tuple[str, str]]:
    """(formal name, its diminutive) pairs: the ``nicknames`` package's and :data:`OTHER_DIMINUTIVES`.

    The package also lists some pairs the other way round as well ("BOB has nickname ROBERT"
    beside "ROBERT has nickname BOB"); of two names each listed as the other's nickname, only the
    shorter is taken as the short form of the longer.
    """
    namer = NickNamer()
    listed = {(formal.upper(), nick.upper()) for formal, nicks in namer.nickname_lookup.items() for nick in nicks}
    rows = {(formal, nick) for formal, nick in listed if (nick, formal) not in listed or len(nick) < len(formal)}
    rows |= {(formal, diminutive) for diminutive, formals in OTHER_DIMINUTIVES.items() for formal in formals}
    return rows


@lru_cache(maxsize=1)
def nickname_groups() -> dict[str, list[str]]:
    """For each known given name, itself and the formal names it is a diminutive of.

    A request's given name agrees with a taxpayer's through this table only when the request's is
    a diminutive or short form of the taxpayer's formal name: the taxpayer's name is in the group of
    the request's (BOB -> {BOB, ROBERT}; PATTY -> {PATRICIA, PATTY}; PEPE -> {JOSE, PEPE}). Not the
    other way round (a request for Robert does not name a taxpayer on record as Bob), nor between
    two formal names the table relates (:data:`GIVEN_NAMES_IN_THEIR_OWN_RIGHT`: a request for
    Augustus does not name Austin, nor Austin Augustus), nor between two diminutives of one name.
    """
    groups: dict[str, set[str]] = {}
    for formal, diminutive in _nickname_rows():
        groups.setdefault(formal, {formal})
        group = groups.setdefault(diminutive, {diminutive})
        if diminutive not in GIVEN_NAMES_IN_THEIR_OWN_RIGHT and formal != diminutive:
            group.add(formal)
    return {name: sorted(group) for name, group in groups.items()}


def is_diminutive_of(request_name: str, record_name: str) -> bool:
    """Whether the request's given name is a diminutive of the record's (both normalised, upper case)."""
    return request_name != record_name and record_name in nickname_groups().get(request_name, ())


@lru_cache(maxsize=1)
def spelled_street_types() -> dict[str, str]:
    """Each USPS street-type abbreviation and the type spelled out ("ST": "STREET", "PL": "PLACE").

    Used to compare streets as they are spoken: "8 Bridgedtreet" is "8 Bridge Street" with the
    space lost and one letter mistyped, which only shows against "BRIDGESTREET", not "BRIDGE ST".
    Of the spellings Publication 28 lists for a type, the longest singular one is taken.
    """
    spellings: dict[str, list[str]] = {}
    for word, abbreviation in usps.STREET_TYPE_ABBREVIATIONS.items():
        if " " not in word:
            spellings.setdefault(abbreviation.upper(), []).append(word.upper())
    out = {}
    for abbreviation, words in spellings.items():
        singular = [w for w in words if not w.endswith("S")] or words
        out[abbreviation] = max(singular, key=lambda w: (len(w), w))
    return out
