"""Docstring text shared by the preprocessing transformers, written once.

The pieces are filled in by :func:`skastro.utils._docstrings.fill_doc` (a
line holding only ``%(name)s``), which every subpackage uses.
"""

from __future__ import annotations

from skastro.utils._docstrings import fill_doc as shared_fill_doc

_FITTED_COLUMNS = """\
        n_features_in_ : int
            Number of columns seen in :meth:`fit`.
        feature_names_in_ : ndarray of shape (n_features_in_,)
            Column names seen in :meth:`fit`, when ``X`` had string names."""

DOCS = {
    "fitted_columns": _FITTED_COLUMNS,
    "remainder_": """\
        remainder_ : list of int
            Positions of the columns passed through.""",
    "ab_sections": """\
        Parameters
        ----------
        system : {"AB"}, default="AB"
            Photometric system (zero point 3631 Jy).
        unit : str or astropy unit, default="nJy"
            Unit of the fluxes: "nJy", "Jy", "maggies" (fluxes in units of
            3631 Jy, astropy's ``u.maggy``), or any flux density per unit
            frequency that astropy parses ("mJy", "uJy", "erg/s/cm2/Hz",
            ``u.mJy``); a per-wavelength f_lambda unit is refused. Plain
            fluxes, in and out, are numbers in this unit; flux columns with
            a unit (a QTable, a Table column's ``unit``, a Quantity) are
            converted to it, and any other unit raises a ValueError naming
            the column, its unit and the physical type expected.
        asinh_softening : float, Quantity, list or dict, default=None
            Softening :math:`b` per converted column (one value for all, a
            list in the order of the columns, or a dict column name -> b);
            ``None`` for plain magnitudes. A plain number is in **maggies**
            (units of 3631 Jy, whatever ``unit`` is): :math:`b f_0` is the
            flux at which the magnitudes turn from logarithmic to linear,
            about the sky noise of the band, e.g. SDSS u 1.4e-10,
            g 0.9e-10, r 1.2e-10, i 1.8e-10, z 7.4e-10 maggies. A plain
            number above 1e-3 maggies (a softening brighter than AB
            magnitude 7.5) raises a ValueError. A flux-density Quantity
            (``327 * u.nJy``) is converted to maggies.
        columns : list of str or int, default=None
            The columns to convert (names or indices); ``None`` converts all.
            Other columns pass through unchanged.

        Attributes
        ----------
"""
    + _FITTED_COLUMNS
    + """
        columns_ : list of int
            Positions of the converted columns.
        softening_ : ndarray of shape (n_columns,) or None
            Softening per converted column, in maggies.
        zero_point_ : float
            3631 Jy in ``unit``.""",
    "lupton_reference": """\
        References
        ----------
        .. [1] R. H. Lupton, J. E. Gunn and A. S. Szalay, "A Modified Magnitude
           System that Produces Well-Behaved Magnitudes, Colors, and Errors
           Even for Low Signal-to-Noise Ratio Measurements", AJ 118, 1406
           (1999).""",
}


def fill_doc(obj):
    """:func:`skastro.utils._docstrings.fill_doc` with the pieces above too.

    Examples
    --------
    >>> from skastro.preprocessing._docstring import fill_doc
    >>> @fill_doc
    ... class Demo:
    ...     '''Demo.
    ...
    ...     Attributes
    ...     ----------
    ...     %(remainder_)s
    ...     '''
    >>> print(Demo.__doc__.splitlines()[4])
        remainder_ : list of int
    """
    return shared_fill_doc(obj, docs=DOCS)
