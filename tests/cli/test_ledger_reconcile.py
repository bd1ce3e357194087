"""``ftigate ledger reconcile``: exit 0 when the store's tables agree with the log, 1 naming each
difference by ledger index."""

from __future__ import annotations

import json

from sqlalchemy import delete, select

from ftigate.service.store_access import transaction
from ftigate.store.tables import events


def test_reconcile_exits_1_naming_the_ledger_index(cli, gateway):
    clean = cli("ledger", "reconcile")
    assert clean.exit_code == 0 and "reconciled" in clean.stdout
    with transaction(gateway) as conn:
        event_id, index = conn.execute(select(events.c.id, events.c.ledger_index).order_by(events.c.id.desc())).first()
        conn.execute(delete(events).where(events.c.id == event_id))
    found = cli("ledger", "reconcile")
    assert found.exit_code == 1 and f"entry {index}:" in found.stdout and "Traceback" not in found.stderr
    data = json.loads(cli("ledger", "reconcile", "--json").stdout)
    assert data["ok"] is False and [d["index"] for d in data["differences"]] == [index]
