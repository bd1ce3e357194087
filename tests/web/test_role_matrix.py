"""Separation of duties over HTTP, as a full matrix of role x route: every pair the roles table allows
gets past the door (never 401 or 403, no ``access.denied``), every other pair gets 403 and an
``access.denied`` ledger entry naming the person, their role and the action."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from api_world import AGENCY, STAFF, serve, signed

from ftigate import generator
from ftigate.service.admin.principal import ACTIONS
from ftigate.service.log import ledger
from ftigate.settings import Settings

PEOPLE = {**{p: r for p, r in STAFF.items() if p in ("do-1", "sup-1", "admin-1", "ig-1")},
          "ice-director": AGENCY["ice-director"], "ice-ero-0001": AGENCY["ice-ero-0001"]}


@dataclass
class Route:
    method: str
    path: str
    action: str
    body: Callable[[], dict] | None = None   # keyword arguments of the call, made fresh for each call


def _denials(settings: Settings) -> list[dict]:
    entries = (ledger.entry(settings, i).to_json() for i in range(ledger.tree_size(settings)))
    return [e for e in entries if e["kind"] == "access.denied"]


@pytest.mark.slow
def test_every_role_on_every_route(data_dir, world, tmp_path):
    settings = Settings(data_dir=data_dir)
    served = serve(settings, world)
    official = served.client("ice-director")
    ref = official.submit(signed(world))["request"]
    master = tmp_path / "master.parquet"
    generator.generate_master(master, 200, seed=5)
    approved = official.submit(signed(world, world.request(request_id="ICE-2025-000099")))["request"]
    served.client("do-1").review(approved, "approve", "meets 6103(i)(2)")
    numbers = iter(range(200, 400))

    def fresh_request() -> dict:
        # a request of its own for each review, so one reviewer's decision does not close another's turn
        rid = f"ICE-2025-000{next(numbers)}"
        served.client("ice-director").submit(signed(world, world.request(request_id=rid), name=f"{rid}.json"))
        return {"json": {"decision": "deny", "reason": "the reason is too general"},
                "url": f"/requests/DHS-ICE/{rid}/review"}

    routes = [
        Route("GET", "/requests", "requests.read"),
        Route("GET", f"/requests/{ref}", "requests.read"),
        Route("GET", f"/requests/{approved}/progress", "requests.read"),
        Route("POST", "/requests", "requests.submit", lambda: {"json": signed(world)}),
        Route("POST", "/check", "requests.check", lambda: {"json": world.request()}),
        Route("GET", f"/requests/{ref}/subjects/S-0001", "evidence.read"),
        Route("GET", "/review/queue", "review.desk"),
        Route("POST", "(fresh)", "review.decide", fresh_request),
        Route("POST", f"/requests/{approved}/disclose", "disclose.start", lambda: {"json": {"master": str(master)}}),
        Route("GET", "/withhold", "withhold.read"),
        Route("POST", "/withhold", "withhold.load",
              lambda: {"files": {"file": ("withhold.csv", io.BytesIO(b"tin,ground\n900000001,informant\n"))}}),
        Route("GET", "/registry", "registry.read"),
        Route("POST", "/registry", "registry.load", lambda: {"content": world.registry_path.read_bytes(),
                                                            "headers": {"Content-Type": "application/json"}}),
        Route("GET", "/incidents", "incident.read"),
        Route("POST", "/incidents", "incident.record",
              lambda: {"json": {"kind": "other", "description": "x", "requests": [ref]}}),
        Route("POST", "/incidents/INC-2025-0001/report", "incident.report"),
        Route("POST", "/incidents/INC-2025-0001/notice", "incident.notice",
              lambda: {"json": {"charge": "none", "charged_on": "2025-01-01"}}),
        Route("GET", "/staff", "staff.read"),
        Route("POST", "/staff", "staff.manage",
              lambda: {"json": {"id": "ov-9", "name": "Synthetic Overseer", "role": "overseer"}}),
        Route("POST", "/staff/do-2/tokens", "tokens.issue", lambda: {"json": {"days": 1}}),
        Route("DELETE", "/staff/do-2/tokens", "tokens.issue"),
        Route("POST", "/registry/tokens/ice-ero-0002", "tokens.issue", lambda: {"json": {"days": 1}}),
        Route("DELETE", "/registry/tokens/ice-ero-0002", "tokens.issue"),
        Route("POST", "/registry/end", "registry.load", lambda: {"json": {"kind": "statute", "key": "none"}}),
        Route("POST", "/accounting/open", "accounting.open", lambda: {"json": {"reference": "0"}}),
        Route("GET", "/jobs", "requests.read"),
        Route("POST", "/jobs/validate", "requests.submit",
              lambda: {"files": {"request": ("r.json", json.dumps(signed(world)).encode())}}),
        Route("GET", "/reports/period?from=2025-01-01&to=2025-12-31", "oversight.read"),
        Route("GET", "/reports/annual?year=2025", "oversight.read"),
        Route("GET", "/accounting", "accounting.read"),
        Route("GET", "/ledger/vkey", "ledger.read"),
        Route("GET", "/ledger/checkpoint", "ledger.read"),
        Route("POST", "/ledger/checkpoint", "ledger.read"),
        Route("GET", "/ledger/entries/0", "ledger.read"),
        Route("GET", "/ledger/proofs/0", "ledger.read"),
        Route("GET", "/ledger/tile/entries/000.p/1", "ledger.read"),
        Route("GET", "/ledger/reconcile", "ledger.audit"),
        Route("GET", f"/ledger/decisions/{approved}", "ledger.audit"),
        Route("DELETE", "/jobs/999999", "uploads.cancel"),
        Route("GET", "/packages/PKG-none", "package.fetch"),
        Route("POST", "/packages/PKG-none/certify", "package.certify",
              lambda: {"json": {"how": "destroyed", "method": "shredded"}}),
    ]
    assert {r.action for r in routes} >= set(ACTIONS) - {"uploads.purge"}  # on the gateway's machine only
    problems = []
    for route in routes:
        for person, role in PEOPLE.items():
            kwargs = route.body() if route.body else {}
            url = kwargs.pop("url", route.path)
            headers = {**served.bearer(person), **kwargs.pop("headers", {})}
            before = len(_denials(settings))
            response = served.http.request(route.method, url, headers=headers, **kwargs)
            after = _denials(settings)
            body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
            if role in ACTIONS[route.action]:
                if response.status_code in (401, 403) or response.status_code >= 500 or len(after) != before:
                    problems.append(f"{role} may {route.action} ({route.method} {url}) but got "
                                    f"{response.status_code} {body}")
            else:
                denied = after[before:]
                if response.status_code != 403 or "error" not in body or len(denied) != 1 or \
                        (denied[0]["actor"], denied[0]["action"], denied[0]["role"]) != (person, route.action, role):
                    problems.append(f"{role} may not {route.action} ({route.method} {url}) but got "
                                    f"{response.status_code} {body} and {denied}")
    assert not problems, "\n".join(problems)


def test_no_route_but_health_and_the_description_answers_without_a_token(data_dir, world):
    served = serve(Settings(data_dir=data_dir), world)
    schema = served.http.get("/openapi.json")
    assert schema.status_code == 200
    assert served.http.get("/health").status_code == 200
    assert served.http.get("/docs").status_code == 200
    checked = 0
    for path, methods in schema.json()["paths"].items():
        if path == "/health":
            continue
        concrete = path.replace("{agency}", "DHS-ICE").replace("{request_id}", "X").replace("{subject_id}", "S") \
            .replace("{package_id}", "P").replace("{incident_id}", "I").replace("{staff_id}", "S") \
            .replace("{holder}", "H").replace("{index}", "0").replace("{job_id}", "1").replace("{path}", "entries/000.p/1")
        for method in methods:
            for headers in ({}, {"Authorization": "Bearer ftg_unknown"}, {"Authorization": "Basic x"}):
                response = served.http.request(method.upper(), concrete, headers=headers)
                assert response.status_code == 401, (method, path, response.status_code)
                assert response.headers.get("www-authenticate") == "Bearer" and "error" in response.json()
                checked += 1
    assert checked >= 3 * 28
