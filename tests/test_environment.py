"""The course's environments install what the course imports, at the pinned versions.

Three ways in, one list of versions: ``make lab`` (a venv from
``requirements.txt``, with ``TORCH=pypi|cpu|none``), ``conda env create -f
environment.yml`` and Binder (which reads ``environment.yml`` and runs
``postBuild``). ``environment.yml`` holds no versions of its own: it reads
``requirements.txt`` through ``-r``. These tests check that mechanism, that
torch is 2.13.0 wherever it is named, that every module the course imports
comes from a distribution those pins install, and what ``make`` would run for
each choice of torch (``make -n``; nothing is installed).
"""
import ast
import json
import os
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

# The pinned environment needs Python >= 3.11 (numpy 2.4), which has tomllib.
tomllib = pytest.importorskip("tomllib", reason="the pinned environment needs Python >= 3.11")

ROOT = Path(__file__).parents[1]
TORCH_VERSION = "2.13.0"
TORCH_CPU_INDEX = "https://download.pytorch.org/whl/cpu"
START_PAGE = "notebooks/00_start_here.ipynb"
# Where the course imports modules: lectures, assignments (both sides), course tools, library.
IMPORTING_FILES = ("notebooks/*.py", "exercises/**/*.ipynb", "solutions/**/*.ipynb",
                   "course/**/*.py", "adaptlab/**/*.py")
FIRST_PARTY = {"adaptlab"}


def normalized(name):
    """A distribution name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def requirement_lines(path):
    """The non-blank, non-comment lines of a requirements file."""
    lines = (line.split("#", 1)[0].strip() for line in path.read_text().splitlines())
    return [line for line in lines if line]


def pins():
    """``requirements.txt`` as {distribution: version}; every line must be an exact pin."""
    pinned = {}
    for line in requirement_lines(ROOT / "requirements.txt"):
        requirement = Requirement(line)
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", f"requirements.txt: pin {line!r} exactly (==)"
        pinned[normalized(requirement.name)] = specifier.version
    return pinned


def environment():
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def pip_section(env):
    (section,) = [item["pip"] for item in env["dependencies"] if isinstance(item, dict)]
    return section


def conda_packages(env):
    """The conda package names of environment.yml, versions stripped."""
    return [re.split(r"[=<>! ]", item)[0] for item in env["dependencies"] if isinstance(item, str)]


def installed_closure(names):
    """Every distribution that installing ``names`` brings in, per this environment's metadata.

    Dependencies are followed with their markers evaluated here (and the extras
    asked for); a distribution that is not installed (torch under ``TORCH=none``)
    contributes itself but no dependencies.
    """
    seen, todo = set(), [(normalized(name), frozenset()) for name in names]
    while todo:
        name, extras = todo.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for line in requires:
            requirement = Requirement(line)
            if requirement.marker is None or any(
                    requirement.marker.evaluate({"extra": extra}) for extra in extras | {""}):
                todo.append((normalized(requirement.name), frozenset(requirement.extras)))
    return {name for name, _ in seen}


def code_cells(path):
    """The Python sources of a file: a .py whole, a notebook's code cells without magics."""
    if path.suffix == ".py":
        return [path.read_text(encoding="utf-8")]
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return ["\n".join(line for line in "".join(cell["source"]).splitlines()
                      if not line.lstrip().startswith(("%", "!")))
            for cell in cells if cell["cell_type"] == "code"]


def imported_modules(path):
    """The top-level names of the absolute imports in a file, without its sibling modules."""
    names = set()
    for source in code_cells(path):
        for node in ast.walk(ast.parse(source, filename=str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name.partition(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names.add(node.module.partition(".")[0])
    return {name for name in names
            if not (path.parent / f"{name}.py").exists() and not (path.parent / name).is_dir()}


def test_environment_yml_reads_requirements_txt():
    env = environment()
    assert env["name"] == "adaptlab"
    assert env["channels"] == ["conda-forge"]
    # conda brings Python and pip only: a package pinned here too could disagree.
    assert sorted(conda_packages(env)) == ["pip", "python"]
    pip_lines = pip_section(env)
    assert "-r requirements.txt" in pip_lines and "-e ." in pip_lines
    # conda runs pip from environment.yml's folder, so both resolve there.
    assert (ROOT / "requirements.txt").is_file() and (ROOT / "pyproject.toml").is_file()
    named = [line for line in pip_lines if not line.startswith("-")]
    assert not named, f"environment.yml pins {named} outside requirements.txt"


def test_environment_python_is_one_the_pins_install_on():
    (python,) = [item for item in environment()["dependencies"]
                 if isinstance(item, str) and item.startswith("python=")]
    version = python.removeprefix("python=")
    requires_python = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "requires-python"]
    assert Version(version) in SpecifierSet(requires_python)
    assert Version(version) >= Version("3.11"), "numpy 2.4 and pandas 3 need Python >= 3.11"


def test_pins_satisfy_the_library_ranges():
    # environment.yml installs adaptlab itself (-e .): its ranges must admit every pin.
    pinned = pins()
    for line in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]:
        requirement = Requirement(line)
        name = normalized(requirement.name)
        assert name in pinned, f"pyproject.toml needs {name}; requirements.txt does not pin it"
        assert Version(pinned[name]) in requirement.specifier, (
            f"requirements.txt pins {name}=={pinned[name]}, outside pyproject's {requirement}")


def test_torch_is_2_13_0_everywhere():
    assert pins()["torch"] == TORCH_VERSION
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"]
    assert extras["torch"] == [f"torch=={TORCH_VERSION}"]
    for name in ("environment.yml", "Makefile", "postBuild"):
        mentions = re.findall(r"torch\s*[=<>~!]=?\s*[\d.]+", (ROOT / name).read_text())
        assert all(TORCH_VERSION in mention for mention in mentions), (name, mentions)
    try:
        installed = Version(metadata.version("torch"))
    except metadata.PackageNotFoundError:
        return  # TORCH=none: nothing installed to check
    assert installed.public == TORCH_VERSION, f"this environment has torch {installed}"


def test_cpu_index_gives_the_cpu_build():
    # The CPU index's 2.13.0+cpu satisfies the pin and sorts above PyPI's 2.13.0 (the CUDA
    # build on Linux), so pip, offered both through --extra-index-url, takes the CPU wheel.
    assert f"--extra-index-url {TORCH_CPU_INDEX}" in pip_section(environment())
    cpu_build = Version(f"{TORCH_VERSION}+cpu")
    assert cpu_build in SpecifierSet(f"=={TORCH_VERSION}")
    assert cpu_build > Version(TORCH_VERSION)
    assert f"TORCH_CPU_INDEX := {TORCH_CPU_INDEX}" in (ROOT / "Makefile").read_text()


def test_every_import_comes_from_a_pinned_distribution():
    providers = metadata.packages_distributions()
    installed = installed_closure(pins())
    importing = sorted({path for pattern in IMPORTING_FILES for path in ROOT.glob(pattern)})
    assert len(importing) > 20, "the import scan found too few files: check IMPORTING_FILES"
    missing = {}
    for path in importing:
        third_party = imported_modules(path) - set(sys.stdlib_module_names) - FIRST_PARTY
        for module in third_party:
            # A module not installed here (torch under TORCH=none) is named after its distribution.
            distributions = {normalized(name) for name in providers.get(module, [module])}
            if not distributions & installed:
                missing.setdefault(module, []).append(str(path.relative_to(ROOT)))
    assert not missing, f"imported, but installed by neither requirements.txt nor environment.yml: {missing}"


def test_postbuild_registers_the_kernel_the_notebooks_ask_for():
    post_build = ROOT / "postBuild"
    assert os.access(post_build, os.X_OK), "Binder runs postBuild only if it is executable"
    kernel = json.loads((ROOT / START_PAGE).read_text())["metadata"]["kernelspec"]["name"]
    assert f"ipykernel install --sys-prefix --name {kernel} " in post_build.read_text()


def test_readme_binder_link_opens_the_start_page():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"https://mybinder\.org/v2/gh/([^/\s]+)/([^/\s]+)/HEAD\?urlpath=lab/tree/(\S+?)\)?\s",
                       readme)
    assert links, "README has no Binder link"
    assert {path for _, _, path in links} == {START_PAGE}
    assert (ROOT / START_PAGE).is_file()


# What `make lab` would run for each choice of torch, without running it (make -n).

def make_dry_run(*arguments, venv):
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    return subprocess.run(["make", "-n", "lab", f"VENV={venv}", *arguments], cwd=ROOT,
                          capture_output=True, text=True)


def pip_installs(output):
    return [line for line in output.splitlines() if "-m pip install" in line and "--upgrade" not in line]


def test_make_installs_requirements_as_they_are_by_default(tmp_path):
    run = make_dry_run(venv=tmp_path / "venv")
    assert run.returncode == 0, run.stderr
    assert pip_installs(run.stdout) == [f"{tmp_path}/venv/bin/python -m pip install --quiet "
                                        "-r requirements.txt"]
    assert f"echo pypi > {tmp_path}/venv/.installed" in run.stdout


def test_make_torch_cpu_takes_torch_alone_from_the_cpu_index(tmp_path):
    run = make_dry_run("TORCH=cpu", venv=tmp_path / "venv")
    assert run.returncode == 0, run.stderr
    torch_only, everything = pip_installs(run.stdout)
    assert torch_only.endswith(f'install --quiet "torch=={TORCH_VERSION}" --index-url {TORCH_CPU_INDEX}')
    assert everything.endswith("-r requirements.txt")


def test_make_torch_none_installs_everything_but_torch(tmp_path):
    run = make_dry_run("TORCH=none", venv=tmp_path / "venv")
    assert run.returncode == 0, run.stderr
    filtered = tmp_path / "venv" / "requirements-without-torch.txt"
    assert pip_installs(run.stdout) == [f"{tmp_path}/venv/bin/python -m pip install --quiet -r {filtered}"]
    # Run the filtering line itself: every pin but torch's survives it.
    filtering = next(line for line in run.stdout.splitlines() if line.startswith("grep"))
    filtered.parent.mkdir()
    subprocess.run(filtering, shell=True, cwd=ROOT, check=True)
    kept = {normalized(Requirement(line).name) for line in requirement_lines(filtered)}
    assert kept == set(pins()) - {"torch"}


def test_make_rejects_an_unknown_torch(tmp_path):
    run = make_dry_run("TORCH=cuda", venv=tmp_path / "venv")
    assert run.returncode != 0
    assert "TORCH=cuda is not one of pypi, cpu, none" in run.stderr


def test_make_keeps_the_torch_a_venv_was_built_with(tmp_path):
    venv = tmp_path / "venv"
    venv.mkdir()
    (venv / ".installed").write_text("cpu\n")
    switched = make_dry_run("TORCH=none", venv=venv)
    assert switched.returncode != 0
    assert "holds TORCH=cpu: run `make clean` first" in switched.stderr
    assert make_dry_run(venv=venv).returncode == 0  # no TORCH given: the venv's own


def test_torch_lectures_say_what_to_install_without_torch():
    # As in a TORCH=none environment: `import torch` fails; the lectures' import says why.
    run = subprocess.run(
        [sys.executable, "-c", "import sys; sys.modules['torch'] = None; import adaptlab.torch_family"],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode != 0
    assert "ModuleNotFoundError: adaptlab.torch_family needs torch 2.13.0" in run.stderr
    assert "make lab TORCH=cpu" in run.stderr
