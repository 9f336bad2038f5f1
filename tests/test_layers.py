"""The package's layers: each subpackage imports only the layers below it.

``doc/developers.rst`` draws the house: ``utils`` on the ground floor; the
estimator families (``preprocessing``, ``lightcurve``, ``ensemble``,
``mixture``, ``neural``) above it; ``model_selection`` and ``datasets`` above
those; the demo, and the command line on top of it. This test reads every module's
``import`` statements (function-level ones included, where the heavy imports
live) and asserts that none reaches sideways or upwards, so that a new
family can be added without touching the others.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "skastro"

#: floor of each part of the package (a part may import lower floors only,
#: and itself)
LAYERS = {
    "utils": 0,
    "preprocessing": 1,
    "lightcurve": 1,
    "ensemble": 1,
    "mixture": 1,
    "neural": 1,
    "model_selection": 2,
    "datasets": 2,
    "plotting": 2,
    "_demo": 3,
    "__main__": 4,
    "__init__": 4,
}

#: sideways imports allowed for one release: the old import path of a moved
#: public name (module, part it imports) -> why
DEPRECATION_SHIMS = {
    ("ensemble/__init__.py", "mixture"): (
        "skastro.ensemble.GMMBayesClassifier, moved to skastro.mixture; the old "
        "path warns and goes in 0.2"
    ),
}


def _part(path: Path) -> str:
    return path.relative_to(PACKAGE).parts[0].removesuffix(".py")


def _imported_parts(path: Path) -> set[str]:
    parts = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            pieces = name.split(".")
            if pieces[0] == "skastro" and len(pieces) > 1:
                parts.add(pieces[1])
    return parts


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_part_has_a_floor():
    # a new subpackage must be placed in the house before it is used
    assert {_part(path) for path in MODULES} <= set(LAYERS)


@pytest.mark.parametrize(
    "path", MODULES, ids=[str(p.relative_to(PACKAGE)) for p in MODULES]
)
def test_imports_go_down_only(path):
    here = _part(path)
    for part in _imported_parts(path):
        if (path.relative_to(PACKAGE).as_posix(), part) in DEPRECATION_SHIMS:
            continue
        assert part in LAYERS, f"{path.name} imports unknown skastro.{part}"
        assert part == here or LAYERS[part] < LAYERS[here], (
            f"skastro/{path.relative_to(PACKAGE)} (floor {LAYERS[here]}) imports "
            f"skastro.{part} (floor {LAYERS[part]}): a part may import only "
            "lower floors"
        )
