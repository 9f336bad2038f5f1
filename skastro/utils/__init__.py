"""Utilities: estimator discovery and shared validation."""

from skastro.utils._discovery import all_estimators

__all__ = ["all_estimators"]
