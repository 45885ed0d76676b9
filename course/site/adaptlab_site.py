"""Sphinx extension of the course website (listed in ``_config.yml``).

**References.** The site is built with ``nitpicky`` on, so a reference that
does not resolve is an error. numpydoc's free-text types (``array-like of
shape (N,)``, ``matplotlib Axes``) look like references to Sphinx, which turns
each word of a parameter's or attribute's type into one. They are
descriptions, and offline (no intersphinx) even ``numpy.ndarray`` cannot
resolve: these, and only these, are let through unlinked. An explicit
:class:`Name` in a docstring or a page still has to resolve (only the rare
:class:`.Name`, which asks Sphinx for the same specific search, is let
through too).

**Widgets.** A widget needs a live kernel; the static site has none and
loads no widget JavaScript (``nb_ipywidgets_js`` is empty: nothing remote).
The lectures' explorers (ipywidgets boxes, ``VBoxModel``) are replaced by a
note that says where to use them; other widget views (tqdm's progress bars,
a figure's ipympl canvas, whose picture is also saved as a PNG) are dropped,
and so is the widget state the page would otherwise carry.
"""
import json
import re

from docutils import nodes
from myst_nb.core.render import WIDGET_STATE_MIMETYPE, WIDGET_VIEW_MIMETYPE
from myst_nb.sphinx_ import NbMetadataCollector

EXPLORER_MODEL = "VBoxModel"

WIDGET_NOTE = ("Interactive explorer: it needs a running kernel, so this page cannot show it. "
               "Open this lecture in JupyterLab (make lab) and run the cell to use it.")


def _type_field_reference(app, domain, node):
    """True for the references Sphinx makes from the words of a type field."""
    return (domain is not None and domain.name == "py" and node.get("reftype") in ("class", "obj")
            and node.get("refspecific", False))


def _widget_models(app, docname):
    """``model_id -> model name`` of the widget state saved with an executed notebook."""
    js_files = NbMetadataCollector.get_doc_data(app.env)[docname].get("js_files", {})
    _, script = js_files.pop("ipywidgets_state", (None, {}))
    if script.get("type") != WIDGET_STATE_MIMETYPE:
        return {}
    state = json.loads(script["body"].replace("<\\/", "</"))["state"]
    return {model_id: model["model_name"] for model_id, model in state.items()}


def _replace_widget_views(app, doctree):
    """An explorer becomes a note; any other widget view is dropped (module docstring)."""
    models = _widget_models(app, app.env.docname)
    for raw in list(doctree.findall(nodes.raw)):
        match = re.search(rf'<script type="{re.escape(WIDGET_VIEW_MIMETYPE)}">(.*)</script>',
                          raw.astext(), flags=re.DOTALL)
        if match is None:
            continue
        model_id = json.loads(match.group(1).replace("<\\/", "</"))["model_id"]
        if models.get(model_id) == EXPLORER_MODEL:
            raw.replace_self(nodes.note("", nodes.paragraph(text=WIDGET_NOTE)))
        else:
            raw.parent.remove(raw)


def setup(app):
    app.connect("warn-missing-reference", _type_field_reference)
    app.connect("doctree-read", _replace_widget_views)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
