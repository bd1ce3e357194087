"""The administrator's and the official's commands, and their errors on bad input."""

import json

from ftigate.crypto import load_public_key, verify_request


def test_keys_new_makes_the_right_kinds(cli, tmp_path):
    assert cli("keys", "new", tmp_path / "off").exit_code == 0
    assert cli("keys", "new", tmp_path / "rcpt", "--for", "officer").exit_code == 0
    load_public_key((tmp_path / "off.pub").read_text(), "ed25519")
    load_public_key((tmp_path / "rcpt.pub").read_text(), "x25519")
    again = cli("keys", "new", tmp_path / "off")
    assert again.exit_code != 0 and "already exists" in again.stderr


def test_registry_load_twice_changes_nothing(cli, world):
    first = cli("registry", "load", world.registry_path, as_="admin-0")
    assert first.exit_code == 0 and "8 entries" in first.stdout
    second = cli("registry", "load", world.registry_path, as_="admin-0")
    assert second.exit_code == 0 and "unchanged" in second.stdout


def test_registry_errors_name_file_and_field(cli, world, tmp_path):
    bad = json.loads(world.registry_path.read_text())
    bad["officials"][0]["public_key"] = bad["officers"][0]["public_key"]  # an X25519 key where Ed25519 belongs
    p = tmp_path / "bad.json"
    p.write_text(json.dumps(bad))
    r = cli("registry", "load", p, as_="admin-0")
    assert r.exit_code == 2 and "officials.0.public_key" in r.stderr and "Ed25519" in r.stderr
    bad = json.loads(world.registry_path.read_text())
    bad["officials"][0]["valid_from"] = "2025-02-30"
    p.write_text(json.dumps(bad))
    r = cli("registry", "load", p, as_="admin-0")
    assert r.exit_code == 2 and "officials.0.valid_from" in r.stderr
    bad = json.loads(world.registry_path.read_text())
    bad["officers"][0]["agency"] = "NOPE"
    p.write_text(json.dumps(bad))
    r = cli("registry", "load", p, as_="admin-0")
    assert r.exit_code == 2 and "unknown agency 'NOPE'" in r.stderr and "officers.0.agency" in r.stderr
    p.write_text("[1, 2]")
    assert cli("registry", "load", p, as_="admin-0").exit_code == 2
    p.write_bytes(b"\xff\xfe{")
    r = cli("registry", "load", p, as_="admin-0")
    assert r.exit_code == 2 and str(p) in r.stderr and "Traceback" not in r.stderr


def test_sign_covers_the_subjects_file(cli, world):
    (world.dir / "subjects.csv").write_text("subject_id,first_name,middle_name,last_name,suffix,date_of_birth,"
                                            "address_line1,address_line2,city,state,zip\n"
                                            "S1,Ann,,Example,,,1 Main St,,Springfield,IL,62701\n")
    req = world.request(subjects=None)
    del req["subjects"]
    req["subjects_file"] = "subjects.csv"
    path = world.write(req, sign=False)
    r = cli("sign", path, "--key", world.dir / "official.key")
    assert r.exit_code == 0, r.stderr
    signed = json.loads(path.read_text())
    pub = load_public_key(world.registry["officials"][0]["public_key"])
    assert len(signed["subjects_sha256"]) == 64 and verify_request(signed, pub)
    signed["subjects_sha256"] = "0" * 64
    assert not verify_request(signed, pub)


def test_sign_refuses_a_key_of_the_wrong_type(cli, world):
    path = world.write(world.request(), sign=False)
    r = cli("sign", path, "--key", world.dir / "ice-ero-0001.key")
    assert r.exit_code == 2 and "not Ed25519" in r.stderr and "ice-ero-0001.key" in r.stderr
    (world.dir / "junk.key").write_text("not a key")
    r = cli("sign", path, "--key", world.dir / "junk.key")
    assert r.exit_code == 2 and "junk.key" in r.stderr


def test_sign_refuses_a_file_that_is_not_a_json_object(cli, tmp_path, world):
    p = tmp_path / "r.json"
    p.write_text('"just a string"')
    r = cli("sign", p, "--key", world.dir / "official.key")
    assert r.exit_code == 2 and "JSON object" in r.stderr


def test_a_new_data_directory_is_private_to_its_owner(cli, world, data_dir):
    assert cli("registry", "load", world.registry_path, as_="admin-0").exit_code == 0
    assert data_dir.stat().st_mode & 0o777 == 0o700
