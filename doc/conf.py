"""Sphinx configuration of the skastro documentation.

Build with ``make -C doc html`` (or ``sphinx-build -W -b html doc doc/_build/html``).
The example gallery is executed during the build and needs the real data sets:
set ``SKASTRO_DATA`` to the data cache (``../shared/data`` in development and
CI). ``make -C doc html-noplot`` builds without running the examples.

Intersphinx inventories are fetched over the network, which CI does not have,
so the links to numpy, scikit-learn, astropy, imbalanced-learn and Keras are
switched on only with ``SKASTRO_DOCS_INTERSPHINX=1``.
"""

import os
import sys
import warnings
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
# TensorFlow's C++ start-up chatter would land in the example outputs.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "sphinxext"))

import skastro

# -- Project -----------------------------------------------------------------

project = "skastro"
author = "The skastro developers"
copyright = "2026, The skastro developers"
version = skastro.__version__
release = skastro.__version__

# -- General -----------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "skastro_docs",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "generated/*.inc", "**/sg_execution_times.rst"]
root_doc = "index"
default_role = "literal"
pygments_style = "sphinx"

# autodoc / autosummary: one page per public name, under generated/.
autosummary_generate = True
autodoc_typehints = "none"  # numpydoc's Parameters section says it all

# numpydoc: autosummary already lists members on the class pages.
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# -- Intersphinx (off unless asked for: CI has no network) -------------------

intersphinx_mapping = {}
if os.environ.get("SKASTRO_DOCS_INTERSPHINX", "") == "1":
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable/", None),
        "sklearn": ("https://scikit-learn.org/stable/", None),
        "astropy": ("https://docs.astropy.org/en/stable/", None),
        "imblearn": ("https://imbalanced-learn.org/stable/", None),
        "keras": ("https://keras.io/", None),
    }

# -- HTML ---------------------------------------------------------------------

html_theme = "pydata_sphinx_theme"
html_title = f"skastro {release}"
html_static_path = ["_static"]
html_css_files = ["skastro.css"]
html_theme_options = {
    "navbar_end": ["navbar-icon-links"],
    "show_toc_level": 2,
    "secondary_sidebar_items": ["page-toc"],
    "footer_start": ["copyright"],
    "footer_end": ["sphinx-version"],
}
html_sidebars = {"changelog": [], "performance": []}
html_show_sourcelink = False

# -- sphinx-gallery -------------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "within_subsection_order": "skastro_docs.ExampleOrder",
    # per-class mini-galleries on the API pages (see _templates/autosummary)
    "backreferences_dir": "generated/backreferences",
    "doc_module": ("skastro",),
    "reference_url": {"skastro": None},
    "capture_repr": ("_repr_html_", "__repr__"),
    "abort_on_example_error": True,
    "min_reported_time": 5,
    "remove_config_comments": True,
    "show_memory": False,
    "download_all_examples": False,
    "reset_modules": ("matplotlib", "seaborn"),
    # two examples at a time (joblib processes): the CI machine's two cores
    "parallel": 2,
}

# Warnings an example would print are not Sphinx warnings, but matplotlib's
# "non-GUI backend" notice under Agg is noise; keep the outputs clean.
warnings.filterwarnings("ignore", category=UserWarning, message=".*non-GUI backend.*")
