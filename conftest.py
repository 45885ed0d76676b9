"""pytest settings for the whole checkout: ``make test`` runs ``pytest tests adaptlab --doctest-modules``.

Without torch (``make lab TORCH=none``) ``adaptlab/torch_family.py`` cannot be
imported for its doctests: it is left out, and the report's header says so
(the torch tests in ``tests/`` skip themselves with ``pytest.importorskip``).
"""
from importlib.util import find_spec
from pathlib import Path

TORCH_MODULE = Path(__file__).parent / "adaptlab" / "torch_family.py"
HAS_TORCH = find_spec("torch") is not None


def pytest_report_header():
    if not HAS_TORCH:
        return "torch is not installed: the doctests of adaptlab/torch_family.py and the torch tests are skipped"
    return None


def pytest_ignore_collect(collection_path):
    if not HAS_TORCH and collection_path == TORCH_MODULE:
        return True
    return None
