"""The coupled monthly simulation engine (see ``docs/simulation.md``).

``compile_spec(spec, scenario, seed=...)`` resolves a scenario's simulation section once;
``simulate_chunk(design_chunk, seed, spec=compiled)`` runs a chunk of experiments and returns
a :class:`~accord.experiments.spec.ChunkResult` (give it to ``run_experiments`` with
``functools.partial``).
"""

from accord.simulation.engine import (
    LEVERS,
    PARAMETERS,
    SERIES,
    CompiledSimulation,
    compile_spec,
    scalar_names,
    simulate_arrays,
    simulate_chunk,
    variant_design,
)

__all__ = [
    "LEVERS",
    "PARAMETERS",
    "SERIES",
    "CompiledSimulation",
    "compile_spec",
    "scalar_names",
    "simulate_arrays",
    "simulate_chunk",
    "variant_design",
]
