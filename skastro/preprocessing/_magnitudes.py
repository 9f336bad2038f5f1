"""AB magnitudes <-> fluxes, plain and asinh (SDSS), in any flux-density unit."""

from __future__ import annotations

import numbers
import sys
from collections.abc import Mapping, Sequence

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from skastro.preprocessing._base import (
    InvertibleColumnTransformer,
    per_column,
    raise_at_first,
)
from skastro.preprocessing._docstring import fill_doc
from skastro.utils._units import (
    ab_zero_point,
    flux_unit,
    split_units,
    to_flux,
    to_magnitudes,
)
from skastro.utils._validation import as_float

#: AB zero point, 3631 Jy, expressed in each flux unit.
AB_ZERO_POINT = {"Jy": 3631.0, "nJy": 3631.0e9, "maggies": 1.0}

#: Largest plain-float asinh softening accepted, in maggies (AB mag 7.5).
MAX_SOFTENING = 1e-3


class _UnitCheck(type):
    def __instancecheck__(cls, val):
        module = sys.modules.get("astropy.units")
        return module is not None and isinstance(
            val, (module.UnitBase, module.FunctionUnitBase)
        )


class AstropyUnit(metaclass=_UnitCheck):
    """Parameter constraint: an astropy unit (checked without importing astropy)."""


_LN10_OVER_2_5 = np.log(10.0) / 2.5


def flux_to_mag(flux, zero_point, softening, labels, owner):
    """AB (or asinh) magnitudes of ``flux`` (n_samples, n_bands) in zero-point units.

    Plain magnitudes need flux > 0: anything else raises, naming column and row.

    Examples
    --------
    >>> import numpy as np
    >>> from skastro.preprocessing._magnitudes import flux_to_mag
    >>> flux_to_mag(np.array([[1e-9, 1e-8]]), 1.0, None, ["g", "r"], "Demo")
    array([[22.5, 20. ]])
    >>> flux_to_mag(np.array([[1e-9, 0.0]]), 1.0, np.array([1e-10, 1e-10]),
    ...             ["g", "r"], "Demo").round(2)  # asinh: finite at zero flux
    array([[22.49, 25.  ]])
    """
    x = flux / zero_point
    if softening is None:

        def message(row, k):
            value = flux[row, k]
            kind = "Negative values in data" if value < 0 else "Zero flux in data"
            return (
                f"{kind}: {owner} got flux {value} in column {labels[k]!r} at row "
                f"{row}; plain AB magnitudes need flux > 0 (give asinh_softening "
                "for asinh magnitudes, which accept any flux)."
            )

        raise_at_first(x <= 0, message)
        return -2.5 * np.log10(x)
    b = softening
    return -(np.arcsinh(x / (2.0 * b)) + np.log(b)) / _LN10_OVER_2_5


def mag_to_flux(mag, zero_point, softening):
    """Flux in zero-point units of AB (or asinh) magnitudes ``mag``.

    Examples
    --------
    >>> from skastro.preprocessing._magnitudes import mag_to_flux
    >>> float(mag_to_flux(22.5, 3631e9, None))  # 22.5 AB mag in nJy
    3631.0...
    """
    if softening is None:
        return zero_point * 10.0 ** (-0.4 * mag)
    b = softening
    return zero_point * 2.0 * b * np.sinh(-_LN10_OVER_2_5 * mag - np.log(b))


def softening_in_maggies(spec, owner: str):
    """``asinh_softening`` with flux-density Quantities converted to maggies.

    A plain number is a softening in maggies (units of 3631 Jy); one above
    :data:`MAX_SOFTENING` raises, naming the value, the unit assumed and the
    SDSS scale. Anything not numeric is returned as it is, for
    :func:`~skastro.preprocessing._base.per_column` to name.

    Examples
    --------
    >>> import astropy.units as u
    >>> from skastro.preprocessing._magnitudes import softening_in_maggies
    >>> softening_in_maggies({"g": 363.1 * u.nJy, "r": 1.2e-10}, "Demo")
    {'g': 1.0...e-10, 'r': 1.2e-10}
    >>> softening_in_maggies(1.0, "Demo")
    Traceback (most recent call last):
    ...
    ValueError: Demo: asinh_softening=1.0 is read in maggies ...
    """
    if isinstance(spec, Mapping):
        return {key: softening_in_maggies(value, owner) for key, value in spec.items()}
    plain, units = split_units(spec)
    if units is not None:
        maggies = plain / ab_zero_point(
            flux_unit(spec.unit, owner=owner, param="asinh_softening")
        )
        return float(maggies) if np.ndim(maggies) == 0 else maggies
    if isinstance(spec, (list, tuple)):
        return [softening_in_maggies(value, owner) for value in spec]
    try:
        values = np.ravel(np.asarray(spec, dtype=np.float64))
    except (TypeError, ValueError):
        return spec
    if (values > MAX_SOFTENING).any():
        value = float(values[values > MAX_SOFTENING][0])
        raise ValueError(
            f"{owner}: asinh_softening={value!r} is read in maggies (units of "
            f"3631 Jy, the AB zero point) and is above {MAX_SOFTENING} maggies "
            "(a softening brighter than AB magnitude 7.5), which makes no "
            "physical sense: b is about the sky noise of a band in maggies, as "
            "in SDSS b = 1.4e-10 (u), 0.9e-10 (g), 1.2e-10 (r), 1.8e-10 (i), "
            "7.4e-10 (z) maggies. Give b in maggies, or as a flux density "
            "Quantity such as 327 * u.nJy."
        )
    return spec


class _BaseMagnitudeFlux(InvertibleColumnTransformer):
    """Shared machinery of :class:`MagnitudeToFlux` and :class:`FluxToMagnitude`.

    Subclasses set ``_prefix`` (the output-name prefix), ``_reads_flux``
    (whether the converted columns are fluxes, else magnitudes), ``_convert``
    and ``_invert`` (the conversion of the selected columns and its inverse,
    one of :meth:`_to_flux` and :meth:`_to_mag` each).
    """

    _prefix = ""
    _reads_flux = False  # whether the converted columns are fluxes

    _parameter_constraints: dict = {
        "system": [StrOptions({"AB"})],
        "unit": [str, AstropyUnit],
        "asinh_softening": [
            Interval(numbers.Real, 0, None, closed="neither"),
            "array-like",
            dict,
            None,
        ],
        "columns": ["array-like", None],
    }

    def __init__(
        self,
        system: str = "AB",
        unit: str | object = "nJy",
        asinh_softening: float | Sequence[float] | Mapping | None = None,
        columns: Sequence[str | int] | None = None,
    ):
        self.system = system
        self.unit = unit
        self.asinh_softening = asinh_softening
        self.columns = columns

    def _fit(self, X, units):
        n_features = self.n_features_in_
        if self.columns is None:
            self.columns_ = list(range(n_features))
        else:
            self.columns_ = self._resolve(self.columns, "columns")
        self.softening_ = self._resolve_softening()
        if isinstance(self.unit, str) and self.unit in AB_ZERO_POINT:
            self.zero_point_ = AB_ZERO_POINT[self.unit]
        else:
            self.zero_point_ = ab_zero_point(self._flux_unit())
        # reject bad input (non-numeric, flux <= 0) already in fit
        as_float(self, X, range(n_features), allow_inf=True)
        self._forward(X, units)

    def _resolve_softening(self):
        if self.asinh_softening is None:
            return None
        labels = self._labels()
        softening = per_column(
            softening_in_maggies(self.asinh_softening, type(self).__name__),
            self.columns_,
            labels,
            owner=type(self).__name__,
            param="asinh_softening",
            noun=("softening", "value(s)"),
            kind="column",
            broadcast=True,
        )
        raise_at_first(
            softening <= 0,
            lambda k: (
                f"{type(self).__name__}: asinh_softening {softening[k]} for column "
                f"{labels[self.columns_[k]]!r} is not a positive finite number; "
                "expected b > 0 (SDSS: u 1.4e-10, g 0.9e-10, r 1.2e-10, "
                "i 1.8e-10, z 7.4e-10)."
            ),
        )
        return softening

    def _to_flux(self, mag):
        return mag_to_flux(mag, self.zero_point_, self.softening_)

    def _to_mag(self, flux):
        labels = self._labels()
        return flux_to_mag(
            flux,
            self.zero_point_,
            self.softening_,
            [labels[j] for j in self.columns_],
            type(self).__name__,
        )

    def _flux_unit(self):
        """``unit`` as an astropy unit."""
        return flux_unit(self.unit, owner=type(self).__name__)

    def _forward(self, X, units):
        """The converted columns ``columns_``, read from their units."""
        if units is None:
            block = as_float(self, X, self.columns_)
        elif self._reads_flux:
            block = self._physical(
                X, units, self.columns_, to_flux, target=self._flux_unit()
            )
        else:
            block = self._physical(X, units, self.columns_, to_magnitudes)
        return self._convert(block)

    def _transform(self, X, units) -> np.ndarray:
        out = as_float(self, X, range(X.shape[1]), allow_inf=True)
        out[:, self.columns_] = self._forward(X, units)
        return out

    def _inverse_transform(self, Z) -> np.ndarray:
        out = Z.copy()
        out[:, self.columns_] = self._invert(Z[:, self.columns_])
        return out

    def _names_out(self, names) -> list[str]:
        for j in self.columns_:
            names[j] = f"{self._prefix}{names[j]}"
        return names


@fill_doc
class MagnitudeToFlux(_BaseMagnitudeFlux):
    r"""Convert AB (or SDSS asinh) magnitudes into fluxes.

    Plain AB magnitudes [2]_:

    .. math:: f = f_0 \, 10^{-0.4 m}, \qquad f_0 = 3631\,\mathrm{Jy}.

    Asinh magnitudes [1]_ with softening :math:`b` (per band), as in SDSS:

    .. math::
        m = -\frac{2.5}{\ln 10}\left[\operatorname{asinh}
        \left(\frac{f/f_0}{2b}\right) + \ln b\right]
        \quad\Longleftrightarrow\quad
        f = 2 b f_0 \sinh\left(-\frac{\ln 10}{2.5} m - \ln b\right).

    The converted columns are named ``flux_<name>``; the others pass through
    unchanged, and NaN stays NaN. :meth:`inverse_transform` converts back.
    Magnitude columns in ``u.mag`` or ``u.ABmag`` (a QTable, a Table
    column's ``unit``) are read as AB magnitudes, the numbers an ABmag
    Quantity holds; astropy's own ``(m * u.ABmag).to(u.Jy)`` uses
    :math:`f_0 = 3630.78` Jy (48.60 in cgs) and agrees to 6e-5 relative.

    %(ab_sections)s

    See Also
    --------
    FluxToMagnitude : The inverse conversion.
    PhotometricColors : Colours from magnitudes.

    %(lupton_reference)s
    .. [2] J. B. Oke and J. E. Gunn, "Secondary standard stars for absolute
       spectrophotometry", ApJ 266, 713 (1983).

    Examples
    --------
    >>> import numpy as np
    >>> from skastro.preprocessing import MagnitudeToFlux
    >>> MagnitudeToFlux(unit="Jy").fit_transform(np.array([[0.0, 2.5, 31.4]]))
    array([[3.631e+03, 3.631e+02, 1.000e-09]])
    >>> sdss = MagnitudeToFlux(unit="maggies", asinh_softening=1.2e-10)
    >>> sdss.fit_transform(np.array([[22.0], [26.0]]))  # fainter than flux 0: < 0
    array([[ 1.575...e-09], [-3.219...e-10]])
    """

    _prefix = "flux_"
    _convert = _BaseMagnitudeFlux._to_flux
    _invert = _BaseMagnitudeFlux._to_mag


@fill_doc
class FluxToMagnitude(_BaseMagnitudeFlux):
    r"""Convert fluxes into AB (or SDSS asinh) magnitudes.

    Plain AB magnitudes :math:`m = -2.5 \log_{10}(f / 3631\,\mathrm{Jy})`
    need :math:`f > 0`; asinh magnitudes [1]_

    .. math::
        m = -\frac{2.5}{\ln 10}\left[\operatorname{asinh}
        \left(\frac{f/f_0}{2b}\right) + \ln b\right]

    are defined for any flux, zero and negative included, and approach the
    plain ones for :math:`f \gg b f_0`. The converted columns are named
    ``mag_<name>``; the others pass through unchanged, and NaN stays NaN.
    :meth:`inverse_transform` converts back. Flux columns with a unit are
    converted to ``unit`` first (a QTable column of 1 mJy gives 16.40 mag).

    %(ab_sections)s

    See Also
    --------
    MagnitudeToFlux : The inverse conversion.

    %(lupton_reference)s

    Examples
    --------
    >>> import numpy as np
    >>> from skastro.preprocessing import FluxToMagnitude
    >>> FluxToMagnitude(unit="nJy").fit_transform(np.array([[3631.0, 36310.0]]))
    array([[22.5, 20. ]])
    >>> FluxToMagnitude(unit="nJy").fit_transform(np.array([[-5.0]]))
    Traceback (most recent call last):
    ...
    ValueError: Negative values in data: FluxToMagnitude got flux -5.0 in ...
    >>> asinh = FluxToMagnitude(unit="maggies", asinh_softening=1.2e-10)
    >>> asinh.fit_transform(np.array([[-5e-11], [0.0]]))  # finite for any flux
    array([[25.0...], [24.8...]])
    >>> import astropy.units as u
    >>> from astropy.table import QTable
    >>> FluxToMagnitude().fit_transform(QTable({"f_g": [1.0, 3.631] * u.mJy}))
    array([[16.4...], [15. ]])
    """

    _prefix = "mag_"
    _reads_flux = True
    _convert = _BaseMagnitudeFlux._to_mag
    _invert = _BaseMagnitudeFlux._to_flux

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.positive_only = self.asinh_softening is None
        return tags
