"""US places for synthetic addresses: cities with their state and ZIP prefix, street names and types.

City names, states and three-digit ZIP prefixes are public geography. The ZIP code of a street is
made from its city's prefix and the street, so one street keeps one ZIP code, as in life.
"""

from __future__ import annotations

#: (city, state, 3-digit ZIP prefix, relative weight)
CITIES: tuple[tuple[str, str, str, float], ...] = (
    ("New York", "NY", "100", 30), ("Brooklyn", "NY", "112", 25), ("Bronx", "NY", "104", 14),
    ("Jamaica", "NY", "114", 10), ("Los Angeles", "CA", "900", 38), ("Chicago", "IL", "606", 27),
    ("Houston", "TX", "770", 23), ("Phoenix", "AZ", "850", 16), ("Philadelphia", "PA", "191", 16),
    ("San Antonio", "TX", "782", 15), ("San Diego", "CA", "921", 14), ("Dallas", "TX", "752", 13),
    ("San Jose", "CA", "951", 10), ("Austin", "TX", "787", 10), ("Jacksonville", "FL", "322", 9),
    ("Fort Worth", "TX", "761", 9), ("Columbus", "OH", "432", 9), ("Charlotte", "NC", "282", 9),
    ("Indianapolis", "IN", "462", 9), ("San Francisco", "CA", "941", 8), ("Seattle", "WA", "981", 7),
    ("Denver", "CO", "802", 7), ("Washington", "DC", "200", 7), ("Nashville", "TN", "372", 7),
    ("Oklahoma City", "OK", "731", 7), ("El Paso", "TX", "799", 7), ("Boston", "MA", "021", 7),
    ("Portland", "OR", "972", 6), ("Las Vegas", "NV", "891", 6), ("Detroit", "MI", "482", 6),
    ("Memphis", "TN", "381", 6), ("Louisville", "KY", "402", 6), ("Baltimore", "MD", "212", 6),
    ("Milwaukee", "WI", "532", 6), ("Albuquerque", "NM", "871", 6), ("Tucson", "AZ", "857", 5),
    ("Fresno", "CA", "937", 5), ("Sacramento", "CA", "958", 5), ("Kansas City", "MO", "641", 5),
    ("Mesa", "AZ", "852", 5), ("Atlanta", "GA", "303", 5), ("Omaha", "NE", "681", 5),
    ("Colorado Springs", "CO", "809", 5), ("Raleigh", "NC", "276", 5), ("Miami", "FL", "331", 5),
    ("Long Beach", "CA", "908", 5), ("Virginia Beach", "VA", "234", 5), ("Oakland", "CA", "946", 4),
    ("Minneapolis", "MN", "554", 4), ("Tulsa", "OK", "741", 4), ("Tampa", "FL", "336", 4),
    ("Arlington", "TX", "760", 4), ("New Orleans", "LA", "701", 4), ("Wichita", "KS", "672", 4),
    ("Cleveland", "OH", "441", 4), ("Bakersfield", "CA", "933", 4), ("Aurora", "CO", "800", 4),
    ("Anaheim", "CA", "928", 3), ("Honolulu", "HI", "968", 3), ("Santa Ana", "CA", "927", 3),
    ("Riverside", "CA", "925", 3), ("Corpus Christi", "TX", "784", 3), ("Lexington", "KY", "405", 3),
    ("Stockton", "CA", "952", 3), ("St. Louis", "MO", "631", 3), ("St. Paul", "MN", "551", 3),
    ("Pittsburgh", "PA", "152", 3), ("Anchorage", "AK", "995", 3), ("Cincinnati", "OH", "452", 3),
    ("Greensboro", "NC", "274", 3), ("Plano", "TX", "750", 3), ("Newark", "NJ", "071", 3),
    ("Lincoln", "NE", "685", 3), ("Orlando", "FL", "328", 3), ("Irvine", "CA", "926", 3),
    ("Toledo", "OH", "436", 3), ("Jersey City", "NJ", "073", 3), ("Chula Vista", "CA", "919", 3),
    ("Durham", "NC", "277", 3), ("Fort Wayne", "IN", "468", 3), ("St. Petersburg", "FL", "337", 3),
    ("Laredo", "TX", "780", 3), ("Buffalo", "NY", "142", 3), ("Madison", "WI", "537", 3),
    ("Lubbock", "TX", "794", 3), ("Chandler", "AZ", "852", 3), ("Scottsdale", "AZ", "852", 2),
    ("Reno", "NV", "895", 2), ("Glendale", "AZ", "853", 2), ("Norfolk", "VA", "235", 2),
    ("Winston-Salem", "NC", "271", 2), ("North Las Vegas", "NV", "890", 2), ("Irving", "TX", "750", 2),
    ("Chesapeake", "VA", "233", 2), ("Gilbert", "AZ", "852", 2), ("Hialeah", "FL", "330", 2),
    ("Garland", "TX", "750", 2), ("Fremont", "CA", "945", 2), ("Richmond", "VA", "232", 2),
    ("Boise", "ID", "837", 2), ("Baton Rouge", "LA", "708", 2), ("Des Moines", "IA", "503", 2),
    ("Spokane", "WA", "992", 2), ("San Bernardino", "CA", "924", 2), ("Modesto", "CA", "953", 2),
    ("Tacoma", "WA", "984", 2), ("Fontana", "CA", "923", 2), ("Birmingham", "AL", "352", 2),
    ("Oxnard", "CA", "930", 2), ("Fayetteville", "NC", "283", 2), ("Rochester", "NY", "146", 2),
    ("Glendale", "CA", "912", 2), ("Yonkers", "NY", "107", 2), ("Huntington Beach", "CA", "926", 2),
    ("Aurora", "IL", "605", 2), ("Salt Lake City", "UT", "841", 2), ("Amarillo", "TX", "791", 2),
    ("Montgomery", "AL", "361", 2), ("Grand Rapids", "MI", "495", 2), ("Little Rock", "AR", "722", 2),
    ("Akron", "OH", "443", 2), ("Augusta", "GA", "309", 2), ("Columbus", "GA", "319", 2),
    ("Providence", "RI", "029", 2), ("Hartford", "CT", "061", 1), ("Bridgeport", "CT", "066", 1),
    ("Jackson", "MS", "392", 1), ("Charleston", "SC", "294", 1), ("Charleston", "WV", "253", 1),
    ("Burlington", "VT", "054", 1), ("Portland", "ME", "041", 1), ("Manchester", "NH", "031", 1),
    ("Wilmington", "DE", "198", 1), ("Fargo", "ND", "581", 1), ("Sioux Falls", "SD", "571", 1),
    ("Billings", "MT", "591", 1), ("Cheyenne", "WY", "820", 1), ("Brownsville", "TX", "785", 2),
    ("McAllen", "TX", "785", 2), ("Paterson", "NJ", "075", 1), ("Elizabeth", "NJ", "072", 1),
    ("Lawrence", "MA", "018", 1), ("Dearborn", "MI", "481", 1), ("Miami Beach", "FL", "331", 1),
    ("Coeur d'Alene", "ID", "838", 1), ("Port St. Lucie", "FL", "349", 1),
    ("Fort Lauderdale", "FL", "333", 2), ("West Palm Beach", "FL", "334", 1),
    ("Kansas City", "KS", "661", 1), ("San Juan", "PR", "009", 2), ("Mayaguez", "PR", "006", 1),
)

#: street names; numbered streets and names of many languages, as US streets are
STREET_NAMES: tuple[str, ...] = tuple(part.strip() for part in ["Main", " Oak", " Maple", " Cedar", " Pine", " Elm", "\n    Washington", " Lake", " Hill", " Park", " Walnut", " Lincoln", " Jefferson", " Madison", " Jackson", " Franklin", " Highland", "\n    Sunset", " Church", " Spring", " Ridge", " River", " Meadow", " Forest", " Center", " Mill", " Willow", " Chestnut", " Dogwood", "\n    Magnolia", " Hickory", " Birch", " Sycamore", " Cherry", " Laurel", " Valley", " Prospect", " Broad", " Market", " Union", "\n    Liberty", " Railroad", " Adams", " Monroe", " Harrison", " Grant", " Wilson", " King", " Martin Luther King Jr", "\n    Cesar Chavez", " Rio Grande", " Vista", " Del Mar", " Las Palmas", " Mesa", " Alameda", " Santa Fe", " Colorado", " Kennedy", "\n    Roosevelt", " 1st", " 2nd", " 3rd", " 4th", " 5th", " 6th", " 7th", " 8th", " 9th", " 10th", " 11th", " 12th", " 14th", " 16th", " 18th", " 21st", "\n    23rd", " 42nd", " 57th", " 103rd", " 125th", " Poplar", " Holly", " Juniper", " Aspen", " Cypress", " Redwood", " Sequoia", " Palm", "\n    Orange", " Lemon", " Olive", " Peach", " Apple", " Lakeview", " Hillside", " Riverside", " Fairview", " Pleasant", " Woodland", "\n    Greenwood", " Brookside", " Lakeshore", " Bayview", " Ocean", " Harbor", " Beach", " Canyon", " Mountain View", " Sierra", "\n    Alta Vista", " Buena Vista", " El Camino", " San Pedro", " San Jose", " Santa Rosa", " Guadalupe", " Los Robles", "\n    Mission", " Orchard", " Garden", " Meadowbrook", " Cottonwood", " Mulberry", " Hawthorne", " Evergreen", " Summit", "\n    Crescent", " Country Club", " College", " University", " School", " Academy", " Industrial", " Commerce", " Front", " Water", "\n    Bridge", " Ferry", " Canal", " Depot", " Station", " Clinton", " Cleveland", " Hamilton", " Webster", " Franklin Delano", "\n    Dr Martin Luther King", " Lafayette", " Beauregard", " Bourbon", " Tchoupitoulas", " Kalakaua", " Kamehameha", "\n    Peachtree", " Ponce de Leon", " Calle Ocho", " Ashford", " Fortaleza", " Sheridan", " Cicero", " Pulaski", " Kosciuszko", "\n    Halsted", " Ashland", " Kedzie", " Western", " Michigan", " Wabash", " Ellis", " Cottage Grove", " Stony Island", "\n    Flatbush", " Atlantic", " Nostrand", " Utica", " Grand Concourse", " Jerome", " Fordham", " Hillcrest", " Parkview", "\n    Sunnyside", " Westwood", " Eastwood", " Northgate", " Southgate", " Kingston", " Windsor", " Oxford", " Cambridge", "\n    Princeton", " Yale", " Stanford", " Berkeley"])

#: (abbreviation on record, the word written out)
STREET_TYPES: tuple[tuple[str, str], ...] = (
    ("St", "Street"), ("Ave", "Avenue"), ("Rd", "Road"), ("Dr", "Drive"), ("Ln", "Lane"),
    ("Ct", "Court"), ("Blvd", "Boulevard"), ("Way", "Way"), ("Pl", "Place"), ("Ter", "Terrace"),
    ("Cir", "Circle"), ("Pkwy", "Parkway"), ("Hwy", "Highway"), ("Trl", "Trail"), ("Loop", "Loop"),
)
#: how often each type above is used (streets are mostly streets and avenues)
STREET_TYPE_WEIGHTS: tuple[float, ...] = (30, 18, 14, 12, 7, 5, 3, 3, 2, 1.5, 1.5, 1, 1, 0.5, 0.5)

#: (directional prefix on record, written out); the empty first entry is "no direction"
DIRECTIONS: tuple[tuple[str, str], ...] = (
    ("", ""), ("N", "North"), ("S", "South"), ("E", "East"), ("W", "West"),
    ("NE", "Northeast"), ("NW", "Northwest"), ("SE", "Southeast"), ("SW", "Southwest"),
)
DIRECTION_WEIGHTS: tuple[float, ...] = (78, 5, 5, 5, 5, 0.5, 0.5, 0.5, 0.5)

#: designators of a unit on the second address line, as kept on record
UNIT_TYPES: tuple[str, ...] = ("Apt", "Unit", "Ste", "Apt")
