"""The application layer: what a user does with accord, as functions the faces call.

The public API (:mod:`accord`) and every face (the CLI, the report, the dashboard) call these
functions; none of them puts the pieces together itself. One module per task:

``scenarios``
    :func:`load` a scenario (a shipped name, a YAML file or directory, a KTAB CSV).
``seeds``
    :func:`check_seed`, the one door every seed goes through.
``forecast``
    :func:`forecast` a settlement with the bargaining models.
``simulate``
    :func:`simulate` a scenario's variants into a run store; :class:`Study` over stored runs.
``burden``
    :func:`burden`: the equilibrium, aid and exploitation analyses, with their figures.
``fit``
    :func:`fit` one of accord's fitted models.

Heavy libraries are imported inside the functions, so importing this package is cheap.
"""
