"""Each way of setting the gateway up wrong ends in one line saying what is wrong and what to do:
a non-zero exit, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest

RUN = [sys.executable, "-c", "from ftigate.cli.main import main; main()"]


def one_line(result) -> str:
    text = result.stderr.strip()
    assert result.exit_code != 0
    assert "Traceback" not in result.stderr + result.stdout and text.count("\n") == 0, result.stderr
    return text


@pytest.mark.parametrize("url, says", [
    ("postgresql+psycopg://postgres@127.0.0.1:5432/ftigate_missing_{}", "does not exist"),
    ("postgresql+psycopg://postgres@127.0.0.1:1/test", "cannot reach the database server"),
    ("mysql://someone@127.0.0.1/gateway", "names a database ftigate cannot use"),
    ("nosuchdriver://x/y", "names a database ftigate cannot use"),
    ("not a url", "names a database ftigate cannot use"),
])
def test_a_database_url_that_cannot_be_used(cli, monkeypatch, url, says):
    if "5432" in url:
        pytest.importorskip("psycopg")
    monkeypatch.setenv("FTIGATE_DATABASE_URL", url.format(uuid.uuid4().hex[:8]))
    text = one_line(cli("review", "list"))
    assert says in text and "FTIGATE_DATABASE_URL" in text


def test_a_password_in_the_url_is_never_shown(cli, monkeypatch):
    monkeypatch.setenv("FTIGATE_DATABASE_URL", "postgresql+psycopg://postgres:hunter2secret@127.0.0.1:1/test")
    text = one_line(cli("review", "list"))
    assert "hunter2secret" not in text and "***" in text


def test_a_data_directory_that_is_a_file(cli, tmp_path):
    home = tmp_path / "home"
    home.write_text("not a directory")
    text = one_line(cli("review", "list", data=home))
    assert "is a file, not a directory" in text


def test_ftigate_home_naming_a_file(tmp_path):
    home = tmp_path / "home"
    home.write_text("not a directory")
    env = {k: v for k, v in os.environ.items() if k != "FTIGATE_DATABASE_URL"} | {"FTIGATE_HOME": str(home)}
    done = subprocess.run([*RUN, "review", "list"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "is a file, not a directory" in done.stderr and done.stderr.strip().count("\n") == 0


def test_a_data_directory_whose_database_is_not_sqlite(cli, data_dir):
    data_dir.mkdir()
    (data_dir / "ftigate.sqlite3").write_text("these are somebody's notes, not a database\n" * 50)
    text = one_line(cli("review", "list"))
    assert "is not an SQLite database" in text


@pytest.mark.parametrize("variable, value", [("FTIGATE_SUBJECTS_PER_RECIPIENT", "lots"),
                                             ("FTIGATE_BATCH_SIZE_FACTOR", "nan"),
                                             ("FTIGATE_RECENT_DAYS", "3.5"),
                                             ("FTIGATE_DESTROY_WITHIN_DAYS", "")])
def test_a_threshold_that_is_not_a_number(cli, monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    text = one_line(cli("review", "list"))
    assert variable in text and "number" in text


def test_serve_on_a_port_that_does_not_exist(cli):
    result = cli("serve", "--port", "99999")
    flat = " ".join(result.stderr.replace("│", " ").split())
    assert result.exit_code == 2 and "Traceback" not in result.stderr and "--port" in flat and "65535" in flat


def test_a_report_piped_into_head_still_writes_its_page(gateway, data_dir, tmp_path):
    """The reader closes the pipe before the report is printed: the HTML page is written all the same,
    and the command ends quietly."""
    page = tmp_path / "period.html"
    env = {k: v for k, v in os.environ.items() if k != "FTIGATE_DATABASE_URL"}
    child = subprocess.Popen([*RUN, "--data-dir", str(data_dir), "report", "--from", "2025-03-17", "--to", "2025-04-07",
                              "--html", str(page)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    child.stdout.close()  # like `| head -0`: nobody reads
    _, err = child.communicate(timeout=300)
    assert child.returncode == 0, err.decode()
    assert b"Traceback" not in err and b"Exception ignored" not in err
    assert page.exists() and "<html" in page.read_text(encoding="utf-8").lower()
