"""Getting a disclosure to its named recipients only, and back: sealed packages, the gateway's signing
key, and certificates of destruction or return (26 U.S.C. 6103(i)(2)(A), 6103(p)(4)(F))."""
