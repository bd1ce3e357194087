"""A small synthetic world for the matcher's tests: a background population and the hard cases.

Everything here is invented. The background (some 2,000 people over four tax periods, a tenth of
them moving house) gives the model enough pairs to train on; the hard cases are written out by
hand so each test can say exactly what must happen to which subject.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from ftigate.formats import MASTER_COLUMNS, SUBJECT_COLUMNS
from ftigate.tabular import write_rows

GIVEN = ["Aaron", "Abigail", "Adrian", "Alice", "Andrew", "Angela", "Anthony", "Barbara", "Brian", "Carlos",
         "Catherine", "Charles", "Christina", "Daniel", "Deborah", "Diego", "Dorothy", "Edward", "Elena",
         "Eric", "Frances", "Gary", "Grace", "Gregory", "Hannah", "Henry", "Irene", "Jacob", "Janet", "Jason",
         "Jessica", "Joseph", "Joyce", "Julia", "Keith", "Kevin", "Laura", "Leonard", "Linda", "Lucas",
         "Margaret", "Mark", "Martha", "Matthew", "Nancy", "Nathan", "Nicole", "Oscar", "Pamela", "Patrick",
         "Paula", "Peter", "Rachel", "Raymond", "Rebecca", "Roger", "Ruth", "Samuel", "Sandra", "Scott",
         "Sharon", "Stephen", "Susan", "Teresa", "Thomas", "Victor", "Victoria", "Walter", "Wendy", "Yusuf"]
FAMILY = ["Abbott", "Alvarez", "Bauer", "Bennett", "Brooks", "Castillo", "Chen", "Coleman", "Cooper", "Dawson",
          "Delgado", "Dunn", "Ellison", "Farley", "Fischer", "Foster", "Grant", "Hale", "Harper", "Hayes",
          "Hendricks", "Ingram", "Jensen", "Kaplan", "Keller", "Kowalski", "Lambert", "Larsen", "Lopez", "Lowe",
          "Maddox", "Marsh", "Medina", "Mercer", "Nakamura", "Nolan", "Novak", "Okafor", "Ortega", "Patel",
          "Pearson", "Quinn", "Ramirez", "Reyes", "Rhodes", "Rivera", "Romero", "Sandoval", "Schmidt", "Shah",
          "Sinclair", "Sullivan", "Tanaka", "Thornton", "Tran", "Vargas", "Vaughn", "Walsh", "Weber", "Yates"]
STREETS = ["Maple", "Chestnut", "Willow", "Sycamore", "Hawthorn", "Juniper", "Magnolia", "Poplar", "Spruce",
           "Alder", "Laurel", "Hickory", "Redwood", "Dogwood", "Aspen", "Linden", "Cypress", "Hemlock"]
TYPES = [("Street", "St"), ("Avenue", "Ave"), ("Road", "Rd"), ("Drive", "Dr"), ("Lane", "Ln"), ("Court", "Ct")]
CITIES = [("Fairview", "OH", "45014"), ("Riverton", "WY", "82501"), ("Lakewood", "CO", "80226"),
          ("Greenville", "SC", "29601"), ("Madison", "WI", "53703"), ("Salem", "OR", "97301"),
          ("Franklin", "TN", "37064"), ("Clinton", "IA", "52732")]
PERIODS = ("2021", "2022", "2023", "2024")


@dataclass
class World:
    master: Path
    subjects: Path
    #: subject_id -> the TIN it must match, or None where no disclosure may be made
    expected_tin: dict[str, str | None]
    #: subject_id -> the outcome it must have
    expected_outcome: dict[str, str]


def _person(tin: str, first: str, last: str, dob: str, line1: str, city: str, state: str, zip_code: str, *,
            middle: str = "", suffix: str = "", line2: str = "") -> dict[str, str]:
    return {"tin": tin, "first_name": first, "middle_name": middle, "last_name": last, "suffix": suffix,
            "date_of_birth": dob, "address_line1": line1, "address_line2": line2, "city": city, "state": state,
            "zip": zip_code}


def _subject(sid: str, first: str, last: str, line1: str, city: str, state: str, zip_code: str, *,
             dob: str = "", tin: str = "", middle: str = "", suffix: str = "", line2: str = "") -> dict[str, str]:
    return {"subject_id": sid, "first_name": first, "middle_name": middle, "last_name": last, "suffix": suffix,
            "date_of_birth": dob, "address_line1": line1, "address_line2": line2, "city": city, "state": state,
            "zip": zip_code, "tin": tin}


def hard_cases() -> tuple[list[tuple[dict[str, str], tuple[str, ...]]], list[tuple[dict[str, str], str | None, str]]]:
    """The hand-written master records (with their periods) and subjects (with expected TIN and outcome)."""
    people: list[tuple[dict[str, str], tuple[str, ...]]] = []
    subjects: list[tuple[dict[str, str], str | None, str]] = []
    everywhere = PERIODS
    # a father and son of one name at one address
    people += [
        (_person("900000001", "Robert", "Miller", "1950-03-02", "12 Oak Street", "Springfield", "IL", "62701",
                 suffix="Sr"), everywhere),
        (_person("900000002", "Robert", "Miller", "1978-07-15", "12 Oak Street", "Springfield", "IL", "62701",
                 suffix="Jr"), everywhere),
    ]
    subjects += [
        (_subject("father-son-no-dob", "Robert", "Miller", "12 Oak St", "Springfield", "IL", "62701"), None, "ambiguous"),
        (_subject("father-son-son-dob", "Robert", "Miller", "12 Oak St", "Springfield", "IL", "62701",
                  dob="1978-07-15"), "900000002", "match"),
        (_subject("father-son-father-dob", "Robert", "Miller", "12 Oak St", "Springfield", "IL", "62701",
                  dob="1950-03-02"), "900000001", "match"),
    ]
    # twins: same family name, birth date and address
    people += [
        (_person("900000011", "Emma", "Clark", "1990-05-05", "44 Pine Avenue", "Dayton", "OH", "45402"), everywhere),
        (_person("900000012", "Olivia", "Clark", "1990-05-05", "44 Pine Avenue", "Dayton", "OH", "45402"), everywhere),
        (_person("900000013", "Jon", "Baker", "1988-11-20", "8 Elm Court", "Dayton", "OH", "45403"), everywhere),
        (_person("900000014", "John", "Baker", "1988-11-20", "8 Elm Court", "Dayton", "OH", "45403"), everywhere),
    ]
    subjects += [
        (_subject("twin-emma", "Emma", "Clark", "44 Pine Ave", "Dayton", "OH", "45402", dob="1990-05-05"),
         "900000011", "match"),
        (_subject("twin-olivia", "Olivia", "Clark", "44 Pine Ave", "Dayton", "OH", "45402", dob="1990-05-05"),
         "900000012", "match"),
        # twins whose names differ by one letter: the request cannot be told apart from the other twin
        (_subject("near-twin-jon", "Jon", "Baker", "8 Elm Ct", "Dayton", "OH", "45403", dob="1988-11-20"),
         None, "ambiguous"),
    ]
    # namesakes next door
    people += [
        (_person("900000021", "David", "Lee", "1971-02-14", "100 Walnut Street", "Eugene", "OR", "97401"), everywhere),
        (_person("900000022", "David", "Lee", "1983-09-30", "102 Walnut Street", "Eugene", "OR", "97401"), everywhere),
    ]
    subjects += [
        (_subject("namesake-100", "David", "Lee", "100 Walnut St", "Eugene", "OR", "97401", dob="1971-02-14"),
         "900000021", "match"),
        (_subject("namesake-104", "David", "Lee", "104 Walnut St", "Eugene", "OR", "97401"), None, "no_match"),
    ]
    # the address rule: a right name and TIN are not enough
    people += [
        (_person("900000031", "Karen", "White", "1966-06-06", "7 Birch Road", "Austin", "TX", "78701"), everywhere),
    ]
    subjects += [
        (_subject("address-right", "Karen", "White", "7 Birch Rd", "Austin", "TX", "78701", dob="1966-06-06",
                  tin="900000031"), "900000031", "match"),
        (_subject("address-elsewhere", "Karen", "White", "55 Unrelated Boulevard", "Reno", "NV", "89501",
                  dob="1966-06-06", tin="900000031"), None, "no_match"),
        (_subject("address-placeholder", "Karen", "White", "Unknown Address", "", "", "78701",
                  dob="1966-06-06", tin="900000031"), None, "invalid"),
        (_subject("address-zip-only", "Karen", "White", "78701", "", "", "78701", tin="900000031"), None, "invalid"),
        (_subject("address-dont-care", "Karen", "White", "Don't Care", "Austin", "TX", "12345", tin="900000031"),
         None, "invalid"),
        # the TIN of another taxpayer than the one named at that address: two people, no guess
        (_subject("tin-of-another", "Karen", "White", "7 Birch Rd", "Austin", "TX", "78701", dob="1966-06-06",
                  tin="900000041"), None, "ambiguous"),
    ]
    # an address from an earlier tax period still confirms; the last known address is disclosed
    people += [
        (_person("900000041", "Maria", "Gonzalez", "1975-12-01", "9 Cedar Lane", "Tulsa", "OK", "74103"),
         ("2021", "2022")),
        (_person("900000041", "Maria", "Gonzalez", "1975-12-01", "300 Main Street", "Tulsa", "OK", "74103",
                 line2="Apt 5"), ("2023", "2024")),
    ]
    subjects += [
        (_subject("old-address", "Maria", "Gonzalez", "9 Cedar Ln", "Tulsa", "OK", "74103", dob="1975-12-01"),
         "900000041", "match"),
    ]
    # normalisation: the same people written differently
    people += [
        (_person("900000051", "William", "Thompson", "1969-04-04", "250 North Washington Street Apartment 12",
                 "Boston", "MA", "02108"), everywhere),
        (_person("900000052", "José", "García-López", "1981-08-18", "16 Mission Street", "San Jose", "CA", "95110"),
         everywhere),
        (_person("900000053", "Wei", "Zhang", "1992-10-10", "77 Harbor Drive", "Portland", "ME", "04101"), everywhere),
        (_person("900000054", "James", "Wilson", "1958-01-21", "5 Ridge Road", "Albany", "NY", "12207",
                 suffix="III"), everywhere),
        (_person("900000055", "Zoë", "Øster", "1985-03-03", "61 Fjord Way", "Duluth", "MN", "55802"), everywhere),
        (_person("900000056", "Margaret", "O'Neil", "1949-07-07", "18 Saint Paul Street", "Saint Louis", "MO",
                 "63101"), everywhere),
    ]
    subjects += [
        (_subject("nickname-abbreviations", "BILL", "thompson", "250 N. Washington St. #12", "Boston", "MA",
                  "02108-1234", dob="1969-04-04"), "900000051", "match"),
        (_subject("accents-hyphen", "Jose", "Garcia Lopez", "16 Mission St", "San Jose", "California", "95110",
                  dob="1981-08-18"), "900000052", "match"),
        (_subject("swapped-names", "Zhang", "Wei", "77 Harbor Dr", "Portland", "ME", "04101", dob="1992-10-10"),
         "900000053", "match"),
        (_subject("suffix-in-family-name", "James", "Wilson III", "5 Ridge Rd", "Albany", "NY", "12207",
                  dob="1958-01-21"), "900000054", "match"),
        (_subject("non-ascii-letters", "Zoe", "Oster", "61 Fjord Way", "Duluth", "MN", "55802", dob="1985-03-03"),
         "900000055", "match"),
        (_subject("apostrophe-saint", "Peggy", "ONeil", "18 St Paul St", "St. Louis", "MO", "63101",
                  dob="1949-07-07"), "900000056", "match"),
    ]
    # slips in the address: still the taxpayer's address, some only with another identifier agreeing
    people += [
        (_person("900000061", "Linda", "Okonkwo", "1961-01-09", "418 Larkspur Avenue", "Columbus", "OH", "43004",
                 line2="Rosebank Cottage"), everywhere),
        (_person("900000062", "Hugo", "Brandt", "1970-06-21", "27 Quillon Road", "Bismarck", "ND", "58501"),
         everywhere),
    ]
    subjects += [
        (_subject("house-slip-with-dob", "Linda", "Okonkwo", "481 Larkspur Ave", "Columbus", "OH", "43004",
                  dob="1961-01-09"), "900000061", "match"),
        (_subject("house-slip-with-tin", "Linda", "Okonkwo", "419 Larkspur Ave", "Columbus", "OH", "43004",
                  tin="900000061", line2="Rosebank Cottage"), "900000061", "match"),
        (_subject("house-slip-alone", "Linda", "Okonkwo", "481 Larkspur Ave", "Columbus", "OH", "43004"),
         None, "no_match"),
        (_subject("house-other", "Linda", "Okonkwo", "212 Larkspur Ave", "Columbus", "OH", "43004",
                  dob="1961-01-09", tin="900000061"), None, "no_match"),
        (_subject("lines-swapped", "Linda", "Okonkwo", "418 Rosebank Cottage", "Columbus", "OH", "43004",
                  line2="Larkspur Avenue"), "900000061", "match"),
        (_subject("street-space-slip", "Hugo", "Brandt", "27 Quil Lon Road", "Bismarck", "ND", "58501"),
         "900000062", "match"),
        (_subject("street-type-mistyped", "Hugo", "Brandt", "27 Quillon Raod", "Bismarck", "ND", "58501",
                  dob="1970-06-21"), "900000062", "match"),
        (_subject("street-other", "Hugo", "Brandt", "27 Quincy Road", "Bismarck", "ND", "58501",
                  dob="1970-06-21", tin="900000062"), None, "no_match"),
    ]
    # names: swapped and mistyped; a family name changed, a given name that is another's
    people += [
        (_person("900000071", "Priya", "Raman", "1986-12-12", "5 Glenrock Terrace", "Boise", "ID", "83702"),
         everywhere),
        (_person("900000072", "Susan", "Porter", "1980-02-02", "63 Thistle Way", "Helena", "MT", "59601"),
         everywhere),
    ]
    subjects += [
        (_subject("swapped-and-mistyped", "Ramen", "Pirya", "5 Glenrock Ter", "Boise", "ID", "83702",
                  dob="1986-12-12"), "900000071", "match"),
        (_subject("family-name-changed", "Susan", "Whitfield", "63 Thistle Way", "Helena", "MT", "59601",
                  dob="1980-02-02", tin="900000072"), "900000072", "match"),
        (_subject("family-name-changed-no-tin", "Susan", "Whitfield", "63 Thistle Way", "Helena", "MT", "59601",
                  dob="1980-02-02"), None, "no_match"),
        # a twin sister who files no return, with her sister's TIN: never her sister's information
        (_subject("given-name-of-another", "Laura", "Porter", "63 Thistle Way", "Helena", "MT", "59601",
                  dob="1980-02-02", tin="900000072"), None, "no_match"),
    ]
    # graded uniqueness: twins whose names differ by more than a slip, namesakes on one street
    people += [
        (_person("900000081", "Daniel", "Fairbanks", "1995-04-17", "71 Orchard Lane", "Laramie", "WY", "82070"),
         everywhere),
        (_person("900000082", "Danielle", "Fairbanks", "1995-04-17", "71 Orchard Lane", "Laramie", "WY", "82070"),
         everywhere),
        # Steven and Stephen: two letters apart, but said alike
        (_person("900000085", "Steven", "Whitlock", "1979-03-12", "15 Fern Road", "Dayton", "OH", "45405"), everywhere),
        (_person("900000086", "Stephen", "Whitlock", "1979-03-12", "15 Fern Road", "Dayton", "OH", "45405"),
         everywhere),
        (_person("900000083", "Paul", "Okafor", "1962-09-03", "366 Tamarack Street", "Casper", "WY", "82601"),
         everywhere),
        (_person("900000084", "Paul", "Okafor", "1990-01-25", "368 Tamarack Street", "Casper", "WY", "82601"),
         everywhere),
    ]
    subjects += [
        (_subject("twin-danielle", "Danielle", "Fairbanks", "71 Orchard Ln", "Laramie", "WY", "82070",
                  dob="1995-04-17"), "900000082", "match"),
        (_subject("twin-daniel", "Daniel", "Fairbanks", "71 Orchard Ln", "Laramie", "WY", "82070"),
         "900000081", "match"),
        # one letter from each twin's name: the request does not say which
        (_subject("twin-daniele", "Daniele", "Fairbanks", "71 Orchard Ln", "Laramie", "WY", "82070",
                  dob="1995-04-17"), None, "ambiguous"),
        (_subject("near-twin-steven", "Steven", "Whitlock", "15 Fern Road", "Dayton", "OH", "45405",
                  dob="1979-03-12"), None, "ambiguous"),
        (_subject("near-twin-jhon", "Jhon", "Baker", "8 Elm Ct", "Dayton", "OH", "45403", dob="1988-11-20"),
         None, "ambiguous"),
        (_subject("namesake-366-no-dob", "Paul", "Okafor", "366 Tamarack St", "Casper", "WY", "82601"),
         "900000083", "match"),
        (_subject("namesake-368-no-dob", "Paul", "Okafor", "368 Tamarack St", "Casper", "WY", "82601"),
         "900000084", "match"),
        # a number one keystroke from both, the birth date of neither given: neither address is confirmed
        (_subject("namesake-367-no-dob", "Paul", "Okafor", "367 Tamarack St", "Casper", "WY", "82601"),
         None, "no_match"),
        (_subject("namesake-100-no-dob", "David", "Lee", "100 Walnut St", "Eugene", "OR", "97401"),
         "900000021", "match"),
    ]
    # slips in the address a careful officer reads through, each beside its negative twin
    people += [
        (_person("900000091", "Nora", "Quint", "1977-05-30", "8 Bridge Street", "Lebanon", "NH", "03766"),
         everywhere),
        (_person("900000092", "Owen", "Castellano", "1968-10-12", "38 Moore Place", "Keene", "NH", "03431"),
         everywhere),
        (_person("900000093", "Ada", "Voss", "1983-07-08", "14 Harrow Street", "Pinecrest", "NH", "03170"),
         everywhere),
    ]
    subjects += [
        (_subject("street-two-slips", "Nora", "Quint", "8 bridgedtreet", "Lebanon", "NH", "03766"),
         "900000091", "match"),
        (_subject("street-two-slips-next-door", "Nora", "Quint", "9 bridgedtreet", "Lebanon", "NH", "03766"),
         None, "no_match"),
        (_subject("street-two-slips-other-street", "Nora", "Quint", "8 Bridgewater Street", "Lebanon", "NH", "03766",
                  dob="1977-05-30"), None, "no_match"),
        (_subject("street-space-and-letter", "Owen", "Castellano", "38 moore o lace", "Keene", "NH", "03431"),
         "900000092", "match"),
        (_subject("street-space-and-letter-next-door", "Owen", "Castellano", "39 moore o lace", "Keene", "NH",
                  "03431"), None, "no_match"),
        (_subject("street-other-type", "Owen", "Castellano", "38 Moore Lane", "Keene", "NH", "03431",
                  dob="1968-10-12"), None, "no_match"),
        (_subject("street-letter-lost", "Hugo", "Brandt", "27 Quilon Road", "Bismarck", "ND", "58501"),
         "900000062", "match"),
        (_subject("street-letter-doubled", "Hugo", "Brandt", "27 Quilllon Road", "Bismarck", "ND", "58501"),
         "900000062", "match"),
        (_subject("street-space-lost", "Hugo", "Brandt", "27 Quillonroad", "Bismarck", "ND", "58501"),
         "900000062", "match"),
        (_subject("street-letter-lost-next-door", "Hugo", "Brandt", "28 Quilon Road", "Bismarck", "ND", "58501"),
         None, "no_match"),
        (_subject("zip-transposed", "Ada", "Voss", "14 Harrow St", "Pinecrest", "NH", "03710"),
         "900000093", "match"),
        (_subject("zip-transposed-other-city", "Ada", "Voss", "14 Harrow St", "Hollis", "NH", "03710"),
         None, "no_match"),
        (_subject("zip-transposed-next-door", "Ada", "Voss", "41 Harrow St", "Pinecrest", "NH", "03710"),
         None, "no_match"),
        (_subject("both-lines-misspelt", "Linda", "Okonkwo", "418 Larkspr Avenue", "Columbus", "OH", "43004",
                  line2="Rosebnk Cottage"), "900000061", "match"),
        (_subject("both-lines-misspelt-next-door", "Linda", "Okonkwo", "417 Larkspr Avenue", "Columbus", "OH",
                  "43004", line2="Rosebnk Cottage"), None, "no_match"),
    ]
    # the nickname table: a diminutive of the taxpayer's formal name names them, with nothing else to
    # excuse when there is no birth date; two given names in their own right never do (a family at one
    # address may hold both)
    people += [
        (_person("900000101", "Robert", "Kessler", "1961-02-03", "40 Tupelo Way", "Ashland", "KY", "41101",
                 middle="James"),
         everywhere),
        (_person("900000102", "Patricia", "Lindqvist", "1972-08-19", "22 Heron Court", "Ashland", "KY", "41101"),
         everywhere),
        (_person("900000103", "José", "Ferrando", "1984-11-02", "9 Mesquite Drive", "Ashland", "KY", "41101"),
         everywhere),
        (_person("900000104", "Austin", "Merriweather", "1991-04-23", "5 Tolland Road", "Ashland", "KY", "41101"),
         everywhere),
        (_person("900000105", "Augustus", "Pennington", "1948-12-30", "63 Quarry Lane", "Ashland", "KY", "41101"),
         everywhere),
        (_person("900000106", "Mary", "Ostrowski", "1956-06-14", "17 Vireo Street", "Ashland", "KY", "41101"),
         everywhere),
        (_person("900000107", "Gideon", "Marsh", "1974-01-11", "31 Maple Street", "Ashland", "KY", "41101"),
         everywhere),
    ]
    subjects += [
        (_subject("nickname-bob", "Bob", "Kessler", "40 Tupelo Way", "Ashland", "KY", "41101"),
         "900000101", "match"),
        (_subject("nickname-bob-family-slip", "Bob", "Kesler", "40 Tupelo Way", "Ashland", "KY", "41101"),
         None, "no_match"),
        (_subject("nickname-bob-family-slip-dob", "Bob", "Kesler", "40 Tupelo Way", "Ashland", "KY", "41101",
                  dob="1961-02-03"), "900000101", "match"),
        (_subject("nickname-bob-other-middle", "Bob", "Kessler", "40 Tupelo Way", "Ashland", "KY", "41101",
                  middle="Lucas"), None, "no_match"),
        (_subject("nickname-patty", "Patty", "Lindqvist", "22 Heron Ct", "Ashland", "KY", "41101"),
         "900000102", "match"),
        (_subject("nickname-patty-family-slip", "Patty", "Lindquist", "22 Heron Ct", "Ashland", "KY", "41101"),
         None, "no_match"),
        (_subject("nickname-pepe", "Pepe", "Ferrando", "9 Mesquite Dr", "Ashland", "KY", "41101"),
         "900000103", "match"),
        (_subject("own-right-augustus-for-austin", "Augustus", "Merriweather", "5 Tolland Road", "Ashland", "KY",
                  "41101"), None, "no_match"),
        (_subject("own-right-austin-for-augustus", "Austin", "Pennington", "63 Quarry Lane", "Ashland", "KY",
                  "41101"), None, "no_match"),
        (_subject("own-right-marie-for-mary", "Marie", "Ostrowski", "17 Vireo Street", "Ashland", "KY", "41101"),
         None, "no_match"),
        (_subject("nickname-molly-for-mary", "Molly", "Ostrowski", "17 Vireo Street", "Ashland", "KY", "41101"),
         "900000106", "match"),
        # two slips in a short street name are another street, whatever else agrees
        (_subject("street-two-slips-short-name", "Gideon", "Marsh", "31 Marble Street", "Ashland", "KY", "41101",
                  dob="1974-01-11"), None, "no_match"),
        (_subject("street-one-slip-short-name", "Gideon", "Marsh", "31 Mapel Street", "Ashland", "KY", "41101"),
         "900000107", "match"),
    ]
    return people, subjects


def build_world(folder: Path, *, background: int = 2000, sampled: int = 300, seed: int = 11) -> World:
    """Write master.csv and subjects.csv into ``folder``; return them with the expectations."""
    rng = random.Random(seed)
    master_rows: list[dict[str, str]] = []
    subject_rows: list[dict[str, str]] = []
    expected_tin: dict[str, str | None] = {}
    expected_outcome: dict[str, str] = {}
    used_addresses: set[tuple[str, str, str]] = set()

    def address() -> tuple[str, str, str, str, str]:
        while True:
            street, kind = rng.choice(STREETS), rng.choice(TYPES)
            city, state, zip_code = rng.choice(CITIES)
            house = str(rng.randint(1, 2999))
            key = (house, street, city)
            if key not in used_addresses:
                used_addresses.add(key)
                return house, f"{street} {kind[0]}", city, state, zip_code

    background_people = []
    for i in range(background):
        tin = f"{700000000 + i:09d}"
        first, last = rng.choice(GIVEN), rng.choice(FAMILY)
        dob = f"{rng.randint(1935, 2004)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        house, street, city, state, zip_code = address()
        moved = rng.random() < 0.1
        later = address() if moved else None
        for period in PERIODS:
            where = later if (later and period >= "2023") else (house, street, city, state, zip_code)
            master_rows.append({**_person(tin, first, last, dob, f"{where[0]} {where[1]}", where[2], where[3], where[4]),
                                "tax_period": period})
        background_people.append((tin, first, last, dob, house, street, city, state, zip_code))
    for person, periods in hard_cases()[0]:
        for period in periods:
            master_rows.append({**person, "tax_period": period})

    # requests for background people, written the way another agency writes them
    for n, (tin, first, last, dob, house, street, city, state, zip_code) in enumerate(rng.sample(background_people, sampled)):
        for long, short in TYPES:
            street = street.replace(long, short) if rng.random() < 0.5 else street
        sid = f"background-{n}"
        subject_rows.append(_subject(sid, first.upper() if rng.random() < 0.3 else first, last,
                                     f"{house} {street}", city, state, zip_code,
                                     dob=dob if rng.random() < 0.8 else ""))
        expected_tin[sid] = tin
        expected_outcome[sid] = "match"
    for subject, tin, outcome in hard_cases()[1]:
        subject_rows.append(subject)
        expected_tin[subject["subject_id"]] = tin
        expected_outcome[subject["subject_id"]] = outcome
    folder.mkdir(parents=True, exist_ok=True)
    master, subjects = folder / "master.csv", folder / "subjects.csv"
    write_rows(master, MASTER_COLUMNS, master_rows)
    write_rows(subjects, SUBJECT_COLUMNS + ("tin",), subject_rows)
    return World(master, subjects, expected_tin, expected_outcome)
