"""``import skastro`` must stay cheap: no TensorFlow, Keras or Optuna."""

import subprocess
import sys

HEAVY = ("tensorflow", "keras", "optuna", "scikeras", "dask", "distributed")


def _loaded_after(statement: str) -> set[str]:
    code = (
        f"import sys\n{statement}\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return set(out.stdout.split())


def test_import_skastro_is_light():
    loaded = _loaded_after("import skastro")
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_import_every_subpackage_is_light():
    from skastro.utils._discovery import _SUBPACKAGES

    statement = "\n".join(
        f"import skastro.{sub}" for sub in (*_SUBPACKAGES, "datasets", "utils")
    )
    statement += "\nfrom skastro.utils import all_estimators\nall_estimators()"
    loaded = _loaded_after(statement)
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))


def test_lazy_submodule_access():
    import skastro

    assert skastro.preprocessing.__name__ == "skastro.preprocessing"
    assert "preprocessing" in dir(skastro)
