"""Sphinx extension of the course website (listed in ``_config.yml``).

The site is built with ``nitpicky`` on, so a reference that does not resolve
is an error. Two kinds of text look like references to Sphinx but are not:

* numpydoc's free-text types (``array-like of shape (N,)``, ``matplotlib Axes``):
  Sphinx turns each word of a parameter's or attribute's type into a
  cross-reference. They are descriptions; with no intersphinx (the site is
  built offline) even ``numpy.ndarray`` cannot resolve. These, and only
  these, are let through unlinked: an explicit :class:`Name` in a docstring
  or a page still has to resolve (only the rare :class:`.Name`, which asks
  Sphinx for the same specific search, is let through too).
* the keyword-argument methods scikit-learn generates on every estimator
  (``set_fit_request`` ...) are left out of the reference (``exclude-members``
  in ``_config.yml``); they document scikit-learn, not adaptlab.
"""


def _type_field_reference(app, domain, node):
    """True for the references Sphinx makes from the words of a type field."""
    return (domain is not None and domain.name == "py" and node.get("reftype") in ("class", "obj")
            and node.get("refspecific", False))


def setup(app):
    app.connect("warn-missing-reference", _type_field_reference)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
