"""Synthetic data: the project's only source of personal data, and none of it real.

Two entry points:

* :func:`generate_master` writes a taxpayer master file of N people over several tax periods
  (households, movers, and the hard cases: father and son of one name at one address, twins,
  namesakes next door), streamed chunk by chunk, the same bytes for the same seed;
* :func:`generate_request` draws a request batch from it with controlled noise, people who are
  not taxpayers and the bad rows real lists carry, and writes the truth for every subject.

See docs/generator.md for the kinds of row and what a correct gateway must answer to each.
"""

from ftigate.generator.households import CASE_COLUMNS, CASE_KINDS
from ftigate.generator.master import DEFAULT_PERIODS, MasterSummary, cases_path, generate_master
from ftigate.generator.request import (
    KINDS,
    REQUEST_COLUMNS,
    TRUTH_COLUMNS,
    RequestMix,
    RequestSummary,
    generate_request,
)

__all__ = [
    "CASE_COLUMNS", "CASE_KINDS", "DEFAULT_PERIODS", "KINDS", "REQUEST_COLUMNS", "TRUTH_COLUMNS",
    "MasterSummary", "RequestMix", "RequestSummary", "cases_path", "generate_master", "generate_request",
]
