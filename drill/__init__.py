"""Failure drills: a steady mixed load against the service while database faults are injected.

`python -m drill` (what `make drill` runs) starts its own native stack, runs every fault alone and
then all in sequence, and prints a report; the test suite runs short versions of the same drills.
"""
