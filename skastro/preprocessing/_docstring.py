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
        unit : {"nJy", "Jy", "maggies"}, default="nJy"
            Unit of the fluxes; ``maggies`` are fluxes in units of 3631 Jy.
        asinh_softening : float, list of float or dict, default=None
            Softening :math:`b` per converted column (a float for all, a list
            in the order of the columns, or a dict column name -> b); ``None``
            for plain magnitudes. SDSS: u 1.4e-10, g 0.9e-10, r 1.2e-10,
            i 1.8e-10, z 7.4e-10.
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
            Softening per converted column.
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
