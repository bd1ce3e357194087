"""The disclosure officers' withhold list (26 U.S.C. 6103(i)(6)).

"The Secretary shall not disclose ... if the Secretary determines ... that such disclosure would
identify a confidential informant or seriously impair a civil or criminal tax investigation." The
disclosure officers record those determinations here, as a file of ``tin,ground`` rows; disclosure
(``service.disclose``) withholds every matched taxpayer on the list and tells the requester only
"no record". Taxpayers are added, never silently dropped: a list that could not be loaded whole is
loaded not at all.

The ledger records each load (who, how many, on which grounds) with a keyed commitment to the TINs
added, never the TINs: the log must not name an informant.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ftigate.errors import InputError, PermissionDenied
from ftigate.law.withholding import GROUNDS
from ftigate.ledger import catalogue
from ftigate.service.admin.staff import staff_member
from ftigate.service.log import ledger
from ftigate.service.log.events import Event, record
from ftigate.service.store_access import now, transaction
from ftigate.settings import Settings
from ftigate.store import disclosure_store
from ftigate.tabular import iter_rows
from ftigate.wording import article

COLUMNS = ("tin", "ground")
#: who determines what is withheld: the tax agency's disclosure staff
ACTING_ROLES = ("disclosure_officer", "supervisor")
CITATION = "26 U.S.C. 6103(i)(6)"
_TIN = re.compile(r"\d{9}")


@dataclass(frozen=True)
class WithholdLoad:
    added: int          # taxpayers newly on the list
    already: int        # rows naming a taxpayer the list already held
    grounds: dict[str, int]


def _rows(path: Path) -> list[tuple[str, str]]:
    """Every row checked before anything is stored; errors name the row and field, never the TIN."""
    rows = []
    for number, row in iter_rows(path, COLUMNS):
        tin = row["tin"].replace("-", "")
        if not _TIN.fullmatch(tin):
            raise InputError("the TIN is not a 9-digit number", file=str(path), row=number, field="tin")
        if row["ground"] not in GROUNDS:
            raise InputError(f"the ground must be one of {', '.join(GROUNDS)}", file=str(path), row=number,
                             field="ground")
        rows.append((tin, row["ground"]))
    if not rows:
        raise InputError("the withhold list holds no rows", file=str(path))
    return rows


def load_withhold_list(settings: Settings, path: Path, actor: str) -> WithholdLoad:
    """Add every taxpayer of a ``tin,ground`` file to the withhold list, in one transaction."""
    rows = _rows(Path(path))
    at = now()
    with transaction(settings) as conn:
        person = staff_member(conn, actor)
        if person["role"] not in ACTING_ROLES:
            raise PermissionDenied(f"'{actor}' is {article(person['role'])}: only a disclosure officer or a supervisor "
                                   f"may determine what is withheld ({CITATION})")
        added = [(tin, ground) for tin, ground in rows if disclosure_store.add_withhold(conn, tin, ground, actor, at)]
        grounds = dict(Counter(ground for _, ground in added))
        if added:
            record(conn, settings, [Event(catalogue.WithholdListAdded(
                added=len(added), grounds=grounds, citation=CITATION,
                commitment=ledger.commitment(settings, {"withhold": sorted(tin for tin, _ in added)})), actor)], at)
        return WithholdLoad(len(added), len(rows) - len(added), grounds)
