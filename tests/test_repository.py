"""The repository stands on its own: no file points to documents that are not part of it.

The law, its citations and the file formats are carried by the repository's own docs
(docs/law.md, docs/formats.md); code, docs and reports cite the statute, never an outside brief.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: names of documents outside the repository (spelled in pieces so this file does not name them)
OUTSIDE = tuple(name + ".md" for name in ("LAW", "SYSTEM"))
#: directories that are not the project's own files when the tree is walked without git
NOT_OURS = {".git", ".venv", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis"}


def project_files() -> list[Path]:
    """Every file git tracks or would track (untracked but not ignored), else every file of the tree."""
    try:
        out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],  # nosec B603 B607  # a fixed argv; git from PATH, in a test
                             cwd=ROOT, capture_output=True, check=True).stdout
        names = [n for n in out.decode().split("\0") if n]
        return [ROOT / n for n in names if (ROOT / n).is_file()]
    except (OSError, subprocess.CalledProcessError):
        return [p for p in ROOT.rglob("*") if p.is_file() and not NOT_OURS & set(p.relative_to(ROOT).parts)]


def test_no_file_mentions_a_document_outside_the_repository():
    files = project_files()
    assert any(p.name == "law.md" for p in files)
    offenders = []
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), 1):
            if any(name in line for name in OUTSIDE):
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert not offenders, "mentions of documents outside the repository: " + ", ".join(offenders)


def test_the_law_and_the_contract_are_in_the_repository_s_own_docs():
    law = (ROOT / "docs" / "law.md").read_text(encoding="utf-8")
    formats = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    for item in range(1, 15):
        assert f"| L{item} |" in law
    for finding in ("Center for Taxpayer Rights v. IRS", "Treasury Inspector General", "42,695"):
        assert finding in law
    for member in ("request_id", "subjects_sha256", "taxable_periods", "ftigate-request/1", "match_probability"):
        assert member in formats


def _pins(names: list[str]) -> dict[str, str]:
    """``name==version`` pins as {normalised name: version}."""
    import re

    out = {}
    for spec in names:
        match = re.match(r"\s*([A-Za-z0-9._-]+)(?:\[[^\]]*\])?\s*==\s*([^\s;]+)", spec)
        assert match, f"not pinned with ==: {spec}"
        out[re.sub(r"[-_.]+", "-", match.group(1)).lower()] = match.group(2)
    return out


def _locked(path: Path) -> dict[str, str]:
    import re

    locked = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==(\S+)", line)
        if match:
            locked[re.sub(r"[-_.]+", "-", match.group(1)).lower()] = match.group(2)
    return locked


def test_the_lock_files_hold_every_pin_of_pyproject_with_hashes():
    """scripts/setup installs from requirements/*.txt with --require-hashes: a pin changed in pyproject.toml
    without running scripts/lock would install something else, or nothing."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = _pins(project["dependencies"])
    extras = {**runtime, **_pins(project["optional-dependencies"]["test"]), **_pins(project["optional-dependencies"]["spark"])}
    for lock, wanted in (("runtime.txt", runtime), ("test.txt", extras)):
        path = ROOT / "requirements" / lock
        locked = _locked(path)
        stale = {name: version for name, version in wanted.items() if locked.get(name) != version}
        assert not stale, f"requirements/{lock} is stale for {stale}: run scripts/lock"
        text = path.read_text(encoding="utf-8")
        assert text.count("==") <= text.count("--hash=sha256:"), "every locked package carries its hashes"
