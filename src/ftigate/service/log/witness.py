"""Running a witness: an overseer's own key and state directory, on their own machine.

Nothing here touches the gateway's database. The state directory holds

* ``witness.key``: the witness's Ed25519 key (PKCS#8 PEM, mode 0600);
* ``witness.json``: its name and the logs it follows (origin -> the log's verifier key);
* ``logs/<origin hash>.checkpoint``: for each log, the last checkpoint it cosigned;
* ``evidence/``: every checkpoint it refused as a fork, with the one it held, kept as proof.

Checking the size held and recording the new checkpoint happen under a lock on the state
directory, so two submissions can never roll the witness back (the race tlog-witness warns of).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ftigate.crypto import load_private_key, new_private_key, private_pem
from ftigate.errors import ConfigurationError, InputError
from ftigate.ledger.checkpoints import open_checkpoint, parse_checkpoint
from ftigate.ledger.cosignatures import CosignatureSigner
from ftigate.ledger.errors import MalformedError
from ftigate.ledger.notes import NoteVerifier, b64, is_valid_key_name, parse_note
from ftigate.ledger.proofs import consistency_proof
from ftigate.ledger.tiles import tile_node_reader
from ftigate.ledger.witness import (
    ForkDetected,
    WitnessRefused,
    add_checkpoint,
    format_add_checkpoint,
    parse_add_checkpoint,
)
from ftigate.service.log.ledger_files import DirectorySource, directory_tiles
from ftigate.tabular import create_file_once, write_file_atomic

KEY_FILE = "witness.key"
CONFIG_FILE = "witness.json"


@dataclass(frozen=True)
class Held:
    origin: str
    size: int
    root: str
    checkpoint: str


def _config(state: Path) -> dict:
    path = state / CONFIG_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigurationError(f"{state} is not a witness state directory (run 'ftigate witness init')") from None
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"{path}: cannot read ({exc})") from None


def _write_atomic(path: Path, text: str) -> None:
    """The witness's state must survive a power cut: a witness that forgot what it cosigned could
    be rolled back."""
    write_file_atomic(path, text, mode=0o644, durable=True)


def init(state: Path, name: str, log_vkeys: list[str]) -> str:
    """Create (or extend) a witness: its key on first use, and the logs it follows. Returns its vkey."""
    if not is_valid_key_name(name):
        raise InputError(f"the witness name '{name}' must be non-empty, without spaces or '+'", field="--name")
    logs = {}
    for vkey in log_vkeys:
        verifier = NoteVerifier.from_vkey(vkey)
        logs[verifier.name] = verifier.vkey
    config_path = state / CONFIG_FILE
    if config_path.exists():
        config = _config(state)
        if config.get("name") != name:
            raise ConfigurationError(f"this witness is named '{config.get('name')}'; a witness's name never changes")
        for origin, vkey in logs.items():
            if origin in config["logs"] and config["logs"][origin] != vkey:
                raise ConfigurationError(f"the witness already follows '{origin}' with another key")
        config["logs"].update(logs)
    else:
        config = {"name": name, "logs": logs}
    key_path = state / KEY_FILE
    if not key_path.exists():
        create_file_once(key_path, private_pem(new_private_key("ed25519")))
    _write_atomic(config_path, json.dumps(config, indent=2, sort_keys=True) + "\n")
    return vkey_of(state)


def signer(state: Path) -> CosignatureSigner:
    config = _config(state)
    path = state / KEY_FILE
    try:
        key = load_private_key(path.read_bytes(), "ed25519", source=str(path))
    except OSError as exc:
        raise ConfigurationError(f"{path}: cannot read the witness key ({exc.strerror})") from None
    return CosignatureSigner(config["name"], key)


def vkey_of(state: Path) -> str:
    """The witness's cosignature verifier key (type 0x04): what the gateway and overseers trust."""
    return signer(state).verifier.vkey


def _held_path(state: Path, origin: str) -> Path:
    return state / "logs" / (hashlib.sha256(origin.encode("utf-8")).hexdigest()[:32] + ".checkpoint")


@contextmanager
def _locked(state: Path) -> Iterator[None]:
    state.mkdir(parents=True, exist_ok=True)
    with (state / ".lock").open("a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def held(state: Path) -> list[Held]:
    """The last checkpoint cosigned for each log the witness follows."""
    out = []
    for origin in sorted(_config(state)["logs"]):
        path = _held_path(state, origin)
        if path.exists():
            text = path.read_text(encoding="utf-8")
            cp = parse_checkpoint(parse_note(text).text)
            out.append(Held(origin, cp.size, b64(cp.root), text))
        else:
            out.append(Held(origin, 0, "", ""))
    return out


def submit(state: Path, body: str, now: dt.datetime | None = None) -> str:
    """Handle one tlog-witness add-checkpoint request; returns the cosignature line(s).

    Raises :class:`~ftigate.ledger.witness.WitnessRefused`; a fork (:class:`ForkDetected`) is also
    written to ``evidence/`` with the checkpoint the witness held.
    """
    config = _config(state)
    logs = {origin: NoteVerifier.from_vkey(vkey) for origin, vkey in config["logs"].items()}
    try:
        request = parse_add_checkpoint(body)
    except MalformedError as exc:
        raise WitnessRefused(400, exc.diagnostics()) from None
    when = now or dt.datetime.now(dt.UTC)
    key = signer(state)
    with _locked(state):
        try:
            origin = parse_checkpoint(parse_note(request.checkpoint).text).origin
        except MalformedError as exc:
            raise WitnessRefused(400, exc.diagnostics()) from None
        path = _held_path(state, origin)
        previous = path.read_text(encoding="utf-8") if path.exists() else None
        try:
            new, signature = add_checkpoint(previous, request, logs, key, int(when.timestamp()))
        except ForkDetected as exc:
            stamp = when.strftime("%Y%m%dT%H%M%SZ")
            _write_atomic(state / "evidence" / f"{stamp}-{path.stem}.txt",
                          f"# {exc.diagnostics()}\n# held by this witness:\n{previous or ''}\n"
                          f"# offered (add-checkpoint request, verbatim):\n{body}")
            raise
        _write_atomic(path, new)
    return signature.line


def cosign_directory(state: Path, directory: Path, now: dt.datetime | None = None) -> str:
    """Cosign the checkpoint of an exported log directory, proving consistency from its own tiles.

    The witness builds the consistency proof from the directory's tiles; it does not need to trust
    them, since the proof must lead to the root it already holds and to the newly signed root.
    """
    source = DirectorySource(directory)
    note = source.checkpoint()
    try:
        origin = parse_checkpoint(parse_note(note).text).origin
    except MalformedError as exc:
        raise WitnessRefused(400, exc.diagnostics()) from None
    config = _config(state)
    if origin not in config["logs"]:
        raise WitnessRefused(404, f"this witness does not follow the log '{origin}'")
    checkpoint, _ = open_checkpoint(note, NoteVerifier.from_vkey(config["logs"][origin]))
    path = _held_path(state, origin)
    old = parse_checkpoint(parse_note(path.read_text(encoding="utf-8")).text).size if path.exists() else 0
    proof: list[bytes] = []
    if 0 < old < checkpoint.size:
        try:
            proof = consistency_proof(old, checkpoint.size, tile_node_reader(directory_tiles(directory, checkpoint.size)))
        except MalformedError as exc:
            raise WitnessRefused(422, f"the directory's tiles cannot prove consistency from size {old}: "
                                      f"{exc.diagnostics()}") from None
    return submit(state, format_add_checkpoint(old, proof, note), now)
