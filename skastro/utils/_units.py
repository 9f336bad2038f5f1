"""Units at the edge: read each input column's unit before it is stripped.

- :func:`split_units` returns the unit of every column of an astropy
  Table/QTable or a 2-D :class:`~astropy.units.Quantity` (``None`` for a
  plain column), before :func:`~skastro.utils._tables.table_to_frame` or
  scikit-learn's validation turn ``X`` into bare numbers;
- :func:`flux_unit` parses a flux-density unit given by name ("nJy",
  "maggies", "erg / (s cm2 Hz)") or as an astropy unit;
- :func:`to_flux`, :func:`to_degrees`, :func:`to_magnitudes` and
  :func:`to_unit` convert the columns read as floats into the unit a
  transformer computes in, or raise a ValueError naming the column, its
  unit and the physical type expected.

Maggies are astropy's ``u.maggy`` (``mgy``), 1 maggy = 3631 Jy through the
equivalency ``u.zero_point_flux(3631 Jy)``. astropy is imported only when a
unit is met.
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Sequence

import numpy as np

from skastro.utils._tables import is_astropy_table

__all__ = [
    "AB_ZERO_POINT_JY",
    "ab_zero_point",
    "flux_unit",
    "split_units",
    "to_degrees",
    "to_flux",
    "to_magnitudes",
    "to_unit",
]

#: The AB zero point in Jy (1 maggy); astropy's ``u.AB`` is 3630.78 Jy.
AB_ZERO_POINT_JY = 3631.0

# plural spellings astropy does not parse -> astropy's unit names
_PLURALS = {"maggies": "maggy", "nanomaggies": "nanomaggy"}

_FNU = "a spectral flux density per unit frequency (f_nu)"


def _units():
    import astropy.units as u

    return u


def _is_quantity(X) -> bool:
    module = sys.modules.get("astropy.units")
    return module is not None and isinstance(X, module.Quantity)


def _plain(unit):
    """``unit`` as an astropy unit, or ``None`` for no or a dimensionless unit."""
    if unit is None:
        return None
    u = _units()
    if isinstance(unit, u.UnrecognizedUnit) and str(unit) in _PLURALS:
        return u.Unit(_PLURALS[str(unit)])
    if unit == u.dimensionless_unscaled:
        return None
    return unit


def split_units(X):
    """Return ``X`` without units and the unit of each of its columns.

    Parameters
    ----------
    X : object
        Any input. Units are read from an astropy Table or QTable (the
        ``unit`` of each column) and from a 2-D Quantity (one unit for all
        columns); anything else has none.

    Returns
    -------
    X : object
        ``X`` itself, or the numbers of a Quantity (``X.value``).
    units : list of (astropy unit or None) or None
        One unit per column (``None`` for a plain or dimensionless column),
        or ``None`` when no column has a unit.

    Examples
    --------
    >>> import astropy.units as u
    >>> from astropy.table import QTable
    >>> from skastro.utils._units import split_units
    >>> split_units(QTable({"f": [1.0] * u.mJy, "z": [0.1]}))[1]
    [Unit("mJy"), None]
    >>> split_units([[1.0, 2.0]])
    ([[1.0, 2.0]], None)
    """
    if is_astropy_table(X):
        units = [_plain(getattr(X[name], "unit", None)) for name in X.colnames]
    elif _is_quantity(X):
        unit = _plain(X.unit)
        units = [unit] * (X.shape[1] if X.ndim == 2 else 1)
        X = X.value
    else:
        return X, None
    return X, (units if any(unit is not None for unit in units) else None)


def flux_unit(unit, *, owner: str, param: str = "unit"):
    """Parse ``unit`` as a flux density per unit frequency (astropy unit).

    Parameters
    ----------
    unit : str or astropy unit
        A name astropy parses ("nJy", "mJy", "erg / (s cm2 Hz)"), "maggies"
        or "nanomaggies", or a unit.
    owner, param : str
        The estimator and parameter named in the messages.

    Returns
    -------
    unit : astropy unit
        The parsed unit.

    Raises
    ------
    ValueError
        If ``unit`` does not parse, or is not a flux density per unit
        frequency (a per-wavelength f_lambda is refused).

    Examples
    --------
    >>> from skastro.utils._units import flux_unit
    >>> flux_unit("maggies", owner="Demo")
    Unit("mgy")
    >>> flux_unit("erg/s/cm2/Hz", owner="Demo")
    Unit("erg / (Hz s cm2)")
    >>> flux_unit("deg", owner="Demo")
    Traceback (most recent call last):
    ...
    ValueError: Demo: unit='deg' is a unit of angle; expected a spectral flux \
density per unit frequency (f_nu), such as 'nJy', 'Jy', 'maggies' or 'erg / (s cm2 Hz)'.
    """
    u = _units()
    parsed = unit
    if isinstance(unit, str):
        try:
            with warnings.catch_warnings():  # "erg/s/cm2/Hz": several slashes
                warnings.simplefilter("ignore", u.UnitsWarning)
                parsed = u.Unit(_PLURALS.get(unit.strip(), unit))
        except ValueError as exc:
            raise ValueError(
                f"{owner}: {param}={unit!r} is not a unit astropy can parse; "
                f"expected {_FNU}, such as 'nJy', 'Jy' or 'maggies'."
            ) from exc
    if _scale(parsed, u.Jy) is None:
        raise ValueError(
            f"{owner}: {param}={unit!r} is a unit of {_kind(parsed)}; expected "
            f"{_FNU}, such as 'nJy', 'Jy', 'maggies' or 'erg / (s cm2 Hz)'."
            + _f_lambda_hint(parsed)
        )
    return parsed


def ab_zero_point(unit) -> float:
    """The AB zero point, 3631 Jy, in the flux-density unit ``unit``.

    Examples
    --------
    >>> import astropy.units as u
    >>> from skastro.utils._units import ab_zero_point
    >>> ab_zero_point(u.mJy), ab_zero_point(u.maggy)
    (3631000.0, 1.0)
    """
    return AB_ZERO_POINT_JY * _scale(_units().Jy, unit)


def _is_logarithmic(unit) -> bool:
    u = _units()
    return isinstance(unit, u.FunctionUnitBase) or unit in (u.mag, u.dex, u.dB)


def _kind(unit) -> str:
    """The physical type of ``unit``, in words, for a message."""
    u = _units()
    if isinstance(unit, u.UnrecognizedUnit):
        return "a unit astropy does not know"
    if isinstance(unit, u.MagUnit) or unit == u.mag:
        return "magnitude"
    if _is_logarithmic(unit):
        return "logarithmic quantity"
    return str(unit.physical_type)


def _f_lambda_hint(unit) -> str:
    u = _units()
    if (
        isinstance(unit, u.UnrecognizedUnit)
        or _is_logarithmic(unit)
        or not unit.is_equivalent(u.erg / u.s / u.cm**3)
    ):
        return ""
    return (
        " A flux density per unit wavelength (f_lambda) needs its wavelength "
        "to convert: convert the column first, e.g. "
        "q.to(u.Jy, u.spectral_density(wavelength))."
    )


def _scale(unit, target) -> float | None:
    """The factor from ``unit`` to ``target``, or ``None`` if not convertible.

    Logarithmic units (magnitudes) convert only to themselves; maggies
    convert to flux densities through the AB zero point.
    """
    u = _units()
    if _is_logarithmic(unit) or _is_logarithmic(target):
        return 1.0 if unit == target else None
    zero_point = u.zero_point_flux(AB_ZERO_POINT_JY * u.Jy)
    try:
        return float(unit.to(target, equivalencies=zero_point))
    except (u.UnitsError, ValueError):  # ValueError: an unrecognised unit
        return None


def to_unit(
    block: np.ndarray,
    units: Sequence,
    labels: Sequence[str],
    target,
    *,
    owner: str,
    expected: str | None = None,
) -> np.ndarray:
    """Convert each column of ``block`` from its unit to ``target``.

    Parameters
    ----------
    block : ndarray of shape (n_samples, n_columns)
        The numbers, each column in its unit.
    units : sequence of (astropy unit or None)
        The unit of each column; ``None`` (plain numbers) is already in
        ``target``.
    labels : sequence of str
        The label of each column, for the message.
    target : astropy unit
        The unit wanted.
    owner : str
        The estimator named in the message.
    expected : str, default=None
        The physical type expected, in words; by default that of ``target``.

    Returns
    -------
    block : ndarray of shape (n_samples, n_columns)
        The numbers in ``target``.

    Raises
    ------
    ValueError
        For a column whose unit does not convert to ``target``, naming the
        column, its unit and the expected physical type.

    Examples
    --------
    >>> import numpy as np
    >>> import astropy.units as u
    >>> from skastro.utils._units import to_unit
    >>> to_unit(np.array([[1.0, 2.0]]), [u.kpc, None], ["x", "y"], u.pc,
    ...         owner="Demo")
    array([[1000.,    2.]])
    >>> to_unit(np.array([[1.0]]), [u.s], ["x"], u.pc, owner="Demo")
    Traceback (most recent call last):
    ...
    ValueError: Demo: column 'x' has unit 's' (time); expected length, \
convertible to 'pc', or plain numbers in 'pc'.
    """
    out = np.array(block, dtype=np.float64)
    for k, unit in enumerate(units):
        if unit is None:
            continue
        factor = _scale(unit, target)
        if factor is None:
            raise ValueError(
                f"{owner}: column {labels[k]!r} has unit {unit.to_string()!r} "
                f"({_kind(unit)}); expected {expected or _kind(target)}, "
                f"convertible to {target.to_string()!r}, or plain numbers in "
                f"{target.to_string()!r}." + _f_lambda_hint(unit)
            )
        if factor != 1.0:
            out[:, k] *= factor
    return out


def to_flux(block, units, labels, target, *, owner: str) -> np.ndarray:
    """Flux-density columns of ``block`` in ``target`` (see :func:`to_unit`).

    Examples
    --------
    >>> import numpy as np
    >>> import astropy.units as u
    >>> from skastro.utils._units import to_flux
    >>> to_flux(np.array([[1.0, 1.0]]), [u.mJy, u.maggy], ["f_g", "f_r"], u.Jy,
    ...         owner="Demo")
    array([[1.000e-03, 3.631e+03]])
    """
    return to_unit(block, units, labels, target, owner=owner, expected=_FNU)


def to_degrees(block, units, labels, *, owner: str) -> np.ndarray:
    """Angle columns of ``block`` in degrees (see :func:`to_unit`).

    Examples
    --------
    >>> import numpy as np
    >>> import astropy.units as u
    >>> from skastro.utils._units import to_degrees
    >>> to_degrees(np.array([[np.pi, 1.0]]), [u.rad, u.hourangle], ["ra", "h"],
    ...            owner="Demo").round(12)
    array([[180.,  15.]])
    """
    return to_unit(block, units, labels, _units().deg, owner=owner)


def to_magnitudes(block, units, labels, *, owner: str) -> np.ndarray:
    """Magnitude columns of ``block`` as AB magnitudes.

    ``u.mag`` and ``u.ABmag`` columns hold AB magnitudes (an ABmag Quantity's
    numbers are its magnitudes); any other unit is refused.

    Examples
    --------
    >>> import numpy as np
    >>> import astropy.units as u
    >>> from skastro.utils._units import to_magnitudes
    >>> to_magnitudes(np.array([[20.0, 21.0]]), [u.ABmag, u.mag], ["g", "r"],
    ...               owner="Demo")
    array([[20., 21.]])
    >>> to_magnitudes(np.array([[1.0]]), [u.Jy], ["g"], owner="Demo")
    Traceback (most recent call last):
    ...
    ValueError: Demo: column 'g' has unit 'Jy' (spectral flux density); expected \
magnitudes: 'mag' or 'mag(AB)' (read as AB magnitudes), or plain numbers.
    """
    u = _units()
    for k, unit in enumerate(units):
        if unit is not None and unit != u.mag and unit != u.ABmag:
            raise ValueError(
                f"{owner}: column {labels[k]!r} has unit {unit.to_string()!r} "
                f"({_kind(unit)}); expected magnitudes: 'mag' or 'mag(AB)' (read "
                "as AB magnitudes), or plain numbers."
            )
    return np.array(block, dtype=np.float64)
