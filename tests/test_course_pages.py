"""The course pages say what is true: course/syllabus.md, instructor-guide.md, troubleshooting.md.

* Every ``make`` and ``python`` command in their fenced ``bash`` blocks names a real target,
  script, module, option or file (dry runs and ``--help``), and the cheap ones run: the kernel
  registration into a temporary prefix, the guide's CIFAR-10 snippet on a tiny archive, its
  JupyterHub setting.
* End to end, as the instructor guide says: ``make grade`` in a copy of the course builds the
  autograder for a02 and grades two submissions into one CSV (slow).
* The tables that restate other files stay in step with them: the self-paced path with each
  notebook's "Estimated time", the mistakes table with ``MISTAKES`` of test_assignments.py,
  the torch lectures with the notebooks' imports.

A lecture or assignment the syllabus lists that is not in this checkout yet (being written on
another branch) is skipped with a message saying so, never passed.
"""
import csv
import io
import os
import pickle
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from assignment_build import course_env
from test_assignments import MISTAKES

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "course"
GUIDE = COURSE / "instructor-guide.md"
SYLLABUS = COURSE / "syllabus.md"
TROUBLESHOOTING = COURSE / "troubleshooting.md"
PAGES = [GUIDE, SYLLABUS, TROUBLESHOOTING]
BIN = Path(sys.executable).parent
VENV = BIN.parent


def fenced_blocks(path, language):
    """The text of every ```language block of a Markdown page."""
    blocks = re.findall(rf"^ *```{language}\n(.*?)^ *```", path.read_text(encoding="utf-8"),
                        flags=re.MULTILINE | re.DOTALL)
    return [textwrap.dedent(block) for block in blocks]


def commands(path):
    """Each command line of the page's bash blocks, comments and continuation lines joined."""
    lines = []
    for block in fenced_blocks(path, "bash"):
        for line in block.replace("\\\n", " ").splitlines():
            line = re.sub(r"\s#.*$", "", line).strip()
            if line and not line.startswith("#"):
                lines.append(line)
    return lines


def make_commands():
    return [(page.name, line) for page in PAGES for line in commands(page)
            if line.startswith("make ")]


def python_commands():
    return [(page.name, line) for page in PAGES for line in commands(page)
            if line.startswith(".venv/bin/python ")]


# ---------------------------------------------------------------------------------------------
# Commands


@pytest.mark.parametrize("page, line", make_commands())
def test_make_commands_name_real_targets_and_variables(page, line):
    words = shlex.split(line)[1:]
    done = subprocess.run(["make", "-n", *words], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, f"{page}: `{line}` fails a dry run:\n{done.stderr}"
    for word in words:
        if "=" in word:  # a variable's value must reach the command it configures
            value = word.split("=", 1)[1]
            assert value in done.stdout, f"{page}: `{line}`: {word} is not used:\n{done.stdout}"


def help_text(words):
    """``--help`` of a python command: the script or module and its subcommands, as words."""
    prefix = []
    for word in words:
        if word.startswith("-") and word != "-m":
            break
        prefix.append(word)
    if prefix[0] == "-m" and prefix[1] == "pytest":
        return None
    done = subprocess.run([sys.executable, *prefix, "--help"], cwd=ROOT, capture_output=True,
                          text=True, env=course_env(), timeout=120)
    assert done.returncode == 0, f"`{' '.join(prefix)} --help` fails:\n{done.stderr}"
    return done.stdout


@pytest.mark.parametrize("page, line", python_commands())
def test_python_commands_name_real_scripts_modules_and_options(page, line):
    words = shlex.split(line)[1:]
    if words[0] != "-m":
        assert (ROOT / words[0]).is_file(), f"{page}: no script {words[0]}"
    text = help_text(words)
    if text is None:  # pytest: the test files must exist
        for word in words[2:]:
            assert (ROOT / word).is_file(), f"{page}: `{line}`: no file {word}"
        return
    for option in (word.split("=")[0] for word in words if word.startswith("--")):
        assert option in text, f"{page}: `{line}`: {option} is not an option:\n{text}"


def test_the_kernel_registers_as_the_guides_say(tmp_path):
    lines = [line for page in (GUIDE, TROUBLESHOOTING) for line in commands(page)
             if "ipykernel install" in line]
    assert len(lines) >= 2
    for line in lines:
        words = shlex.split(line)
        for flag in ("--prefix", "--user", "--sys-prefix"):  # into a temporary prefix instead
            if flag in words:
                index = words.index(flag)
                words[index:index + 1 + (flag == "--prefix")] = ["--prefix", str(tmp_path)]
        done = subprocess.run([sys.executable, *words[1:]], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        spec = tmp_path / "share" / "jupyter" / "kernels" / "adaptlab" / "kernel.json"
        assert '"display_name": "Python (adaptlab)"' in spec.read_text()
        shutil.rmtree(tmp_path / "share")


def test_troubleshooting_installs_without_torch_as_written(tmp_path):
    block = next(block for block in fenced_blocks(TROUBLESHOOTING, "bash") if "no-torch" in block)
    lines = block.strip().splitlines()
    assert lines[0] == "python3 -m venv .venv"
    grep = shlex.split(lines[1].split(">")[0])
    done = subprocess.run(grep, cwd=ROOT, capture_output=True, text=True)
    kept = done.stdout.splitlines()
    assert kept and not any(line.startswith("torch") for line in kept)
    assert len(kept) == len((ROOT / "requirements.txt").read_text().splitlines()) - 1


def test_the_guides_cifar10_snippet_runs_on_an_archive(tmp_path):
    rng = np.random.default_rng(0)
    names = [f"class{i}".encode() for i in range(10)]
    files = {"batches.meta": {b"label_names": names}}
    for batch in (1, 2):
        files[f"data_batch_{batch}"] = {b"labels": np.tile(np.arange(10), 15).tolist(),
                                        b"data": rng.integers(0, 256, (150, 3072), np.uint8)}
    archive = tmp_path / "cifar-10-python.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name, content in files.items():
            payload = pickle.dumps(content)
            member = tarfile.TarInfo(f"cifar-10-batches-py/{name}")
            member.size = len(payload)
            tar.addfile(member, io.BytesIO(payload))
    snippet = next(block for block in fenced_blocks(GUIDE, "python") if "load_cifar10" in block)
    path = re.search(r'CIFAR10 = "([^"]+)"', snippet).group(1)
    namespace = {}
    exec(snippet.replace(path, str(archive)), namespace)
    splits = namespace["splits"]
    assert len(splits.train.labels) + len(splits.val.labels) + len(splits.test.labels) == 300
    assert splits.train.images.dtype == np.uint8 and splits.train.difficulty is None


def test_the_guides_cifar10_lectures_are_those_that_generate_images():
    said = re.search(r"calls `make_cifar_like` \(lectures ([\d, and]+)\)", GUIDE.read_text())
    listed = sorted(int(n) for n in re.findall(r"\d+", said.group(1)))
    generating = sorted(int(path.name[:2]) for path in (ROOT / "notebooks").glob("*.py")
                        if "make_cifar_like(" in path.read_text())
    assert listed == generating


def test_the_guides_jupyterhub_setting_gives_each_user_a_cache():
    snippet = next(block for block in fenced_blocks(GUIDE, "python") if "ADAPTLAB_CACHE" in block)
    c = SimpleNamespace(Spawner=SimpleNamespace())
    exec(snippet, {"c": c})
    spawner = SimpleNamespace(user=SimpleNamespace(name="alice"))
    folders = {c.Spawner.environment["ADAPTLAB_CACHE"](spawner),
               c.Spawner.environment["ADAPTLAB_CACHE"](SimpleNamespace(user=SimpleNamespace(
                   name="bob")))}
    assert len(folders) == 2 and all(folder.endswith(("alice", "bob")) for folder in folders)


@pytest.mark.slow
def test_grading_a_class_end_to_end_as_the_guide_says(tmp_path):
    """`make grade SUBMISSIONS=submissions/a02` in a copy: the a02 autograder, then one CSV."""
    course = tmp_path / "course-copy"
    course.mkdir()
    for name in ("Makefile", "requirements.txt", "pyproject.toml"):
        shutil.copy(ROOT / name, course)
    shutil.copytree(ROOT / "course" / "assignments", course / "course" / "assignments")
    shutil.copytree(ROOT / "course" / "grading", course / "course" / "grading")
    submissions = course / "submissions" / "a02"
    (submissions / "alice").mkdir(parents=True)
    shutil.copy(ROOT / "solutions" / "a02_oracle" / "a02_oracle.ipynb", submissions / "alice")
    shutil.copy(ROOT / "exercises" / "a02_oracle" / "a02_oracle.ipynb", submissions / "bob.ipynb")
    line = next(line for line in commands(GUIDE) if line == "make grade SUBMISSIONS=submissions/a02")
    # The course's environment is this one: make must not build another (-o: its stamp is old).
    stamp = VENV / ".installed"
    done = subprocess.run([*shlex.split(line), f"VENV={VENV}", "-o", str(stamp)], cwd=course,
                          capture_output=True, text=True, env=course_env(), timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (course / "build" / "autograder" / "a02_oracle-autograder.zip").is_file()
    with open(course / "build" / "grades" / "a02_oracle.csv", newline="") as handle:
        rows = {row["submission"]: row for row in csv.DictReader(handle)}
    possible = rows.pop("POINTS POSSIBLE")["total"]
    assert sorted(rows) == ["alice/a02_oracle.ipynb", "bob.ipynb"]
    assert rows["alice/a02_oracle.ipynb"]["total"] == possible
    assert float(rows["bob.ipynb"]["total"]) == 0 and "returned None" in rows["bob.ipynb"]["message"]


# ---------------------------------------------------------------------------------------------
# Tables that restate other files


def mistakes_table(name):
    """The guide's table of ``MISTAKES[name]``: question, the mistake, what the check says."""
    def code(text):
        return "`" + " ".join(text.split()).replace("|", "\\|") + "`"

    rows = ["| question | a learner writes | the check says |", "|---|---|---|"]
    rows += [f"| {question} | {code(mistake)} | …{says}… |"
             for question, _, mistake, says in MISTAKES[name]]
    return "\n".join(rows)


@pytest.mark.parametrize("name", sorted(MISTAKES))
def test_the_guides_mistakes_table_is_test_assignments_MISTAKES(name):
    marker = f"<!-- mistakes: {name} -->\n"
    text = GUIDE.read_text(encoding="utf-8")
    assert marker in text, f"instructor-guide.md has no table for {name}: add\n{marker}"
    shown = text.split(marker, 1)[1].strip().split("\n\n", 1)[0]
    expected = mistakes_table(name)
    assert shown == expected, f"the table of {name} in instructor-guide.md should be:\n{expected}"


def estimated_time(path):
    """A lecture's or an assignment's own "Estimated time", as written at its top."""
    match = re.search(r"^# [*]{1,2}Estimated time:[*]{1,2} (.+?)\.(?: |$)", path.read_text(),
                      flags=re.MULTILINE)
    assert match, f"{path.name} states no estimated time"
    return match.group(1)


def path_rows():
    """(link, time) of each row of the syllabus's self-paced path."""
    text = SYLLABUS.read_text(encoding="utf-8")
    return re.findall(r"^\|[^|]*\| \[[^\]]+\]\(\.\./([^)]+)\) \| ([^|]+) \|$", text,
                      flags=re.MULTILINE)


def source_of(link):
    """The file that states the time: a lecture's jupytext source, an assignment's source."""
    path = Path(link)
    if path.parts[0] == "notebooks":
        return ROOT / path.with_suffix(".py")
    return COURSE / "assignments" / f"{path.stem}.py"


@pytest.mark.parametrize("link, time", path_rows())
def test_the_self_paced_path_gives_each_pages_own_estimated_time(link, time):
    source = source_of(link)
    if not source.exists():
        assert time == "being written", f"syllabus: {link} is not in the course: say 'being written'"
        pytest.skip(f"{link} is not in this checkout yet (being written on another branch)")
    assert (ROOT / link).exists(), f"syllabus links {link}, which is not built"
    assert time == estimated_time(source), (
        f"syllabus.md gives {link} {time!r}; its own page says {estimated_time(source)!r}")


def test_the_self_paced_path_lists_every_lecture_and_assignment():
    linked = {link for link, _ in path_rows()}
    lectures = {f"notebooks/{path.name}" for path in (ROOT / "notebooks").glob("*.ipynb")}
    assignments = {f"exercises/{path.stem}/{path.stem}.ipynb"
                   for path in (COURSE / "assignments").glob("a[0-9][0-9]_*.py")}
    assert lectures | assignments <= linked


def test_the_syllabus_totals_add_up():
    minutes = {link: re.findall(r"\d+", time) for link, time in path_rows()
               if source_of(link).exists()}
    lectures = [link for link in minutes if link.startswith("notebooks/")]
    assignments = [link for link in minutes if link.startswith("exercises/")]

    def hours(total):
        return f"{total // 60} h {total % 60:02d} min"

    lecture_total = sum(int(minutes[link][0]) for link in lectures)
    low = sum(int(minutes[link][0]) for link in assignments)
    high = sum(int(minutes[link][-1]) for link in assignments)
    text = " ".join(SYLLABUS.read_text().split())
    assert len(lectures) == 9 and len(assignments) == 6
    assert (f"The nine lectures take about {hours(lecture_total)}; the six assignments "
            f"{hours(low)} to {hours(high)}") in text


def test_troubleshooting_lists_exactly_the_lectures_that_need_torch():
    text = TROUBLESHOOTING.read_text(encoding="utf-8")
    block = text.split("<!-- torch lectures", 1)[1].split("\n\n", 1)[0]
    listed = sorted(re.findall(r"\(\.\./notebooks/([^)]+)\)", block))
    needing = sorted(path.with_suffix(".ipynb").name for path in (ROOT / "notebooks").glob("*.py")
                     if re.search(r"^\s*(import torch|from adaptlab\.torch_family|"
                                  r"from adaptlab import .*torch_family)", path.read_text(),
                                  flags=re.MULTILINE))
    assert listed == needing, f"troubleshooting.md should list exactly: {needing}"
