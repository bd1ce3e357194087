"""The gateway's own signing key for disclosure packages, kept in the data directory."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ftigate.crypto import load_private_key, new_private_key, private_pem
from ftigate.settings import Settings
from ftigate.tabular import create_file_once


def package_signing_key(settings: Settings) -> Ed25519PrivateKey:
    """Created on first use (mode 0600); the public half is published with every package."""
    path = settings.keys_dir / "gateway-packages.key"
    if not path.exists():  # two first uses at once agree on one key: packages are never signed by a lost one
        create_file_once(path, private_pem(new_private_key("ed25519")))
    return load_private_key(path.read_bytes(), "ed25519", source=str(path))
