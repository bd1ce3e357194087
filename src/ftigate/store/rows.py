"""What the store's queries hand back, as the layers above may name it.

A row read with ``.mappings()`` is a SQLAlchemy ``RowMapping``: a mapping by column name, but not
a ``Mapping[str, Any]`` to a type checker (its keys may also be column objects). Functions that
read either a stored row or a plain dict of the same columns take :data:`Row`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeAlias

from sqlalchemy import RowMapping

Row: TypeAlias = RowMapping | Mapping[str, Any]
