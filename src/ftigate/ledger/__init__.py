"""The tamper-evident ledger, as pure functions: no database, no files, no clock.

Every event of the gateway is an entry in an append-only Merkle tree, in the formats of the
transparency-log ecosystem so that overseers can check it with tools nobody here wrote:

* :mod:`~ftigate.ledger.hashing`: RFC 6962 leaf and node hashes, tree roots;
* :mod:`~ftigate.ledger.proofs`: inclusion and consistency proofs, produced and verified;
* :mod:`~ftigate.ledger.tiles`: the C2SP tlog-tiles layout (hash tiles, entry bundles, paths);
* :mod:`~ftigate.ledger.notes`: C2SP signed notes, Ed25519 keys and verifier keys;
* :mod:`~ftigate.ledger.checkpoints`: C2SP tlog-checkpoint, the signed tree head;
* :mod:`~ftigate.ledger.cosignatures`: C2SP tlog-cosignature, a witness's signature;
* :mod:`~ftigate.ledger.witness`: what a witness decides (C2SP tlog-witness add-checkpoint);
* :mod:`~ftigate.ledger.tlog_proof`: C2SP tlog-proof, one entry's offline proof;
* :mod:`~ftigate.ledger.verify`: the standalone verifier that names the first tampered entry;
* :mod:`~ftigate.ledger.entries`, :mod:`~ftigate.ledger.privacy`, :mod:`~ftigate.ledger.commitments`:
  what an entry may hold, and the keyed commitments that stand in for taxpayers.

Storage is in :mod:`ftigate.store.ledger_store`; the use cases in :mod:`ftigate.service.log.ledger`.
"""
