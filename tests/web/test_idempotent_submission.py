"""Idempotent submission: the same signed request sent again, or by several callers at once (threads
on one server, and separate server processes on one store), is stored once; every caller gets a
clean answer naming the one stored."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

from api_world import serve, signed
from fastapi.testclient import TestClient

from ftigate.service.log import ledger
from ftigate.service.requests import queries
from ftigate.settings import Settings
from ftigate.web.app import create_app


def _received(settings: Settings) -> int:
    entries = (ledger.entry(settings, i).to_json() for i in range(ledger.tree_size(settings)))
    return sum(e["kind"] == "request.received" for e in entries)


def test_concurrent_submissions_store_one_request(store_url, data_dir, world):
    settings = Settings(data_dir=data_dir, database_url=store_url)
    served = serve(settings, world)
    document = signed(world)
    headers = served.bearer("ice-director")
    start = threading.Barrier(6)
    answers: list[tuple[int, dict]] = []

    def send() -> None:
        with TestClient(create_app(settings), raise_server_exceptions=False) as http:
            start.wait()
            response = http.post("/requests", json=document, headers=headers)
            answers.append((response.status_code, response.json()))

    threads = [threading.Thread(target=send) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * 5 + [201], answers
    assert {body["request"] for _, body in answers} == {"DHS-ICE/ICE-2025-000017"}
    assert sum(body["duplicate"] for _, body in answers) == 5
    assert len(queries.requests(settings)) == 1 and _received(settings) == 1
    again = served.http.post("/requests", json=document, headers=headers)
    assert again.status_code == 200 and again.json()["duplicate"] is True
    changed = dict(document, reason=document["reason"] + " Changed.")
    clash = served.http.post("/requests", json=signed(world, {k: v for k, v in changed.items() if k != "signature"}),
                             headers=headers)
    assert clash.status_code == 400 and "different content" in clash.json()["error"]


SUBMIT = r"""
import json, sys
from fastapi.testclient import TestClient
from ftigate.settings import Settings
from ftigate.web.app import create_app
data_dir, url, token, body = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
settings = Settings(data_dir=__import__("pathlib").Path(data_dir), database_url=url)
with TestClient(create_app(settings), raise_server_exceptions=False) as http:
    r = http.post("/requests", content=open(body, "rb").read(),
                  headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    print(json.dumps({"status": r.status_code, "body": r.json()}))
"""


def test_separate_server_processes_store_one_request(store_url, data_dir, world, tmp_path):
    settings = Settings(data_dir=data_dir, database_url=store_url)
    served = serve(settings, world)
    body = tmp_path / "signed.json"
    body.write_text(json.dumps(signed(world)), encoding="utf-8")
    runs = [subprocess.Popen([sys.executable, "-c", SUBMIT, str(data_dir), settings.url, served.tokens["ice-director"],
                              str(body)], stdout=subprocess.PIPE, text=True) for _ in range(3)]
    answers = [json.loads(run.communicate(timeout=300)[0].strip().splitlines()[-1]) for run in runs]
    assert sorted(a["status"] for a in answers) == [200, 200, 201], answers
    assert len(queries.requests(settings)) == 1 and _received(settings) == 1
