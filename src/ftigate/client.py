"""A small Python client of the gateway's HTTP API (httpx), for the command line's remote mode
(``ftigate --server URL …``) and for scripts and tests.

Every call sends the caller's own token (``Authorization: Bearer``); an answer other than 2xx
raises :class:`ApiError` with the API's own one-line ``error`` and the HTTP status, so the command
line prints it like any other error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Protocol

import httpx

from ftigate.errors import FtigateError
from ftigate.ledger.checkpoints import parse_checkpoint
from ftigate.ledger.notes import parse_note
from ftigate.ledger.tiles import TILE_WIDTH, all_tiles, entries_path, tile_path
from ftigate.progress import Progress
from ftigate.tabular import write_file_atomic

#: how long a call may take: a large upload is validated before the answer comes
TIMEOUT = httpx.Timeout(30.0, read=600.0, write=600.0)


class ByteSink(Protocol):
    """Where a streamed answer goes: a binary file, or anything with such a ``write``."""

    def write(self, data: bytes, /) -> object: ...


class ApiError(FtigateError):
    """The API refused or failed a call: its status and its one-line error."""

    def __init__(self, status: int, message: str) -> None:
        self.status, self.message = status, message
        self.exit_code = 2 if status in (400, 413, 422) else 1
        super().__init__(f"{message} (HTTP {status})")


class Unreachable(FtigateError):
    """No answer from the server at all."""

    exit_code = 1


class Client:
    """The API at ``base_url``, as the holder of ``token``. ``http`` replaces the HTTP client (a
    FastAPI ``TestClient`` in tests)."""

    def __init__(self, base_url: str, token: str | None, *, http: httpx.Client | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = http or httpx.Client(base_url=base_url.rstrip("/"), timeout=TIMEOUT)
        self.headers = headers
        self.base_url = base_url

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- plumbing ---------------------------------------------------------------------------------
    def call(self, method: str, path: str, *, answers: tuple[int, ...] = (), **kwargs: Any) -> httpx.Response:
        """``answers``: statuses of 400 and above that are an answer, not a refusal (the check's 422)."""
        try:
            headers = {**self.headers, **kwargs.pop("headers", {})}
            response = self.http.request(method, path, headers=headers, **kwargs)
        except httpx.HTTPError as exc:
            raise Unreachable(f"no answer from {self.base_url}: {exc.__class__.__name__}") from None
        if response.status_code >= 400 and response.status_code not in answers:
            try:
                message = str(response.json().get("error") or response.text)
            except (ValueError, AttributeError):
                message = response.text[:200] or response.reason_phrase
            raise ApiError(response.status_code, message)
        return response

    def json(self, method: str, path: str, **kwargs: Any) -> Any:
        return self.call(method, path, **kwargs).json()

    def text(self, method: str, path: str, **kwargs: Any) -> str:
        return self.call(method, path, **kwargs).text

    def stream_to(self, sink: ByteSink, method: str, path: str, **kwargs: Any) -> int:
        """Write an answer's body to ``sink`` as it arrives (a large export is never held whole);
        returns the bytes written."""
        headers = {**self.headers, **kwargs.pop("headers", {})}
        written = 0
        try:
            with self.http.stream(method, path, headers=headers, **kwargs) as response:
                if response.status_code >= 400:
                    response.read()
                    try:
                        message = str(response.json().get("error") or response.text)
                    except (ValueError, AttributeError):
                        message = response.text[:200] or response.reason_phrase
                    raise ApiError(response.status_code, message)
                for chunk in response.iter_bytes():
                    sink.write(chunk)
                    written += len(chunk)
        except httpx.HTTPError as exc:
            raise Unreachable(f"no answer from {self.base_url}: {exc.__class__.__name__}") from None
        return written

    # --- everyone ---------------------------------------------------------------------------------
    def health(self) -> dict[str, Any]:
        return self.json("GET", "/health")

    def requests(self, state: str | None = None) -> list[dict[str, Any]]:
        return self.json("GET", "/requests", params={"state": state} if state else None)

    def request(self, ref: str) -> dict[str, Any]:
        return self.json("GET", f"/requests/{ref}")

    def progress(self, ref: str) -> dict[str, Any]:
        return self.json("GET", f"/requests/{ref}/progress")

    # --- the requesting agency --------------------------------------------------------------------
    def submit(self, request: dict[str, Any] | Path, subjects: Path | None = None) -> dict[str, Any]:
        """Submit a signed request: a dict with inline subjects, or a request file; a request file
        whose ``subjects_file`` names a file beside it is uploaded with that file (streamed)."""
        if isinstance(request, Path):
            raw = request.read_bytes()
            document = json.loads(raw)
            if subjects is None and isinstance(document, dict) and isinstance(document.get("subjects_file"), str):
                subjects = request.parent / document["subjects_file"]
            if subjects is None:
                return self.json("POST", "/requests", content=raw,
                                 headers={"Content-Type": "application/json"})
            with subjects.open("rb") as stream:
                return self.json("POST", "/requests", files={"request": ("request.json", raw, "application/json"),
                                                             "subjects": (subjects.name, stream)})
        return self.json("POST", "/requests", json=request)

    def package(self, package_id: str) -> tuple[bytes, str | None]:
        """A package's bytes (an age file) and the gateway's detached signature (base64)."""
        response = self.call("GET", f"/packages/{package_id}")
        return response.content, response.headers.get("X-Ftigate-Signature")

    def certify(self, package_id: str, how: str, method: str) -> dict[str, Any]:
        return self.json("POST", f"/packages/{package_id}/certify", json={"how": how, "method": method})

    # --- the tax agency's staff -------------------------------------------------------------------
    def check(self, request: Path) -> dict[str, Any]:
        """The law's verdict on a request file (inline subjects), as ``ftigate check --json`` prints it;
        a rejected request's verdict comes with 422 and is returned all the same."""
        response = self.call("POST", "/check", answers=(422,), content=request.read_bytes(),
                             headers={"Content-Type": "application/json"})
        verdict = response.json()
        if response.status_code == 422 and not (isinstance(verdict, dict) and "decision" in verdict):
            raise ApiError(422, str(verdict.get("error") if isinstance(verdict, dict) else verdict))
        return verdict

    def queue(self) -> list[dict[str, Any]]:
        return self.json("GET", "/review/queue")

    def review(self, ref: str, decision: str, reason: str) -> dict[str, Any]:
        return self.json("POST", f"/requests/{ref}/review", json={"decision": decision, "reason": reason})

    def evidence(self, ref: str, subject_id: str) -> dict[str, Any]:
        return self.json("GET", f"/requests/{ref}/subjects/{subject_id}")

    def disclose(self, ref: str, master: str, engine: str = "duckdb") -> dict[str, Any]:
        return self.json("POST", f"/requests/{ref}/disclose", json={"master": master, "engine": engine})

    def withhold(self) -> dict[str, int]:
        return self.json("GET", "/withhold")

    def withhold_load(self, path: Path) -> dict[str, Any]:
        with path.open("rb") as stream:
            return self.json("POST", "/withhold", files={"file": (path.name, stream)})

    def registry(self) -> dict[str, Any]:
        return self.json("GET", "/registry")

    def registry_load(self, path: Path) -> dict[str, Any]:
        return self.json("POST", "/registry", content=path.read_bytes(), headers={"Content-Type": "application/json"})

    def incidents(self) -> list[dict[str, Any]]:
        return self.json("GET", "/incidents")

    def record_incident(self, **body: Any) -> dict[str, Any]:
        return self.json("POST", "/incidents", json=body)

    def report_incident(self, incident_id: str) -> dict[str, Any]:
        return self.json("POST", f"/incidents/{incident_id}/report")

    def incident_notice(self, incident_id: str, charge: str, charged_on: str) -> dict[str, Any]:
        return self.json("POST", f"/incidents/{incident_id}/notice",
                         json={"charge": charge, "charged_on": charged_on})

    # --- administration ---------------------------------------------------------------------------
    def me(self) -> dict[str, Any]:
        """Who the token stands for: id, role, agency."""
        return self.json("GET", "/me")

    def staff(self) -> list[dict[str, Any]]:
        return self.json("GET", "/staff")

    def staff_add(self, staff_id: str, name: str, role: str) -> dict[str, Any]:
        return self.json("POST", "/staff", json={"id": staff_id, "name": name, "role": role})

    def staff_token(self, staff_id: str, label: str | None = None, days: int | None = None) -> dict[str, Any]:
        return self.json("POST", f"/staff/{staff_id}/tokens", json=_token_body(label, days))

    def staff_revoke(self, staff_id: str) -> dict[str, Any]:
        return self.json("DELETE", f"/staff/{staff_id}/tokens")

    def agency_token(self, holder: str, label: str | None = None, days: int | None = None) -> dict[str, Any]:
        return self.json("POST", f"/registry/tokens/{holder}", json=_token_body(label, days))

    def agency_revoke(self, holder: str) -> dict[str, Any]:
        return self.json("DELETE", f"/registry/tokens/{holder}")

    def registry_end(self, kind: str, key: str) -> dict[str, Any]:
        return self.json("POST", "/registry/end", json={"kind": kind, "key": key})

    # --- overseers --------------------------------------------------------------------------------
    def open_commitment(self, reference: str) -> dict[str, Any]:
        return self.json("POST", "/accounting/open", json={"reference": reference})

    def period_report(self, first: str, last: str) -> dict[str, Any]:
        return self.json("GET", "/reports/period", params={"from": first, "to": last})

    def annual_report(self, year: int) -> dict[str, Any]:
        return self.json("GET", "/reports/annual", params={"year": year})

    def accounting(self, sink: ByteSink, first: str | None = None, last: str | None = None) -> int:
        """Write the accounting of disclosures (CSV) to ``sink``; the gateway records the reading."""
        params = {k: v for k, v in (("from", first), ("to", last)) if v}
        return self.stream_to(sink, "GET", "/accounting", params=params)

    def reconcile(self) -> dict[str, Any]:
        return self.json("GET", "/ledger/reconcile")

    def verify_decisions(self, ref: str) -> dict[str, Any]:
        return self.json("GET", f"/ledger/decisions/{ref}")

    # --- the log, as it is: for checking it here, not taking the gateway's word -------------------
    def ledger_vkey(self) -> str:
        """The verifier key the gateway names (check against one obtained out of band)."""
        return self.text("GET", "/ledger/vkey").strip()

    def ledger_checkpoint(self, publish: bool = False) -> str:
        """The latest signed checkpoint, or (``publish``) one signed of the log as it is now."""
        return self.text("POST" if publish else "GET", "/ledger/checkpoint")

    def ledger_entry(self, index: int) -> dict[str, Any]:
        return self.json("GET", f"/ledger/entries/{index}")

    def ledger_proof(self, index: int) -> str:
        return self.text("GET", f"/ledger/proofs/{index}")

    def ledger_file(self, relative: str) -> bytes:
        """One tlog-tiles file (``tile/…``), as stored."""
        return self.call("GET", f"/ledger/{relative}").content

    def download_log(self, directory: Path, publish: bool = True,
                     progress: Progress | None = None) -> tuple[int, int, int]:
        """Copy the log, up to a signed checkpoint, into ``directory`` as tlog-tiles, the layout
        ``ftigate ledger export`` writes, for ``ftigate ledger verify`` to check with the log's key;
        returns (entries, bundles, tiles). The checkpoint goes last: a copy without one is unfinished."""
        note = self.ledger_checkpoint(publish)
        size = parse_checkpoint(parse_note(note).text).size
        directory.mkdir(parents=True, exist_ok=True)
        (directory / "checkpoint").unlink(missing_ok=True)
        full, rest = divmod(size, TILE_WIDTH)
        bundles = [entries_path(i) for i in range(full)] + ([entries_path(full, rest)] if rest else [])
        tiles = [tile_path(level, index, width) for level, index, width in all_tiles(size)]
        for done, relative in enumerate(bundles + tiles, 1):
            write_file_atomic(directory / relative, self.ledger_file(relative))
            if progress is not None and done % 64 == 0:
                progress("copying the log", done, len(bundles) + len(tiles))
        write_file_atomic(directory / "checkpoint", note.encode("utf-8"))
        return size, len(bundles), len(tiles)

    def package_key(self) -> str:
        """The gateway's public package-signing key (PEM)."""
        return self.text("GET", "/gateway/package-key")

    # --- the queue --------------------------------------------------------------------------------
    def jobs(self, active: bool = False) -> list[dict[str, Any]]:
        return self.json("GET", "/jobs", params={"active": "true"} if active else None)

    def cancel_job(self, job: int) -> dict[str, Any]:
        """Cancel a validation this caller queued, before a worker takes it up."""
        return self.json("DELETE", f"/jobs/{job}")

    def queue_validation(self, request: Path) -> dict[str, Any]:
        """Upload a signed request file and its subjects file for a worker to validate and store."""
        raw = request.read_bytes()
        document = json.loads(raw)
        named = document.get("subjects_file") if isinstance(document, dict) else None
        if not isinstance(named, str):
            return self.json("POST", "/jobs/validate", files={"request": ("request.json", raw, "application/json")})
        subjects = request.parent / named
        with subjects.open("rb") as stream:
            return self.json("POST", "/jobs/validate", files={"request": ("request.json", raw, "application/json"),
                                                              "subjects": (subjects.name, stream)})


def _token_body(label: str | None, days: int | None) -> dict[str, Any]:
    body: dict[str, Any] = {"label": label}
    if days is not None:
        body["days"] = days
    return body
