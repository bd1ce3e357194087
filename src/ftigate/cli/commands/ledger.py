"""``ftigate ledger ...``: the tamper-evident log, for the gateway's operators and for overseers.

``vkey``, ``checkpoint``, ``entry``, ``proof``, ``export``, ``audit``, ``reconcile``, ``verify-decisions``,
``witness-request`` and ``add-cosignatures`` work on this gateway's data directory. ``verify`` and
``verify-proof`` need nothing but files and public keys: an overseer runs them on an exported
directory or a proof file, with the log's verifier key obtained out of band.

With ``--server``, an overseer reads the log through the HTTP API with their own token: ``vkey``,
``checkpoint``, ``entry``, ``proof``, ``reconcile`` and ``verify-decisions`` ask the gateway;
``export`` copies the log's tiles into a directory; ``audit`` copies them and checks them here, with
the verifier key given (``--vkey``) and the checkpoints kept elsewhere (``--checkpoint``), so its
verdict rests on nothing the gateway says. Keys, witnesses' cosignatures and commitments stay on the
gateway's own machine.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from ftigate.cli.context import console, err_console, log_vkey, read_text, remote, settings, write_or_print
from ftigate.cli.render import progress_bar
from ftigate.errors import ConfigurationError, InputError
from ftigate.jsonfile import read_json_object
from ftigate.ledger.checkpoints import open_checkpoint
from ftigate.ledger.cosignatures import verifier_for
from ftigate.ledger.errors import CommitmentMismatch, LedgerError
from ftigate.ledger.notes import NoteVerifier, b64
from ftigate.ledger.tlog_proof import parse_tlog_proof, verify_tlog_proof
from ftigate.ledger.verify import Report
from ftigate.service.log import ledger, ledger_files
from ftigate.service.log.decision_audit import DecisionAudit
from ftigate.service.log.decision_audit import verify_decisions as audit_decisions
from ftigate.service.log.reconcile import Reconciliation
from ftigate.service.log.reconcile import reconcile as reconcile_store

#: this module's commands, registered on the ``ftigate`` command by :mod:`ftigate.cli.main`
app = typer.Typer()

ledger_app = typer.Typer(help="The tamper-evident log of every event: keys, checkpoints, proofs, export, verification.",
                         no_args_is_help=True)
app.add_typer(ledger_app, name="ledger")

VKEY_HELP = ("The log's verifier key (<name>+<key ID>+<key>); default: this data directory's own log key "
             "(with --server: the one the server names, which proves only that it agrees with itself).")


def _vkey(ctx: typer.Context, vkey: str | None) -> str:
    """``--vkey``, else the server's word for it (with ``--server``), else this data directory's own."""
    if vkey:
        return vkey
    client = remote(ctx)
    if client is None:
        return log_vkey(ctx, None)
    with client:
        return log_vkey(ctx, None, client)
WITNESS_HELP = "A witness's verifier key; its cosignature is required. Repeat for several witnesses."


@ledger_app.command("init")
def init(ctx: typer.Context,
         origin: str | None = typer.Option(None, "--origin", help="The log's origin line and key name, e.g. "
                                              "ftigate.irs.example/log. Fixed for the life of the log.")) -> None:
    """Create the log's signing key and origin (done on first use anyway) and print the verifier key."""
    console.print(ledger.init_log(settings(ctx), origin), highlight=False, soft_wrap=True)


@ledger_app.command("vkey")
def vkey(ctx: typer.Context) -> None:
    """Print the log's public key as a signed-note verifier key, for overseers and witnesses."""
    client = remote(ctx)
    if client is not None:
        with client:
            console.print(client.ledger_vkey(), highlight=False, soft_wrap=True)
        return
    console.print(ledger.verifier_key(settings(ctx)), highlight=False, soft_wrap=True)


@ledger_app.command("checkpoint")
def checkpoint(ctx: typer.Context,
               publish: bool = typer.Option(True, "--publish/--latest",
                                            help="Sign a checkpoint of the tree as it is now (default), or only "
                                                 "print the latest one signed.")) -> None:
    """Print the signed tree head (a C2SP checkpoint, with the cosignatures received for it)."""
    client = remote(ctx)
    if client is not None:
        with client:
            console.out(client.ledger_checkpoint(publish), end="", highlight=False)
        return
    s = settings(ctx)
    note = ledger.publish_checkpoint(s) if publish else ledger.latest_checkpoint(s)
    if note is None:
        raise ConfigurationError("no checkpoint has been published yet (run 'ftigate ledger checkpoint')")
    console.out(note, end="", highlight=False)


@ledger_app.command("entry")
def entry(ctx: typer.Context, index: int = typer.Argument(..., help="Ledger index (from 0).")) -> None:
    """Print one entry as JSON."""
    client = remote(ctx)
    if client is not None:
        with client:
            value = client.ledger_entry(index)
    else:
        value = ledger.entry(settings(ctx), index).to_json()
    console.out(json.dumps(value, indent=2, ensure_ascii=False), highlight=False)


@ledger_app.command("proof")
def proof(ctx: typer.Context, index: int = typer.Argument(..., help="Ledger index (from 0)."),
          out: Path | None = typer.Option(None, "--out", help="Write the proof here (.tlog-proof) instead of printing it.")) -> None:
    """Write a C2SP tlog-proof for one entry: the entry, its inclusion proof and the signed checkpoint."""
    client = remote(ctx)
    if client is not None:
        with client:
            text = client.ledger_proof(index)
    else:
        text = ledger.prove_entry(settings(ctx), index)
    write_or_print(text, out, "the proof")


@ledger_app.command("verify-proof")
def verify_proof(ctx: typer.Context, file: Path = typer.Argument(..., help="A .tlog-proof file."),
                 vkey: str | None = typer.Option(None, "--vkey", help=VKEY_HELP),
                 witness: list[str] = typer.Option([], "--witness", help=WITNESS_HELP),
                 entry_file: Path | None = typer.Option(None, "--entry", help="The entry's bytes, if not taken from the proof."),
                 as_json: bool = typer.Option(False, "--json", help="Print the result as JSON.")) -> None:
    """Check a tlog-proof offline: the checkpoint's signature, cosignatures, and the entry's inclusion."""
    text = read_text(file)
    data = entry_file.read_bytes() if entry_file else None
    parsed = parse_tlog_proof(text)
    cp, logged = verify_tlog_proof(parsed, NoteVerifier.from_vkey(_vkey(ctx, vkey)), data,
                                   [verifier_for(w) for w in witness])
    if as_json:
        console.out(json.dumps({"ok": True, "index": parsed.index, "size": cp.size, "root": b64(cp.root),
                                "entry": json.loads(logged)}, indent=2), highlight=False)
        return
    console.print(f"[green]verified[/]: entry {parsed.index} is in {cp.origin} at tree size {cp.size} "
                  f"(root {b64(cp.root)})", highlight=False)
    console.out(logged.decode("utf-8"), highlight=False)


@ledger_app.command("export")
def export(ctx: typer.Context, directory: Path = typer.Argument(..., help="Directory to write the tlog-tiles into."),
           publish: bool = typer.Option(True, "--publish/--latest",
                                        help="Sign a checkpoint of the current tree first (default), or export up to "
                                             "the latest checkpoint already signed.")) -> None:
    """Write the log as C2SP tlog-tiles: checkpoint, tile/<L>/<N>, tile/entries/<N>.

    With ``--server``, the tiles are copied from the gateway's API as it stores them; check the copy
    with ``ftigate ledger verify DIRECTORY --vkey KEY``."""
    client = remote(ctx)
    if client is not None:
        with client, progress_bar() as update:
            size, bundles, tiles = client.download_log(directory, publish=publish, progress=update)
        summary = ledger_files.ExportSummary(directory, size, bundles, tiles)
    else:
        with progress_bar() as update:
            summary = ledger_files.export(settings(ctx), directory, publish=publish, progress=update)
    console.print(f"exported {summary.size:,} entries ({summary.bundles:,} bundles, {summary.tiles:,} tiles) to "
                  f"{summary.directory}", highlight=False)


def _show_report(report: Report, as_json: bool, what: str) -> None:
    if as_json:
        console.out(json.dumps(report.to_json(), indent=2), highlight=False)
    elif report.ok:
        cosigned = f"; cosigned by {', '.join(report.cosigned_by)}" if report.cosigned_by else ""
        console.print(f"[green]verified[/]: {what} of {report.origin} matches its signed checkpoint: "
                      f"{report.size:,} entries, root {b64(report.root)}, {report.tiles_checked:,} tiles checked"
                      f"{cosigned}", highlight=False)
    else:
        table = Table(title=f"{what}: {len(report.problems)} problem(s)")
        for col in ("kind", "entry", "finding"):
            table.add_column(col, overflow="fold")
        for p in report.problems:
            table.add_row(p.kind, "" if p.index is None else str(p.index), p.message)
        console.print(table)
    report.raise_if_tampered()


@ledger_app.command("verify")
def verify(ctx: typer.Context, directory: Path = typer.Argument(..., help="An exported tlog-tiles directory."),
           vkey: str | None = typer.Option(None, "--vkey", help=VKEY_HELP),
           witness: list[str] = typer.Option([], "--witness", help=WITNESS_HELP),
           as_json: bool = typer.Option(False, "--json", help="Print the report as JSON.")) -> None:
    """Re-derive the tree from an exported directory and check every tile and the signed checkpoint.

    Needs no database. Exit 0 if the log matches its checkpoint; 1 with the first entry altered,
    removed, reordered or inserted otherwise.
    """
    with progress_bar() as update:
        report = ledger_files.verify_directory(directory, _vkey(ctx, vkey), witness, progress=update)
    _show_report(report, as_json, "the export")


@ledger_app.command("audit")
def audit(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
          checkpoint_files: list[Path] = typer.Option([], "--checkpoint", help="A checkpoint kept elsewhere (a "
                                                      "witness's cosigned one, an overseer's copy) the log must "
                                                      "extend. Repeat for several."),
          vkey: str | None = typer.Option(None, "--vkey", help="With --server: the log's verifier key, obtained "
                                              "out of band (default: the one the server names)."),
          witness: list[str] = typer.Option([], "--witness", help="With --server: a witness whose cosignature "
                                                                  "the checkpoint must carry.")) -> None:
    """Check the stored rows of this gateway against every checkpoint it signed, and prove the log
    extends the checkpoints remembered outside the database (and any given with --checkpoint).

    With ``--server``, the log is copied from the gateway's API into a temporary directory and checked
    here, as ``ftigate ledger verify`` checks an export: every entry rehashed, every tile rebuilt, the
    root held to a checkpoint signed by the key given with --vkey, and the log proved to extend each
    --checkpoint."""
    client = remote(ctx)
    if client is not None:
        with client:
            key = log_vkey(ctx, vkey, client)
            verifier = NoteVerifier.from_vkey(key)
            held = []
            for path in checkpoint_files:
                try:
                    held.append((f"the checkpoint in {path}", open_checkpoint(read_text(path), verifier)[0]))
                except LedgerError as exc:
                    raise ConfigurationError(f"{path}: not a checkpoint signed by this log "
                                             f"({exc.diagnostics()})") from None
            with tempfile.TemporaryDirectory(prefix="ftigate-log-") as tmp, progress_bar() as update:
                client.download_log(Path(tmp), publish=True, progress=update)
                report = ledger_files.verify_directory(Path(tmp), key, witness, progress=update)
                if report.origin:  # the checkpoint verified: the tree it signs can be held to the others
                    report.problems.extend(ledger_files.extends_held(Path(tmp), report, held))
        err_console.print(f"checked here, from the log as {client.base_url} serves it", highlight=False)
        _show_report(report, as_json, "the served log")
        return
    if vkey or witness:
        raise InputError("--vkey and --witness are for --server: here the data directory's own log key is used "
                         "(check an export with `ftigate ledger verify` for other keys)", field="--vkey")
    s = settings(ctx)
    extra = [(f"the checkpoint in {path}", ledger.open_own_checkpoint(s, read_text(path), str(path)))
             for path in checkpoint_files]
    with progress_bar() as update:
        report = ledger.audit(s, progress=update, extra_checkpoints=extra)
    _show_report(report, as_json, "the stored log")


@ledger_app.command("reconcile")
def reconcile(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="Print the result as JSON.")) -> None:
    """Check the store's events, disclosures, accounting records and packages against the log.

    Every entry must have its event row, every disclosure its accounting record that still opens the
    entry's commitment, every delivered package its stored file hash. Exit 0 if all agree; 1 with each
    difference by ledger index otherwise. Run 'ftigate ledger audit' first: it proves the log itself.
    """
    client = remote(ctx)
    if client is not None:
        with client:
            result = Reconciliation.from_json(client.reconcile())
    else:
        with progress_bar() as update:
            result = reconcile_store(settings(ctx), progress=update)
    if as_json:
        console.out(json.dumps(result.to_json(), indent=2), highlight=False)
    elif result.ok:
        console.print(f"[green]reconciled[/]: {result.entries:,} ledger entries, {result.events:,} event rows, "
                      f"{result.accounting:,} accounting records and {result.packages:,} packages agree", highlight=False)
    else:
        console.print(f"[red]{len(result.differences):,} difference(s)[/] between the store and the log:", highlight=False)
        for d in result.differences[:200]:
            where = f"entry {d.index}: " if d.index is not None else ""
            console.print(f"  {d.what}: {where}{escape(d.message)}", highlight=False)
        if len(result.differences) > 200:
            console.print(f"  ... and {len(result.differences) - 200:,} more (use --json)", highlight=False)
    if not result.ok:
        raise typer.Exit(1)


@ledger_app.command("verify-decisions")
def verify_decisions(ctx: typer.Context, request: str = typer.Argument(..., help="AGENCY/REQUEST_ID")) -> None:
    """Check that a request's stored match decisions are the ones its match.decided entries committed to.

    Every batch's decisions are rebuilt from the store and must open the batch entry's commitment, with
    the counts the entry states. Exit 0 if all do; 1 with each problem (by ledger index) otherwise.
    Run 'ftigate ledger audit' too: it shows the entries themselves are those the checkpoints signed.
    """
    client = remote(ctx)
    if client is not None:
        with client:
            result = DecisionAudit.from_json(client.verify_decisions(request))
    else:
        with progress_bar() as update:
            result = audit_decisions(settings(ctx), request, progress=update)
    console.print(f"[bold]{escape(result.ref)}[/]: {result.batches:,} batch(es) of match decisions, "
                  f"{result.decisions:,} decision(s)", highlight=False)
    if result.ok and not result.batches:
        console.print("no match decisions recorded for this request: nothing to open", highlight=False)
        return
    if result.ok:
        console.print("[green]all commitments open[/]: every stored decision is the one the ledger recorded",
                      highlight=False)
        return
    table = Table(title=f"{len(result.problems)} problem(s)")
    for col in ("entry", "finding"):
        table.add_column(col, overflow="fold")
    for p in result.problems:
        table.add_row("" if p.ledger_index is None else str(p.ledger_index), escape(p.message))
    console.print(table)
    result.raise_if_problems()


@ledger_app.command("witness-request")
def witness_request(ctx: typer.Context,
                    old: int = typer.Option(0, "--old", help="The tree size the witness last cosigned (0 if never)."),
                    out: Path | None = typer.Option(None, "--out", help="Write the request here instead of printing it.")) -> None:
    """Write a C2SP tlog-witness add-checkpoint request: the checkpoint and a consistency proof from --old."""
    write_or_print(ledger.witness_request(settings(ctx), old), out, "the add-checkpoint request")


@ledger_app.command("add-cosignatures")
def add_cosignatures(ctx: typer.Context, file: Path = typer.Argument(..., help="What a witness returned: cosignature "
                                                                        "lines, or the whole cosigned checkpoint."),
                     witness: list[str] = typer.Option(..., "--witness", help="Verifier key of a witness to accept."),
                     size: int | None = typer.Option(None, "--size", help="The checkpoint size they cosign "
                                                                             "(default: read from FILE, else the latest).")) -> None:
    """Store witnesses' cosignatures, after checking each against the checkpoint it is for."""
    text = read_text(file)
    stored = ledger.add_cosignatures(settings(ctx), text, witness, size)
    if not stored:
        raise ConfigurationError("no cosignature by the given witnesses was found in the file")
    console.print(f"stored cosignatures by {', '.join(stored)}", highlight=False)


@ledger_app.command("open-commitment")
def open_commitment(ctx: typer.Context,
                    record: Path = typer.Argument(..., help="The accounting record (JSON) the commitment stands for."),
                    commitment: str = typer.Argument(..., help="The commitment as it appears in a ledger entry (hex).")) -> None:
    """For an authorised overseer: show that a ledger commitment stands for this accounting record.

    Exit 0 if the record opens the commitment, 1 if it does not. Only this gateway (which holds the
    commitment key) can answer; nobody else can reverse or test a commitment.
    """
    value = read_json_object(record)  # one JSON object in UTF-8, else exit 2
    if not ledger.open_commitment(settings(ctx), value, commitment):
        raise CommitmentMismatch(f"the record does not open commitment {commitment}")
    console.print(f"[green]opens[/]: the record is the one committed to by {commitment}", highlight=False)
