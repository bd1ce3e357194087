"""The log's commitment key: read from its file once, yet never stale if the file is another one."""

from __future__ import annotations

import os

from ftigate.service.log import ledger
from ftigate.settings import Settings

RECORD = {"disclosure": 7, "disclosed_on": "2025-08-07", "agency": "DHS-ICE"}


def test_the_key_file_is_read_once_for_many_commitments(tmp_path, monkeypatch):
    settings = Settings(data_dir=tmp_path / "data")
    first = ledger.commitment(settings, RECORD)
    reads = []
    real = type(tmp_path).read_bytes

    def counting(self):
        reads.append(self.name)
        return real(self)

    monkeypatch.setattr(type(tmp_path), "read_bytes", counting)
    assert {ledger.commitment(settings, RECORD) for _ in range(100)} == {first}
    assert reads == []


def test_a_replaced_key_file_is_read_again(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    first = ledger.commitment(settings, RECORD)
    path = settings.keys_dir / ledger.COMMITMENT_KEY_FILE
    replacement = path.with_name("replacement")
    replacement.write_bytes(os.urandom(32))
    replacement.replace(path)
    assert ledger.commitment(settings, RECORD) != first
    assert ledger.open_commitment(settings, RECORD, ledger.commitment(settings, RECORD))
