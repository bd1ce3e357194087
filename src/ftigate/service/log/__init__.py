"""The tamper-evident log as the gateway keeps it: appending events in the caller's transaction,
checkpoints and tiles on disk, the overseer's witness, and the audit of stored decisions against
their commitments."""
