"""Tests of skastro.utils._validation, the shared input helpers."""

import numpy as np
import pandas as pd
import pytest
from astropy import units as u
from astropy.table import MaskedColumn, Table
from numpy.testing import assert_array_equal
from sklearn.preprocessing import FunctionTransformer

from skastro.utils._tables import (
    column_labels,
    is_astropy_table,
    resolve_columns,
    table_to_frame,
)
from skastro.utils._validation import (
    as_float,
    check_layer_sizes,
    check_n_classes,
    check_no_inf,
    check_priors,
    validate_input,
)

NAMES = np.array(["ra", "dec", "u", "g"], dtype=object)


def test_table_to_frame_strips_units_and_masks():
    table = Table(
        {
            "ra": [10.0, 20.0] * u.deg,
            "g": MaskedColumn([18.0, 19.0], mask=[False, True]),
        }
    )
    frame = table_to_frame(table)
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == ["ra", "g"]
    assert_array_equal(frame["ra"], [10.0, 20.0])
    assert frame["g"].iloc[0] == 18.0 and np.isnan(frame["g"].iloc[1])


def test_table_to_frame_passes_other_inputs_through():
    X = np.ones((2, 2))
    assert table_to_frame(X) is X
    assert not is_astropy_table(X) and is_astropy_table(Table({"a": [1]}))


def test_table_to_frame_rejects_multidimensional_columns():
    table = Table({"flux": np.ones((3, 2)), "g": [1.0, 2.0, 3.0]})
    with pytest.raises(ValueError, match="column\\(s\\) \\['flux'\\] hold several"):
        table_to_frame(table)


def test_validate_input_keeps_text_columns_with_dtype_none():
    est = FunctionTransformer()
    X = validate_input(est, Table({"u": [19.0], "id": ["a"]}), reset=True, dtype=None)
    assert list(est.feature_names_in_) == ["u", "id"]
    assert est.n_features_in_ == 2
    assert X.shape == (1, 2)


def test_as_float_names_bad_cells():
    est = FunctionTransformer()
    frame = pd.DataFrame({"u": [19.0, 18.0], "g": ["18.5", "bright"]})
    X = validate_input(est, frame, reset=True, dtype=None)
    with pytest.raises(ValueError, match="value 'bright' in column 'g' at row 1"):
        as_float(est, X, [1])
    assert_array_equal(as_float(est, X, [0]), [[19.0], [18.0]])
    obj = np.array([[1.0, [2.0]]], dtype=object)
    with pytest.raises(TypeError, match="column 'x1' at row 0.*argument must be"):
        as_float(FunctionTransformer(), obj, [0, 1])


def test_as_float_infinite_values():
    X = np.array([[1.0, -np.inf]])
    with pytest.raises(ValueError, match="infinite value \\(-inf\\) in column 'x1'"):
        as_float(FunctionTransformer(), X, [0, 1])
    assert np.isinf(as_float(FunctionTransformer(), X, [1], allow_inf=True)).all()


def test_resolve_columns_names_and_indices():
    assert resolve_columns(["g", 0, -3], NAMES, 4, param="p", owner="E") == [3, 0, 1]
    assert resolve_columns([1], None, 2, param="p", owner="E") == [1]


@pytest.mark.parametrize(
    "columns, names, error, match",
    [
        (["r"], NAMES, ValueError, "column 'r' given in bands is not a column"),
        ([4], NAMES, ValueError, "column index 4 given in bands is out of range"),
        ([-5], NAMES, ValueError, "column index -5"),
        (["u"], None, ValueError, "X has no column names"),
        ([1.5], NAMES, TypeError, "column 1.5 given in bands is a float"),
        ([True], NAMES, TypeError, "is a bool"),
    ],
)
def test_resolve_columns_errors(columns, names, error, match):
    with pytest.raises(error, match=match):
        resolve_columns(columns, names, 4, param="bands", owner="Demo")


def test_column_labels_and_check_no_inf():
    assert column_labels(NAMES, 4) == ["ra", "dec", "u", "g"]
    assert column_labels(None, 2) == ["x0", "x1"]
    check_no_inf(np.array([[np.nan, 1.0]]), [0, 1], ["a", "b"], owner="E")
    check_no_inf(np.ones((1, 1)), [], ["a"], owner="E")


def test_validate_input_reads_a_table_as_floats():
    # a Table's column names become feature_names_in_, its numbers float64
    est = FunctionTransformer()
    X = validate_input(est, Table({"u": [19, 18], "g": [18.5, 17.5]}), reset=True)
    assert X.dtype == np.float64 and list(est.feature_names_in_) == ["u", "g"]


@pytest.mark.parametrize(
    "cell, error, match",
    [
        ("bright", ValueError, "non-numeric value 'bright' in column 'g' at row 2"),
        ({"a": 1}, TypeError, "value {'a': 1} in column 'g' at row 2.*argument"),
        (np.nan, ValueError, "got NaN in column 'g' at row 2; expected finite"),
        (np.inf, ValueError, r"infinite value \(inf\) in column 'g' at row 2"),
    ],
)
def test_validate_input_names_the_bad_cell(cell, error, match):
    # the message names the column, the row and the value, whatever the cell
    frame = pd.DataFrame({"u": [1.0, 2.0, 3.0], "g": [1.0, 2.0, 3.0]}, dtype=object)
    frame.at[2, "g"] = cell
    with pytest.raises(error, match=match):
        validate_input(FunctionTransformer(), frame, reset=True)


def test_validate_input_names_the_index_label_and_allows_nan_on_request():
    frame = pd.DataFrame({"u": [1.0, np.inf]}, index=["ZTF1", "ZTF2"])
    with pytest.raises(ValueError, match=r"row 1 \(index 'ZTF2'\)"):
        validate_input(FunctionTransformer(), frame, reset=True)
    nan = np.array([[1.0], [np.nan]])
    out = validate_input(
        FunctionTransformer(), nan, reset=True, ensure_all_finite="allow-nan"
    )
    assert np.isnan(out[1, 0])
    with pytest.raises(ValueError, match=r"infinite value .* finite numbers \(NaN"):
        validate_input(
            FunctionTransformer(),
            np.array([[np.inf]]),
            reset=True,
            ensure_all_finite="allow-nan",
        )


def test_validate_input_names_a_bad_cell_of_an_object_array_and_passes_y():
    X = np.array([[1.0, "x"]], dtype=object)
    with pytest.raises(ValueError, match="value 'x' in column 'x1' at row 0"):
        validate_input(FunctionTransformer(), X, reset=True)
    X, y = validate_input(FunctionTransformer(), np.ones((3, 2)), [0, 1, 0], reset=True)
    assert X.shape == (3, 2) and list(y) == [0, 1, 0]


def test_check_priors():
    classes = np.array(["QSO", "STAR"])
    np.testing.assert_allclose(check_priors([0.0, 1.0], classes, owner="E"), [0, 1])
    for priors, match in [
        ([0.5, 0.25, 0.25], r"priors has shape \(3,\); expected \(2,\)"),
        ([np.nan, 1.0], r"priors\[0\] = nan \(class 'QSO'\)"),
        ([0.2, 0.2], "priors sum to 0.4"),
        (["a", "b"], "are not numbers"),
    ]:
        with pytest.raises(ValueError, match=match):
            check_priors(priors, classes, owner="E")


def test_check_n_classes_and_layer_sizes():
    check_n_classes(["a", "b"])
    with pytest.raises(ValueError, match="y holds one class only"):
        check_n_classes(["a"])
    with pytest.raises(ValueError, match="expected at least 3"):
        check_n_classes(["a", "b"], minimum=3)
    assert check_layer_sizes([4, 2], param="p", owner="E") == (4, 2)
    for sizes in [(4, 0), (2.5,), (True,)]:
        with pytest.raises(ValueError, match="p=.* of E has the entry"):
            check_layer_sizes(sizes, param="p", owner="E")
    with pytest.raises(ValueError, match=r"p=\(\) of E is empty; expected at least"):
        check_layer_sizes((), param="p", owner="E", empty="one layer")


def test_validate_input_without_the_fitted_feature_checks():
    # inverse_transform reads transform's output: other columns than the
    # fitted input, still with its bad cells named
    est = FunctionTransformer().fit(pd.DataFrame({"u": [1.0], "g": [2.0]}))
    out = validate_input(est, np.ones((2, 3)), reset=False, check_features=False)
    assert out.shape == (2, 3)
    with pytest.raises(ValueError, match="got NaN in column 'x1' at row 0"):
        validate_input(
            est, np.array([[1.0, np.nan]]), reset=False, check_features=False
        )
    with pytest.raises(TypeError, match="takes no y"):
        validate_input(est, np.ones((2, 3)), [0, 1], reset=False, check_features=False)
