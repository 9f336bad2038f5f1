"""The public functions of skastro.datasets declare their constraints.

Each one carries ``validate_params`` with a constraint for every parameter,
so a bad argument is refused before anything is read or downloaded.
"""

import inspect

import pytest
from sklearn.utils._param_validation import InvalidParameterError

import skastro.datasets as ds

FUNCTIONS = [getattr(ds, name) for name in ds.__all__]
FETCHERS = [f for f in FUNCTIONS if f.__name__.startswith("fetch_")]


@pytest.mark.parametrize("func", FUNCTIONS, ids=lambda f: f.__name__)
def test_every_parameter_has_a_constraint(func):
    declared = set(func._skl_parameter_constraints)
    named = set(inspect.signature(func).parameters)
    assert declared == named


@pytest.mark.parametrize("fetch", FETCHERS, ids=lambda f: f.__name__)
def test_fetchers_refuse_bad_arguments_before_any_io(fetch, tmp_path):
    # nothing is created in the cache: the check comes before any file access
    for flag in ("download_if_missing", "return_X_y", "as_frame"):
        with pytest.raises(TypeError, match=f"{flag} must be a bool, got 'no'"):
            fetch(data_home=tmp_path, **{flag: "no"})
    with pytest.raises(InvalidParameterError, match="'data_home' parameter"):
        fetch(data_home=3)
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("fetch", FETCHERS, ids=lambda f: f.__name__)
def test_fetchers_are_typed_and_documented_alike(fetch):
    # the shared parameters have one type hint and one description each
    signature = inspect.signature(fetch)
    assert signature.parameters["data_home"].annotation == "str | os.PathLike | None"
    assert signature.parameters["as_frame"].annotation == "bool"
    assert "%(" not in fetch.__doc__
    assert "data_home : str or path-like, default=None" in fetch.__doc__
    assert "return_X_y : bool, default=False" in fetch.__doc__
