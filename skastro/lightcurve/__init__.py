"""Features of irregular, multi-band light curves.

:class:`LightCurveFeatures` turns light curves into a feature table in a
scikit-learn pipeline; :func:`from_long_table` groups a long table (one row
per observation) into light curves; :func:`feature_definitions` gives the
one-line definition of every feature; :func:`periodogram` gives one light
curve's periodogram on the features' grid.
"""

from ._augment import LightCurveGPAugmenter
from ._dask import transform_dask
from ._periodogram import Periodogram, periodogram
from ._plan import feature_definitions
from ._sequence import LightCurveSequence, from_long_table
from ._transformer import LightCurveFeatures

__all__ = [
    "LightCurveGPAugmenter",
    "LightCurveFeatures",
    "LightCurveSequence",
    "Periodogram",
    "feature_definitions",
    "from_long_table",
    "periodogram",
    "transform_dask",
]
