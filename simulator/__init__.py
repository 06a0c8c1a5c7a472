"""journeysim: offline simulator, validator and test harness for Adaptive Journeys."""

__version__ = "0.1.0"

__all__ = ["__version__"]
