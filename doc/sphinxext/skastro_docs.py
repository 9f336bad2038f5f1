"""Sphinx helpers of the skastro documentation.

* ``ExampleOrder``: the gallery order (the order of the use cases in the user
  guide), for sphinx-gallery's ``within_subsection_order``.
* ``.. skastro-feature-table::``: the table of every light-curve feature name
  with its one-line definition, generated at build time from
  :func:`skastro.lightcurve.feature_definitions`, so the table can never drift
  from the code.
* Two docstring guards, so that ``sphinx-build -W`` passes offline:

  - in the ``name : type`` lines of numpydoc sections, a fitted-attribute
    name such as ``n_features_in_`` inside a type (``ndarray of shape
    (n_features_in_,)``) and a ``*`` are escaped, as reST would otherwise
    read ``n_features_in_`` as a reference and ``*`` as emphasis;
  - references that only scikit-learn's own site defines (its user-guide
    labels and glossary), met in the docstrings skastro's estimators inherit
    from scikit-learn, are rendered as plain text instead of warning. With
    ``SKASTRO_DOCS_INTERSPHINX=1`` intersphinx resolves them first.
"""

import re
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from docutils.statemachine import StringList
from sphinx.util.docutils import SphinxDirective

# Gallery order: the numbering of the use cases (issue 8).
EXAMPLE_ORDER = (
    "plot_sdss_star_galaxy_qso.py",
    "plot_batse_grb_mixtures.py",
    "plot_xd_deconvolution.py",
    "plot_asas_variable_stars.py",
    "plot_polar_representation.py",
    "plot_ztf_multiband_supernovae.py",
    "plot_frdeep_radio_galaxies.py",
    "plot_keras_model_builder.py",
    "plot_autoencoder_outliers.py",
    "plot_sdss_photometric_redshift.py",
    "plot_ztf_real_bogus.py",
    "plot_optuna_pipeline_tuning.py",
    "plot_lightcurve_speed.py",
    "plot_gp_augmentation.py",
    "plot_ztf_transient_fits.py",
    "plot_vae_oversampling.py",
)


class ExampleOrder:
    """Sort key: the listed examples first, in order, then the rest by name."""

    def __init__(self, src_dir):
        self.src_dir = src_dir

    def __call__(self, filename) -> tuple[int, str]:
        name = Path(filename).name
        if name in EXAMPLE_ORDER:
            return (EXAMPLE_ORDER.index(name), name)
        return (len(EXAMPLE_ORDER), name)

    def __repr__(self) -> str:
        # sphinx-gallery hashes the repr to decide when to rebuild
        return f"<{type(self).__name__}: {len(EXAMPLE_ORDER)} examples>"


def _escape(text: str) -> str:
    return " ".join(str(text).split()).replace("|", r"\|")


def feature_table_lines(definitions: dict[str, str]) -> list[str]:
    """Return the reST lines of a two-column list-table of the features."""
    lines = [
        ".. list-table::",
        "   :header-rows: 1",
        "   :widths: 25 75",
        "   :class: skastro-feature-table",
        "",
        "   * - Feature name",
        "     - Definition",
    ]
    for name, definition in definitions.items():
        lines += [f"   * - ``{name}``", f"     - {_escape(definition)}"]
    return lines


class FeatureTableDirective(SphinxDirective):
    """``.. skastro-feature-table::`` renders feature_definitions() as a table.

    Options: ``:features:`` (a preset, default ``all``), ``:bands:`` (comma
    separated band names) and ``:multiband-only:`` (with ``:bands:``, keep
    only the features that exist because there are several bands: colours
    and the multi-band periodogram, not the per-band copies ``<name>_<band>``).
    """

    has_content = False
    option_spec = {
        "features": directives.unchanged,
        "bands": directives.unchanged,
        "multiband-only": directives.flag,
    }

    def run(self) -> list[nodes.Node]:
        from skastro.lightcurve import feature_definitions

        features = self.options.get("features", "all").strip()
        bands = [b.strip() for b in self.options.get("bands", "").split(",")]
        bands = [b for b in bands if b] or None
        definitions = dict(feature_definitions(features, bands=bands))
        if "multiband-only" in self.options:
            if not bands:
                raise self.error(":multiband-only: needs :bands:")
            suffixes = tuple(f"_{b}" for b in bands)
            definitions = {
                k: v for k, v in definitions.items() if not k.endswith(suffixes)
            }
        if not definitions:
            raise self.error("skastro.lightcurve.feature_definitions() is empty")
        container = nodes.container()
        self.state.nested_parse(
            StringList(feature_table_lines(definitions), source="feature_definitions"),
            self.content_offset,
            container,
        )
        return container.children


_PARAM_LINE = re.compile(r"^(\s*[\w*][\w*, ]* : )(.+)$")
_QUOTED = re.compile(r"(``.*?``|`[^`]*`)")


def escape_type(text: str) -> str:
    """Escape trailing underscores of names and ``*`` outside backquotes."""
    parts = _QUOTED.split(text)
    for i in range(0, len(parts), 2):  # even parts lie outside backquotes
        part = parts[i].replace("*", r"\*")
        parts[i] = re.sub(r"\b([A-Za-z]\w*)_(?!\w)", r"\1\\_", part)
    return "".join(parts)


def escape_param_types(app, what, name, obj, options, lines) -> None:
    """``autodoc-process-docstring`` hook: escape the type of each parameter."""
    for i, line in enumerate(lines):
        match = _PARAM_LINE.match(line)
        if match:
            lines[i] = match.group(1) + escape_type(match.group(2))


def sklearn_only_references_as_text(app, env, node, contnode):
    """``missing-reference`` hook: scikit-learn's own labels become plain text.

    Applies only to references in docstrings inherited from scikit-learn
    (``set_output``, ``score``, ``set_fit_request``, ...), whose targets live
    on scikit-learn's site.
    """
    from sphinx.util.nodes import get_node_source

    try:
        source = get_node_source(node)
    except ValueError:  # no source on the node nor on its parents
        return None
    if "docstring of sklearn." in source:
        return contnode
    return None


def data_docstring(app, what, name, obj, options, lines) -> None:
    """``autodoc-process-docstring`` hook for module constants.

    A constant re-exported by a subpackage (``DEFAULT_STORAGE``) is documented
    by a ``#:`` comment where it is defined, in a private module; autodoc,
    looking in the subpackage, would show the docstring of ``str`` instead.
    """
    if what != "data" or type(obj).__module__ != "builtins":
        return
    import importlib
    import pkgutil

    from sphinx.pycode import ModuleAnalyzer

    package_name, attr = name.rsplit(".", 1)
    package = importlib.import_module(package_name)
    modules = [package_name]
    if hasattr(package, "__path__"):
        modules += [
            f"{package_name}.{m.name}" for m in pkgutil.iter_modules(package.__path__)
        ]
    for module in modules:
        docs = ModuleAnalyzer.for_module(module).find_attr_docs()
        if ("", attr) in docs:
            lines[:] = list(docs[("", attr)])
            return
    lines[:] = []


def setup(app):
    app.connect("autodoc-process-docstring", data_docstring, priority=100)
    app.add_directive("skastro-feature-table", FeatureTableDirective)
    # before numpydoc (priority 500) turns the sections into reST
    app.connect("autodoc-process-docstring", escape_param_types, priority=100)
    # after intersphinx (priority 500), which resolves them when it is on
    app.connect("missing-reference", sklearn_only_references_as_text, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
