"""The gateway's use cases, one wing per capability; each owns its transactions, so a decision and its
ledger entry commit together or not at all.

- ``requests``: a request's lifecycle, from the law's check and intake through review, matching and
  disclosure.
- ``delivery``: the sealed package, its download, and the recipient's certificate of destruction or
  return (26 U.S.C. 6103(p)(4)(F)).
- ``admin``: the registry, staff, their credentials and the withhold list.
- ``oversight``: accounting, reports and incidents for the inspector general, the courts and Congress.
- ``log``: the tamper-evident ledger, its files, the witness and the audit of decisions against it.

``store_access`` is what they share: one transaction and one clock.
"""
