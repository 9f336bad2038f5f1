"""skastro.preprocessing: transformers on catalogue columns.

Colours and magnitude/flux conversions (``_photometry``), polar and sky
coordinates (``_coordinates``).
"""

from skastro.preprocessing._coordinates import (
    PolarTransformer,
    SkyCoordinateTransformer,
)
from skastro.preprocessing._photometry import (
    FluxToMagnitude,
    MagnitudeToFlux,
    PhotometricColors,
)

__all__ = [
    "FluxToMagnitude",
    "MagnitudeToFlux",
    "PhotometricColors",
    "PolarTransformer",
    "SkyCoordinateTransformer",
]
