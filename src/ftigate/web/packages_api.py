"""Packages over HTTP, for the recipient officers named in them: fetch one (still encrypted, with
the gateway's detached signature), certify its destruction or return.

The caller is proven by their agency token and must be a named recipient of the package; every
download is a ledger event, and a package whose destruction or return is certified is no longer
served.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import BaseModel, Field

from ftigate.service.admin.principal import Principal, authorise
from ftigate.service.delivery import safeguard
from ftigate.service.store_access import transaction
from ftigate.settings import Settings
from ftigate.store import disclosure_store, requests_store
from ftigate.web.auth import acting


class CertifyBody(BaseModel):
    how: Literal["destroyed", "returned"]
    method: str = Field(min_length=1, max_length=2000, description="how it was destroyed or returned")


def _agency(settings: Settings, package_id: str) -> str | None:
    with transaction(settings) as conn:
        pkg = disclosure_store.get_package(conn, package_id)
        return requests_store.get_request(conn, pkg["request"])["agency"] if pkg is not None else None


def router(settings: Settings) -> APIRouter:
    api = APIRouter()

    @api.get("/packages/{package_id}", response_class=Response,
             responses={200: {"content": {"application/octet-stream": {}},
                              "description": "the package (an age file); its gateway signature in the "
                                             "X-Ftigate-Signature header (base64)"}})
    def fetch(package_id: str, person: Principal = Depends(acting(settings, "package.fetch"))) -> Response:
        """The package, still encrypted to the recipients' keys; recorded as a download in the ledger."""
        authorise(settings, person, "package.fetch", agency=_agency(settings, package_id))
        served = safeguard.download_package(settings, package_id, person.id)
        headers = {"Content-Disposition": f'attachment; filename="{served.filename}"',
                   "X-Ftigate-Sha256": served.sha256}
        if served.signature is not None:
            headers["X-Ftigate-Signature"] = served.signature.strip()  # the .sig file's line, without its newline
        return Response(served.data, media_type="application/octet-stream", headers=headers)

    @api.post("/packages/{package_id}/certify")
    def certify(package_id: str, body: CertifyBody,
                person: Principal = Depends(acting(settings, "package.certify"))) -> dict[str, str]:
        """Certify that a package's information was destroyed or returned (6103(p)(4)(F)); the request closes."""
        how = safeguard.certify(settings, package_id, person, body.how, body.method)
        return {"package": package_id, "state": how}

    return api
