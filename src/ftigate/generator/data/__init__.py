"""Pools the generator draws from: common names of many origins and US places.

Only ranked lists of common names and public place names live here, never a person's record.
Weights follow the rank within a list (a Zipf curve), not exact published counts: the point is a
realistic shape (a few very common names, a long tail), not a census.
"""
