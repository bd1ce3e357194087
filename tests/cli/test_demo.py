"""``ftigate demo`` on a small scale: the whole flow, a summary, and safe to run twice."""

import re


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
