"""What administrators and staff manage: the registry of agencies, officials, officers and statutes,
the staff and their credentials, and the withhold list (26 U.S.C. 6103(i)(6))."""
