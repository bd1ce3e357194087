"""Use cases of the tamper-evident ledger: append, sign tree heads, prove, take cosignatures.

Every lifecycle event of the gateway is appended here, inside the transaction of the use case that
caused it (:func:`append`), so a decision and the entry that records it are one commit. The log's
signing key and its origin line live in the data directory and are created on first use:

* ``keys/ledger-log.key``: the log's Ed25519 key (PKCS#8 PEM, mode 0600);
* ``keys/ledger-commitment.key``: the secret of the keyed commitments (32 random bytes, mode 0600);
* ``ledger.json``: ``{"origin": ...}``, the log's identity, ``ftigate.irs.example/log`` unless
  ``$FTIGATE_LEDGER_ORIGIN`` or ``ftigate ledger init --origin`` says otherwise when it is created.

The origin never changes once set: a log with a new name is a new log.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection

from ftigate.crypto import load_private_key, new_private_key, private_pem
from ftigate.errors import ConfigurationError, NotFoundError
from ftigate.ledger import catalogue, commitments
from ftigate.ledger.checkpoints import Checkpoint, open_checkpoint, parse_checkpoint, sign_checkpoint
from ftigate.ledger.cosignatures import CosignatureVerifier
from ftigate.ledger.entries import encode_entry
from ftigate.ledger.errors import EntryRejected, InconsistentLog, LedgerError, MalformedError, ProofError
from ftigate.ledger.hashing import leaf_hash
from ftigate.ledger.notes import NoteSigner, NoteVerifier, is_valid_key_name, open_note, parse_note
from ftigate.ledger.proofs import consistency_proof, inclusion_proof, tree_root, verify_consistency
from ftigate.ledger.tiles import tile_node_reader
from ftigate.ledger.tlog_proof import TlogProof
from ftigate.ledger.verify import Problem, Report, verify_log
from ftigate.ledger.witness import format_add_checkpoint
from ftigate.progress import Progress
from ftigate.service.store_access import now, transaction
from ftigate.settings import Settings
from ftigate.store import ledger_store
from ftigate.tabular import create_file_once, write_file_atomic

DEFAULT_ORIGIN = "ftigate.irs.example/log"
#: the largest checkpoint this gateway has signed, kept beside its key, outside the database it protects
SIGNED_FILE = "ledger-checkpoint.signed"
#: the largest checkpoint a witness has cosigned, as received from the witness
COSIGNED_FILE = "ledger-checkpoint.cosigned"
LOG_KEY_FILE = "ledger-log.key"
COMMITMENT_KEY_FILE = "ledger-commitment.key"
CONFIG_FILE = "ledger.json"


# --- files in the data directory ------------------------------------------------------------------
def _config_path(settings: Settings) -> Path:
    return settings.data_dir / CONFIG_FILE


def origin(settings: Settings) -> str:
    """The log's origin line (and key name), fixed when the log is first used."""
    path = _config_path(settings)
    if not path.exists():
        _write_origin(settings, settings.ledger_origin or DEFAULT_ORIGIN)
    try:
        value = json.loads(path.read_text(encoding="utf-8"))["origin"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigurationError(f"{path}: cannot read the log's origin ({exc})") from None
    if not isinstance(value, str) or not is_valid_key_name(value):
        raise ConfigurationError(f"{path}: the origin must be text without spaces or '+'")
    return value


def _write_origin(settings: Settings, value: str) -> None:
    if not is_valid_key_name(value):
        raise ConfigurationError(f"the origin '{value}' must be non-empty, without spaces or '+' "
                                 "(a schema-less URL such as ftigate.irs.example/log)")
    create_file_once(_config_path(settings), (json.dumps({"origin": value}, indent=2) + "\n").encode("utf-8"))


def init_log(settings: Settings, new_origin: str | None = None) -> str:
    """Create the log's key and origin if they do not exist; returns the verifier key."""
    if new_origin is not None:
        if _config_path(settings).exists() and origin(settings) != new_origin:
            raise ConfigurationError(f"the log's origin is already '{origin(settings)}'; a log's identity "
                                     "never changes (start a new data directory for a new log)")
        _write_origin(settings, new_origin)
    return verifier_key(settings)


def log_signer(settings: Settings) -> NoteSigner:
    path = settings.keys_dir / LOG_KEY_FILE
    if not path.exists():
        create_file_once(path, private_pem(new_private_key("ed25519")).encode("ascii"))
    key = load_private_key(path.read_bytes(), "ed25519", source=str(path))
    return NoteSigner(origin(settings), key)


def log_verifier(settings: Settings) -> NoteVerifier:
    return log_signer(settings).verifier


def existing_verifier_key(settings: Settings) -> str | None:
    """The log's verifier key if this data directory already has a log key; never creates one."""
    if not (settings.keys_dir / LOG_KEY_FILE).exists():
        return None
    return verifier_key(settings)


def verifier_key(settings: Settings) -> str:
    """``<origin>+<key ID>+<base64(0x01 || public key)>``: what overseers configure to check the log."""
    return log_verifier(settings).vkey


#: commitment keys already read, by file, with the (inode, mtime) they were read at
_COMMITMENT_KEYS: dict[Path, tuple[tuple[int, int], bytes]] = {}


def _commitment_key(settings: Settings) -> bytes:
    """The commitment secret, created on first use. Every disclosure asks for it, so it is read from
    the file once and then only checked to be the same file (a stat, not a read)."""
    path = settings.keys_dir / COMMITMENT_KEY_FILE
    try:
        status = path.stat()
    except FileNotFoundError:
        create_file_once(path, secrets.token_bytes(commitments.KEY_BYTES))
        status = path.stat()
    stamp = (status.st_ino, status.st_mtime_ns)
    known = _COMMITMENT_KEYS.get(path)
    if known is not None and known[0] == stamp:
        return known[1]
    key = path.read_bytes()
    if len(key) < commitments.KEY_BYTES:
        raise ConfigurationError(f"{path}: the commitment key is shorter than {commitments.KEY_BYTES} bytes")
    _COMMITMENT_KEYS[path] = (stamp, key)
    return key


def commitment_key(settings: Settings) -> bytes:
    """The commitment secret itself, for the gateway's own processes that commit to what they prepare
    (a large request's batches of decisions): handed to them over a pipe, never written anywhere else."""
    return _commitment_key(settings)


# --- commitments ----------------------------------------------------------------------------------
def commitment(settings: Settings, record: Mapping[str, Any]) -> str:
    """Keyed hash (HMAC-SHA256, lowercase hex) of a record that names taxpayers (an accounting record,
    a batch of match decisions), for the log to carry instead of it."""
    return commitments.commit(_commitment_key(settings), record)


def commitments_to(settings: Settings, records: Sequence[Mapping[str, Any]]) -> list[str]:
    """:func:`commitment` of each record, the key looked up once (a batch of accounting records)."""
    key = _commitment_key(settings)
    return [commitments.commit(key, record) for record in records]


def record_commitments(settings: Settings, encoded: Sequence[bytes]) -> list[str]:
    """:func:`commitment` of each record already in its canonical bytes
    (:func:`~ftigate.ledger.commitments.records_bytes`), the key looked up once."""
    return commitments.commit_many(_commitment_key(settings), encoded)


def open_commitment(settings: Settings, record: Mapping[str, Any], value: str) -> bool:
    """For an authorised overseer: does this record (from the accounting, or a batch of decisions
    rebuilt from the store) open that commitment?"""
    return commitments.opens(_commitment_key(settings), record, value)


def opens_bytes(settings: Settings, data: bytes, value: str) -> bool:
    """For an authorised overseer: do these bytes (a batch of decisions rebuilt from the store) open that commitment?"""
    return commitments.opens_bytes(_commitment_key(settings), data, value)


# --- appending ------------------------------------------------------------------------------------
def append(conn: Connection, settings: Settings, entries: Sequence[catalogue.Entry],
           as_json: Sequence[Mapping[str, Any]] | None = None,
           beside: Callable[[list[int]], None] | None = None, commit: bool = False) -> list[int]:
    """Append catalogued entries in the caller's transaction; returns their indices.

    Only :class:`~ftigate.ledger.catalogue.Entry` can be appended: the catalogue declares every
    kind and its fields. Each entry is checked again (no personal data, at most 64 KiB) and stored as
    RFC 8785 canonical JSON; the tiles are updated in the same transaction. Raises
    :class:`~ftigate.ledger.errors.EntryRejected` before writing anything if any entry is refused.
    ``as_json``, if given, is each entry's ``to_json()`` already made by the caller (who needs it too).
    ``beside(indices)`` writes the caller's rows that name the new entries, sent with the ledger's own
    writes while the append lock is held (append last in a transaction: the lock lasts to its commit).
    ``commit``: nothing follows in the caller's transaction, so it is committed with these writes.
    """
    if not entries:
        return []
    for i, e in enumerate(entries):
        if not isinstance(e, catalogue.Entry):
            raise EntryRejected(f"only a catalogued event may be appended, not {type(e).__name__}", i)
    if as_json is None or len(as_json) != len(entries):
        as_json = [e.to_json() for e in entries]
    datas = [encode_entry(value, i) for i, value in enumerate(as_json)]
    return ledger_store.append_leaves(conn, datas, [leaf_hash(d) for d in datas], beside, commit)


def _reader(conn: Connection):
    return tile_node_reader(lambda keys: ledger_store.read_tiles(conn, keys))


def tree_size(settings: Settings) -> int:
    with transaction(settings) as conn:
        return ledger_store.tree_size(conn)


def entry(settings: Settings, index: int) -> catalogue.Entry:
    """The entry at ``index``, parsed into its catalogued event (:class:`~ftigate.ledger.catalogue.UncataloguedEntry`
    if its stored bytes are not one)."""
    with transaction(settings) as conn:
        row = ledger_store.entry(conn, index)
    if row is None:
        raise NotFoundError(f"the ledger has no entry {index}")
    return catalogue.parse_bytes(row[0], index)


# --- checkpoints ----------------------------------------------------------------------------------
def _with_cosignatures(conn: Connection, note: str, size: int) -> str:
    return note + "".join(line if line.endswith("\n") else line + "\n"
                          for line in ledger_store.cosignature_lines(conn, size))


def _trusted(row: Mapping, verifier: NoteVerifier) -> Checkpoint:
    """A stored checkpoint, believed only after its signature checks (the row could have been edited)."""
    checkpoint, _ = open_checkpoint(row["note"], verifier)
    return checkpoint


def publish_checkpoint(settings: Settings) -> str:
    """Sign and store a checkpoint of the tree as it is now; returns the signed note.

    Refuses (:class:`~ftigate.ledger.errors.InconsistentLog`) to sign a tree that does not extend
    the last checkpoint it signed: the log must never sign two views no history can join, and
    stored rows edited behind its back are found here before they could be blessed.
    """
    signer = log_signer(settings)
    with transaction(settings) as conn:
        ledger_store.lock_for_append(conn)
        size = ledger_store.tree_size(conn)
        reader = _reader(conn)
        try:
            root = tree_root(size, reader)
        except MalformedError as exc:
            raise InconsistentLog(f"the stored tiles cannot produce the tree of size {size}: {exc.diagnostics()}",
                                  size, b"", size, b"") from None
        for what, kept in remembered(settings, signer.verifier):
            extends_or_refuse(kept, size, root, reader, what)
        latest = ledger_store.latest_checkpoint(conn)
        if latest is not None:
            held = _trusted(latest, signer.verifier)
            if held.size == size and held.root == root:
                return _with_cosignatures(conn, latest["note"], size)
            if held.size > size:
                raise InconsistentLog("the log holds fewer entries than its last signed checkpoint: entries were removed",
                                      held.size, held.root, size, root)
            try:
                verify_consistency(held.size, size, held.root, root, consistency_proof(held.size, size, reader))
            except (ProofError, MalformedError) as exc:
                raise InconsistentLog(f"the stored log no longer extends its last signed checkpoint, so it was altered "
                                      f"({exc.diagnostics()}); refusing to sign", held.size, held.root, size, root) from None
        note = sign_checkpoint(Checkpoint(signer.name, size, root), signer)
        ledger_store.insert_checkpoint(conn, size, root, note, now())
        remember(settings, SIGNED_FILE, note, size, signer.verifier)
        return note


# --- rollback: the largest checkpoints, remembered outside the database ---------------------------
def _remembered_note(settings: Settings, name: str, verifier: NoteVerifier) -> tuple[str, Checkpoint] | None:
    path = settings.keys_dir / name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"{path}: cannot read the remembered checkpoint ({exc})") from None
    try:
        checkpoint, _ = open_checkpoint(text, verifier)
    except LedgerError as exc:
        raise InconsistentLog(f"{path}: the remembered checkpoint does not verify with the log's key "
                              f"({exc.diagnostics()})", 0, b"", 0, b"") from None
    return text, checkpoint


def open_own_checkpoint(settings: Settings, text: str, source: str) -> Checkpoint:
    """A checkpoint of this log brought from elsewhere, believed only if the log's key signed it."""
    try:
        checkpoint, _ = open_checkpoint(text, log_verifier(settings))
    except LedgerError as exc:
        raise ConfigurationError(f"{source}: not a checkpoint signed by this log ({exc.diagnostics()})") from None
    return checkpoint


def remembered(settings: Settings, verifier: NoteVerifier) -> list[tuple[str, Checkpoint]]:
    """The largest checkpoint the gateway signed and the largest a witness cosigned, as remembered in
    files beside the log's key (a database restored from a backup, or rows deleted, cannot take
    them back): each with a word saying which it is."""
    out = []
    for what, name in (("the largest checkpoint this gateway signed", SIGNED_FILE),
                       ("the largest checkpoint a witness cosigned", COSIGNED_FILE)):
        held = _remembered_note(settings, name, verifier)
        if held is not None:
            out.append((what, held[1]))
    return out


def remember(settings: Settings, name: str, note: str, size: int, verifier: NoteVerifier) -> None:
    """Keep ``note`` as the remembered checkpoint ``name`` if it is larger than the one kept."""
    held = _remembered_note(settings, name, verifier)
    if held is not None and held[1].size >= size:
        return
    settings.keys_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_file_atomic(settings.keys_dir / name, note, mode=0o600, durable=True)


def extends_or_refuse(held: Checkpoint, size: int, root: bytes, reader, what: str) -> None:
    """Raise :class:`InconsistentLog` unless the tree (size, root) extends ``held`` (RFC 6962 proof)."""
    if held.size > size:
        raise InconsistentLog(f"the log holds {size} entries, fewer than {what} ({held.size}): entries were "
                              "removed or the database was rolled back; refusing to sign", held.size, held.root,
                              size, root)
    if held.size == size:
        if held.root != root:
            raise InconsistentLog(f"the log's root differs from {what} at the same size: it was rewritten; "
                                  "refusing to sign", held.size, held.root, size, root)
        return
    try:
        verify_consistency(held.size, size, held.root, root, consistency_proof(held.size, size, reader))
    except (ProofError, MalformedError) as exc:
        raise InconsistentLog(f"the log does not extend {what} ({exc.diagnostics()}): it was altered; refusing "
                              "to sign", held.size, held.root, size, root) from None


def latest_checkpoint(settings: Settings) -> str | None:
    """The newest signed checkpoint with the cosignatures received for it, or None if none yet."""
    with transaction(settings) as conn:
        row = ledger_store.latest_checkpoint(conn)
        return None if row is None else _with_cosignatures(conn, row["note"], row["size"])


def _current_note(settings: Settings, at_least: int = 0) -> tuple[str, Checkpoint]:
    note = latest_checkpoint(settings)
    if note is None or parse_checkpoint(parse_note(note).text).size < at_least:
        note = publish_checkpoint(settings)
    checkpoint, _ = open_checkpoint(note, log_verifier(settings))
    return note, checkpoint


# --- proofs ---------------------------------------------------------------------------------------
def prove_entry(settings: Settings, index: int) -> str:
    """A C2SP tlog-proof for one entry (carrying the entry), against the latest checkpoint."""
    if index < 0:
        raise NotFoundError("ledger indices start at 0")
    note, checkpoint = _current_note(settings, at_least=index + 1)
    if index >= checkpoint.size:
        raise NotFoundError(f"the ledger has no entry {index} (it holds {checkpoint.size})")
    with transaction(settings) as conn:
        row = ledger_store.entry(conn, index)
        if row is None:
            raise NotFoundError(f"the ledger has no entry {index}")
        hashes = inclusion_proof(index, checkpoint.size, _reader(conn))
    return TlogProof(index, tuple(hashes), note, extra=row[0]).text


def inclusion_hashes(conn: Connection, index: int, size: int) -> list[bytes]:
    """The RFC 6962 inclusion proof of entry ``index`` in the tree of ``size``, from the stored tiles."""
    return inclusion_proof(index, size, _reader(conn))


# --- witnesses ------------------------------------------------------------------------------------
def witness_request(settings: Settings, old_size: int) -> str:
    """The C2SP tlog-witness add-checkpoint body taking a witness from ``old_size`` to the current tree."""
    note, checkpoint = _current_note(settings, at_least=tree_size(settings))
    if not 0 <= old_size <= checkpoint.size:
        raise NotFoundError(f"no consistency proof from size {old_size} (the log holds {checkpoint.size})")
    with transaction(settings) as conn:
        proof = consistency_proof(old_size, checkpoint.size, _reader(conn)) if old_size else []
    plain = parse_note(note)
    log_only = plain.text + "\n" + "".join(s.line for s in plain.signatures if s.name == checkpoint.origin)
    return format_add_checkpoint(old_size, proof, log_only)


def add_cosignatures(settings: Settings, text: str, witness_vkeys: Sequence[str], size: int | None = None) -> list[str]:
    """Keep the cosignatures (by the given witnesses) that verify on one of our checkpoints.

    ``text`` is what a witness returned: cosignature lines, or the whole cosigned checkpoint.
    Returns the names of the witnesses whose cosignature was stored; lines by unknown keys are ignored.
    """
    witnesses = [CosignatureVerifier.from_vkey(v) for v in witness_vkeys]
    if not witnesses:
        raise ConfigurationError("name the witnesses whose cosignatures to accept (--witness VKEY)")
    lines = [line for line in text.splitlines() if line.startswith("\u2014 ")]
    with transaction(settings) as conn:
        if size is None and not text.startswith("\u2014"):
            size = parse_checkpoint(parse_note(text).text).size
        row = ledger_store.checkpoint(conn, size) if size is not None else ledger_store.latest_checkpoint(conn)
        if row is None:
            raise NotFoundError("no checkpoint of that size has been published")
        base = row["note"]
        stored = []
        for witness in witnesses:
            mine = [line for line in lines if line.split(" ")[1] == witness.name]
            for line in mine:
                try:
                    note = open_note(base + line + "\n", [witness])
                except LedgerError as exc:
                    raise ConfigurationError(f"the cosignature by {witness.name} does not verify on the "
                                             f"checkpoint of size {row['size']}: {exc}") from None
                if note.verified:
                    ledger_store.add_cosignature(conn, row["size"], witness.name, line, now())
                    stored.append(witness.name)
                    remember(settings, COSIGNED_FILE, base + line + "\n", row["size"], log_verifier(settings))
        return stored


# --- auditing the stored rows ---------------------------------------------------------------------
def audit(settings: Settings, progress: Progress | None = None,
          extra_checkpoints: Sequence[tuple[str, Checkpoint]] = ()) -> Report:
    """Check the stored rows against the latest signed checkpoint, and every earlier one.

    The same verifier as for an exported directory, reading the store instead: every entry's bytes
    are rehashed, the tree rebuilt, the tiles compared, and the first entry altered, removed,
    reordered or inserted is reported. Then the tree is proved consistent (RFC 6962) with the
    checkpoints remembered outside the database (the largest this gateway signed, the largest a witness
    cosigned) and with any an overseer brings (``extra_checkpoints``): a log cut back and re-tiled,
    which no stored row can reveal, fails here.
    """
    verifier = log_verifier(settings)
    with transaction(settings) as conn:
        rows = ledger_store.all_checkpoints(conn)
        if not rows:
            raise NotFoundError("no checkpoint has been published yet: nothing to audit against")
        history, forged = [], []
        for row in rows[:-1]:
            try:
                history.append(_trusted(row, verifier))
            except LedgerError as exc:  # a forged or damaged older row: reported; the latest checkpoint decides
                forged.append(Problem("checkpoint", f"the stored checkpoint of size {row['size']} "
                                                    f"does not verify: {exc.diagnostics()}"))
        source = ledger_store.StoreSource(conn, rows[-1]["note"])
        report = verify_log(source, verifier, history=history, progress=progress)
        report.problems.extend(forged)
        report.problems.extend(_rollback_problems(settings, conn, verifier, extra_checkpoints))
        return report


def _rollback_problems(settings: Settings, conn: Connection, verifier: NoteVerifier,
                       extra: Sequence[tuple[str, Checkpoint]] = ()) -> list[Problem]:
    """Prove the stored tree consistent with every remembered checkpoint (RFC 6962), or say why not."""
    size = ledger_store.tree_size(conn)
    reader = _reader(conn)
    try:
        root = tree_root(size, reader)
    except MalformedError as exc:
        return [Problem("rollback", f"the stored tiles cannot produce the tree of size {size}: {exc.diagnostics()}")]
    problems = []
    for what, held in [*remembered(settings, verifier), *extra]:
        try:
            extends_or_refuse(held, size, root, reader, what)
        except InconsistentLog as exc:
            index = size if held.size > size else None
            problems.append(Problem("rollback", exc.diagnostics().replace("; refusing to sign", ""), index))
    return problems
