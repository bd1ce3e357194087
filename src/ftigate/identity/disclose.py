"""What may be disclosed for a matched taxpayer: the taxpayer's identity and nothing more.

26 U.S.C. 6103(i)(2)(C), 6103(b)(2), (b)(3), (b)(6): under 6103(i)(2) only return information other than taxpayer return information may be
disclosed, and a taxpayer's identity (name, mailing address, TIN) is not taxpayer return
information. What the arrangement discloses is the name and the **last known address**: the
address of the most recent tax period that holds one. The values are returned exactly as the master
file holds them (not normalised): the disclosure quotes the agency's records.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from ftigate.errors import InputError, data_free_reason
from ftigate.identity.normalise import install
from ftigate.identity.sources import check_master


class IdentityRecord(NamedTuple):
    """A taxpayer's disclosable identity: name and last known address, with its tax period. (A named
    tuple: a disclosure of a million taxpayers makes a million of them, at a fraction of a frozen
    dataclass's cost each.)"""

    tin: str
    first_name: str
    middle_name: str
    last_name: str
    suffix: str
    address_line1: str
    address_line2: str
    city: str
    state: str
    zip: str
    tax_period: str


_FIELDS = ("first_name", "middle_name", "last_name", "suffix", "address_line1", "address_line2", "city", "state",
           "zip", "tax_period")


#: the columns of :func:`disclosable_identities`: the TIN's nine digits, then the disclosable values
IDENTITY_COLUMNS = ("tin", *_FIELDS)


#: Each wanted taxpayer's row of the most recent tax period (a period that is no whole number comes
#: last) among those that hold a street line. Two rows of one period are told apart by every disclosed
#: value in turn, the street line first, so the row chosen never depends on the order the master file
#: happens to hold them in: the same inputs give the same disclosure, and rows that tie on all of them
#: disclose the same values. That order is one key, a struct compared member by member, and the row
#: chosen is the one with the least key: one pass of grouping, not a sort of every row by taxpayer
#: (which took twice as long on a million taxpayers). The key holds every value disclosed, so the
#: least key is the row itself.
_LAST_KNOWN = (
    """
    SELECT tin, {columns} FROM (
        SELECT ftg_tin(CAST(m.tin AS VARCHAR)) AS tin,
               min(struct_pack(ftg_recency := coalesce(-CAST(TRY_CAST(m.tax_period AS INTEGER) AS BIGINT),
                                                       9223372036854775807),
                               ftg_street := coalesce(CAST(m.address_line1 AS VARCHAR), ''), {members})) AS ftg_row
        FROM {{source}} AS m
        WHERE ftg_tin(CAST(m.tin AS VARCHAR)) IN (SELECT tin FROM ftg_wanted)
          AND trim(coalesce(CAST(m.address_line1 AS VARCHAR), '')) <> ''
        GROUP BY 1
    )""".format(  # nosec B608  # built from the disclosed columns' names (constants); the master file is named at use
        columns=", ".join(f"ftg_row.{c} AS {c}" for c in _FIELDS),
        members=", ".join(f"{c} := coalesce(CAST(m.{c} AS VARCHAR), '')" for c in _FIELDS)))


def disclosable_identity(master: Path, tins: Iterable[str]) -> dict[str, IdentityRecord]:
    """For each TIN found in the master file, its name and last known address (26 U.S.C. 6103(i)(2)(C), (b)(6)):
    :func:`disclosable_identities` as records (:func:`identity_records`), keyed by the nine-digit TIN."""
    table = disclosable_identities(master, tins)
    return identity_records([table.column(name).to_pylist() for name in IDENTITY_COLUMNS])


def disclosable_identities(master: Path, tins: Iterable[str] | pa.Array | pa.ChunkedArray) -> pa.Table:
    """For each TIN found in the master file, its name and last known address, as columns
    (:data:`IDENTITY_COLUMNS`, each text, a missing value empty): one row per TIN found.

    TINs are compared as digits (``123-45-6789`` = ``123456789``); the ``tin`` column holds the
    nine-digit forms. ``tins`` may be Arrow text (a large request's matched TINs, never a Python
    list). A TIN with no row holding a street line is left out. DuckDB reads the master file, and
    only the requested taxpayers' rows come out, as Arrow columns: a million taxpayers never pass
    through Python one value at a time here. The values are as the master file writes
    them; :func:`identity_records` strips them, where a batch's records are built.
    """
    wanted = _wanted(tins)
    if not len(wanted):
        return pa.table({name: pa.array([], type=pa.string()) for name in IDENTITY_COLUMNS})
    con = duckdb.connect()
    try:
        install(con)
        source = check_master(con, Path(master))
        con.register("ftg_wanted", pa.table({"tin": wanted}))
        try:
            return con.sql(_LAST_KNOWN.format(source=source)).to_arrow_table()  # nosec B608  # the disclosed columns are constants; TINs are a registered table
        except duckdb.Error as exc:
            raise InputError(f"cannot read the master file: {data_free_reason(exc)}", file=str(master)) from None
    finally:
        con.close()


def _wanted(tins: Iterable[str] | pa.Array | pa.ChunkedArray) -> pa.Array:
    """The TINs asked about as digits, once each, none empty. Given as Arrow text (a million matched TINs,
    each already nine digits), those that are digits only are taken as they are, in Arrow; any other,
    and any TIN given as Python text, has its digits kept and the rest dropped, one at a time."""
    if isinstance(tins, pa.ChunkedArray):
        tins = tins.combine_chunks()
    if isinstance(tins, pa.Array):
        tins = tins.cast(pa.string())
        plain = pc.fill_null(pc.match_substring_regex(tins, "^[0-9]+$"), False)
        rest = tins.filter(pc.invert(plain)).drop_null().to_pylist()
        return pc.unique(pa.concat_arrays([tins.filter(plain), _wanted(rest)]))
    return pa.array(list({t if type(t) is str and t.isdigit() else "".join(ch for ch in str(t) if ch.isdigit())
                          for t in tins} - {""}), type=pa.string())


def identity_records(columns: Sequence[Sequence[str]]) -> dict[str, IdentityRecord]:
    """Records from :func:`disclosable_identities`' columns (:data:`IDENTITY_COLUMNS`, the TINs first),
    keyed by TIN, each value stripped of the spaces around it (as a disclosure quotes it). Built a
    column at a time: a batch's thousands of records, each in one call."""
    tins, *values = columns
    strip = str.strip
    return dict(zip(tins, map(IdentityRecord, tins, *(map(strip, column) for column in values)), strict=True))
