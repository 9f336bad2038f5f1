"""The feature registry is the one list of features.

Every name the transformer outputs comes from a family in the registry, is
computed by exactly one kernel column, and is masked below the registry's
``min_points``.
"""

import dataclasses

import numpy as np
import pytest

from skastro.lightcurve import LightCurveFeatures, feature_definitions
from skastro.lightcurve._features import _registry
from skastro.lightcurve._features._batch import SegmentBatch
from skastro.lightcurve._features._reference import REFERENCE_NAMES

N_PEAKS = 3
PARAMS = {"n_peaks": N_PEAKS, "min_period": 0.5, "max_period": None}
PARAMS["oversampling"] = 3.0


def _batch(n_objects=4, n=40):
    rng = np.random.default_rng(0)
    t = np.sort(rng.uniform(0, 100, (n_objects, n)), axis=1).ravel()
    m = 15 + np.sin(t / 3) + rng.normal(0, 0.1, t.size)
    err = rng.uniform(0.05, 0.2, t.size)
    offsets = np.arange(n_objects + 1) * n
    return SegmentBatch(t, m, err, offsets, n_objects=n_objects, n_bands=1)


def _kernel_columns():
    """Family name -> public names its compute returns (all features asked)."""
    batch = _batch()
    names = [s.name for s in _registry.per_band_specs(N_PEAKS)]
    values, produced = {}, {}
    for family in _registry.FAMILIES:
        params = {p: PARAMS[p] for p in family.params}
        out = family.compute(batch, names, values, **params)
        values.update(out)
        produced[family.name] = [k for k in out if not k.startswith("_")]
        for column in out.values():
            assert np.shape(column) == (batch.n_segments,)
    return produced


def test_every_registry_name_is_one_kernel_column():
    # each family's kernel returns exactly its registry names, so no name is
    # computed twice or left without a kernel
    produced = _kernel_columns()
    for family in _registry.FAMILIES:
        expected = [s.name for s in family.specs(N_PEAKS)]
        assert sorted(produced[family.name]) == sorted(expected), family.name
    every = [n for cols in produced.values() for n in cols]
    assert len(every) == len(set(every))
    assert set(every) == {s.name for s in _registry.per_band_specs(N_PEAKS)}


def test_outputs_and_definitions_come_from_the_registry():
    # the transformer's names (one band) are the registry's, in its order,
    # and feature_definitions gives each the registry's definition; "all"
    # leaves out the opt-in families (the transient fits)
    specs = [
        s
        for s in _registry.per_band_specs(N_PEAKS)
        if s.family not in _registry.OPT_IN_FAMILIES
    ]
    lcf = LightCurveFeatures(n_peaks=N_PEAKS).fit([np.zeros((5, 3))])
    assert lcf.get_feature_names_out().tolist() == [s.name for s in specs]
    assert feature_definitions(n_peaks=N_PEAKS) == {s.name: s.definition for s in specs}


def test_reference_names_are_the_registry_families():
    # the pure-numpy reference covers the sampling, stats and variability
    # families, in registry order
    families = ("sampling", "stats", "variability")
    expected = [s.name for s in _registry.per_band_specs(1) if s.family in families]
    assert list(REFERENCE_NAMES) == expected


@pytest.mark.parametrize(
    "spec",
    [s for s in _registry.per_band_specs(1) if s.min_points > 0],
    ids=lambda s: s.name,
)
def test_fewer_points_than_min_points_give_fill_value(spec):
    # below its min_points a feature is fill_value, whatever the curve
    n = spec.min_points - 1
    rng = np.random.default_rng(n)
    curve = np.column_stack([np.sort(rng.uniform(0, 50, n)), rng.normal(15, 1, n)])
    lcf = LightCurveFeatures(features=[spec.name], fill_value=-99.0, min_period=0.5)
    assert lcf.fit_transform([curve, np.zeros((20, 2))])[0, 0] == -99.0


def test_min_points_is_read_from_the_registry(monkeypatch):
    # raising a feature's min_points in the registry masks it, with no
    # change to its kernel
    stats = _registry.FAMILY_BY_NAME["stats"]
    features = tuple(
        dataclasses.replace(s, min_points=6) if s.name == "mean" else s
        for s in stats.features
    )
    patched = dataclasses.replace(stats, features=features)
    monkeypatch.setattr(
        _registry,
        "FAMILIES",
        tuple(patched if f is stats else f for f in _registry.FAMILIES),
    )
    curves = [np.column_stack([np.arange(k, dtype=float), np.ones(k)]) for k in (5, 6)]
    X = LightCurveFeatures(features=["mean"]).fit_transform(curves)
    assert np.isnan(X[0, 0]) and X[1, 0] == 1.0


def test_fats_definitions_say_how_fats_differs():
    # the "fats" preset's definitions end with the FATS difference where
    # there is one (as LightCurveFeatures' docstring promises)
    defs = feature_definitions("fats")
    for fats_name, note in _registry.FATS_DIFFERENCES.items():
        assert defs[fats_name].endswith(f"[{note}]"), fats_name
    assert "[" not in defs["Std"]
