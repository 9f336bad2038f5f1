"""Shared docstring blocks: written once, filled with each estimator's defaults."""

import inspect

import pytest

from skastro.neural import Autoencoder, CNNClassifier, KerasMLPClassifier
from skastro.neural._docs import DOCS, TRAINING_PARAMS, fill_doc

ESTIMATORS = [KerasMLPClassifier, CNNClassifier, Autoencoder]


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_every_parameter_is_documented_with_its_default(cls):
    # each constructor parameter has one "name : type, default=value" line,
    # and the value is the signature's (defaults are written only there)
    doc = cls.__doc__
    assert "%(" not in doc
    for name, param in inspect.signature(cls).parameters.items():
        lines = [line for line in doc.splitlines() if line.startswith(f"    {name} :")]
        assert len(lines) == 1, name
        default = param.default
        text = f'"{default}"' if isinstance(default, str) else repr(default)
        assert lines[0].endswith(f"default={text}"), lines[0]


def test_training_params_are_shared_by_all_estimators():
    for cls in ESTIMATORS:
        names = list(inspect.signature(cls).parameters)
        assert [n for n in names if n in TRAINING_PARAMS] == list(TRAINING_PARAMS)


def test_fill_doc_indents_blocks_and_leaves_other_text():
    @fill_doc(builder="my_builder")
    def build(model=None):
        """Build.

        Parameters
        ----------
        %(model)s
        """

    text = DOCS["model"].replace("$default", "None").replace("$builder", "my_builder")
    expected = "\n".join("        " + line for line in text.splitlines())
    assert expected in build.__doc__
    assert build.__doc__.startswith("Build.\n")


def test_an_unknown_field_is_an_error():
    with pytest.raises(KeyError, match="builder"):

        @fill_doc()
        def build(model=None):
            """%(model)s"""
