"""Drawing names: the pools of ``data.names`` flattened into arrays that numpy can index.

Every name is referred to by its position in one flat array (``given`` or ``surnames``), so a whole
chunk of people is named with a few vectorised draws and turned into strings once, by Arrow.
The same spelling may sit at several positions (Maria is Hispanic, Italian and Filipino);
``given_key`` maps each position to one number per spelling, which is what "the same name" means
when a household must not hold two people of one name by accident.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pyarrow as pa

from ftigate.generator.data.names import NEAR_TWIN_NAMES, NON_FILER_GIVEN, ORIGINS

#: rank weights: w(r) = (r + OFFSET) ** -EXPONENT; flatter than a pure Zipf so the tail is used
_EXPONENT = 0.75
_OFFSET = 2.0

MALE, FEMALE = 0, 1


def _rank_cdf(size: int) -> np.ndarray:
    weights = (np.arange(size, dtype=np.float64) + _OFFSET) ** -_EXPONENT
    cdf = np.cumsum(weights)
    return cdf / cdf[-1]


@dataclass(frozen=True)
class _Block:
    offset: int
    cdf: np.ndarray

    def draw(self, rng: np.random.Generator, count: int) -> np.ndarray:
        picks = np.searchsorted(self.cdf, rng.random(count), side="right")
        return np.minimum(picks, len(self.cdf) - 1).astype(np.int32) + self.offset


class NamePools:
    """All names as flat arrays, with one draw per origin (and sex, for given names)."""

    def __init__(self) -> None:
        given: list[str] = []
        surnames: list[str] = []
        self._given_blocks: list[tuple[_Block, _Block]] = []
        self._surname_blocks: list[_Block] = []
        for origin in ORIGINS:
            blocks = []
            for names in (origin.male, origin.female):
                blocks.append(_Block(len(given), _rank_cdf(len(names))))
                given.extend(names)
            self._given_blocks.append((blocks[0], blocks[1]))
            self._surname_blocks.append(_Block(len(surnames), _rank_cdf(len(origin.surnames))))
            surnames.extend(origin.surnames)
        #: position of each near-twin pair's first name; the second follows it
        self.near_twin_offset = len(given)
        for first, second, _sex in NEAR_TWIN_NAMES:
            given.extend((first, second))
        self.near_twin_sex = np.array([MALE if sex == "M" else FEMALE for *_, sex in NEAR_TWIN_NAMES], np.int8)
        self._non_filer = _Block(len(given), _rank_cdf(len(NON_FILER_GIVEN)))
        given.extend(NON_FILER_GIVEN)

        self.given = np.array(given, dtype=object)
        self.surnames = np.array(surnames, dtype=object)
        self.given_arrow = pa.array(given, pa.string())
        self.surnames_arrow = pa.array(surnames, pa.string())
        _, self.given_key = np.unique(self.given, return_inverse=True)
        self.origin_cdf = np.cumsum([o.share for o in ORIGINS])
        self.origin_cdf /= self.origin_cdf[-1]
        self.middle_rate = np.array([o.middle_rate for o in ORIGINS])
        self.compound_rate = np.array([o.compound_rate for o in ORIGINS])
        self.origin_names = tuple(o.name for o in ORIGINS)

    @property
    def origins(self) -> int:
        return len(self._surname_blocks)

    def draw_origin(self, rng: np.random.Generator, count: int) -> np.ndarray:
        picks = np.searchsorted(self.origin_cdf, rng.random(count), side="right")
        return np.minimum(picks, self.origins - 1).astype(np.int8)

    def draw_given(self, rng: np.random.Generator, origin: np.ndarray, sex: np.ndarray) -> np.ndarray:
        """One given name per person, from the pool of their origin and sex."""
        out = np.empty(len(origin), dtype=np.int32)
        for o, blocks in enumerate(self._given_blocks):
            for s, block in enumerate(blocks):
                where = np.flatnonzero((origin == o) & (sex == s))
                if len(where):
                    out[where] = block.draw(rng, len(where))
        return out

    def draw_surname(self, rng: np.random.Generator, origin: np.ndarray) -> np.ndarray:
        out = np.empty(len(origin), dtype=np.int32)
        for o, block in enumerate(self._surname_blocks):
            where = np.flatnonzero(origin == o)
            if len(where):
                out[where] = block.draw(rng, len(where))
        return out

    def draw_non_filer_given(self, rng: np.random.Generator, count: int) -> np.ndarray:
        """Given names that no master-file person carries (see ``NON_FILER_GIVEN``)."""
        return self._non_filer.draw(rng, count)


@lru_cache(maxsize=1)
def pools() -> NamePools:
    """The pools, built once per process (they never change)."""
    return NamePools()
