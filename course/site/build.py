"""Build the course website (Jupyter Book 1), offline: ``make site``.

The sources the table of contents lists (lectures, assignments, course pages,
API reference) are copied from the checkout into ``OUTPUT/src``, so nothing
is written into the checkout, and Jupyter Book builds ``OUTPUT/_build/html``
from there with Sphinx's warnings as errors. The lectures are executed on the
course kernel while the site is built (``course/site/_config.yml``).

A page the table of contents lists but the checkout does not have yet (a
lecture still being written on another branch) gets a placeholder page that
says so, and a warning on stderr: the site builds, and no link is broken.

Usage: ``python course/site/build.py [--output build/site]``.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[2]
SITE = Path("course/site")
SOURCES = ("notebooks", "exercises", "course")
"""The checkout's folders the site is built from (``solutions/`` is never published)."""

SUFFIXES = (".ipynb", ".md")


def toc_entries(toc_path=ROOT / SITE / "_toc.yml"):
    """Every page the table of contents lists, as paths from the root without suffix."""
    def walk(node):
        if isinstance(node, dict):
            for key in ("root", "file"):
                if key in node:
                    yield node[key]
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for item in node:
                yield from walk(item)

    return list(dict.fromkeys(walk(yaml.safe_load(Path(toc_path).read_text()))))


def missing_entries(root=ROOT):
    """The table of contents' pages that have no ``.ipynb`` or ``.md`` file under ``root``."""
    return [entry for entry in toc_entries(Path(root) / SITE / "_toc.yml")
            if not any((Path(root) / entry).with_suffix(suffix).exists() for suffix in SUFFIXES)]


def placeholder(entry):
    """The notebook that stands in for a listed page that is not written yet.

    A notebook, not a Markdown page, so that the lectures' links to
    ``NN_name.ipynb`` resolve to it.
    """
    text = (f"# {Path(entry).name} (coming soon)\n\n"
            f"`{entry}.ipynb` is being written and is not in this version of the course yet. "
            f"Its page appears here as soon as it is.")
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(text)])


def stage(destination, root=ROOT):
    """Copy the site's sources from ``root`` into ``destination``; placeholders for missing pages."""
    if destination.exists():
        shutil.rmtree(destination)
    ignore = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", ".OTTER_LOG")
    for folder in SOURCES:
        shutil.copytree(Path(root) / folder, destination / folder, ignore=ignore)
    missing = missing_entries(root)
    for entry in missing:
        page = (destination / entry).with_suffix(".ipynb")
        page.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(placeholder(entry), page)
        print(f"site: warning: {entry} is listed in {SITE}/_toc.yml but is not in this checkout: "
              "its page is a placeholder.", file=sys.stderr)
    return missing


def build(output, *, root=ROOT):
    """Stage the sources into ``output/src`` and build ``output/_build/html``; exit status of the build."""
    output = Path(output).resolve()
    source = output / "src"
    stage(source, root)
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    command = [str(jupyter_book), "build", str(source), "--path-output", str(output),
               "--config", str(source / SITE / "_config.yml"),
               "--toc", str(source / SITE / "_toc.yml"),
               "--warningiserror", "--keep-going", "--all"]
    return subprocess.run(command, cwd=source).returncode


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", default="build/site",
                        help="folder for the staged sources and _build/html (default: build/site)")
    args = parser.parse_args(argv)
    status = build(args.output)
    if status == 0:
        print(f"site: open {Path(args.output).resolve() / '_build/html/index.html'}")
    return status


if __name__ == "__main__":
    sys.exit(main())
