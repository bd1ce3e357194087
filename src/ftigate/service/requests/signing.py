"""Signing a request file (the requesting official's use case, done on their own machine)."""

from __future__ import annotations

import json
from pathlib import Path

from ftigate.crypto import load_private_key, sha256_file, sign_request
from ftigate.errors import InputError
from ftigate.jsonfile import read_json_object
from ftigate.tabular import PRIVATE, write_file_atomic


def sign_request_file(request_path: Path, key_path: Path, fill_hash: bool = True) -> dict:
    request = read_json_object(request_path)
    try:
        key_pem = key_path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=str(key_path)) from None
    key = load_private_key(key_pem, "ed25519", source=str(key_path))
    subjects_file = request.get("subjects_file")
    if fill_hash and isinstance(subjects_file, str):
        target = request_path.parent / subjects_file
        if not target.exists():
            raise InputError("subjects_file does not exist", file=str(target), field="subjects_file")
        request["subjects_sha256"] = sha256_file(target)
    request.pop("signature", None)
    request["signature"] = sign_request(request, key)
    # a request may carry its subjects inline (names, addresses): its owner's eyes only
    write_file_atomic(request_path, json.dumps(request, indent=2, ensure_ascii=False) + "\n", mode=PRIVATE)
    return request
