"""Light-curve features for a Dask DataFrame of observations (long format).

Dask is an optional dependency (``pip install "skastro[dask]"``): it is
imported inside :func:`transform_dask`, never when skastro is imported.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.utils.validation import check_is_fitted

__all__ = ["transform_dask"]

_SHUFFLE_METHODS = ("tasks", "p2p", "disk", None)


def transform_dask(
    transformer: Any,
    ddf: Any,
    *,
    id: str,
    time: str,
    mag: str,
    err: str | None = None,
    band: str | None = None,
    shuffle_method: str | None = "tasks",
    time_unit: str = "d",
) -> Any:
    """Compute light-curve features for a Dask DataFrame of observations.

    ``ddf`` holds one row per observation (the long format of alert streams
    and survey databases: ZTF, LSST). The observations are first gathered
    so that every object lies in a single partition, then each partition is
    turned into light curves with :func:`~skastro.lightcurve.from_long_table`
    and passed to ``transformer.transform``. The work runs on whatever Dask
    scheduler is active: a :class:`distributed.Client` (local or remote
    cluster), or Dask's default local scheduler.

    Parameters
    ----------
    transformer : fitted transformer
        A fitted :class:`~skastro.lightcurve.LightCurveFeatures`, or any fitted
        transformer (e.g. a :class:`~sklearn.pipeline.Pipeline` starting with
        one) whose ``transform`` accepts the output of
        :func:`~skastro.lightcurve.from_long_table` and which has
        ``get_feature_names_out``. It is shipped to the workers, so it must
        pickle (every skastro estimator does).
    ddf : dask.dataframe.DataFrame
        Observations in long format, one row per observation. The object
        identifier may be a column or the index.
    id : str
        Name of the column (or index) identifying the object.
    time : str
        Name of the time column.
    mag : str
        Name of the magnitude (or flux) column.
    err : str, default=None
        Name of the column of uncertainties; ``None`` for unit errors.
    band : str, default=None
        Name of the column of passbands (strings or integers); ``None`` for
        a single band.
    shuffle_method : {"tasks", "p2p", "disk"} or None, default="tasks"
        How Dask moves the observations of one object into one partition when
        that is not already so. ``"tasks"`` survives the loss of a worker
        in the middle of the shuffle; ``None`` lets Dask choose. When
        ``ddf`` is already indexed by ``id`` with known divisions (after
        ``ddf.set_index(id)``), no shuffle happens.
    time_unit : str or astropy unit, default="d"
        Unit of plain-number times, as in
        :func:`~skastro.lightcurve.from_long_table`.

    Returns
    -------
    features : dask.dataframe.DataFrame
        One row per object, indexed by ``id``, with the transformer's
        ``get_feature_names_out()`` as float64 columns. Lazy: call
        ``.compute()`` or ``.to_parquet(...)``. Rows come partition by
        partition, sorted by id within a partition; use ``sort_index()``
        on the computed frame for a global order.

    Raises
    ------
    TypeError
        If ``ddf`` is not a Dask DataFrame.
    ValueError
        If a named column is missing, or ``shuffle_method`` is unknown.
    sklearn.exceptions.NotFittedError
        If ``transformer`` is not fitted.

    See Also
    --------
    skastro.lightcurve.from_long_table : The same long table, in memory.
    skastro.lightcurve.LightCurveFeatures : The feature transformer.

    Notes
    -----
    The result equals, row for row, ``transformer.transform(from_long_table(
    df, id=..., ...))`` on the same observations in memory: each partition is
    the in-memory computation on a subset of whole objects, and the features
    of an object depend only on its own observations.

    Examples
    --------
    >>> import dask.dataframe as dd
    >>> import numpy as np
    >>> import pandas as pd
    >>> from skastro.lightcurve import (
    ...     LightCurveFeatures, from_long_table, transform_dask)
    >>> rng = np.random.default_rng(0)
    >>> obs = pd.DataFrame({
    ...     "oid": np.repeat(["a", "b", "c"], 20),
    ...     "mjd": np.tile(np.arange(20.0), 3),
    ...     "mag": rng.normal(18.0, 0.1, 60),
    ...     "fid": np.tile([1, 2], 30),
    ... })
    >>> ddf = dd.from_pandas(obs, npartitions=2)
    >>> columns = dict(id="oid", time="mjd", mag="mag", band="fid")
    >>> lcf = LightCurveFeatures(features=["n_obs", "median"], bands=[1, 2])
    >>> lcf = lcf.fit(from_long_table(obs.head(10), **columns))
    >>> features = transform_dask(lcf, ddf, **columns)
    >>> features.compute().sort_index().round(3)
         n_obs_1  median_1  n_obs_2  median_2
    oid
    a       10.0    17.946     10.0    17.995
    b       10.0    17.969     10.0    18.029
    c       10.0    18.031     10.0    18.068
    """
    import dask.dataframe as dd

    if not isinstance(ddf, dd.DataFrame):
        raise TypeError(
            f"transform_dask expects ddf to be a dask.dataframe.DataFrame; got "
            f"{type(ddf).__name__}. For an in-memory table use "
            "transformer.transform(from_long_table(table, ...))."
        )
    if shuffle_method not in _SHUFFLE_METHODS:
        raise ValueError(
            f"shuffle_method={shuffle_method!r} is not supported; expected one "
            f"of {list(_SHUFFLE_METHODS)!r}."
        )
    check_is_fitted(transformer)
    if not hasattr(transformer, "get_feature_names_out"):
        raise TypeError(
            f"transformer {type(transformer).__name__} has no "
            "get_feature_names_out; transform_dask needs the feature names "
            "to build the output columns."
        )
    names = [str(n) for n in transformer.get_feature_names_out()]

    value_columns = {"time": time, "mag": mag, "err": err, "band": band}
    id_is_index = ddf.index.name == id and id not in ddf.columns
    missing = {
        role: col
        for role, col in {"id": id, **value_columns}.items()
        if col is not None
        and col not in ddf.columns
        and not (role == "id" and id_is_index)
    }
    if missing:
        raise ValueError(
            f"transform_dask: column(s) {missing!r} not found in ddf; the "
            f"columns are {list(ddf.columns)!r} (index {ddf.index.name!r})."
        )

    used = [c for c in value_columns.values() if c is not None]
    if id_is_index:
        if ddf.known_divisions:
            # set_index(id) puts every value of the index in one partition
            grouped = ddf[used].reset_index()
        else:
            grouped = _shuffle(ddf[used].reset_index(), id, shuffle_method)
    else:
        grouped = _shuffle(ddf[[id, *used]], id, shuffle_method)

    id_dtype = grouped[id].dtype
    meta = pd.DataFrame(
        {name: pd.Series(dtype=np.float64) for name in names},
        index=pd.Index([], dtype=id_dtype, name=id),
    )
    return grouped.map_partitions(
        _transform_partition,
        transformer,
        names=names,
        id=id,
        time=time,
        mag=mag,
        err=err,
        band=band,
        time_unit=time_unit,
        meta=meta,
        enforce_metadata=False,
        align_dataframes=False,
    )


def _shuffle(ddf, id, shuffle_method):
    if ddf.npartitions == 1:
        return ddf
    return ddf.shuffle(on=id, shuffle_method=shuffle_method)


def _transform_partition(
    part, transformer, *, names, id, time, mag, err, band, time_unit
):
    """Features of every object of one partition (all its rows are there)."""
    from skastro.lightcurve import from_long_table

    index_dtype = part[id].dtype
    if len(part) == 0:
        return pd.DataFrame(
            {name: pd.Series(dtype=np.float64) for name in names},
            index=pd.Index([], dtype=index_dtype, name=id),
        )
    # sorted by id (stable), so that the objects come out in sorted-id order
    # whatever order from_long_table keeps: first appearance or sorted ids;
    # a partition read from data sorted by object needs no sort
    if not part[id].is_monotonic_increasing:
        part = part.sort_values(id, kind="stable")
    curves = from_long_table(
        part, id=id, time=time, mag=mag, err=err, band=band, time_unit=time_unit
    )
    X = np.asarray(transformer.transform(curves), dtype=np.float64)
    ids = np.asarray(curves.ids) if hasattr(curves, "ids") else pd.unique(part[id])
    if X.shape != (len(ids), len(names)):
        raise ValueError(
            f"transform_dask: the transformer returned shape {X.shape} for a "
            f"partition of {len(ids)} objects; expected ({len(ids)}, "
            f"{len(names)}) = (objects, get_feature_names_out())."
        )
    return pd.DataFrame(
        X, index=pd.Index(ids, dtype=index_dtype, name=id), columns=names
    )
