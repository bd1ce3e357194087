"""One chunk of the taxpayer master file: households, the hard cases, address histories.

A chunk is a block of consecutive people, built with vectorised numpy draws from its own random
stream (``seed`` and chunk number), so chunks never depend on one another and the same seed always
gives the same people. People live in households; most are ordinary, and a few are built to be
hard for any matcher, because those are where a gateway discloses the wrong person:

* a father and son of the same name (with "Jr"/"Sr", "II", or no suffix at all) at one address;
* twins: same surname, date of birth and address, different given names, and some twins whose
  given names differ by a letter (Jon and John);
* namesakes on one street: two heads of household of the same given name and surname, next door.

Those pairs are returned beside the rows (``Chunk.cases``) so request batches can draw them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ftigate.formats import MASTER_COLUMNS
from ftigate.generator.addresses import Addresses, address_columns, draw_addresses
from ftigate.generator.names import MALE, NamePools
from ftigate.generator.tins import tin_numbers, tin_strings

# household kinds
NORMAL, FATHER_SON, TWINS, NEAR_TWINS = 0, 1, 2, 3
_KIND_SHARE = np.array([0.97, 0.016, 0.009, 0.005])
# roles of people within a household
HEAD, SPOUSE, CHILD, FATHER, SON, TWIN_A, TWIN_B, PARENT = range(8)
#: roles whose given name is fixed by the household's kind and never redrawn
_FIXED_NAME = np.array([True, False, False, True, True, True, False, False])
#: roles that are part of a hard case and so are present, with a date of birth, in every period
_HARD_ROLE = np.array([False, False, False, True, True, True, True, False])

_SIZE_SHARE = {
    NORMAL: ([1, 2, 3, 4, 5], [0.28, 0.36, 0.17, 0.13, 0.06]),
    FATHER_SON: ([2, 3], [0.4, 0.6]),
    TWINS: ([2, 3, 4], [0.4, 0.3, 0.3]),
    NEAR_TWINS: ([2, 3, 4], [0.4, 0.3, 0.3]),
}
SUFFIXES = ("", "Jr", "Sr", "II", "III")
_JR, _SR, _II, _III = 1, 2, 3, 4
#: share of people living at addresses who move house between two tax periods
MOVE_RATE = 0.09
#: share of grown children who leave the household's address at some period
MOVE_OUT_RATE = 0.2
#: share of people with no date of birth on record
MISSING_DOB_RATE = 0.015
#: namesake pairs per person
NAMESAKE_RATE = 0.004

CASE_COLUMNS: tuple[str, ...] = ("kind", "tin", "other_tin")
CASE_KINDS: tuple[str, ...] = ("father_son", "twin", "twin_near", "namesake")


@dataclass
class Chunk:
    """The master rows of one chunk and the hard-case pairs in it."""

    rows: pa.Table
    cases: pa.Table
    people: int


def _draw_kinds_and_sizes(rng: np.random.Generator, people: int) -> tuple[np.ndarray, np.ndarray]:
    kinds = np.minimum(np.searchsorted(np.cumsum(_KIND_SHARE), rng.random(people), side="right"), 3)
    sizes = np.empty(people, dtype=np.int64)
    for kind, (values, shares) in _SIZE_SHARE.items():
        where = np.flatnonzero(kinds == kind)
        sizes[where] = rng.choice(values, size=len(where), p=shares)
    total = np.cumsum(sizes)
    count = int(np.searchsorted(total, people)) + 1  # households needed to hold everyone
    kinds, sizes = kinds[:count].copy(), sizes[:count].copy()
    sizes[-1] -= int(total[count - 1]) - people
    if sizes[-1] < 2:
        kinds[-1] = NORMAL
    return kinds.astype(np.int8), sizes


def _roles(kinds: np.ndarray, household: np.ndarray, position: np.ndarray) -> np.ndarray:
    kind = kinds[household]
    role = np.where(position == 0, HEAD, np.where(position == 1, SPOUSE, CHILD))
    fs = kind == FATHER_SON
    role = np.where(fs & (position == 0), FATHER, role)
    role = np.where(fs & (position == 1), SON, role)
    role = np.where(fs & (position >= 2), SPOUSE, role)
    twins = (kind == TWINS) | (kind == NEAR_TWINS)
    role = np.where(twins & (position == 0), TWIN_A, role)
    role = np.where(twins & (position == 1), TWIN_B, role)
    role = np.where(twins & (position >= 2), PARENT, role)
    return role.astype(np.int8)


def _ages(rng: np.random.Generator, role: np.ndarray, household: np.ndarray, starts: np.ndarray,
          sizes: np.ndarray) -> np.ndarray:
    """Age in years (float) at the end of the last period; relatives' ages follow the household's first."""
    n = len(role)
    first_age = 20 + rng.beta(2.0, 3.2, len(starts)) * 70
    with_children = sizes >= 3
    first_age = np.where(with_children, np.maximum(first_age, 38 + rng.random(len(starts)) * 20), first_age)
    first_role = role[starts]
    first_age = np.where(first_role == FATHER, 45 + rng.beta(2.0, 2.5, len(starts)) * 40, first_age)
    first_age = np.where(first_role == TWIN_A, 18 + rng.beta(2.0, 3.0, len(starts)) * 57, first_age)
    base = first_age[household]
    age = base.copy()
    age = np.where(role == SPOUSE, np.clip(base + rng.normal(0, 4, n), 18, 98), age)
    age = np.where(role == CHILD, np.maximum(16, base - 20 - rng.random(n) * 20), age)
    age = np.where(role == SON, np.maximum(18, base - 20 - rng.random(n) * 16), age)
    age = np.where(role == PARENT, base + 20 + rng.random(n) * 20, age)
    return age


def _sexes(rng: np.random.Generator, role: np.ndarray, household: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Fathers and sons are male; a spouse is mostly of the other sex than the household's first member."""
    n = len(role)
    sex = (rng.random(n) < 0.5).astype(np.int8)
    sex[(role == FATHER) | (role == SON)] = MALE
    first_sex = sex[starts][household]
    other = np.where(rng.random(n) < 0.94, 1 - first_sex, first_sex).astype(np.int8)
    spouse = role == SPOUSE
    sex[spouse] = other[spouse]
    return sex


def _resolve_name_clashes(rng: np.random.Generator, pools: NamePools, given: np.ndarray, origin: np.ndarray,
                          sex: np.ndarray, role: np.ndarray, household: np.ndarray) -> None:
    """Redraw given names so that no two people of one household share one, except father and son.

    An accidental "James" beside a "James" at one address would be an unlabelled father-and-son
    case, and the truth of a request drawn from it would be wrong.
    """
    checked = np.flatnonzero(role != SON)
    for _ in range(50):
        key = household[checked].astype(np.int64) * (len(pools.given) + 1) + pools.given_key[given[checked]]
        # fixed names sort first within a key, so the ones redrawn are always redrawable
        order = np.lexsort((~_FIXED_NAME[role[checked]], key))
        sorted_key = key[order]
        clash = np.flatnonzero(sorted_key[1:] == sorted_key[:-1]) + 1
        if not len(clash):
            return
        redraw = checked[order[clash]]
        given[redraw] = pools.draw_given(rng, origin[redraw], sex[redraw])
    raise RuntimeError("could not give every member of a household a name of their own")


def build_chunk(pools: NamePools, *, seed: int, chunk: int, start: int, people: int,
                periods: tuple[int, ...]) -> Chunk:
    """People ``start .. start+people-1`` of the master file, as rows in the contract's format."""
    rng = np.random.default_rng([seed, chunk, 0x6D6173746572])
    n_periods = len(periods)
    kinds, sizes = _draw_kinds_and_sizes(rng, people)
    n_households = len(kinds)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    household = np.repeat(np.arange(n_households), sizes)
    position = np.arange(people) - starts[household]
    role = _roles(kinds, household, position)

    # origins and surnames of households; a spouse may come from elsewhere and keep their name
    h_origin = pools.draw_origin(rng, n_households)
    h_surname = pools.draw_surname(rng, h_origin)
    h_second = pools.draw_surname(rng, h_origin)
    compound = rng.random(n_households) < pools.compound_rate[h_origin]
    hyphenated = ~compound & (rng.random(n_households) < 0.02)
    h_style = np.where(compound, 1, np.where(hyphenated, 2, 0)).astype(np.int8)

    origin = h_origin[household].copy()
    married_in = (role == SPOUSE) & (rng.random(people) < 0.15)
    origin[married_in] = pools.draw_origin(rng, int(married_in.sum()))
    sex = _sexes(rng, role, household, starts)

    # given and middle names
    given = pools.draw_given(rng, origin, sex)
    has_middle = rng.random(people) < pools.middle_rate[origin]
    middle = pools.draw_given(rng, origin, sex)
    middle_initial = rng.random(people) < 0.25

    # near-identical twins take a pair of names that differ by a letter
    near_a = np.flatnonzero((role == TWIN_A) & (kinds[household] == NEAR_TWINS))
    if len(near_a):
        pair = rng.integers(0, len(pools.near_twin_sex), len(near_a))
        swap = rng.random(len(near_a)) < 0.5
        base = pools.near_twin_offset + 2 * pair
        given[near_a] = base + swap
        given[near_a + 1] = base + ~swap
        sex[near_a] = sex[near_a + 1] = pools.near_twin_sex[pair]
    # a son of the same name: same given and middle name as his father
    sons = np.flatnonzero(role == SON)
    fathers = sons - 1
    given[sons], middle[sons] = given[fathers], middle[fathers]
    has_middle[sons], middle_initial[sons] = has_middle[fathers], middle_initial[fathers]

    # namesakes: pairs of ordinary households; the second head takes the first head's name and
    # moves next door to them
    normal = np.flatnonzero(kinds == NORMAL)
    n_pairs = min(round(people * NAMESAKE_RATE), len(normal) // 2)
    chosen = rng.choice(normal, size=2 * n_pairs, replace=False) if n_pairs else np.zeros(0, np.int64)
    ns_a, ns_b = np.sort(chosen[:n_pairs]), np.sort(chosen[n_pairs:])
    if n_pairs:
        rng.shuffle(ns_b)
    head_a, head_b = starts[ns_a], starts[ns_b]
    given[head_b], sex[head_b], origin[head_b] = given[head_a], sex[head_a], origin[head_a]
    h_surname[ns_b], h_second[ns_b], h_style[ns_b] = h_surname[ns_a], h_second[ns_a], h_style[ns_a]
    namesake_head = np.zeros(people, dtype=bool)
    namesake_head[head_a] = namesake_head[head_b] = True
    fixed_household = np.zeros(n_households, dtype=bool)
    fixed_household[ns_a] = fixed_household[ns_b] = True

    _resolve_name_clashes(rng, pools, given, origin, sex, np.where(namesake_head, HEAD, role), household)
    for _ in range(50):  # a middle name is never the given name again ("Margaret Margaret")
        same = np.flatnonzero(pools.given_key[middle] == pools.given_key[given])
        if not len(same):
            break
        middle[same] = pools.draw_given(rng, origin[same], sex[same])
    middle[sons] = middle[fathers]

    # surnames of people: the household's, their own (a spouse who kept it), or both hyphenated
    p_first = h_surname[household].copy()
    p_second = h_second[household].copy()
    p_style = h_style[household].copy()
    spouse_choice = rng.random(people)
    keeps_own = (role == SPOUSE) & (spouse_choice >= 0.62)
    own = pools.draw_surname(rng, origin)
    p_first[keeps_own] = own[keeps_own]
    hyphen_own = keeps_own & (spouse_choice >= 0.84)
    p_second[hyphen_own] = h_surname[household][hyphen_own]
    p_style[keeps_own] = np.where(hyphen_own[keeps_own], 2, 0)

    # suffixes: the father-and-son variants, and the rare "III" elsewhere
    suffix = np.where((sex == MALE) & (role == HEAD) & (rng.random(people) < 0.004), _III, 0).astype(np.int8)
    variant = rng.random(len(sons))
    suffix[sons] = np.select([variant < 0.35, variant < 0.5, variant < 0.6], [_JR, _JR, _II], 0)
    suffix[fathers] = np.where((variant >= 0.35) & (variant < 0.5), _SR, 0)

    # dates of birth; twins share one
    hard = _HARD_ROLE[role] | namesake_head
    end = (date(periods[-1], 12, 31) - date(1970, 1, 1)).days
    age = _ages(rng, role, household, starts, sizes)
    dob = (end - age * 365.2425 - rng.random(people) * 365).astype(np.int32)
    twin_b = np.flatnonzero(role == TWIN_B)
    dob[twin_b] = dob[twin_b - 1]
    same_day = np.zeros(people, dtype=bool)
    same_day[head_b] = dob[head_b] == dob[head_a]
    dob[same_day] -= 400  # namesakes are different people: never born on the same day
    no_dob = ~hard & (rng.random(people) < MISSING_DOB_RATE)

    # which periods each person files in: most all, some start late or stop early
    first_period = np.zeros(people, dtype=np.int64)
    last_period = np.full(people, n_periods - 1, dtype=np.int64)
    if n_periods > 1:
        late = ~hard & (rng.random(people) < 0.06)
        first_period[late] = rng.integers(1, n_periods, int(late.sum()))
        early = ~hard & (rng.random(people) < 0.04)
        last_period[early] = np.maximum(first_period[early], rng.integers(0, n_periods - 1, int(early.sum())))

    # addresses: every household has one per period; a move starts a new one
    addresses = draw_addresses(rng, n_households * n_periods)
    moves = rng.random((n_households, max(n_periods - 1, 0))) < MOVE_RATE
    moves[fixed_household] = False
    version = np.concatenate((np.zeros((n_households, 1), np.int64), np.cumsum(moves, axis=1)), axis=1)
    origin_slot = np.arange(n_households) * n_periods
    local_move = np.zeros(n_households * n_periods, dtype=bool)
    local_move.reshape(n_households, n_periods)[:, 1:] = rng.random((n_households, n_periods - 1)) < 0.5
    addresses.city[local_move] = np.repeat(addresses.city[origin_slot], n_periods)[local_move]
    # the second namesake lives two doors from the first, on the same street
    for name in ("city", "direction", "street", "street_type"):
        getattr(addresses, name)[origin_slot[ns_b]] = getattr(addresses, name)[origin_slot[ns_a]]
    a_number = addresses.number[origin_slot[ns_a]]
    addresses.number[origin_slot[ns_b]] = np.where(a_number <= 9997, a_number + 2, a_number - 2)
    addresses.unit_type[origin_slot[ns_a]] = addresses.unit_type[origin_slot[ns_b]] = 0
    # grown children who move out get an address of their own from some period on
    leave = np.full(people, n_periods, dtype=np.int64)
    if n_periods > 1:
        leaving = np.flatnonzero((role == CHILD) & (rng.random(people) < MOVE_OUT_RATE))
        leave[leaving] = rng.integers(1, n_periods, len(leaving))
    else:
        leaving = np.zeros(0, np.int64)
    own_slot = np.full(people, -1, dtype=np.int64)
    own_slot[leaving] = n_households * n_periods + np.arange(len(leaving))
    all_addresses = Addresses.concat([addresses, draw_addresses(rng, len(leaving))])

    # rows: one per person per period they file in, person by person, periods ascending
    counts = last_period - first_period + 1
    person = np.repeat(np.arange(people), counts)
    row_start = np.concatenate(([0], np.cumsum(counts)[:-1]))
    period = first_period[person] + (np.arange(len(person)) - row_start[person])
    hh = household[person]
    slot = hh * n_periods + version[hh, period]
    slot = np.where(period >= leave[person], own_slot[person], slot)

    tins = tin_numbers(start, people, seed)
    person_index = pa.array(person, pa.int64())
    columns = _person_columns(pools, tins, given, has_middle, middle, middle_initial, p_first, p_second, p_style,
                              suffix, dob, no_dob)
    address_cols = address_columns(all_addresses.take(slot))
    period_text = pa.array([str(p) for p in periods], pa.string())
    data = {name: pc.take(columns[name], person_index) for name in columns}
    data.update(address_cols)
    data["tax_period"] = pc.take(period_text, pa.array(period, pa.int64()))
    rows = pa.table({name: data[name] for name in MASTER_COLUMNS})

    near = kinds[household[np.flatnonzero(role == TWIN_A)]] == NEAR_TWINS
    twin_a = np.flatnonzero(role == TWIN_A)
    case_kind = np.concatenate([
        np.full(len(sons), "father_son", dtype=object),
        np.where(near, "twin_near", "twin").astype(object),
        np.full(n_pairs, "namesake", dtype=object),
    ])
    case_a = np.concatenate([fathers, twin_a, head_a]).astype(np.int64)
    case_b = np.concatenate([sons, twin_a + 1, head_b]).astype(np.int64)
    cases = pa.table({
        "kind": pa.array(case_kind.tolist(), pa.string()),
        "tin": tin_strings(tins[case_a]),
        "other_tin": tin_strings(tins[case_b]),
    })
    return Chunk(rows=rows, cases=cases, people=people)


def _person_columns(pools: NamePools, tins: np.ndarray, given: np.ndarray, has_middle: np.ndarray,
                    middle: np.ndarray, middle_initial: np.ndarray, p_first: np.ndarray, p_second: np.ndarray,
                    p_style: np.ndarray, suffix: np.ndarray, dob: np.ndarray, no_dob: np.ndarray) -> dict[str, pa.Array]:
    first_name = pc.take(pools.given_arrow, pa.array(given, pa.int32()))
    middle_full = pc.take(pools.given_arrow, pa.array(middle, pa.int32()))
    middle_text = pc.if_else(pa.array(middle_initial), pc.utf8_slice_codeunits(middle_full, 0, 1), middle_full)
    middle_name = pc.if_else(pa.array(has_middle), middle_text, "")
    base = pc.take(pools.surnames_arrow, pa.array(p_first, pa.int32()))
    second = pc.take(pools.surnames_arrow, pa.array(p_second, pa.int32()))
    last_name = pc.if_else(
        pa.array(p_style == 1), pc.binary_join_element_wise(base, second, " "),
        pc.if_else(pa.array(p_style == 2), pc.binary_join_element_wise(base, second, "-"), base),
    )
    born = pa.array(dob, pa.int32()).cast(pa.date32()).cast(pa.string())
    return {
        "tin": tin_strings(tins),
        "first_name": first_name,
        "middle_name": middle_name,
        "last_name": last_name,
        "suffix": pc.take(pa.array(SUFFIXES, pa.string()), pa.array(suffix, pa.int32())),
        "date_of_birth": pc.if_else(pa.array(no_dob), "", born),
    }
