"""skastro.plotting: the numbers drawn are the numbers given (Agg backend)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import confusion_matrix

from skastro.ensemble import HierarchicalClassifier
from skastro.plotting import (
    plot_confusion_levels,
    plot_folded,
    plot_periodogram,
)
from skastro.plotting._classification import level_labels


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _curve(n=60, period=0.7, seed=0):
    rng = np.random.RandomState(seed)
    t = np.sort(rng.uniform(0, 20, n))
    m = 15 + 0.3 * np.sin(2 * np.pi * t / period)
    return t, m, np.full(n, 0.02), np.where(np.arange(n) % 2, "g", "r")


def test_folded_points_are_the_phases_of_the_times():
    # each band's container holds phase = ((t - epoch) / P) mod 1, repeated
    # once per cycle, and the magnitudes unchanged
    t, m, e, b = _curve()
    ax = plot_folded({"time": t, "mag": m, "err": e, "band": b}, 0.7, epoch=0.0)
    assert [text.get_text() for text in ax.get_legend().get_texts()] == ["r", "g"]
    line = ax.containers[0].lines[0]
    sel = b == "r"
    phase = np.mod(t[sel] / 0.7, 1.0)
    np.testing.assert_allclose(line.get_xdata(), np.r_[phase, phase + 1])
    np.testing.assert_allclose(line.get_ydata(), np.r_[m[sel], m[sel]])
    assert ax.yaxis_inverted()  # magnitudes: brighter is up


def test_folded_accepts_arrays_tuples_and_puts_the_brightest_point_at_zero():
    t, m, e, _ = _curve()
    from_array = plot_folded(np.column_stack([t, m, e]), 0.7, cycles=1)
    from_tuple = plot_folded((t, m), 0.7, cycles=1, magnitudes=False)
    x = from_array.containers[0].lines[0].get_xdata()
    assert x[np.argmin(m)] == 0.0
    np.testing.assert_allclose(from_tuple.containers[0].lines[0].get_ydata(), m)
    assert not from_tuple.yaxis_inverted()  # fluxes: larger is up


@pytest.mark.parametrize(
    "args, match",
    [
        (((np.ones(3), np.ones(3)), 0.0), "period=0.0; expected a positive"),
        (((np.ones(3), np.ones(3)), np.nan), "period=nan"),
        ((np.ones((3, 5)), 1.0), r"shape \(3, 5\); expected \(n_points"),
        (({"t": [1.0]}, 1.0), "has columns \\['t'\\]; expected a time column"),
    ],
)
def test_folded_bad_input(args, match):
    with pytest.raises(ValueError, match=match):
        plot_folded(*args)


def test_periodogram_lines_hold_periods_and_powers():
    f = np.linspace(0.1, 5, 100)
    power = {"g": np.sin(f) ** 2, "multiband": np.cos(f) ** 2}
    ax = plot_periodogram(f, power, mark=[0.5, 2.0])
    assert len(ax.lines) == 4  # two curves, two marks
    np.testing.assert_allclose(ax.lines[0].get_xdata(), 1 / f)
    np.testing.assert_allclose(ax.lines[1].get_ydata(), power["multiband"])
    assert ax.lines[2].get_xdata()[0] == 0.5 and ax.get_xscale() == "log"
    ax = plot_periodogram(f, power["g"], periods=False)
    np.testing.assert_allclose(ax.lines[0].get_xdata(), f)


def test_periodogram_takes_an_object_with_frequency_and_power():
    class Result:
        frequency = np.array([1.0, 2.0])
        power = np.array([0.1, 0.9])

    ax = plot_periodogram(Result())
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [0.1, 0.9])
    with pytest.raises(ValueError, match="needs a periodogram object"):
        plot_periodogram(np.ones(2))
    with pytest.raises(ValueError, match=r"power has shape \(3,\); expected \(2,\)"):
        plot_periodogram([1.0, 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="expected positive frequencies"):
        plot_periodogram([0.0, 2.0], [1.0, 2.0])


def _hierarchical():
    rng = np.random.RandomState(0)
    X = np.r_[rng.normal(0, 1, (40, 2)), rng.normal(3, 1, (40, 2))]
    X = np.r_[X, rng.normal((3, -3), 1, (20, 2))]
    y = np.array(["STAR"] * 40 + ["GALAXY"] * 40 + ["QSO"] * 20)
    taxonomy = {"point": ["STAR", "QSO"], "extended": ["GALAXY"]}
    return HierarchicalClassifier(taxonomy, LogisticRegression()).fit(X, y), X, y


def test_confusion_levels_are_the_confusion_of_the_mapped_labels():
    # the first level's matrix is the confusion of point vs extended: the
    # leaves mapped to their parents, counted by sklearn's confusion_matrix
    clf, X, y = _hierarchical()
    pred = clf.predict(X)
    displays = plot_confusion_levels(clf, y, pred, normalize=None)
    group = {"STAR": "point", "QSO": "point", "GALAXY": "extended"}
    expected = confusion_matrix(
        [group[v] for v in y], [group[v] for v in pred], labels=["point", "extended"]
    )
    np.testing.assert_array_equal(displays[0].confusion_matrix, expected)
    leaves = clf.levels_[-1]
    np.testing.assert_array_equal(
        displays[1].confusion_matrix, confusion_matrix(y, pred, labels=leaves)
    )
    assert displays[1].ax_.get_title() == "level 2"


def test_confusion_levels_bad_input():
    clf, X, y = _hierarchical()
    with pytest.raises(ValueError, match=r"labels \['CEPHEID'\] are not nodes"):
        level_labels(clf, ["CEPHEID"])
    with pytest.raises(TypeError, match="has no children_"):
        level_labels(LogisticRegression(), y)
    fig, axes = plt.subplots(1, 3)
    with pytest.raises(ValueError, match="got 3 axes for a taxonomy of 2"):
        plot_confusion_levels(clf, y, y, axes=axes)
