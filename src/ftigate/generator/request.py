"""Request batches drawn from a master file, with controlled noise, bad rows and the truth.

A batch mixes kinds of row in the shares a :class:`RequestMix` sets. Each kind has an outcome a
correct gateway must reach, written to the truth file beside the true TIN:

=========================  ==========  =========================================================
kind                       expected    what the row is
=========================  ==========  =========================================================
clean                      match       the taxpayer's name, date of birth and last known address
noisy                      match       the same with typos, nicknames, formats (``noise``)
old_address                match       an earlier address from the taxpayer's history
not_taxpayer               no_match    someone not in the master file (at a made-up address, at a
                                       taxpayer's address, or with a taxpayer's name elsewhere)
right_tin_wrong_address    no_match    the right name and TIN, but another taxpayer's address
father_son                 match or    a father or son of the same name at one address: with
                           ambiguous   the date of birth it is one of them, without it either
twin                       match       one of twins (same surname, birthday and address)
twin_near                  ambiguous   twins whose given names differ by a letter (Jon, John)
namesake                   match       one of two neighbours of the same name, with the number
placeholder_address        invalid     "Failed to Provide", "Unknown Address", "N/A", ...
right_tin_placeholder      invalid     the right TIN, with "Don't Care 12345" or a placeholder
facility                   invalid     a place of custody instead of an address
zip_only                   invalid     a ZIP code alone
fnu / lnu                  invalid     "FNU" or "LNU" for a name
bad_dob                    invalid     an impossible date of birth such as 1985-02-30
=========================  ==========  =========================================================

Twins whose names differ by a letter are "ambiguous" on purpose: one slip of a key turns one into
the other, so only a fail-closed answer is safe (docs/identity.md: two candidates that fit
nearly as well yield "no record", never a guess).
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ftigate.errors import InputError
from ftigate.formats import SUBJECT_COLUMNS
from ftigate.generator import bad_rows
from ftigate.generator.addresses import MAX_MASTER_NUMBER, address_columns, draw_addresses
from ftigate.generator.master import cases_path
from ftigate.generator.names import NamePools, pools
from ftigate.generator.noise import add_noise
from ftigate.generator.sampling import Selection, draw
from ftigate.generator.writer import write_table
from ftigate.progress import Progress

REQUEST_COLUMNS: tuple[str, ...] = (*SUBJECT_COLUMNS, "tin")
TRUTH_COLUMNS: tuple[str, ...] = ("subject_id", "true_tin", "kind", "expected_outcome", "noise")

#: kinds whose subject is a taxpayer drawn at random from the master file
DRAWN_KINDS: tuple[str, ...] = (
    "clean", "noisy", "old_address", "right_tin_wrong_address", "placeholder_address",
    "right_tin_placeholder", "facility", "zip_only", "fnu", "lnu", "bad_dob",
)
#: kinds drawn from the master file's list of hard cases
HARD_KINDS: tuple[str, ...] = ("father_son", "twin", "twin_near", "namesake")
KINDS: tuple[str, ...] = (*DRAWN_KINDS, *HARD_KINDS, "not_taxpayer")

_EXPECTED = {
    "clean": "match", "noisy": "match", "old_address": "match", "twin": "match", "namesake": "match",
    "not_taxpayer": "no_match", "right_tin_wrong_address": "no_match", "twin_near": "ambiguous",
    "placeholder_address": "invalid", "right_tin_placeholder": "invalid", "facility": "invalid",
    "zip_only": "invalid", "fnu": "invalid", "lnu": "invalid", "bad_dob": "invalid",
}
_BAD_ROW = {
    "placeholder_address": bad_rows.placeholder_address, "right_tin_placeholder": bad_rows.dont_care_zip,
    "facility": bad_rows.facility, "zip_only": bad_rows.zip_only, "fnu": bad_rows.first_unknown,
    "lnu": bad_rows.last_unknown, "bad_dob": bad_rows.impossible_date,
}


@dataclass(frozen=True)
class RequestMix:
    """Shares of each kind of row in a batch (normalised to sum to one) and how often a TIN is given."""

    clean: float = 0.30
    noisy: float = 0.22
    old_address: float = 0.05
    not_taxpayer: float = 0.15
    right_tin_wrong_address: float = 0.025
    father_son: float = 0.03
    twin: float = 0.015
    twin_near: float = 0.01
    namesake: float = 0.025
    placeholder_address: float = 0.04
    right_tin_placeholder: float = 0.02
    facility: float = 0.01
    zip_only: float = 0.02
    fnu: float = 0.015
    lnu: float = 0.01
    bad_dob: float = 0.02
    #: share of rows that carry the requester's belief of the TIN (in the ``tin`` column)
    with_tin: float = 0.35

    def shares(self) -> dict[str, float]:
        values = {kind: float(getattr(self, kind)) for kind in KINDS}
        bad = [k for k, v in values.items() if not v >= 0]
        if bad:
            raise InputError(f"the share of '{bad[0]}' must be a number >= 0", field=bad[0])
        total = sum(values.values())
        if total <= 0:
            raise InputError("at least one kind of row needs a share above zero", field="mix")
        if not 0 <= self.with_tin <= 1:
            raise InputError("with_tin must lie between 0 and 1", field="with_tin")
        return {kind: value / total for kind, value in values.items()}

    def counts(self, subjects: int) -> dict[str, int]:
        """Whole numbers of rows per kind adding up to ``subjects`` (largest remainders)."""
        shares = self.shares()
        exact = {kind: share * subjects for kind, share in shares.items()}
        counts = {kind: int(value) for kind, value in exact.items()}
        left = subjects - sum(counts.values())
        for kind in sorted(exact, key=lambda k: (-(exact[k] - counts[k]), KINDS.index(k)))[:left]:
            counts[kind] += 1
        return counts


@dataclass(frozen=True)
class RequestSummary:
    """What :func:`generate_request` wrote."""

    path: Path
    truth_path: Path | None
    subjects: int
    seed: int
    #: rows per kind (the mix after hard cases or movers ran short; see ``shortfall``)
    kinds: dict[str, int] = field(default_factory=dict)
    #: rows per expected outcome
    expected: dict[str, int] = field(default_factory=dict)
    #: rows of a kind the master file could not supply, made ``clean`` instead
    shortfall: dict[str, int] = field(default_factory=dict)


def _read_cases(master: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    path = cases_path(master)
    if not path.is_file():
        return {}
    from ftigate.tabular import iter_rows

    pairs: dict[str, list[tuple[int, int]]] = {}
    for number, row in iter_rows(path, ("kind", "tin", "other_tin")):
        if not (row["tin"].isdigit() and row["other_tin"].isdigit()):
            raise InputError("a TIN of the hard cases is not a number", file=str(path), row=number, field="tin")
        pairs.setdefault(row["kind"], []).append((int(row["tin"]), int(row["other_tin"])))
    return {kind: (np.array([a for a, _ in p], np.int64), np.array([b for _, b in p], np.int64))
            for kind, p in pairs.items()}


#: the steps of :func:`generate_request`, in order
STEPS = ("reading hard cases", "drawing taxpayers", "building rows", "writing")


def generate_request(
    master: Path, out: Path, subjects: int, *, seed: int = 0, truth: Path | None = None,
    mix: RequestMix | None = None, progress: Progress | None = None,
) -> RequestSummary:
    """Write a subjects file of ``subjects`` rows drawn from ``master`` (and the truth, if asked).

    Same master, seed, size and mix give byte-identical files. ``progress`` is told each
    step as it starts (:data:`STEPS`: the step's name, how many came before it, how many there are).
    """
    master, out = Path(master), Path(out)
    if isinstance(subjects, bool) or not isinstance(subjects, int) or subjects <= 0:
        raise InputError(f"the number of subjects must be a positive whole number, got {subjects!r}", field="subjects")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InputError(f"the seed must be a whole number >= 0, got {seed!r}", field="seed")
    if not master.is_file():
        raise InputError("no such master file", file=str(master))
    def step(name: str) -> None:
        if progress is not None:
            progress(name, STEPS.index(name), len(STEPS))

    mix = mix or RequestMix()
    counts = mix.counts(subjects)
    rng = np.random.default_rng([seed, 0x72657175657374])
    rnd = random.Random(seed)  # nosec B311  # synthetic test data, seeded for reproducibility; never a secret

    # hard cases: as many pairs as the mix asks for and the master has; the rest become clean
    step("reading hard cases")
    cases = _read_cases(master)
    shortfall: Counter[str] = Counter()
    hard_tins: dict[str, np.ndarray] = {}
    for kind in HARD_KINDS:
        first, second = cases.get(kind, (np.zeros(0, np.int64), np.zeros(0, np.int64)))
        take = min(counts[kind], len(first))
        shortfall[kind] = counts[kind] - take
        chosen = np.sort(rng.choice(len(first), size=take, replace=False)) if take else np.zeros(0, np.int64)
        hard_tins[kind] = np.where(rng.random(take) < 0.5, first[chosen], second[chosen])
    excluded = np.concatenate([np.concatenate(pair) for pair in cases.values()]) if cases else np.zeros(0, np.int64)
    drawn_wanted = sum(counts[k] for k in DRAWN_KINDS) + sum(shortfall.values())

    step("drawing taxpayers")
    selection, drawn = draw(master, drawn_wanted, seed, exclude=excluded,
                            include=np.concatenate(list(hard_tins.values())))
    if drawn < drawn_wanted:
        raise InputError(
            f"the master file holds {drawn:,} people who can be drawn; {drawn_wanted:,} are needed for "
            f"{subjects:,} subjects with this mix (use a larger master file or fewer subjects)",
            file=str(master), field="subjects",
        )

    step("building rows")
    older = _older_rows(selection)
    builder = _Builder(selection, older, pools(), rng, rnd, mix.with_tin)
    plan = _plan_drawn(selection, older >= 0, counts, shortfall, hard_tins)
    for kind, persons in plan.items():
        builder.add_drawn(kind, persons)
    for kind in HARD_KINDS:
        builder.add_hard(kind, selection.person_of_tin(hard_tins[kind]))
    builder.add_not_taxpayers(counts["not_taxpayer"])
    request, truth_table = builder.finish()

    step("writing")
    write_table(out, request, REQUEST_COLUMNS)
    if truth is not None:
        write_table(Path(truth), truth_table, TRUTH_COLUMNS)
    kinds = Counter(truth_table.column("kind").to_pylist())
    expected = Counter(truth_table.column("expected_outcome").to_pylist())
    return RequestSummary(
        path=out, truth_path=Path(truth) if truth is not None else None, subjects=request.num_rows, seed=seed,
        kinds={k: kinds.get(k, 0) for k in KINDS}, expected=dict(sorted(expected.items())),
        shortfall={k: v for k, v in shortfall.items() if v},
    )


def _plan_drawn(selection: Selection, movers: np.ndarray, counts: dict[str, int], shortfall: Counter[str],
                hard_tins: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Which drawn person becomes which kind of row: movers first for old addresses, then in key order."""
    hard = np.concatenate(list(hard_tins.values()))
    random_people = np.flatnonzero(~np.isin(selection.tin[selection.starts], hard))
    by_key = random_people[np.argsort(selection.key[selection.starts[random_people]], kind="stable")]
    mover_people = by_key[movers[by_key]]
    old = mover_people[:counts["old_address"]]
    shortfall["old_address"] = counts["old_address"] - len(old)
    rest = by_key[~np.isin(by_key, old)]
    plan: dict[str, np.ndarray] = {"old_address": old}
    position = 0
    for kind in DRAWN_KINDS:
        if kind == "old_address":
            continue
        size = counts[kind] + (sum(shortfall.values()) if kind == "clean" else 0)
        plan[kind] = rest[position:position + size]
        position += size
    return plan


def _address_key(rows: pa.Table) -> pa.Array:
    return pc.binary_join_element_wise(
        pc.utf8_upper(rows.column("address_line1")), pc.utf8_upper(rows.column("address_line2")),
        pc.utf8_upper(rows.column("city")), pc.utf8_slice_codeunits(rows.column("zip"), 0, 5), "|",
    )


def _older_rows(selection: Selection) -> np.ndarray:
    """Per person, the latest row whose address differs from the last known one (or -1)."""
    if selection.people == 0:
        return np.zeros(0, np.int64)
    key = selection.in_order(_address_key(selection.rows))
    counts = selection.ends - selection.starts
    last_of_row = np.repeat(selection.ends - 1, counts)
    differs = pc.not_equal(key, pc.take(key, pa.array(last_of_row))).to_numpy(zero_copy_only=False)
    candidate = np.where(differs, np.arange(len(differs)), -1)
    return np.maximum.reduceat(candidate, selection.starts)


class _Builder:
    """Collects subject rows kind by kind, then shuffles them and numbers them."""

    def __init__(self, selection: Selection, older: np.ndarray, name_pools: NamePools, rng: np.random.Generator,
                 rnd: random.Random, with_tin: float) -> None:
        self.selection = selection
        self.pools = name_pools
        self.rng = rng
        self.rnd = rnd
        self.with_tin = with_tin
        # only the rows a subject can be made from become Python strings: last and older addresses
        needed = np.unique(np.concatenate((selection.ends - 1, older[older >= 0])))
        compact = selection.take(needed)
        self.columns = {name: compact.column(name).to_pylist() for name in compact.column_names if name != "tax_period"}
        self.latest = np.searchsorted(needed, selection.ends - 1)
        self.older = np.where(older >= 0, np.searchsorted(needed, np.maximum(older, 0)), -1)
        self.out: dict[str, list[str]] = {name: [] for name in (*REQUEST_COLUMNS[1:], *TRUTH_COLUMNS[1:])}

    def _row(self, name_row: int, address_row: int | None = None) -> dict[str, str]:
        c = self.columns
        a = name_row if address_row is None else address_row
        return {
            "first_name": c["first_name"][name_row], "middle_name": c["middle_name"][name_row],
            "last_name": c["last_name"][name_row], "suffix": c["suffix"][name_row],
            "date_of_birth": c["date_of_birth"][name_row],
            "address_line1": c["address_line1"][a], "address_line2": c["address_line2"][a],
            "city": c["city"][a], "state": c["state"][a], "zip": c["zip"][a], "tin": "",
        }

    def _emit(self, row: dict[str, str], true_tin: str, kind: str, expected: str, tags: list[str]) -> None:
        out = self.out
        for name in REQUEST_COLUMNS[1:]:
            out[name].append(row[name])
        out["true_tin"].append(true_tin)
        out["kind"].append(kind)
        out["expected_outcome"].append(expected)
        out["noise"].append(";".join(tags))

    def _maybe_tin(self, row: dict[str, str], tin: str) -> None:
        if self.rnd.random() < self.with_tin:
            row["tin"] = tin

    def add_drawn(self, kind: str, persons: np.ndarray) -> None:
        rnd = self.rnd
        donors = self._donors(persons) if kind == "right_tin_wrong_address" else None
        for i, person in enumerate(persons.tolist()):
            latest = int(self.latest[person])
            tin = self.columns["tin"][latest]
            tags: list[str] = []
            if kind == "old_address":
                row = self._row(latest, int(self.older[person]))
                tags.append("older_address")
            elif kind == "right_tin_wrong_address" and donors is not None:
                row = self._row(latest, int(self.latest[donors[i]]))
            else:
                row = self._row(latest)
            if kind == "noisy":
                tags = add_noise(row, rnd)
            elif kind in _BAD_ROW:
                _BAD_ROW[kind](row, rnd)
            if kind.startswith("right_tin"):
                row["tin"] = tin
            else:
                self._maybe_tin(row, tin)
            self._emit(row, tin, kind, _EXPECTED[kind], tags)

    def _donors(self, persons: np.ndarray) -> np.ndarray:
        """For each person, another drawn person whose last address was never theirs."""
        sel = self.selection
        pool = np.flatnonzero(~np.isin(np.arange(sel.people), persons))
        if len(pool) == 0:
            pool = np.arange(sel.people)
        key = sel.in_order(_address_key(sel.rows))
        donors = pool[self.rng.integers(0, len(pool), len(persons))]
        for i, person in enumerate(persons.tolist()):
            history = set(key[int(sel.starts[person]):int(sel.ends[person])].to_pylist())
            for _ in range(20):
                if key[int(sel.ends[donors[i]]) - 1].as_py() not in history:
                    break
                donors[i] = pool[self.rng.integers(0, len(pool))]
        return donors

    def add_hard(self, kind: str, persons: np.ndarray) -> None:
        rnd = self.rnd
        for person in persons.tolist():
            latest = int(self.latest[person])
            tin = self.columns["tin"][latest]
            row = self._row(latest)
            tags: list[str] = []
            expected = _EXPECTED.get(kind, "match")
            if kind == "father_son":
                if rnd.random() < 0.5:
                    row["date_of_birth"] = row["suffix"] = ""
                    tags.append("no_dob_no_suffix")
                    expected = "ambiguous"
                else:
                    tags.append("with_dob")
            elif kind in ("twin", "namesake") and rnd.random() < 0.3:
                row["date_of_birth"] = ""
                tags.append("no_dob")
            self._maybe_tin(row, tin)
            self._emit(row, tin, kind, expected, tags)

    def add_not_taxpayers(self, count: int) -> None:
        """People who are not in the master file; their rows can never be matched to anyone."""
        if count == 0:
            return
        rng, name_pools = self.rng, self.pools
        origin = name_pools.draw_origin(rng, count)
        sex = (rng.random(count) < 0.5).astype(np.int8)
        given = name_pools.given[name_pools.draw_given(rng, origin, sex)]
        middle = name_pools.given[name_pools.draw_given(rng, origin, sex)]
        surname = name_pools.surnames[name_pools.draw_surname(rng, origin)]
        non_filer = name_pools.given[name_pools.draw_non_filer_given(rng, count)]
        fresh = address_columns(draw_addresses(rng, count, numbers=(MAX_MASTER_NUMBER + 1, 39_999)))
        fresh_cols = {name: column.to_pylist() for name, column in fresh.items()}
        born = (rng.integers(-20_000, 2_000, count)).astype("datetime64[D]").astype(str)
        variant = rng.random(count)
        donors = rng.integers(0, max(self.selection.people, 1), count)
        # TINs in group 66-69 of the 9xx area: neither SSNs, ITINs, nor in any master file made here
        wrong_tin = (rng.integers(900, 1000, count) * 1_000_000 + rng.integers(66, 70, count) * 10_000
                     + rng.integers(0, 10_000, count))
        for i in range(count):
            row = {
                "first_name": given[i], "middle_name": middle[i] if variant[i] < 0.4 else "",
                "last_name": surname[i], "suffix": "",
                "date_of_birth": born[i] if self.rnd.random() < 0.9 else "",
                **{name: fresh_cols[name][i] for name in fresh_cols}, "tin": "",
            }
            tag = "made_up_address"
            if self.selection.people and variant[i] >= 0.7:
                # a relative at a taxpayer's address, with a given name no taxpayer has
                donor = self._row(int(self.latest[donors[i]]))
                row.update({k: donor[k] for k in ("last_name", "address_line1", "address_line2", "city", "state", "zip")})
                row["first_name"], row["middle_name"] = non_filer[i], ""
                tag = "at_taxpayer_address"
            elif self.selection.people and variant[i] >= 0.45:
                # a taxpayer's name, somewhere the taxpayer never lived
                donor = self._row(int(self.latest[donors[i]]))
                row.update({k: donor[k] for k in ("first_name", "middle_name", "last_name", "suffix")})
                tag = "taxpayer_name_elsewhere"
            if self.rnd.random() < self.with_tin * 0.5:
                row["tin"] = str(int(wrong_tin[i]))
                tag += ";unknown_tin"
            self._emit(row, "", "not_taxpayer", "no_match", [tag])

    def finish(self) -> tuple[pa.Table, pa.Table]:
        """The request and the truth, rows shuffled so kinds are interleaved, numbered S0000001..."""
        count = len(self.out["kind"])
        order = pa.array(self.rng.permutation(count))
        width = max(7, len(str(count)))
        ids = pa.array([f"S{n:0{width}d}" for n in range(1, count + 1)], pa.string())
        table = pa.table({name: pa.array(values, pa.string()) for name, values in self.out.items()}).take(order)
        self.out.clear()
        request = pa.table({"subject_id": ids, **{name: table.column(name) for name in REQUEST_COLUMNS[1:]}})
        truth = pa.table({"subject_id": ids, **{name: table.column(name) for name in TRUTH_COLUMNS[1:]}})
        return request, truth
