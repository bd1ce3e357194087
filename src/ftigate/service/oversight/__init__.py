"""What overseers read: the permanent accounting of disclosures (26 U.S.C. 6103(p)(3)(A)), reports
for the Joint Committee on Taxation (6103(p)(3)(C)), and incidents with their clocks (6103(p)(4),
7431(e))."""
