"""The benchmarks' actors, proven like anyone's: the data directory's first administrator registered by
its owner, everyone else registered by that administrator and proven by a token issued to them."""

from __future__ import annotations

from ftigate.service.admin import access, staff
from ftigate.service.admin.principal import Principal
from ftigate.settings import Settings


def administrator(settings: Settings) -> Principal:
    """A new data directory's first administrator, proven by their first token."""
    issued = access.bootstrap_administrator(settings, "bench-admin", "Benchmark Administrator (synthetic)")
    return access.authenticate(settings, issued.token)


def person(settings: Settings, admin: Principal, staff_id: str, name: str, role: str) -> Principal:
    """A member of staff registered by ``admin`` and proven by a token issued to them now."""
    staff.add_staff(settings, admin, staff_id, name, role)
    return access.authenticate(settings, access.issue_token(settings, admin, staff_id, days=2).token)
