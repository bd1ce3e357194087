"""Synthetic taxpayer identification numbers that no real SSN or ITIN can be.

A TIN here is 9 digits: area 900-999 with a group of 00-49. Social Security numbers never begin
with 9, and ITINs (which do) always have a group of 50-65, 70-88, 90-92 or 94-99, so no number
made here belongs to anyone. That leaves 50 million numbers.

Person ``i`` of a master file gets number ``perm(i)``, where ``perm`` is a keyed permutation of
``0 .. CAPACITY-1`` (a small Feistel network over 26 bits, walked until it lands inside the range):
unique by construction, computable for any chunk without looking at the others, with no visible
pattern between neighbours, and indices past the file's last person give numbers guaranteed
absent from it (used for the wrong TINs of people who are not taxpayers).
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

CAPACITY = 50_000_000


_HALF_BITS = 13
_HALF_MASK = (1 << _HALF_BITS) - 1
_ROUNDS = 4


def _round_keys(seed: int) -> list[int]:
    keys, state = [], (seed * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) % (1 << 64)
    for _ in range(_ROUNDS):
        state = (state * 6364136223846793005 + 1442695040888963407) % (1 << 64)
        keys.append(state >> 40)
    return keys


def _feistel(values: np.ndarray, keys: list[int]) -> np.ndarray:
    left, right = values >> _HALF_BITS, values & _HALF_MASK
    for key in keys:
        mixed = (right * 0x2545F491 + key) & 0xFFFFFFFF
        mixed ^= mixed >> 13
        left, right = right, left ^ ((mixed * 0x5BD1E995 >> 7) & _HALF_MASK)
    return (left << _HALF_BITS) | right


def tin_numbers(start: int, count: int, seed: int) -> np.ndarray:
    """TINs (as int64) of persons ``start .. start+count-1``."""
    if start < 0 or start + count > CAPACITY:
        raise ValueError(f"person indices must lie in 0..{CAPACITY - 1}")
    keys = _round_keys(seed)
    value = np.arange(start, start + count, dtype=np.int64)
    outside = np.ones(count, dtype=bool)
    while outside.any():  # cycle-walking: a permutation of 2**26 numbers restricted to CAPACITY
        value[outside] = _feistel(value[outside], keys)
        outside = value >= CAPACITY
    area = 900 + value // 500_000
    group = (value // 10_000) % 50
    serial = value % 10_000
    return area * 1_000_000 + group * 10_000 + serial


def tin_strings(numbers: np.ndarray) -> pa.Array:
    """9-digit strings (every number here has nine digits: the area starts at 900)."""
    return pa.array(numbers, pa.int64()).cast(pa.string())
