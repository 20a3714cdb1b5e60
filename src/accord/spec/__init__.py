"""The shared value types of every layer: errors, frozen spec bases, sourced numbers, limits,
the outcome registry and valid JSON output.

* :mod:`accord.spec.errors` -- :class:`ScenarioError`, naming file, line and field;
* :mod:`accord.spec.base` -- the frozen pydantic bases of every spec;
* :mod:`accord.spec.sourced` -- numbers that carry their source;
* :mod:`accord.spec.limits` -- the bounds a spec's sizes must respect;
* :mod:`accord.spec.outcomes` -- every outcome of the engine, with label, unit and kind;
* :mod:`accord.spec.jsonout` -- JSON that is always valid (non-finite numbers as null).

Nothing here imports another accord package: this is the bottom layer.
"""
