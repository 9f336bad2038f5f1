"""One module per feature family, each exporting one :class:`Family`, ``FAMILY``.

These modules are light (no numba): each family's ``compute`` imports its
kernel from ``..kernels`` or ``..periodogram`` when it is first called.
"""
