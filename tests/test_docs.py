"""The documentation: API reference completeness, gallery scripts, full build.

The full build (``test_sphinx_build_with_gallery``) runs ``sphinx-build -W``
in a subprocess and executes every gallery example on the real data sets, so
it is marked ``slow`` and needs ``SKASTRO_DATA``.
"""

import ast
import importlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "doc"
EXAMPLES = ROOT / "examples"

# the public subpackages whose __all__ the API reference must cover
PUBLIC_MODULES = (
    "preprocessing",
    "lightcurve",
    "ensemble",
    "mixture",
    "neural",
    "model_selection",
    "datasets",
    "plotting",
    "utils",
)

# data folders the gallery reads (examples 1-3 and 5-10)
GALLERY_DATA = (
    "sdss_dr14_skyserver_10k",
    "batse_grb",
    "asas_training",
    "alerce_ztf_30sne",
    "ztf_bts_snia",
    "snad_ztf_realbogus",
    "frdeep_radio_galaxies",
)

# examples written for issue 8 (plot_polar_representation.py is
# preprocessing's); each must load real data through skastro.datasets
REAL_DATA_EXAMPLES = (
    "plot_sdss_star_galaxy_qso.py",
    "plot_batse_grb_mixtures.py",
    "plot_asas_variable_stars.py",
    "plot_ztf_multiband_supernovae.py",
    "plot_frdeep_radio_galaxies.py",
    "plot_autoencoder_outliers.py",
    "plot_ztf_real_bogus.py",
    "plot_optuna_pipeline_tuning.py",
    "plot_lightcurve_speed.py",
    "plot_gp_augmentation.py",
    "plot_xd_deconvolution.py",
    "plot_sdss_photometric_redshift.py",
    "plot_vae_oversampling.py",
)


def _api_entries() -> dict[str, set[str]]:
    """Map module -> names listed in autosummary blocks of doc/api.rst."""
    entries: dict[str, set[str]] = {}
    module = None
    in_autosummary = False
    for line in (DOC / "api.rst").read_text().splitlines():
        if m := re.match(r"\.\. currentmodule:: (\S+)", line):
            module = m.group(1)
            in_autosummary = False
        elif line.startswith(".. autosummary::"):
            in_autosummary = True
        elif in_autosummary and re.match(r"   [A-Za-z_]\w*$", line):
            entries.setdefault(module, set()).add(line.strip())
        elif in_autosummary and line and not line.startswith(" "):
            in_autosummary = False
    return entries


def test_api_parser_sees_entries():
    # guards the parser below against silently finding nothing
    entries = _api_entries()
    assert "all_estimators" in entries["skastro.utils"]
    assert all(not name.startswith(":") for names in entries.values() for name in names)


@pytest.mark.parametrize("sub", PUBLIC_MODULES)
def test_every_public_name_is_in_the_api_reference(sub):
    module = importlib.import_module(f"skastro.{sub}")
    public = set(module.__all__)
    listed = _api_entries().get(f"skastro.{sub}", set())
    missing = sorted(public - listed)
    assert not missing, f"skastro.{sub} names missing from doc/api.rst: {missing}"
    # and nothing listed that the module does not export (a stale entry
    # would make autosummary fail)
    stale = sorted(listed - public)
    assert not stale, f"doc/api.rst lists names not in skastro.{sub}.__all__: {stale}"


def test_user_guide_toctree_lists_every_module_page():
    toctree = (DOC / "user_guide" / "index.rst").read_text()
    pages = re.findall(r"^   (\w+)$", toctree, flags=re.MULTILINE)
    expected = [*PUBLIC_MODULES[:-1], "units_times_ids", "scale"]
    assert pages == expected
    for page in pages:
        assert (DOC / "user_guide" / f"{page}.rst").is_file(), page


def _examples() -> list[Path]:
    return sorted(EXAMPLES.glob("plot_*.py"))


def test_gallery_order_covers_every_example():
    sys.path.insert(0, str(DOC / "sphinxext"))
    try:
        from skastro_docs import EXAMPLE_ORDER, ExampleOrder
    finally:
        sys.path.remove(str(DOC / "sphinxext"))
    names = {p.name for p in _examples()}
    assert set(REAL_DATA_EXAMPLES) <= set(EXAMPLE_ORDER)
    assert names <= set(EXAMPLE_ORDER), sorted(names - set(EXAMPLE_ORDER))
    key = ExampleOrder(str(EXAMPLES))
    ordered = sorted(EXAMPLE_ORDER, key=key)
    assert ordered == list(EXAMPLE_ORDER)
    assert key("plot_zzz_unlisted.py") > key(EXAMPLE_ORDER[-1])


@pytest.mark.parametrize("name", REAL_DATA_EXAMPLES)
def test_example_script_follows_the_gallery_rules(name):
    path = EXAMPLES / name
    if not path.is_file():
        pytest.skip(f"{name} not written yet")
    source = path.read_text()
    tree = ast.parse(source)
    doc = ast.get_docstring(tree)
    assert doc, f"{name}: no title docstring"
    lines = doc.splitlines()
    if set(lines[0]) == {"="}:  # an overline, as sphinx-gallery prefers
        overline, lines = lines[0], lines[1:]
        assert len(overline) >= len(lines[0]), f"{name}: title overline too short"
    title, underline = lines[:2]
    assert title.strip() and set(underline) == {"="}, f"{name}: no title"
    assert len(underline) >= len(title), f"{name}: title underline too short"
    assert source.count("\n# %%") >= 2, f"{name}: needs '# %%' cells"
    imports = {
        node.module
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert "skastro.datasets" in imports, f"{name}: real data through skastro.datasets"
    assert "matplotlib.pyplot" in imports or "import matplotlib.pyplot" in source
    seeded = re.search(r"random_state=\d|default_rng\(\d|seed=\d", source)
    assert seeded, f"{name}: no seeded random number generator"


def test_feature_table_lines_escape_and_cover_every_feature():
    sys.path.insert(0, str(DOC / "sphinxext"))
    try:
        from skastro_docs import feature_table_lines
    finally:
        sys.path.remove(str(DOC / "sphinxext"))
    lines = feature_table_lines({"std": "standard deviation", "a_b": "|m|\n  max"})
    assert lines[0] == ".. list-table::"
    assert "   * - ``std``" in lines
    assert "     - \\|m\\| max" in lines
    assert sum(line.startswith("   * - ``") for line in lines) == 2


@pytest.mark.slow
def test_sphinx_build_with_gallery(require_data, tmp_path):
    """``sphinx-build -W`` with the gallery executed: zero warnings."""
    for folder in GALLERY_DATA:
        home = require_data(folder)
    pytest.importorskip("sphinx_gallery")
    # build from a copy, so the executed gallery starts from scratch and the
    # working tree's doc/ is left untouched
    src = tmp_path / "src"
    ignore = shutil.ignore_patterns("_build", "auto_examples", "generated", "*.pyc")
    shutil.copytree(DOC, src / "doc", ignore=ignore)
    shutil.copytree(EXAMPLES, src / "examples", ignore=ignore)
    # plot_lightcurve_speed.py imports ../benchmarks/bench_lightcurve.py
    shutil.copytree(ROOT / "benchmarks", src / "benchmarks", ignore=ignore)
    out = tmp_path / "html"
    env = {
        **os.environ,
        "SKASTRO_DATA": str(home),
        "MPLBACKEND": "Agg",
        "SKASTRO_DOCS_INTERSPHINX": "0",
    }
    proc = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-b", "html"]
        + [str(src / "doc"), str(out)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-8000:]
    # every example ran and produced at least one figure
    for example in _examples():
        page = out / "auto_examples" / f"{example.stem}.html"
        assert page.is_file(), example.name
        assert re.search(r"sphx_glr_\w+_\d+\.png", page.read_text()), example.name
    # every public name got its API page
    for module, names in _api_entries().items():
        for name in names:
            assert (out / "generated" / f"{module}.{name}.html").is_file(), name
    # the feature table lists every feature name
    from skastro.lightcurve import feature_definitions

    table = (out / "user_guide" / "lightcurve.html").read_text()
    for feature in feature_definitions():
        assert f">{feature}<" in table, feature


def test_escape_type_guards_attribute_names_and_stars():
    sys.path.insert(0, str(DOC / "sphinxext"))
    try:
        from skastro_docs import _PARAM_LINE, escape_type
    finally:
        sys.path.remove(str(DOC / "sphinxext"))
    # reST reads "name_" as a reference and "*" as emphasis: both escaped
    assert escape_type("ndarray of shape (n_features_in_,)") == (
        r"ndarray of shape (n_features_in\_,)"
    )
    assert escape_type("ndarray of shape (n, *input_shape_)") == (
        r"ndarray of shape (n, \*input_shape\_)"
    )
    # quoted text and ordinary words are left alone
    assert escape_type("ndarray of shape (`n_features_in_`,)") == (
        "ndarray of shape (`n_features_in_`,)"
    )
    assert escape_type("dict of str to list of float") == "dict of str to list of float"
    assert _PARAM_LINE.match("    X_rec : ndarray of shape (n, d)")
    assert not _PARAM_LINE.match("    The error: a sentence, not a parameter.")
