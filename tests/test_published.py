"""Published figures and Table 1's alpha = 1 columns."""
import numpy as np
import pytest

from adaptlab.published import family_state_space, paper_table1, published_figures, table1


def test_figures_are_fractions_with_sources():
    figures = published_figures()
    assert set(figures["family"]) == {"EfficientNet", "ViT", "Llama-2"}
    assert figures["accuracy"].between(0, 1).all()
    assert (figures["cost_gflops"] > 0).all()
    assert figures["source"].str.len().gt(0).all()


def test_efficientnet_reproduces_within_tolerance():
    space = family_state_space("EfficientNet")
    assert len(space) == 8
    point = space.conservative()
    assert point.r_ratio == pytest.approx(59.74, abs=0.01)


def test_vit_keeps_its_pareto_frontier():
    space = family_state_space("ViT")
    assert len(space) == 7
    assert "vit_l_16 IMAGENET1K_V1" not in space.names  # dominated
    assert space.conservative().r_ratio == pytest.approx(48.55, abs=0.01)


def test_table1_says_which_rows_match_and_why():
    table = table1().set_index("family")
    assert list(table.index) == list(paper_table1()["family"])
    assert table.loc[["EfficientNet", "ViT", "Llama-2"], "matches"].all()
    assert not table.loc[["Pythia", "SOTA"], "matches"].any()
    assert table.loc["Pythia", "R_ratio"] != table.loc["Pythia", "R_ratio"]  # NaN
    assert "not published" in table.loc["Pythia", "note"]
    assert table.loc["Llama-2", "R_ratio"] == pytest.approx(7.16, abs=0.01)
    assert np.all(table["note"].str.len() > 20)


def test_tighter_tolerance_changes_the_verdict():
    assert not table1(tolerance=0.05).set_index("family").loc["ViT", "matches"]


@pytest.mark.parametrize("bad", [0, 1, -0.1])
def test_bad_tolerance(bad):
    with pytest.raises(ValueError, match="tolerance"):
        table1(tolerance=bad)


def test_unknown_family():
    with pytest.raises(ValueError, match="family must be one of"):
        family_state_space("ResNet")
