"""The one door every seed goes through, at the API's edge.

A seed seeds ``numpy.random.SeedSequence`` and is stored in a run's identity (``meta.json``
and the catalogue's ``BIGINT`` column), so it must be a whole number in ``[0, 2**63)``. It is
checked (:func:`check_seed`, defined once in :mod:`accord.spec.limits` with the default
seed; the registry of stream keys is :mod:`accord.experiments.rng`) before anything is read
or written, for every command that takes one.

The verbs take ``seed=`` and, after numpy's SPEC 7, ``rng=`` (:func:`resolve_seed`).
"""

from __future__ import annotations

from typing import Any

from accord.experiments.rng import seed_from
from accord.spec.errors import ScenarioError
from accord.spec.limits import DEFAULT_SEED, SEED_LIMIT, check_seed

__all__ = ["DEFAULT_SEED", "SEED_LIMIT", "check_seed", "resolve_seed"]


def resolve_seed(
    seed: Any = None, rng: Any = None, *, default: int = DEFAULT_SEED, field: str = "seed"
) -> int:
    """The run's root seed from ``seed=`` and ``rng=`` (numpy SPEC 7), checked.

    Precedence: at most one of the two may be given.
    - ``rng`` an integer: it is the seed (as ``seed=`` would be);
    - ``rng`` a ``numpy.random.Generator``: one integer is drawn from it (advancing it) and
      used as the root seed, so the result is reproducible from the recorded seed;
    - neither: ``default`` (:data:`DEFAULT_SEED`). Unlike SPEC 7, ``None`` does not mean fresh
      OS entropy: every run records a seed and reruns bit for bit.

    Raises
    ------
    ScenarioError
        Both given, an ``rng`` of another type, or a seed out of range.
    """
    if rng is not None and seed is not None:
        raise ScenarioError(
            None,
            "give seed= or rng=, not both",
            field="rng",
            expected="one of seed, rng",
            found="both",
        )
    if rng is None:
        return check_seed(default if seed is None else seed, field=field)
    import numpy as np

    if isinstance(rng, np.random.Generator):
        return seed_from(rng)
    if isinstance(rng, np.random.BitGenerator | np.random.SeedSequence | np.random.RandomState):
        raise ScenarioError(
            None,
            "rng must be an int or a numpy.random.Generator",
            field="rng",
            expected="int | numpy.random.Generator | None",
            found=type(rng).__name__,
        )
    return check_seed(rng, field="rng")
