"""Synthetic US addresses, drawn as numbers and turned into text by Arrow in one pass.

An address is a handful of small integers (city, direction, street, street type, house number,
unit, ZIP+4); :func:`address_columns` makes the contract's text columns from them. The ZIP code
of a street follows from its city and its name, so neighbours share one, as they do in life.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ftigate.generator.data.places import (
    CITIES,
    DIRECTION_WEIGHTS,
    DIRECTIONS,
    STREET_NAMES,
    STREET_TYPE_WEIGHTS,
    STREET_TYPES,
    UNIT_TYPES,
)

#: the largest house number a master-file address has; people who are not taxpayers are given
#: larger ones, so none of them can live at a taxpayer's address by accident
MAX_MASTER_NUMBER = 9999

_CITY_CDF = np.cumsum([c[3] for c in CITIES]) / sum(c[3] for c in CITIES)
_DIR_CDF = np.cumsum(DIRECTION_WEIGHTS) / sum(DIRECTION_WEIGHTS)
_TYPE_CDF = np.cumsum(STREET_TYPE_WEIGHTS) / sum(STREET_TYPE_WEIGHTS)
_ZIP_PREFIX = np.array([int(c[2]) for c in CITIES], dtype=np.int64)

_CITY_NAMES = pa.array([c[0] for c in CITIES], pa.string())
_STATES = pa.array([c[1] for c in CITIES], pa.string())
_DIRECTION_PREFIX = pa.array([f"{d} " if d else "" for d, _ in DIRECTIONS], pa.string())
_STREETS = pa.array(STREET_NAMES, pa.string())
_TYPES = pa.array([abbr for abbr, _ in STREET_TYPES], pa.string())
_UNITS = pa.array(["", *UNIT_TYPES], pa.string())
_LETTERS = pa.array(["", "A", "B", "C", "D"], pa.string())


def _pick(cdf: np.ndarray, rng: np.random.Generator, count: int) -> np.ndarray:
    return np.minimum(np.searchsorted(cdf, rng.random(count), side="right"), len(cdf) - 1)


@dataclass
class Addresses:
    """Addresses as parallel integer arrays (one entry per address)."""

    city: np.ndarray
    direction: np.ndarray
    street: np.ndarray
    street_type: np.ndarray
    number: np.ndarray
    unit_type: np.ndarray  # 0: no unit, else 1 + index into UNIT_TYPES
    unit_number: np.ndarray
    unit_letter: np.ndarray  # 0: none, 1..4: A..D
    zip4: np.ndarray  # -1: ZIP5 only

    def __len__(self) -> int:
        return len(self.city)

    def take(self, index: np.ndarray) -> Addresses:
        return Addresses(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    @staticmethod
    def concat(parts: list[Addresses]) -> Addresses:
        return Addresses(**{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(Addresses)})

    def zip5(self) -> np.ndarray:
        """The street's ZIP code as an integer: the city's prefix and two digits of the street."""
        mix = (self.street.astype(np.int64) * 2654435761 + self.street_type.astype(np.int64) * 97
               + self.direction.astype(np.int64) * 11 + self.city.astype(np.int64) * 40503)
        return _ZIP_PREFIX[self.city] * 100 + (mix >> 7) % 100


def draw_addresses(
    rng: np.random.Generator, count: int, *, numbers: tuple[int, int] = (1, MAX_MASTER_NUMBER),
    unit_rate: float = 0.22, zip4_rate: float = 0.3,
) -> Addresses:
    """``count`` random addresses; house numbers are drawn from ``numbers`` (inclusive)."""
    low, high = numbers
    # half of all house numbers are small (log-uniform), half spread evenly
    log_uniform = np.exp(rng.random(count) * np.log(high - low + 1)).astype(np.int64) + low - 1
    even = rng.integers(low, high + 1, count)
    number = np.clip(np.where(rng.random(count) < 0.5, log_uniform, even), low, high)
    has_unit = rng.random(count) < unit_rate
    unit_number = np.minimum(np.exp(rng.random(count) * np.log(400)).astype(np.int32) + 1, 400)
    return Addresses(
        city=_pick(_CITY_CDF, rng, count).astype(np.int16),
        direction=_pick(_DIR_CDF, rng, count).astype(np.int8),
        street=rng.integers(0, len(STREET_NAMES), count).astype(np.int16),
        street_type=_pick(_TYPE_CDF, rng, count).astype(np.int8),
        number=number.astype(np.int32),
        unit_type=np.where(has_unit, rng.integers(1, len(UNIT_TYPES) + 1, count), 0).astype(np.int8),
        unit_number=unit_number.astype(np.int16),
        unit_letter=np.where(rng.random(count) < 0.2, rng.integers(1, 5, count), 0).astype(np.int8),
        zip4=np.where(rng.random(count) < zip4_rate, rng.integers(1, 10_000, count), -1).astype(np.int16),
    )


def address_columns(addresses: Addresses) -> dict[str, pa.Array]:
    """The contract's address columns: address_line1, address_line2, city, state, zip."""
    number = pa.array(addresses.number, pa.int32()).cast(pa.string())
    street = pc.binary_join_element_wise(
        pc.take(_DIRECTION_PREFIX, pa.array(addresses.direction, pa.int32())),
        pc.take(_STREETS, pa.array(addresses.street, pa.int32())), "",
    )
    line1 = pc.binary_join_element_wise(number, street, pc.take(_TYPES, pa.array(addresses.street_type, pa.int32())), " ")
    unit_label = pc.binary_join_element_wise(
        pc.take(_UNITS, pa.array(addresses.unit_type, pa.int32())),
        pc.binary_join_element_wise(
            pa.array(addresses.unit_number, pa.int32()).cast(pa.string()),
            pc.take(_LETTERS, pa.array(addresses.unit_letter, pa.int32())), "",
        ), " ",
    )
    line2 = pc.if_else(pa.array(addresses.unit_type > 0), unit_label, "")
    zip5 = pc.utf8_lpad(pa.array(addresses.zip5(), pa.int64()).cast(pa.string()), 5, "0")
    plus4 = pc.utf8_lpad(pa.array(np.maximum(addresses.zip4, 0), pa.int32()).cast(pa.string()), 4, "0")
    zip_code = pc.if_else(pa.array(addresses.zip4 >= 0), pc.binary_join_element_wise(zip5, plus4, "-"), zip5)
    city_index = pa.array(addresses.city, pa.int32())
    return {
        "address_line1": line1,
        "address_line2": line2,
        "city": pc.take(_CITY_NAMES, city_index),
        "state": pc.take(_STATES, city_index),
        "zip": zip_code,
    }
