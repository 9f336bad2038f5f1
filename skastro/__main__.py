"""Command line: ``python -m skastro demo``, ``features`` and ``--version``.

``python -m skastro features INPUT -o OUTPUT --id oid --time mjd --mag mag``
reads a long table (one row per observation: CSV, Parquet, FITS, ECSV or
VOTable), computes :class:`~skastro.lightcurve.LightCurveFeatures` per object
and writes one row per object, the object id first.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

#: file suffixes read and written through pandas, and through astropy
_PANDAS_FORMATS = {
    ".csv": "csv",
    ".txt": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_ASTROPY_FORMATS = {
    ".fits": "fits",
    ".fit": "fits",
    ".fts": "fits",
    ".ecsv": "ascii.ecsv",
    ".vot": "votable",
    ".xml": "votable",
}


class CommandError(Exception):
    """A mistake in the command line's arguments or files (exit status 2)."""


def _format(path: Path) -> tuple[str, str]:
    suffixes = [s.lower() for s in path.suffixes]
    suffix = suffixes[-2] if suffixes[-1:] == [".gz"] and len(suffixes) > 1 else ""
    suffix = suffix or (suffixes[-1] if suffixes else "")
    if suffix in _PANDAS_FORMATS:
        return "pandas", _PANDAS_FORMATS[suffix]
    if suffix in _ASTROPY_FORMATS:
        return "astropy", _ASTROPY_FORMATS[suffix]
    known = sorted({*_PANDAS_FORMATS, *_ASTROPY_FORMATS})
    raise CommandError(
        f"{path}: unknown table format {suffix or '(no suffix)'!r}; expected one "
        f"of {known} (optionally .gz)."
    )


def read_table(path: str | Path):
    """Read a table file into a pandas DataFrame (FITS and VOTable via astropy).

    Examples
    --------
    >>> import pandas as pd, tempfile, os
    >>> from skastro.__main__ import read_table
    >>> path = os.path.join(tempfile.mkdtemp(), "lc.csv")
    >>> pd.DataFrame({"oid": ["a"], "mjd": [1.0]}).to_csv(path, index=False)
    >>> read_table(path).columns.tolist()
    ['oid', 'mjd']
    """
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise CommandError(f"{path}: no such file.")
    reader, fmt = _format(path)
    if reader == "pandas":
        return pd.read_csv(path) if fmt == "csv" else pd.read_parquet(path)
    from astropy.table import Table

    from skastro.utils._tables import table_to_frame

    table = Table.read(path, format=fmt)
    table.convert_bytestring_to_unicode()  # FITS text columns come as bytes
    return table_to_frame(table)


def write_table(frame, path: str | Path) -> None:
    """Write a DataFrame to CSV, Parquet, FITS, ECSV or VOTable by suffix."""
    path = Path(path)
    writer, fmt = _format(path)
    if writer == "pandas":
        if fmt == "csv":
            frame.to_csv(path, index=False)
        else:
            frame.to_parquet(path, index=False)
        return
    from astropy.table import Table

    Table.from_pandas(frame).write(path, format=fmt, overwrite=True)


def compute_features(
    table,
    *,
    id: str,
    time: str,
    mag: str,
    err: str | None = None,
    band: str | None = None,
    features: str | list[str] = "all",
    progress: bool = False,
    n_jobs: int | None = None,
    time_unit: str = "d",
):
    """Features of every object of a long table, one row per object.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per observation.
    id, time, mag, err, band : str
        Column names, as in :func:`skastro.lightcurve.from_long_table`.
    features : str or list of str, default="all"
        A preset or feature names, as in
        :class:`~skastro.lightcurve.LightCurveFeatures`.
    progress : bool, default=False
        Show a progress bar.
    n_jobs : int, default=None
        Parallel jobs for the feature extraction.
    time_unit : str, default="d"
        Unit of plain-number times (datetime and FITS time columns are read
        as MJD days whatever it is).

    Returns
    -------
    frame : pandas.DataFrame
        The object id (column named ``id``) followed by the features.

    Raises
    ------
    CommandError
        When a column is missing; the message lists the columns present.
    """
    from skastro.lightcurve import LightCurveFeatures, from_long_table

    given = {"--id": id, "--time": time, "--mag": mag, "--err": err, "--band": band}
    present = [str(c) for c in table.columns]
    for flag, column in given.items():
        if column is not None and column not in present:
            raise CommandError(
                f"column {column!r} (given as {flag}) is not in the input table; "
                f"its columns are {present}."
            )
    seq = from_long_table(
        table, id=id, time=time, mag=mag, err=err, band=band, time_unit=time_unit
    )
    lcf = LightCurveFeatures(features=features, progress=progress, n_jobs=n_jobs)
    out = lcf.set_output(transform="pandas").fit_transform(seq)
    out.insert(0, id, seq.ids)
    return out.reset_index(drop=True)


def _features_arg(text: str) -> str | list[str]:
    """A preset name stays a string; anything else is a list of feature names."""
    from skastro.lightcurve import LightCurveFeatures

    names = [name.strip() for name in text.split(",") if name.strip()]
    presets = LightCurveFeatures._parameter_constraints["features"][0].options
    return names[0] if len(names) == 1 and names[0] in presets else names


def _parser() -> argparse.ArgumentParser:
    from skastro import __version__

    parser = argparse.ArgumentParser(
        prog="python -m skastro", description="skastro: scikit-learn for astronomy"
    )
    parser.add_argument("--version", action="version", version=f"skastro {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser("demo", help="run the worked examples on real data")
    demo.add_argument(
        "--output", default="skastro_demo_output", help="folder for the figures"
    )
    demo.add_argument("--data-home", default=None, help="data cache folder")
    feats = sub.add_parser(
        "features",
        help="light-curve features of a long table (one row per observation)",
        description=(
            "Read a long table (CSV, Parquet, FITS, ECSV or VOTable; one row per "
            "observation), compute LightCurveFeatures per object and write one "
            "row per object, the id first."
        ),
    )
    feats.add_argument("input", help="input table file")
    feats.add_argument("-o", "--output", required=True, help="output table file")
    feats.add_argument("--id", required=True, help="object id column")
    feats.add_argument("--time", required=True, help="time column (days)")
    feats.add_argument("--mag", required=True, help="magnitude (or flux) column")
    feats.add_argument("--err", default=None, help="error column")
    feats.add_argument("--band", default=None, help="band (filter) column")
    feats.add_argument(
        "--features",
        type=_features_arg,
        default="all",
        help="preset (all, fast, fats) or comma-separated feature names",
    )
    feats.add_argument(
        "--time-unit", default="d", help="unit of plain-number times (d, h, s, ...)"
    )
    feats.add_argument("--n-jobs", type=int, default=None, help="parallel jobs")
    feats.add_argument(
        "--no-progress", action="store_true", help="no progress bar on stderr"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command == "demo":
        from skastro._demo import run_demo

        return run_demo(output=args.output, data_home=args.data_home)
    try:
        _format(Path(args.output))
        table = read_table(args.input)
        out = compute_features(
            table,
            id=args.id,
            time=args.time,
            mag=args.mag,
            err=args.err,
            band=args.band,
            features=args.features,
            progress=not args.no_progress,
            n_jobs=args.n_jobs,
            time_unit=args.time_unit,
        )
        write_table(out, args.output)
    except CommandError as exc:
        parser.error(str(exc))
    print(f"{len(out)} objects, {out.shape[1] - 1} features -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
