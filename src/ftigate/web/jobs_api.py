"""The work queue over HTTP: where the jobs stand, and a signed request queued for a worker to validate.

``POST /jobs/validate`` takes what ``POST /requests`` takes as multipart (the signed request and its
subjects file, streamed to disk and checked as they arrive) but answers at once with the queued job
(202): ``ftigate worker`` then reads, judges and stores the request exactly as a submission is, and
the job names the stored request. The files wait in a private folder of the data directory
(``queued/``) until the job is closed, then go; the subjects then live in the store only. The
official who queued a validation may cancel it (``DELETE /jobs/{job}``) until a worker takes it up.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi import Path as FastPath
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from starlette.datastructures import UploadFile

from ftigate.errors import InputError
from ftigate.service.admin.principal import Principal, authorise
from ftigate.service.requests import jobs, queued
from ftigate.service.requests.worker import QUEUED_FOLDER, queue_validation
from ftigate.settings import Settings
from ftigate.web import uploads
from ftigate.web.auth import acting
from ftigate.web.errors import MAX_JSON_BYTES
from ftigate.web.requests_api import JobOut, _job


def router(settings: Settings) -> APIRouter:
    api = APIRouter()

    @api.get("/jobs", response_model=list[JobOut])
    def job_list(active: bool = False,
                 person: Principal = Depends(acting(settings, "requests.read"))) -> list[dict[str, Any]]:
        """The queue's jobs, newest first (``active``: queued and running only); a requesting agency
        sees the jobs of its own requests."""
        rows = jobs.list_progress(settings, ("queued", "running") if active else None)
        if person.agency is not None:
            rows = [p for p in rows if p.request is not None and p.request.split("/", 1)[0] == person.agency]
        return [_job(p) for p in rows]

    @api.post("/jobs/validate", response_model=JobOut, status_code=202,
              openapi_extra={"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                  "type": "object", "required": ["request"],
                  "properties": {"request": {"type": "string", "format": "binary",
                                             "description": "the signed request"},
                                 "subjects": {"type": "string", "format": "binary",
                                              "description": "its subjects file, named by 'subjects_file'"}}}}}}})
    async def validate(http: Request,
                       person: Principal = Depends(acting(settings, "requests.submit"))) -> JSONResponse:
        """Queue a signed request (multipart: ``request``, and ``subjects`` when it names a subjects file)
        for a worker to validate and store; follow the job at ``GET /jobs``."""
        if not http.headers.get("content-type", "").lower().startswith("multipart/"):
            raise InputError("send the request (and its subjects file) as multipart parts 'request' and 'subjects'")
        form = await http.form(max_files=2, max_fields=2, max_part_size=MAX_JSON_BYTES)
        part, subjects = form.get("request"), form.get("subjects")
        if part is None:
            raise InputError("a queued validation has the part 'request' (the signed JSON)", field="request")
        request = uploads.parse_request(await uploads.read_part(part, MAX_JSON_BYTES))
        authorise(settings, person, "requests.submit", agency=str(request.get("agency")))
        base = settings.data_dir / QUEUED_FOLDER
        base.mkdir(mode=0o700, parents=True, exist_ok=True)
        folder = base / uuid.uuid4().hex
        folder.mkdir(mode=0o700)
        try:
            if "subjects_file" in request:
                if not isinstance(subjects, UploadFile):
                    raise InputError("the request names a subjects file: send it as the part 'subjects'",
                                     field="subjects")
                await uploads.save_subjects(subjects, folder, uploads.subjects_name(request))
            path = uploads.write_request(folder, request)
            job = await run_in_threadpool(queue_validation, settings, Path(path), person)
        except InputError as exc:
            shutil.rmtree(folder, ignore_errors=True)
            raise uploads.client_named(exc, folder) from None
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return JSONResponse(_job(jobs.job_progress(settings, job)), status_code=202)

    @api.delete("/jobs/{job_id}", response_model=JobOut)
    def cancel(job_id: Annotated[int, FastPath(ge=1, le=2**62, description="the job's number")], person: Principal = Depends(acting(settings, "uploads.cancel"))) -> dict[str, Any]:
        """Cancel a validation the caller queued, before a worker takes it up: the job closes as
        ``cancelled``, its uploaded files go and nothing of it is stored (``upload.cancelled`` in the
        ledger). Someone else's is 403; one a worker has taken or that is closed, 409."""
        queued.cancel_upload(settings, job_id, person)
        return _job(jobs.job_progress(settings, job_id))

    return api
