"""A request's lifecycle: the law's check, intake, review with dual control, identity resolution and
disclosure of the minimum (26 U.S.C. 6103(i)(2))."""
