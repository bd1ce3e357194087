"""Signing a request file (the requesting official's use case, done on their own machine)."""

from __future__ import annotations

import json
from pathlib import Path

from ftigate.crypto import load_private_key, sha256_file, sign_request
from ftigate.errors import InputError
from ftigate.formats import SUBJECT_COLUMNS, SUBJECT_OPTIONAL_COLUMNS
from ftigate.jsonfile import read_json_object
from ftigate.service.requests.intake import locate_subjects_file
from ftigate.tabular import PRIVATE, read_rows, write_file_atomic


def sign_request_file(request_path: Path, key_path: Path, fill_hash: bool = True, inline: bool = False) -> dict:
    """Sign the request at ``request_path`` in place. With ``inline``, the rows of its ``subjects_file``
    are first written into the request itself (``subjects``), for the HTTP API, which reads no files."""
    request = read_json_object(request_path)
    try:
        key_pem = key_path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=str(key_path)) from None
    key = load_private_key(key_pem, "ed25519", source=str(key_path))
    subjects_file = request.get("subjects_file")
    if inline and isinstance(subjects_file, str):
        target, problem = locate_subjects_file(request_path, subjects_file.strip())
        if target is None:
            raise InputError(problem or "subjects_file is refused", file=str(request_path), field="subjects_file")
        request["subjects"] = read_rows(target, SUBJECT_COLUMNS, SUBJECT_OPTIONAL_COLUMNS)
        request.pop("subjects_file")
        request.pop("subjects_sha256", None)
        subjects_file = None
    if fill_hash and isinstance(subjects_file, str):
        target, problem = locate_subjects_file(request_path, subjects_file.strip())
        if target is None:  # the rule `check` applies: a file outside the request's directory is never signed for
            raise InputError(problem or "subjects_file is refused", file=str(request_path), field="subjects_file")
        if not target.exists():
            raise InputError("subjects_file does not exist", file=str(target), field="subjects_file")
        request["subjects_sha256"] = sha256_file(target)
    request.pop("signature", None)
    request["signature"] = sign_request(request, key)
    # a request may carry its subjects inline (names, addresses): its owner's eyes only
    write_file_atomic(request_path, json.dumps(request, indent=2, ensure_ascii=False) + "\n", mode=PRIVATE)
    return request
