"""``ftigate check REQUEST.json [--json]``: judge a request against the law; store nothing. Also
``ftigate rules`` (the rules of a policy version) and ``ftigate explain DECISION.json`` (a decision
re-explained under the policy version that made it).

Exit 0: it may proceed (flagged for review or not); 1: rejected; 2: the file is not a JSON object in
UTF-8. With ``--json`` exactly one JSON object is printed (docs/formats.md): decision, policy_version,
findings, subjects {total, valid, invalid}.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from ftigate.cli.context import console, settings
from ftigate.cli.render import progress_bar
from ftigate.errors import InputError
from ftigate.jsonfile import read_json_object
from ftigate.law import POLICY_VERSION, Decision, explain_text, policy
from ftigate.service.requests.checking import check_request_file

#: this module's commands, registered on the ``ftigate`` command by :mod:`ftigate.cli.main`
app = typer.Typer()

#: subject-level findings listed in the table; the rest are counted (``--json`` lists every one)
SUBJECT_ROWS_SHOWN = 50
_STYLE = {"pass": "green", "fail": "bold red", "review": "yellow"}
_DECISION_STYLE = {"proceed": "bold green", "review": "bold yellow", "rejected": "bold red"}


def _render(decision: Decision, path: Path) -> None:
    table = Table(title=f"Findings for {path.name} (policy {decision.policy_version})")
    for column in ("outcome", "rule", "citation", "subject", "message"):
        table.add_column(column, overflow="fold")
    rules = policy(decision.policy_version)
    about_subject = [f.subject_id is not None or getattr(rules.rule(f.rule), "scope", None) == "subject"
                     for f in decision.findings]
    request_level = [f for f, own in zip(decision.findings, about_subject, strict=True) if not own]
    subject_level = [f for f, own in zip(decision.findings, about_subject, strict=True) if own]
    for f in request_level + subject_level[:SUBJECT_ROWS_SHOWN]:
        # requester-supplied text may look like Rich markup: shown as written
        table.add_row(f"[{_STYLE[f.outcome]}]{f.outcome}[/]", escape(f.rule), escape(f.citation),
                      escape(f.subject_id or ""), escape(f.message))
    if len(subject_level) > SUBJECT_ROWS_SHOWN:
        table.caption = f"{len(subject_level) - SUBJECT_ROWS_SHOWN:,} more subject findings not shown (use --json)"
    console.print(table)
    s = decision
    console.print(f"subjects: {s.total:,} in all, {s.valid:,} valid, {s.invalid:,} invalid")
    console.print(f"decision: [{_DECISION_STYLE[s.decision]}]{s.decision}[/]")


@app.command("check")
def check(
    ctx: typer.Context,
    request: Path = typer.Argument(..., help="The request (JSON, UTF-8); its subjects inline or in subjects_file."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object (decision, policy_version, findings, subjects)."),
) -> None:
    """Check a request against the law and the registry of the data directory; stores nothing.

    Exit 0 if it may proceed (with or without review flags), 1 if rejected, 2 if the file is not a JSON
    object in UTF-8.
    """
    with progress_bar() as progress:
        decision = check_request_file(settings(ctx), request, progress)
    if as_json:
        typer.echo(json.dumps(decision.to_json(), ensure_ascii=False))
    else:
        _render(decision, request)
    raise typer.Exit(decision.exit_code)


@app.command("rules")
def list_rules(
    version: str = typer.Option(POLICY_VERSION, "--policy", help="The policy version whose rules to list."),
) -> None:
    """List every rule of a policy version: id, citation, scope and the statute's words."""
    table = Table(title=f"Rules of policy {version}")
    for column in ("rule", "citation", "scope", "the law's words"):
        table.add_column(column, overflow="fold")
    for r in policy(version).rules:
        table.add_row(r.id, r.citation, r.scope, r.words)
    console.print(table)


@app.command("explain")
def explain_decision(
    decision_file: Path = typer.Argument(..., help="A decision as `ftigate check --json` prints it."),
) -> None:
    """Re-explain a decision under the policy version that made it: each finding with its rule's
    citation, the statute's words and the rule's explanation as they stood in that version."""
    data = read_json_object(decision_file)  # one JSON object in UTF-8, else exit 2
    version, findings = data.get("policy_version"), data.get("findings")
    if not isinstance(version, str) or not isinstance(findings, list) or not all(isinstance(f, dict) for f in findings):
        raise InputError("not a decision: 'policy_version' and a list of 'findings' are required", file=str(decision_file))
    try:
        text = explain_text(findings, version)
    except (KeyError, TypeError) as exc:
        raise InputError(f"a finding lacks a member ({exc})", file=str(decision_file)) from None
    console.print(text, highlight=False, markup=False, soft_wrap=True)
