"""What the light-curve loaders share: reading, splitting per object, the Bunch.

Every light-curve loader (:mod:`._asas`, :mod:`._alerce`, :mod:`._bts`)
returns ``data`` as a list of per-object float64 arrays, one row per
observation, sorted by time, with columns ``(t, mag, err)`` for a single-band
set and ``(t, mag, err, band)`` for a multi-band one, where ``band`` is an
integer code into the Bunch's ``bands`` list. That is the form
:class:`skastro.lightcurve.LightCurveFeatures` accepts. With
``as_frame=True`` the Bunch also holds ``frame``, the same points as a long
table (one row per observation: id, time, mag, err, band, with band as its
name).
"""

from __future__ import annotations

import io
import tarfile
import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.utils import Bunch

from ._base import fetch_files

_LC_COLUMNS = ["time", "mag", "err", "band"]


def _read_tar_tables(path, *, suffix: str, header: bool):
    """Read every ``*suffix`` member of a tar archive as one CSV table.

    The members are concatenated in memory (nothing is extracted to disk) and
    parsed by one ``pandas.read_csv``; returns ``(names, table, counts)`` with
    the member stems, the rows of all members and the row count per member.
    """
    import pandas as pd

    names, chunks, counts = [], [], []
    head = None
    with tarfile.open(path, "r:*") as tar:
        for member in tar:
            if not (member.isfile() and member.name.endswith(suffix)):
                continue
            raw = tar.extractfile(member).read().strip()
            if header:
                first, _, raw = raw.partition(b"\n")
                if head is None:
                    head = first.strip()
                elif first.strip() != head:
                    raise ValueError(
                        f"{member.name} in {path} has the header {first!r}, "
                        f"expected {head!r} like the other light curves"
                    )
                raw = raw.strip()
            names.append(member.name.rsplit("/", 1)[-1][: -len(suffix)])
            counts.append(raw.count(b"\n") + 1 if raw else 0)
            if raw:
                chunks.append(raw)
    body = b"\n".join(chunks)
    if header and head is not None:
        body = head + b"\n" + body
    table = pd.read_csv(io.BytesIO(body), header=0 if header else None)
    if len(table) != sum(counts):
        raise ValueError(
            f"{path}: parsed {len(table)} rows but the members hold "
            f"{sum(counts)} lines (blank or broken lines inside a light curve)"
        )
    return names, table, np.asarray(counts)


@dataclass(frozen=True)
class _ArchiveSet:
    """A catalogue (CSV) and a tar archive of light curves, one member each.

    ``suffix`` and ``header`` describe the members (see
    :func:`_read_tar_tables`).
    """

    catalogue: str
    archive: str
    suffix: str
    header: bool

    def read(self, folder: str, data_home, download_if_missing: bool):
        """Fetch both files of ``folder`` and read them.

        Returns ``(catalogue, archive_path, names, table, counts)``: the
        catalogue as a DataFrame, then what :func:`_read_tar_tables` reads
        from the archive.
        """
        import pandas as pd

        catalogue_path, archive_path = fetch_files(
            folder,
            self.catalogue,
            self.archive,
            data_home=data_home,
            download_if_missing=download_if_missing,
        )
        names, table, counts = _read_tar_tables(
            archive_path, suffix=self.suffix, header=self.header
        )
        return pd.read_csv(catalogue_path), archive_path, names, table, counts


def _split_objects(ids, columns, counts, *, sort=True):
    """Cut stacked columns into one (n_i, n_columns) float64 array per object."""
    stacked = np.column_stack([np.asarray(c, dtype=np.float64) for c in columns])
    parts = np.split(stacked, np.cumsum(counts)[:-1]) if len(counts) else []
    if sort:
        parts = [p[np.argsort(p[:, 0], kind="stable")] for p in parts]
    return [np.ascontiguousarray(p) for p in parts]


def _drop_bad_points(ids, data, dataset: str):
    """Drop non-finite points, warning with the count (never silently)."""
    n_bad = 0
    out = []
    for lc in data:
        keep = np.isfinite(lc).all(axis=1)
        n_bad += int((~keep).sum())
        out.append(lc[keep] if not keep.all() else lc)
    if n_bad:
        warnings.warn(
            f"{dataset}: dropped {n_bad} observations with a non-finite time, "
            "magnitude or error",
            UserWarning,
            stacklevel=3,
        )
    return out, n_bad


def _long_frame(ids, data, bands):
    import pandas as pd

    n = np.array([len(lc) for lc in data])
    stacked = np.concatenate(data) if data else np.empty((0, 4))
    frame = pd.DataFrame(
        {
            "id": np.repeat(np.asarray(ids, dtype=object), n),
            "time": stacked[:, 0],
            "mag": stacked[:, 1],
            "err": stacked[:, 2],
        }
    )
    if stacked.shape[1] > 3:
        frame["band"] = np.asarray(bands, dtype=object)[stacked[:, 3].astype(int)]
    else:
        frame["band"] = bands[0]
    return frame


def _counts_text(target, target_names) -> str:
    counts = np.bincount(target, minlength=len(target_names))
    order = np.argsort(-counts, kind="stable")
    return ", ".join(f"{target_names[i]} {counts[i]}" for i in order)


def _finish(
    *, ids, data, target, target_names, bands, descr, as_frame, return_X_y, **extra
):
    if return_X_y:
        return data, target
    n_cols = data[0].shape[1] if data else 3
    return Bunch(
        data=data,
        target=target,
        target_names=np.asarray(target_names),
        feature_names=_LC_COLUMNS[:n_cols],
        bands=list(bands),
        ids=np.asarray(ids),
        frame=_long_frame(ids, data, bands) if as_frame else None,
        DESCR=descr,
        **extra,
    )
