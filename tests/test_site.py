"""The course website (``make site``): built once per session into a temporary folder, offline.

The build (course/site/build.py: Jupyter Book 1, Sphinx with ``-W --keep-going`` and
``nitpicky``) must succeed without a single Sphinx warning, and its HTML must hold:

* every lecture of the table of contents, executed, with at least one figure, and alt text on
  every image of the site (the figures' alt text is set per figure cell, see course/site/README.md);
* an API page for every public module of adaptlab that documents every name of its ``__all__``;
* no relative link to a missing page or anchor, and no asset loaded from the network.

A lecture or assignment the table of contents lists but this checkout does not have yet (being
written on another branch) is built as a placeholder page; its checks are skipped with a message
that says so. The lectures' torch models are trained (or found in the cache) before the build,
as in test_notebooks.py, so that a cold cache does not count against the 60 s budget.
"""
import importlib
import importlib.util
import pkgutil
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import nbformat
import pytest

import adaptlab
from assignment_build import course_env
from test_notebooks import TIME_BUDGET_S, course_models_trained  # noqa: F401 (a fixture)

ROOT = Path(__file__).resolve().parents[1]
BUILD_SCRIPT = ROOT / "course" / "site" / "build.py"


def load_build():
    spec = importlib.util.spec_from_file_location("site_build", BUILD_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


build = load_build()
LECTURES = [entry for entry in build.toc_entries() if entry.startswith("notebooks/")]
MISSING = set(build.missing_entries())
PUBLIC_MODULES = sorted(info.name for info in pkgutil.iter_modules(adaptlab.__path__)
                        if not info.name.startswith("_"))


def skip_if_missing(entry):
    if entry in MISSING:
        pytest.skip(f"{entry}.ipynb is not in this checkout yet (being written on another "
                    "branch): the site shows a placeholder page")


class Page(HTMLParser):
    """The ids, links, images and external assets of one HTML page."""

    def __init__(self, text):
        super().__init__()
        self.ids, self.links, self.images, self.assets = set(), [], [], []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "img":
            self.images.append(attrs)
        for key in ("src", "href"):
            if tag in ("script", "link", "img", "iframe", "source") and attrs.get(key):
                self.assets.append(attrs[key])


# ---------------------------------------------------------------------------------------------
# The build script, on its own (fast)


def test_toc_lists_every_lecture_and_assignment_of_the_course():
    entries = set(build.toc_entries())
    lectures = {f"notebooks/{path.stem}" for path in (ROOT / "notebooks").glob("*.ipynb")}
    assignments = {f"exercises/{path.name}/{path.name}"
                   for path in (ROOT / "exercises").iterdir() if path.is_dir()}
    assert lectures | assignments <= entries
    assert {"notebooks/06_routers_vs_bounds", "notebooks/07_designing_state_spaces"} <= entries


def test_a_listed_page_that_is_missing_gets_a_placeholder_that_says_so(tmp_path, capsys):
    root = tmp_path / "checkout"
    for folder in build.SOURCES:
        (root / folder).mkdir(parents=True)
    (root / "course" / "site").mkdir()
    (root / "course" / "site" / "_toc.yml").write_text(
        "format: jb-book\nroot: course/site/intro\nchapters:\n"
        "  - file: notebooks/00_start_here\n  - file: notebooks/09_not_yet\n")
    (root / "course" / "site" / "intro.md").write_text("# intro\n")
    nbformat.write(nbformat.v4.new_notebook(), root / "notebooks" / "00_start_here.ipynb")
    assert build.missing_entries(root) == ["notebooks/09_not_yet"]
    staged = tmp_path / "src"
    build.stage(staged, root)
    placeholder = nbformat.read(staged / "notebooks" / "09_not_yet.ipynb", as_version=4)
    assert "09_not_yet.ipynb` is being written" in placeholder.cells[0].source
    assert not (root / "notebooks" / "09_not_yet.ipynb").exists()  # the checkout is untouched
    assert "notebooks/09_not_yet is listed" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------------
# The built site (slow: every lecture is executed)


@pytest.fixture(scope="session")
def site(tmp_path_factory, course_models_trained):  # noqa: F811
    output = tmp_path_factory.mktemp("site")
    done = subprocess.run([sys.executable, str(BUILD_SCRIPT), "--output", str(output)],
                          cwd=ROOT, env=course_env(), capture_output=True, text=True,
                          timeout=1800)
    log = done.stdout + done.stderr
    assert done.returncode == 0, f"the site build failed:\n{log[-6000:]}"
    return output / "_build" / "html", log


def pages(html):
    return sorted(path for path in html.rglob("*.html") if "_static" not in path.parts)


@pytest.mark.slow
def test_the_build_has_no_sphinx_warning(site):
    _, log = site
    flagged = [line for line in log.splitlines() if re.search(r"\b(WARNING|ERROR|CRITICAL):", line)]
    assert not flagged, "\n".join(flagged)


@pytest.mark.slow
@pytest.mark.parametrize("entry", LECTURES)
def test_every_lecture_page_has_its_figures(site, entry):
    skip_if_missing(entry)
    html, _ = site
    page = Page((html / entry).with_suffix(".html").read_text(encoding="utf-8"))
    assert page.images, f"{entry}: no figure on its page"


def is_real_alt(image):
    alt = (image.get("alt") or "").strip()
    return bool(alt) and alt != image.get("src") and not re.search(r"\.(png|jpe?g|svg)$", alt)


@pytest.mark.slow
def test_every_image_of_the_site_has_alt_text(site):
    html, _ = site
    missing = [f"{path.relative_to(html)}: {image.get('src')}" for path in pages(html)
               for image in Page(path.read_text(encoding="utf-8")).images
               if not is_real_alt(image)]
    assert not missing, ("images without alt text (set mystnb.image.alt on the figure's cell, "
                         "course/site/README.md):\n" + "\n".join(missing))


@pytest.mark.slow
@pytest.mark.parametrize("name", PUBLIC_MODULES)
def test_the_api_page_documents_every_public_name(site, name):
    html, _ = site
    module = importlib.import_module(f"adaptlab.{name}")
    path = html / "course" / "site" / "api" / f"{name}.html"
    assert path.exists(), f"no API page for adaptlab.{name}: add course/site/api/{name}.md"
    ids = Page(path.read_text(encoding="utf-8")).ids
    undocumented = [item for item in module.__all__ if f"adaptlab.{name}.{item}" not in ids]
    assert not undocumented, f"adaptlab.{name}: not on its API page: {undocumented}"


def resolve(page, href, html):
    """The file and anchor a relative link points to, or None for a link out of the site."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:")):
        return None
    target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
    if target.is_dir():
        target = target / "index.html"
    return target, parts.fragment


@pytest.mark.slow
def test_no_internal_link_is_broken(site):
    html, _ = site
    parsed = {path.resolve(): Page(path.read_text(encoding="utf-8")) for path in pages(html)}
    broken = []
    for path in pages(html):
        for href in parsed[path.resolve()].links + parsed[path.resolve()].assets:
            resolved = resolve(path, href, html)
            if resolved is None:
                continue
            target, fragment = resolved
            if not target.exists():
                broken.append(f"{path.relative_to(html)}: {href} (no such file)")
            elif fragment and target.suffix == ".html" and fragment not in parsed.get(
                    target, Page(target.read_text(encoding="utf-8"))).ids:
                broken.append(f"{path.relative_to(html)}: {href} (no such anchor)")
    assert not broken, "\n".join(broken)


@pytest.mark.slow
def test_nothing_is_loaded_from_the_network(site):
    html, _ = site
    remote = [f"{path.relative_to(html)}: {asset}" for path in pages(html)
              for asset in Page(path.read_text(encoding="utf-8")).assets
              if urlsplit(asset).scheme in ("http", "https") or asset.startswith("//")]
    assert not remote, "\n".join(remote)


@pytest.mark.slow
def test_widgets_are_a_note_not_an_empty_box(site):
    html, _ = site
    start = (html / "notebooks" / "00_start_here.html").read_text(encoding="utf-8")
    assert "Interactive explorer: it needs a running kernel" in start
    for path in pages(html):
        assert "application/vnd.jupyter.widget" not in path.read_text(encoding="utf-8"), path


@pytest.mark.slow
@pytest.mark.parametrize("entry", LECTURES)
def test_every_lecture_ran_within_the_budget(site, entry):
    skip_if_missing(entry)
    html, _ = site
    table = (html / "course" / "site" / "execution.html").read_text(encoding="utf-8")
    row = re.search(rf'<span class="doc">{re.escape(entry)}</span>.*?</td>(.*?)</tr>', table,
                    flags=re.DOTALL)
    assert row, f"{entry} is not in the execution table"
    cells = re.findall(r"<td[^>]*>\s*<p>(.*?)</p>\s*</td>", row.group(1))
    seconds, status = float(cells[-2]), cells[-1]
    assert status == "✅" and seconds <= TIME_BUDGET_S, f"{entry}: {status}, {seconds} s"
