"""Feature kernels, one module per family, over the packed batch.

``_registry`` (names and definitions) is light; the kernel modules import
numba and are only imported when features are computed.
"""
