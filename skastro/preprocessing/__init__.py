"""skastro.preprocessing: transformers on catalogue columns.

Colours from magnitudes (``_colors``), magnitude <-> flux conversions
(``_magnitudes``), polar coordinates (``_polar``) and sky coordinates
(``_sky``), all built on the template in ``_base``.
"""

from skastro.preprocessing._colors import PhotometricColors
from skastro.preprocessing._magnitudes import FluxToMagnitude, MagnitudeToFlux
from skastro.preprocessing._polar import PolarTransformer
from skastro.preprocessing._sky import SkyCoordinateTransformer

__all__ = [
    "FluxToMagnitude",
    "MagnitudeToFlux",
    "PhotometricColors",
    "PolarTransformer",
    "SkyCoordinateTransformer",
]
