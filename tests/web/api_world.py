"""A gateway served over HTTP for the API's tests: the registry loaded over HTTP by the first
administrator, one member of staff per role, and the tokens of everyone (staff and the requesting
agency's official and officers) by person."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from fastapi.testclient import TestClient

import proven
from ftigate.client import Client
from ftigate.service.admin import staff
from ftigate.settings import Settings
from ftigate.web.app import create_app

STAFF = {"do-1": "disclosure_officer", "do-2": "disclosure_officer", "sup-1": "supervisor",
         "admin-1": "administrator", "ig-1": "overseer"}
AGENCY = {"ice-director": "requesting_official", "ice-ero-0001": "recipient_officer",
          "ice-ero-0002": "recipient_officer"}


@dataclass
class Served:
    settings: Settings
    http: TestClient
    tokens: dict[str, str]

    def client(self, person: str | None) -> Client:
        return Client("http://testserver", self.tokens[person] if person else None, http=self.http)

    def bearer(self, person: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[person]}"}


def serve(settings: Settings, world) -> Served:
    http = TestClient(create_app(settings), raise_server_exceptions=False)
    tokens = {proven.ADMIN: proven.admin_token(settings)}
    admin = Client("http://testserver", tokens[proven.ADMIN], http=http)
    admin.registry_load(world.registry_path)
    for staff_id, role in STAFF.items():
        staff.add_staff(settings, proven.admin(settings), staff_id, f"Synthetic {role}", role)
    for person in [*STAFF, *AGENCY]:
        tokens[person] = proven.token_for(settings, person)
    return Served(settings, http, tokens)


def signed(world, request: dict | None = None, name: str = "request.json") -> dict:
    """A request signed by the world's official, as the JSON the requester sends."""
    path: Path = world.write(request if request is not None else world.request(), name=name)
    return json.loads(path.read_text(encoding="utf-8"))
