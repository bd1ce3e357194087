"""The citations the rules enforce, written once, as the findings show them.

Citations follow the form "26 U.S.C. 6103(i)(2)(B)(ii)" (no section sign): the title, then the
citation exactly as docs/law.md's table of requirements writes it for the item, so that a finding can be
checked against it word for word and reads the same in JSON output, in the store and in docs/law.md.
"""

from __future__ import annotations

USC26 = "26 U.S.C. "

#: L1: who may ask: the head of the agency, its inspector general, or (DOJ) the officials listed
WHO_MAY_ASK = USC26 + "6103(i)(2)(A)"
#: L2: the request is in writing (form: format, members, one subjects source)
IN_WRITING = USC26 + "6103(i)(2)(B)"
#: L3: the name and address of the taxpayer
NAME_AND_ADDRESS = USC26 + "6103(i)(2)(B)(i)"
#: L4: the taxable period or periods
TAXABLE_PERIODS = USC26 + "6103(i)(2)(B)(ii)"
#: L5: the statutory authority under which the proceeding or investigation is conducted
STATUTORY_AUTHORITY = USC26 + "6103(i)(2)(B)(iii)"
#: L6: the specific reason or reasons why disclosure is, or may be, relevant
SPECIFIC_REASON = USC26 + "6103(i)(2)(B)(iv)"
#: L7: a specifically designated Federal criminal statute not involving tax administration (read with
#: 6103(i)(1)(A)(i) and 26 C.F.R. 301.6103(i)-1)
CRIMINAL_STATUTE = USC26 + "6103(i)(2)(A), 6103(i)(1)(A)(i)"
#: L8: officers and employees personally and directly engaged, solely for use in the investigation
RECIPIENTS = USC26 + "6103(i)(2)(A)"
#: L9: return information other than taxpayer return information; taxpayer identity (with the
#: definitions of return information, taxpayer return information and taxpayer identity)
INFORMATION = USC26 + "6103(i)(2)(C), 6103(b)(2), (b)(3), (b)(6)"
#: L10: no disclosure that would identify a confidential informant or impair a tax investigation
WITHHOLDING = USC26 + "6103(i)(6)"
#: L11: the recipient agency's safeguards, conditions (A) to (F) (an en dash, as docs/law.md writes it)
SAFEGUARDS = USC26 + "6103(p)(4)(A)\u2013(F)"
