"""Compiled (numba) kernels of the sampling, stats and variability families.

Imported by the families' ``compute`` only, when features are computed:
``import skastro.lightcurve`` does not load numba. Column ``j`` of a
kernel's output is feature ``j`` of its family (``FAMILY.features``).
"""
