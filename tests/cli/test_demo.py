"""``ftigate demo`` on a small scale: the whole flow, a summary, and safe to run twice."""

import re

import pytest


@pytest.mark.slow
def test_demo_runs_end_to_end_and_twice(cli, data_dir):
    first = cli("demo", "--people", "3000", "--subjects", "200")
    assert first.exit_code == 0, first.stderr
    out = first.stdout
    assert "DEMO-ENF/DEMO-" in out and "delivered" in out
    assert re.search(r"false disclosures against the generator's truth: 0\b", out)
    counts = dict(re.findall(r"│ (match|no_match|ambiguous|invalid)\s+│\s+([\d,]+) │", out))
    assert sum(int(v.replace(",", "")) for v in counts.values()) == 200
    assert int(counts["match"].replace(",", "")) > 0 and int(counts["invalid"].replace(",", "")) > 0
    report = re.search(r"full report: (\S+)", out).group(1)
    assert (data_dir / "reports").exists() and report.endswith(".md")
    second = cli("demo", "--people", "3000", "--subjects", "200")
    assert second.exit_code == 0, second.stderr
    assert "-000002" in second.stdout


@pytest.mark.slow
def test_the_demo_leaves_nothing_readable_by_others(cli, data_dir):
    """Its data directory holds a synthetic master file, the database and packages: private, even
    when the directory already existed open to all and the caller's umask is lax."""
    import os
    import stat

    data_dir.mkdir(mode=0o755)
    os.chmod(data_dir, 0o755)
    old = os.umask(0o022)
    try:
        assert cli("demo", "--people", "2000", "--subjects", "100").exit_code == 0
    finally:
        os.umask(old)
    shareable = (".pub", ".vkey", ".lock")
    open_to_others = [f"{p.relative_to(data_dir)} {stat.S_IMODE(p.stat().st_mode):o}" for p in data_dir.rglob("*")
                      if p.is_file() and stat.S_IMODE(p.stat().st_mode) & 0o077 and not p.name.endswith(shareable)]
    assert open_to_others == []
    assert stat.S_IMODE((data_dir / "demo").stat().st_mode) & 0o077 == 0
