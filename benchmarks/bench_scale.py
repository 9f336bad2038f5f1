"""Scale figures: LightCurveFeatures on 10^6 light curves, in memory and on Dask;
HierarchicalClassifier on 10^6 rows. Prints, never asserts.

Each measurement runs in its own subprocess, so that its peak memory is its
own. Peak memory is sampled (psutil, every 0.1 s) over the subprocess and all
its children: for the Dask runs that is the client, the scheduler (in the
client process) and the two worker processes together.

1. ``LightCurveFeatures`` in memory: ``--n`` light curves of ``--points``
   points (one band, times with irregular gaps, magnitudes and errors),
   packed in a :class:`~skastro.lightcurve.LightCurveSequence`, one
   ``transform`` call. Throughput with and without generating the input.
2. The same light curves on a ``distributed.LocalCluster`` (2 worker
   processes, 1 thread each): each partition of the Dask DataFrame is
   generated on a worker (as a partitioned Parquet dataset would be read),
   indexed by object id with known divisions (so no shuffle is needed), then
   :func:`~skastro.lightcurve.transform_dask`. The ratio Dask / in-memory
   (generation included on both sides) is printed. ``--shuffle`` drops the
   divisions and makes ``transform_dask`` shuffle the observations first.
3. ``HierarchicalClassifier`` (default estimator, a two-level taxonomy of
   four imbalanced classes, ``n_jobs=2``) fitted on ``--rows`` rows x 50
   float32 features: fit time, predict time on 10^5 rows, peak memory.

Finally the LSST estimate: how many workers like these would transform one
night of 10^7 light curves in 10 minutes, from the measured Dask throughput
per worker.

Usage::

    python benchmarks/bench_scale.py                  # 10^6 curves, 10^6 rows
    python benchmarks/bench_scale.py --n 20000 --rows 50000   # a quick run
    python benchmarks/bench_scale.py --only dask --shuffle
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import threading
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import numpy as np

GIB = 2.0**30
LSST_NIGHT = 10**7
NIGHT_SECONDS = 600.0


# --- data ---------------------------------------------------------------------


def make_packed(start: int, stop: int, n_points: int):
    """Light curves ``start..stop-1``: flat (t, m, err) float64 + offsets.

    Seeded by ``start``, so that a partition is the same wherever it is made.
    """
    rng = np.random.default_rng(start)
    n = stop - start
    gaps = rng.exponential(3.0, size=(n, n_points))
    t = np.cumsum(gaps, axis=1).ravel()
    del gaps
    period = rng.uniform(0.3, 30.0, size=(n, 1))
    amp = rng.uniform(0.0, 0.5, size=(n, 1))
    phase = t.reshape(n, n_points) / period
    m = 18.0 + amp * np.sin(2 * np.pi * phase)
    del phase
    m += rng.normal(0.0, 0.02, size=(n, n_points))
    m = m.ravel()
    err = np.full(n * n_points, 0.02)
    offsets = np.arange(n + 1, dtype=np.int64) * n_points
    return t, m, err, offsets


def make_partition(bounds, n_points: int):
    """One partition of the long table, indexed by object id."""
    import pandas as pd

    start, stop = bounds
    t, m, err, _ = make_packed(start, stop, n_points)
    ids = np.repeat(np.arange(start, stop, dtype=np.int64), n_points)
    return pd.DataFrame(
        {"mjd": t, "mag": m, "magerr": err}, index=pd.Index(ids, name="oid")
    )


# --- child measurements (each in its own process) ------------------------------


def child_lcf_memory(args) -> dict:
    from skastro.lightcurve import LightCurveFeatures, LightCurveSequence

    start = time.perf_counter()
    t, m, err, offsets = make_packed(0, args.n, args.points)
    seq = LightCurveSequence(t, m, err, None, offsets, np.arange(args.n))
    generate = time.perf_counter() - start
    lcf = LightCurveFeatures(features=args.features).fit(seq[:10])
    lcf.transform(seq[:10])  # compile / load the kernels outside the timing
    start = time.perf_counter()
    X = lcf.transform(seq)
    seconds = time.perf_counter() - start
    return {
        "generate_s": generate,
        "transform_s": seconds,
        "n_features": X.shape[1],
        "input_gib": 3 * t.nbytes / GIB,
        "output_gib": X.nbytes / GIB,
        "finite_fraction": float(np.isfinite(X).mean()),
    }


def child_lcf_dask(args) -> dict:
    import dask.dataframe as dd
    import distributed

    from skastro.lightcurve import (
        LightCurveFeatures,
        LightCurveSequence,
        transform_dask,
    )

    per_part = max(1, min(args.n, args.partition_size))
    bounds = [(s, min(s + per_part, args.n)) for s in range(0, args.n, per_part)]
    divisions = [b[0] for b in bounds] + [args.n - 1]
    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            memory_limit=args.worker_memory,
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.wait_for_workers(2)
        ddf = dd.from_map(
            make_partition,
            bounds,
            n_points=args.points,
            divisions=None if args.shuffle else divisions,
        )
        t, m, err, offsets = make_packed(0, 10, args.points)
        small = LightCurveSequence(t, m, err, None, offsets, np.arange(10))
        lcf = LightCurveFeatures(features=args.features).fit(small)
        client.run(lcf.transform, small)  # warm the workers' kernels
        columns = dict(id="oid", time="mjd", mag="mag", err="magerr")
        start = time.perf_counter()
        features = transform_dask(lcf, ddf, **columns).compute()
        seconds = time.perf_counter() - start
    return {
        "total_s": seconds,
        "n_rows": len(features),
        "n_partitions": len(bounds),
        "n_features": features.shape[1],
        "unique_ids": bool(features.index.is_unique),
    }


def child_hierarchical(args) -> dict:
    from skastro.ensemble import HierarchicalClassifier

    rng = np.random.default_rng(0)
    n, p = args.rows, 50
    y = rng.choice(4, size=n, p=[0.6, 0.3, 0.08, 0.02])
    X = rng.standard_normal((n, p), dtype=np.float32)
    X[:, :5] += y[:, None].astype(np.float32)  # classes differ in 5 features
    X[:, 5] += (y >= 2).astype(np.float32)
    names = np.asarray(["RRL", "EB", "CEP", "RCB"])[y]
    taxonomy = {"common": ["RRL", "EB"], "rare": ["CEP", "RCB"]}
    clf = HierarchicalClassifier(taxonomy, n_jobs=2, random_state=0)
    start = time.perf_counter()
    clf.fit(X, names)
    fit_s = time.perf_counter() - start
    X_test = X[: min(n, 100_000)]
    start = time.perf_counter()
    pred = clf.predict(X_test)
    predict_s = time.perf_counter() - start
    return {
        "fit_s": fit_s,
        "predict_s": predict_s,
        "n_predict": len(X_test),
        "train_accuracy": float(np.mean(pred == names[: len(X_test)])),
        "X_gib": X.nbytes / GIB,
    }


CHILDREN = {
    "lcf-memory": child_lcf_memory,
    "lcf-dask": child_lcf_dask,
    "hierarchical": child_hierarchical,
}


# --- parent: run a child, sample its tree's memory ------------------------------


def _tree_rss(proc, cpu: dict) -> int:
    """RSS summed over ``proc`` and its descendants; records each one's CPU
    seconds (user + system) in ``cpu``, by pid."""
    import psutil

    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    for p in procs:
        try:
            with p.oneshot():
                total += p.memory_info().rss
                times = p.cpu_times()
                cpu[p.pid] = times.user + times.system
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return total


def run_child(name: str, argv: list[str]) -> dict:
    import psutil

    cmd = [sys.executable, os.path.abspath(__file__), "--child", name, *argv]
    popen = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    proc = psutil.Process(popen.pid)
    peak = 0
    cpu: dict[int, float] = {}
    done = threading.Event()

    def sample():
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(proc, cpu))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    start = time.perf_counter()
    sampler.start()
    out, _ = popen.communicate()
    done.set()
    sampler.join()
    wall = time.perf_counter() - start
    if popen.returncode != 0:
        return {"error": f"{name} exited with {popen.returncode}", "wall_s": wall}
    result = json.loads(out.strip().splitlines()[-1])
    result["peak_rss_gib"] = peak / GIB
    result["wall_s"] = wall
    # CPU seconds of the whole process tree (sampled, so a process that
    # lived < 0.1 s may be missed): on a shared machine, the figure that
    # other people's load does not inflate
    result["cpu_s"] = sum(cpu.values())
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10**6, help="light curves")
    parser.add_argument("--points", type=int, default=100, help="points per curve")
    parser.add_argument("--rows", type=int, default=10**6, help="classifier rows")
    parser.add_argument(
        "--features", default="fast", help='LightCurveFeatures(features=...), "fast"'
    )
    parser.add_argument(
        "--partition-size", type=int, default=25_000, help="light curves/partition"
    )
    parser.add_argument("--worker-memory", default="3GiB", help="per Dask worker")
    parser.add_argument("--shuffle", action="store_true", help="unsorted Dask input")
    parser.add_argument(
        "--only", choices=["memory", "dask", "hierarchical"], action="append"
    )
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        print(json.dumps(CHILDREN[args.child](args)))
        return

    import platform

    import psutil

    argv = [
        "--n",
        str(args.n),
        "--points",
        str(args.points),
        "--rows",
        str(args.rows),
        "--features",
        args.features,
        "--partition-size",
        str(args.partition_size),
        "--worker-memory",
        args.worker_memory,
        *(["--shuffle"] if args.shuffle else []),
    ]
    only = set(args.only or ["memory", "dask", "hierarchical"])
    print(
        f"machine: {platform.processor() or platform.machine()}, "
        f"{psutil.cpu_count()} cores, {psutil.virtual_memory().total / GIB:.0f} GiB; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"LightCurveFeatures(features={args.features!r}) on {args.n:,} light "
        f"curves x {args.points} points (one band)"
    )
    mem = dask = None
    if "memory" in only:
        mem = run_child("lcf-memory", argv)
        if "error" in mem:
            print(f"  in memory: {mem['error']}")
        else:
            e2e = mem["generate_s"] + mem["transform_s"]
            print(
                f"  in memory, 1 process: transform {mem['transform_s']:.1f} s = "
                f"{args.n / mem['transform_s']:,.0f} curves/s; with input "
                f"generation {e2e:.1f} s = {args.n / e2e:,.0f} curves/s; "
                f"{mem['n_features']} features; process CPU {mem['cpu_s']:.0f} s "
                f"(whole run, generation included); peak RSS "
                f"{mem['peak_rss_gib']:.2f} GiB (input {mem['input_gib']:.2f} GiB, "
                f"output {mem['output_gib']:.2f} GiB; goal < 4 GiB)"
            )
    if "dask" in only:
        dask = run_child("lcf-dask", argv)
        if "error" in dask:
            print(f"  Dask: {dask['error']}")
        else:
            how = "shuffled by id" if args.shuffle else "indexed by id, no shuffle"
            print(
                f"  Dask LocalCluster, 2 worker processes x 1 thread "
                f"({dask['n_partitions']} partitions, {how}): "
                f"{dask['total_s']:.1f} s = {args.n / dask['total_s']:,.0f} "
                f"curves/s (input generated on the workers); CPU of all processes "
                f"{dask['cpu_s']:.0f} s (cluster start included); peak RSS of "
                f"client + scheduler + workers {dask['peak_rss_gib']:.2f} GiB; "
                f"{dask['n_rows']:,} rows, ids unique: {dask['unique_ids']}"
            )
    if mem and dask and "error" not in mem and "error" not in dask:
        e2e = mem["generate_s"] + mem["transform_s"]
        print(
            f"  ratio Dask (2 workers) / in memory (1 process), input generation "
            f"included on both sides: {e2e / dask['total_s']:.2f}x"
        )
    if dask and "error" not in dask:
        per_worker = args.n / dask["total_s"] / 2
        workers = math.ceil(LSST_NIGHT / NIGHT_SECONDS / per_worker)
        cpu_per_curve = dask["cpu_s"] / args.n
        cores = math.ceil(LSST_NIGHT * cpu_per_curve / NIGHT_SECONDS)
        print(
            f"  LSST night: {LSST_NIGHT:,} light curves in {NIGHT_SECONDS:.0f} s "
            f"need {LSST_NIGHT / NIGHT_SECONDS:,.0f} curves/s = {workers} workers "
            f"at the measured {per_worker:,.0f} curves/s per worker (wall clock, "
            f"on this shared machine); from CPU time ({cpu_per_curve * 1e3:.2f} "
            f"ms per curve, all Dask processes) {cores} fully busy cores"
        )
    if "hierarchical" in only:
        h = run_child("hierarchical", argv)
        if "error" in h:
            print(f"HierarchicalClassifier: {h['error']}")
        else:
            print(
                "HierarchicalClassifier (default node estimator: balanced boosted "
                f"trees + forest + networks, n_jobs=2) on {args.rows:,} rows x 50 "
                "float32 features "
                f"({h['X_gib']:.2f} GiB): fit {h['fit_s']:.1f} s, predict "
                f"{h['n_predict']:,} rows {h['predict_s']:.1f} s; CPU "
                f"{h['cpu_s']:.0f} s (all processes); peak RSS "
                f"{h['peak_rss_gib']:.2f} GiB; training accuracy "
                f"{h['train_accuracy']:.3f}"
            )


if __name__ == "__main__":
    main()
    if "--child" not in sys.argv:
        print(f"load average at the end {os.getloadavg()[0]:.1f}")
