"""Bounds on what accord accepts and runs, and estimates of what a job will cost.

Two kinds of bound (see ``docs/scenario-format.md``, "Limits"):

* **Hard limits** on input, checked while loading, never overridden: the size of every
  input file (:data:`MAX_FILE_BYTES`), the number of actors and issues of a scenario, the
  magnitude of every number (:data:`accord.spec.base.MAX_MAGNITUDE`). They keep the loader
  itself fast and the models' arithmetic finite.
* **Caps** on the size of a job (forecast: draws x actors x issues through each model;
  run: experiments x months): above :data:`MAX_JOB_SECONDS` estimated seconds or
  :data:`MAX_JOB_BYTES` estimated memory a command refuses with the estimate, unless given
  ``--force``; above :data:`ANNOUNCE_SECONDS` it prints the estimate before it starts.

The estimates are rough (a factor of two either way), calibrated on the 2-core machine the
project runs on; their purpose is to tell minutes from hours and megabytes from gigabytes.

The one default seed (:data:`DEFAULT_SEED`) and the one seed range check (:func:`check_seed`)
live here too, so that every layer can use them (docs/experiments.md, "Randomness").
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

from accord.spec.errors import ScenarioError

#: Largest input file (scenario YAML, section YAML, positions CSV, KTAB CSV): 10 MB. The
#: shipped flagship scenario is about 0.1 MB in all; a file 100 times larger is a mistake.
MAX_FILE_BYTES = 10 * 1024 * 1024
#: Most actors in a scenario. The round-based models cost O(actors^2) to O(actors^3) per
#: round, so a thousand actors already takes minutes per draw with SMP.
MAX_ACTORS = 1000
#: Most issues in a scenario.
MAX_ISSUES = 100

#: A job estimated above these is refused unless ``--force`` is given.
MAX_JOB_SECONDS = 600.0
MAX_JOB_BYTES = 4 * 1024**3
#: A job estimated above this prints its estimate on stderr before it starts.
ANNOUNCE_SECONDS = 10.0


@dataclass(frozen=True)
class Estimate:
    """What a job is expected to cost: wall-clock seconds and peak memory in bytes."""

    what: str
    seconds: float
    bytes: float

    def text(self) -> str:
        return (
            f"{self.what}: estimated {_duration(self.seconds)} and "
            f"{self.bytes / 1024**3:.1f} GiB of memory"
        )

    @property
    def over_cap(self) -> bool:
        return self.seconds > MAX_JOB_SECONDS or self.bytes > MAX_JOB_BYTES

    def check(self, *, force: bool, field: str) -> None:
        """Refuse a job over the cap unless forced (one ScenarioError naming the option)."""
        if self.over_cap and not force:
            raise ScenarioError(
                None,
                f"job too large: {self.text()}; pass --force to run it anyway",
                field=field,
                expected=f"at most {_duration(MAX_JOB_SECONDS)} and "
                f"{MAX_JOB_BYTES / 1024**3:.0f} GiB",
            )


def _duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


# Seeds: one default and one range check, used by every command, API verb and layer.

#: The seed used when none is given: the same in every command, the API, the Makefile and
#: the fits' fixed draws (docs/experiments.md, "Randomness").
DEFAULT_SEED = 20250301

#: Seeds lie in ``[0, SEED_LIMIT)``: non-negative (``SeedSequence``) and a signed 64-bit
#: integer (DuckDB's ``BIGINT`` in the run catalogue, ``meta.json``).
SEED_LIMIT = 2**63


def check_seed(seed: object, *, field: str = "seed") -> int:
    """Return ``seed`` as an ``int`` after checking ``0 <= seed < 2**63``: the one range check.

    Raises
    ------
    ScenarioError
        For a bool, a non-integer or a number out of range (one line, exit code 2 in the CLI).
    """
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ScenarioError(
            None,
            "a seed is a whole number",
            field=field,
            expected="an integer in [0, 2**63)",
            found=seed,
        )
    value = int(seed)
    if not 0 <= value < SEED_LIMIT:
        raise ScenarioError(
            None, "seed out of range", field=field, expected="an integer in [0, 2**63)", found=value
        )
    return value
