"""Light-curve features: the registry, the family declarations and the kernels.

- ``_registry``: the one list of features, collected from ``families/``;
- ``families/``: one module per family, each exporting ``FAMILY`` (names,
  definitions, minimum points, parameters, ``compute``); light;
- ``kernels/`` and ``periodogram/``: the compiled kernels (numba), imported
  by a family's ``compute`` when features are computed;
- ``_batch``, ``_segments``: the packed batch the kernels read;
- ``_multiband``: the colours between bands;
- ``_reference``: pure-numpy references for the tests.

A new family is a module in ``families/`` (its ``FAMILY``), its kernel, and
one line in ``_registry.FAMILIES``.
"""
