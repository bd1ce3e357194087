"""``ftigate check REQUEST.json [--json]``: judge a request against the law; store nothing. Also
``ftigate rules`` (the rules of a policy version) and ``ftigate explain DECISION.json`` (a decision
re-explained under the policy version that made it).

Exit 0: it may proceed (flagged for review or not); 1: rejected; 2: the file is not a JSON object in
UTF-8. With ``--json`` exactly one JSON object is printed (docs/formats.md): decision, policy_version,
findings, subjects {total, valid, invalid}.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import NoReturn

import typer
from rich.table import Table
from rich.text import Text

from ftigate.cli.context import console, err_console, principal, remote, settings
from ftigate.cli.render import findings_overview, progress_bar
from ftigate.errors import InputError
from ftigate.jsonfile import read_json_object
from ftigate.law import POLICY_VERSION, Decision, explain_text, policy
from ftigate.service.admin.principal import authorise
from ftigate.service.requests.checking import LOCAL_OPERATOR, check_request, store_exists

#: this module's commands, registered on the ``ftigate`` command by :mod:`ftigate.cli.main`
app = typer.Typer()

#: subject-level findings listed in the table; the rest are counted (``--json`` lists every one)
#: a literal as the rules' docstrings write it (``subject_id``)
_LITERAL = re.compile(r"``([^`]+)``")
_DECISION_STYLE = {"proceed": "bold green", "review": "bold yellow", "rejected": "bold red"}


def _render(decision: Decision, path: Path, show_all: bool) -> None:
    """Review flags first, then the request's findings, then the subjects' by rule; lines wrap between
    words, so no rule id or reference is cut at any width. Requester text is shown as written."""
    console.print(Text(f"Findings for {path.name} (policy {decision.policy_version})", style="bold"))
    for part in findings_overview(decision.findings, show_all=show_all):
        console.print(part)
    s = decision
    console.print(f"subjects: {s.total:,} in all, {s.valid:,} valid, {s.invalid:,} invalid")
    console.print(f"decision: [{_DECISION_STYLE[s.decision]}]{s.decision}[/]")


@app.command("check")
def check(
    ctx: typer.Context,
    request: Path = typer.Argument(..., help="The request (JSON, UTF-8); its subjects inline or in subjects_file."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object (decision, policy_version, findings, subjects)."),
    show_all: bool = typer.Option(False, "--all", help="List every finding, passes and each subject's included."),
) -> None:
    """Check a request against the law and the registry of the data directory; stores no request.

    Exit 0 if it may proceed (with or without review flags), 1 if rejected, 2 if the file is not a JSON
    object in UTF-8. The check compares the subjects with the agency's earlier ones, which is return
    information, so it is for a disclosure officer, a supervisor or an overseer, proven by their own
    token ($FTIGATE_TOKEN or --token-file), and a check that tells them a subject was asked about
    before is recorded in the ledger (check.made) in their name. A data directory with no store yet
    knows no registry and no earlier subject: checked against it, every request is rejected, nothing
    is created and no person is needed. With ``--server``, the gateway checks (inline subjects only),
    as the person whose token is given, and records it as every check over HTTP.
    """
    client = remote(ctx)
    if client is not None:  # the gateway checks, as the proven person, and records it as over HTTP
        try:
            with client:
                decision = Decision.from_json(client.check(request))
        except OSError as exc:
            raise InputError(f"cannot read: {exc.strerror}", file=str(request)) from None
        _answer(decision, request, as_json, show_all)
    s = settings(ctx)
    asker = LOCAL_OPERATOR
    if store_exists(s):  # what the store knows is return information: the person must be proven, and may
        person = principal(ctx)
        authorise(s, person, "requests.check")
        asker = person.id
    with progress_bar() as progress:
        checked = check_request(s, request, progress, asker=asker)
    for note in checked.notes:  # on stderr: with --json, standard output stays one object
        err_console.print(f"warning: {note}", highlight=False, markup=False)
    _answer(checked.decision, request, as_json, show_all)


def _answer(decision: Decision, request: Path, as_json: bool, show_all: bool) -> NoReturn:
    """Print the verdict as the contract says and exit with its code."""
    if as_json:
        typer.echo(json.dumps(decision.to_json(), ensure_ascii=False))
    else:
        _render(decision, request, show_all)
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
    outcomes = Counter(str(f.get("outcome")) for f in findings)
    decision = data.get("decision")
    stated = decision if isinstance(decision, str) and decision else "(the file does not say)"
    console.print(f"Decision: {stated}: {outcomes.get('fail', 0)} finding(s) failed, {outcomes.get('review', 0)} "
                  f"flagged for review, {outcomes.get('pass', 0)} passed", highlight=False, markup=False, soft_wrap=True)
    # the rules' explanations are docstrings: ``name`` reads as 'name' on a terminal
    console.print(_LITERAL.sub(r"'\1'", text), highlight=False, markup=False, soft_wrap=True)
