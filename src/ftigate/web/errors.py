"""Every error over HTTP is ``{"error": "…"}`` with the right 4xx, and nothing a client should not see.

FastAPI answers malformed JSON and schema errors with its own ``{"detail": …}``; those handlers are
replaced here so a client meets one shape everywhere. A body over the documented limit is refused
with 413 before it is read (by its Content-Length) or as soon as it grows past the limit (a chunked
body), and nothing of it is stored. An unexpected error answers 500 with a fixed sentence: no
traceback, no temporary path, no value from the request reaches the client.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ftigate.errors import FtigateError, InputError, NotAuthenticated, NotFoundError, PermissionDenied, StoreConflict
from ftigate.settings import Settings

#: the largest JSON body accepted (a request with inline subjects, a registry): 64 MiB. Larger
#: batches of subjects are uploaded as a file.
MAX_JSON_BYTES = 64 * 1024 * 1024
#: the largest upload accepted (a request with its subjects file, multipart): 1 GiB, room for
#: 1.5 million subjects in CSV
MAX_UPLOAD_BYTES = 1024 * 1024 * 1024

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


def error_body(message: str) -> dict[str, str]:
    return {"error": message}


def status_of(exc: FtigateError) -> int:
    if isinstance(exc, NotAuthenticated):
        return 401
    if isinstance(exc, PermissionDenied):
        return 403
    if isinstance(exc, NotFoundError):
        return 404
    if isinstance(exc, StoreConflict):
        return 409
    return 400


def _scrub(message: str, settings: Settings) -> str:
    """A diagnostic without the gateway's own paths (a file the client sent is named by its name)."""
    for prefix in {str(settings.data_dir.resolve()), str(settings.data_dir)}:
        message = message.replace(prefix + "/", "").replace(prefix, "")
    return message


#: a command-line option a use case names whose value the HTTP API takes under another JSON name
#: (every other ``--some-option`` is the field ``some_option``)
JSON_FIELDS = {"--entry": "entries", "--request": "requests"}
_OPTION = re.compile(r"(?<=\()--[a-z][a-z-]*")


def json_field(option: str) -> str:
    """The JSON field that carries over HTTP what the command line gives as ``option``."""
    if not option.startswith("--"):
        return option
    return JSON_FIELDS.get(option, option[2:].replace("-", "_"))


def over_http(exc: FtigateError) -> FtigateError:
    """``exc`` as a client of the API reads it: an input error that names a command-line option (the
    use cases speak the command line's words) names the JSON field instead, in its field and in its
    message's "(--option)"."""
    if not isinstance(exc, InputError) or not (exc.field or "").startswith("--"):
        return exc
    message = _OPTION.sub(lambda m: json_field(m.group()), exc.message)
    return InputError(message, file=exc.file, row=exc.row, field=json_field(exc.field or ""), extra=exc.extra)


def _where(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts)


def validation_message(exc: RequestValidationError) -> tuple[int, str]:
    """(status, message) for FastAPI's validation error: 400 for a body that is not JSON at all,
    422 for JSON of the wrong shape; the first problem named by its field, and how many in all."""
    errors = list(exc.errors())
    if not errors:
        return 422, "the request is not valid"
    first = errors[0]
    if first.get("type") == "json_invalid":
        return 400, "the body is not valid JSON"
    where = _where(first.get("loc", ()))
    more = f" ({len(errors)} problems in all)" if len(errors) > 1 else ""
    text = str(first.get("msg", "invalid value"))
    return 422, (f"{where}: {text}" if where else text) + more


def install(app: FastAPI, settings: Settings) -> None:
    """The JSON error handlers and the body limit, on ``app``."""

    @app.exception_handler(FtigateError)
    async def _ftigate(_request: Request, exc: FtigateError) -> JSONResponse:
        status = status_of(exc)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(error_body(_scrub(over_http(exc).diagnostics(), settings)), status_code=status,
                            headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        status, message = validation_message(exc)
        return JSONResponse(error_body(message), status_code=status)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else "request refused"
        return JSONResponse(error_body(detail), status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, _exc: Exception) -> JSONResponse:
        # the server's log has the traceback (uvicorn prints it); the client gets one fixed sentence
        return JSONResponse(error_body("internal error: the gateway could not answer this request; nothing was "
                                       "stored"), status_code=500)

    app.add_middleware(BodyLimit)


def too_large_message(limit: int) -> str:
    return (f"the body is larger than this route accepts ({limit // (1024 * 1024)} MiB); send the subjects as an "
            "uploaded file, or split the request")


class _TooLarge(StarletteHTTPException):
    """Raised while reading a body past its limit; an HTTP error, so whichever layer reads the body
    (FastAPI's own parsing included) answers 413 with it."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=too_large_message(limit))


class BodyLimit:
    """Refuse a body over its limit with 413: by Content-Length before reading, or while reading."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.app = app

    @staticmethod
    def limit(scope: Scope) -> int:
        headers = dict(scope.get("headers") or [])
        kind = headers.get(b"content-type", b"").decode("latin-1").lower()
        return MAX_UPLOAD_BYTES if kind.startswith("multipart/") else MAX_JSON_BYTES

    @staticmethod
    async def refuse(send: Send, limit: int) -> None:
        body = json.dumps(error_body(too_large_message(limit))).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit(scope)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                too_large = int(declared) > limit
            except ValueError:
                too_large = False
            if too_large:
                await self.refuse(send, limit)
                return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge(limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except _TooLarge:
            if not started:
                await self.refuse(send, limit)
