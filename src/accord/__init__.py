"""accord: an exploratory-modelling workbench for the transatlantic security system
around the war in Ukraine (burden-sharing, bargaining, war termination, ceasefire
durability, public support), vectorised over batches of uncertain futures."""

from accord.errors import ScenarioError

__version__ = "0.1.0"
__all__ = ["ScenarioError", "__version__"]
