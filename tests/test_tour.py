"""The whole tour, on a small size: data, three families, routers, figures."""
import pytest

from adaptlab.__main__ import main
from adaptlab.tour import run_tour, state_table


@pytest.fixture(scope="module")
def tour(tmp_path_factory):
    output = tmp_path_factory.mktemp("tour")
    printed = []
    comparisons = run_tour(n_instances=1500, output_dir=output, progress=False,
                           cache_dir=output / "cache", echo=printed.append)
    return output, comparisons, "\n".join(printed)


@pytest.mark.slow
def test_tour_compares_every_family_and_saves_figures(tour):
    output, comparisons, printed = tour
    assert list(comparisons) == ["scikit-learn", "torch CNNs", "torch early exits"]
    for label in comparisons:
        stem = label.replace(" ", "-").lower()
        assert (output / f"{stem}-routers.png").stat().st_size > 10_000
        assert (output / f"{stem}-alphas.png").stat().st_size > 5_000
        assert f"== {label}:" in printed
    assert (output / "data.png").exists()
    assert "exact oracle (selection)" in printed and "max probability" in printed


@pytest.mark.slow
def test_tour_tables_are_consistent(tour):
    _, comparisons, _ = tour
    for comparison in comparisons.values():
        table = state_table(comparison)
        assert list(table["name"]) == list(comparison.family.names)
        routers = comparison.table.set_index("router")
        # The oracle on test is never less accurate than the largest state.
        assert routers.loc["exact oracle (selection)", "accuracy"] >= comparison.family.accuracies[-1]


def test_cli_tour_without_torch(tmp_path, capsys):
    assert main(["tour", "--instances", "1000", "--no-torch", "--quiet",
                 "--output", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "== scikit-learn" in out and "== torch" not in out
    assert (tmp_path / "scikit-learn-routers.png").exists()
    assert not (tmp_path / "torch-cnns-routers.png").exists()


def test_cli_tour_bad_size_is_one_line(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["tour", "--instances", "0", "--no-torch", "--quiet"])
    assert exit_info.value.code == 2
    assert "n_instances" in capsys.readouterr().err


def test_missing_torch_is_explained(monkeypatch, tmp_path, capsys):
    import sys

    monkeypatch.setitem(sys.modules, "adaptlab.torch_family", None)  # import fails
    with pytest.raises(SystemExit) as exit_info:
        main(["tour", "--instances", "1000", "--quiet", "--output", str(tmp_path)])
    assert exit_info.value.code == 2
    assert "torch is not installed" in capsys.readouterr().err
