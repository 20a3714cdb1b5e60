"""The input fuzz test (issue 9): mutated scenarios, KTAB files and CLI options.

Derandomised: the cases come from a fixed seed, so CI runs the same cases every time (a
failure names the case, which reproduces by its seed and index). ``ACCORD_FUZZ_CASES`` and
``ACCORD_FUZZ_SEED`` run more or other cases; ``docs/fuzzing.md`` says how to run it bigger.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fuzzing import fuzz

CASES = int(os.environ.get("ACCORD_FUZZ_CASES", "200"))
SEED = int(os.environ.get("ACCORD_FUZZ_SEED", "20250301"))


@pytest.mark.slow
def test_fuzzed_inputs_give_a_result_or_one_clean_error(tmp_path: Path) -> None:
    tally = fuzz(CASES, SEED, tmp_path, seconds=120)
    assert tally.tried == CASES
    assert tally.failures == 0, tally.report()
    # The cases exercise both sides of the contract, and every command.
    assert tally.ok > CASES // 20 and tally.clean_errors > CASES // 4, tally.summary()
    assert set(tally.by_command) == {"validate", "forecast", "burden", "run"}, tally.summary()
