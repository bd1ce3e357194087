"""What overseers read over HTTP: the period and annual reports, the accounting of disclosures, the log
itself (entries, proofs, signed checkpoints and its tlog-tiles), and the gateway's own audits of its
store against the log; and the gateway's package-signing key, for recipients checking a package.

The log is served so that nobody has to take the gateway's word for it: ``/ledger/tile/…`` answers
exactly the paths of the C2SP tlog-tiles specification, as ``ftigate ledger export`` writes them, so
``ftigate --server URL ledger export DIR`` (or any tlog-tiles client) takes a copy that ``ftigate ledger
verify DIR --vkey …`` checks against the log's verifier key obtained out of band, and a proof from
``/ledger/proofs/N`` is checked by ``ftigate ledger verify-proof``. The reconciliation and the
decisions' audit read the store, which only the gateway can: those answers are the gateway's word.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import FileResponse, PlainTextResponse, Response
from starlette.background import BackgroundTask

from ftigate.errors import InputError, NotFoundError
from ftigate.service.admin.principal import Principal
from ftigate.service.delivery import safeguard
from ftigate.service.log import ledger, ledger_files
from ftigate.service.log.decision_audit import verify_decisions
from ftigate.service.log.reconcile import reconcile
from ftigate.service.oversight import accounting, reports
from ftigate.settings import Settings
from ftigate.web import uploads
from ftigate.web.auth import acting, caller

#: a ledger index as a path parameter: what the store's 64-bit column can hold
Index = Annotated[int, Path(ge=0, le=2**62, description="ledger index (from 0)")]

_TEXT: dict[int | str, dict[str, Any]] = {200: {"content": {"text/plain": {}}}}


def _date(text: str | None, name: str) -> dt.date | None:
    if text is None or not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"'{text}' is not a date of the form YYYY-MM-DD", field=name) from None


def _required(text: str | None, name: str) -> dt.date:
    value = _date(text, name)
    if value is None:
        raise InputError("a date (YYYY-MM-DD) is required", field=name)
    return value


def router(settings: Settings) -> APIRouter:
    api = APIRouter()
    reader = Depends(acting(settings, "ledger.read"))
    auditor = Depends(acting(settings, "ledger.audit"))

    # --- reports ----------------------------------------------------------------------------------
    @api.get("/reports/period")
    def period(first: str | None = Query(None, alias="from", description="first day (YYYY-MM-DD, UTC), included"),
               last: str | None = Query(None, alias="to", description="last day (YYYY-MM-DD, UTC), included"),
               _person: Principal = Depends(acting(settings, "oversight.read"))) -> dict[str, Any]:
        """The period report (``ftigate report --from --to --json``), from a checkpoint signed for it."""
        result = reports.period_report(settings, _required(first, "from"), _required(last, "to"))
        return json.loads(json.dumps(result.to_json(), default=str))

    @api.get("/reports/annual")
    def annual(year: int = Query(..., ge=1901, le=9998),
               _person: Principal = Depends(acting(settings, "oversight.read"))) -> dict[str, Any]:
        """The annual report of 26 U.S.C. 6103(p)(3)(C) (``ftigate report annual --json``)."""
        return json.loads(json.dumps(reports.annual_report(settings, year).to_json(), default=str))

    # --- the accounting of disclosures ------------------------------------------------------------
    @api.get("/accounting", response_class=Response, responses={200: {"content": {"text/csv": {}}}})
    def accounting_export(first: str | None = Query(None, alias="from", description="disclosed on or after (YYYY-MM-DD)"),
                          last: str | None = Query(None, alias="to", description="disclosed on or before (YYYY-MM-DD)"),
                          person: Principal = Depends(acting(settings, "accounting.read"))) -> Response:
        """The accounting of disclosures as CSV (``ftigate accounting export``): it names the taxpayers, so
        each reading is an ``accounting.exported`` ledger event."""
        start, end = _date(first, "from"), _date(last, "to")
        scratch = uploads.private_folder(settings)  # written there, sent, then removed
        path = scratch / "accounting.csv"
        try:
            accounting.export_accounting_for(settings, person, path, start, end)
        except BaseException:
            uploads.remove_folder(scratch)
            raise
        return FileResponse(path, media_type="text/csv; charset=utf-8", filename="accounting.csv",
                            background=BackgroundTask(uploads.remove_folder, scratch))

    # --- the log ----------------------------------------------------------------------------------
    @api.get("/ledger/vkey", response_class=PlainTextResponse, responses=_TEXT)
    def vkey(_person: Principal = reader) -> str:
        """The log's verifier key. For convenience only: an overseer checks the log against a key
        obtained out of band, never against the one the gateway names."""
        return ledger.verifier_key(settings) + "\n"

    @api.get("/ledger/checkpoint", response_class=PlainTextResponse, responses=_TEXT)
    def checkpoint(_person: Principal = reader) -> str:
        """The latest signed checkpoint, with the cosignatures received for it (the tlog-tiles ``checkpoint``)."""
        note = ledger.latest_checkpoint(settings)
        if note is None:
            raise NotFoundError("no checkpoint has been published yet")
        return note

    @api.post("/ledger/checkpoint", response_class=PlainTextResponse, responses=_TEXT)
    def publish(_person: Principal = reader) -> str:
        """Sign a checkpoint of the log as it is now (the one signed already, if nothing was added since)
        and answer it: what a reader needs to check the latest entries. It records nothing new."""
        return ledger.publish_checkpoint(settings)

    @api.get("/ledger/entries/{index}")
    def entry(index: Index, _person: Principal = reader) -> dict[str, Any]:
        """One entry as JSON (``ftigate ledger entry``); ``/ledger/proofs/{index}`` proves it."""
        return ledger.entry(settings, index).to_json()

    @api.get("/ledger/proofs/{index}", response_class=PlainTextResponse, responses=_TEXT)
    def proof(index: Index, _person: Principal = reader) -> str:
        """A C2SP tlog-proof of one entry (the entry, its inclusion proof, the signed checkpoint), for
        ``ftigate ledger verify-proof`` or any tlog-proof verifier; against the latest checkpoint, or
        one signed now if none covers the entry yet."""
        return ledger.prove_entry(settings, index)

    @api.get("/ledger/tile/{path:path}", response_class=Response,
             responses={200: {"content": {"application/octet-stream": {}}}})
    def tile(path: str, _person: Principal = reader) -> Response:
        """A tlog-tiles file: ``tile/<L>/<N>[.p/<W>]`` (hashes) or ``tile/entries/<N>[.p/<W>]`` (entries)."""
        return Response(ledger_files.served_tile(settings, f"tile/{path}"), media_type="application/octet-stream")

    @api.get("/ledger/reconcile")
    def reconciled(_person: Principal = auditor) -> dict[str, Any]:
        """The store's events, accounting records and packages against the log (``ftigate ledger reconcile``)."""
        return reconcile(settings).to_json()

    @api.get("/ledger/decisions/{agency}/{request_id}")
    def decisions(agency: str, request_id: str, _person: Principal = auditor) -> dict[str, Any]:
        """A request's stored match decisions against the commitments of its ``match.decided`` entries
        (``ftigate ledger verify-decisions``)."""
        return verify_decisions(settings, f"{agency}/{request_id}").to_json()

    # --- packages ---------------------------------------------------------------------------------
    @api.get("/gateway/package-key", response_class=PlainTextResponse, responses=_TEXT)
    def package_key(_person: Principal = Depends(caller(settings))) -> str:
        """The gateway's public package-signing key (PEM), for anyone checking a package's signature."""
        return safeguard.gateway_public_key(settings)

    return api
