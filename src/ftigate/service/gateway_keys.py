"""The gateway's own signing key for disclosure packages, kept in the data directory."""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ftigate.crypto import load_private_key, new_private_key, private_pem
from ftigate.settings import Settings


def package_signing_key(settings: Settings) -> Ed25519PrivateKey:
    """Created on first use (mode 0600); the public half is published with every package."""
    path = settings.keys_dir / "gateway-packages.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = new_private_key("ed25519")
        tmp = path.with_name(path.name + ".partial")
        tmp.write_text(private_pem(key), encoding="ascii")
        tmp.chmod(0o600)
        tmp.replace(path)
    return load_private_key(path.read_bytes(), "ed25519", source=str(path))
