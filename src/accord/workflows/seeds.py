"""The one door every seed goes through.

A seed seeds ``numpy.random.SeedSequence`` and is stored in a run's identity (``meta.json``
and the catalogue's ``BIGINT`` column), so it must be a whole number in ``[0, 2**63)``. It is
checked here, before anything is read or written, for every command that takes one.
"""

from __future__ import annotations

import numbers

from accord.spec.errors import ScenarioError

#: Seeds lie in ``[0, SEED_LIMIT)``: non-negative (``SeedSequence``) and a signed 64-bit
#: integer (DuckDB's ``BIGINT`` in the run catalogue).
SEED_LIMIT = 2**63


def check_seed(seed: object, *, field: str = "seed") -> int:
    """Return ``seed`` as an ``int`` after checking ``0 <= seed < 2**63``.

    Raises
    ------
    ScenarioError
        For a bool, a non-integer or a number out of range (one line, exit code 2 in the CLI).
    """
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ScenarioError(None, "a seed is a whole number", field=field,
                            expected="an integer in [0, 2**63)", found=seed)
    value = int(seed)
    if not 0 <= value < SEED_LIMIT:
        raise ScenarioError(None, "seed out of range", field=field,
                            expected="an integer in [0, 2**63)", found=value)
    return value
