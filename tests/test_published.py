"""Published figures and Table 1's alpha = 1 columns."""
import numpy as np
import pytest

from adaptlab.published import (
    family_state_space, paper_table1, published_figures, table1, timm_imagenet, timm_sources,
    timm_state_space,
)


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


def test_timm_table_is_clean_and_documented():
    models = timm_imagenet()
    assert len(models) == 1543
    assert not models.duplicated(["name", "img_size"]).any()
    assert models["accuracy"].between(0, 1).all() and (models["cost_gmacs"] > 0).all()
    assert models["extra_data"].dtype == bool
    sources = timm_sources()
    assert "results-imagenet.csv" in sources and "infer_gmacs" in sources


@pytest.mark.parametrize("imagenet_1k_only, frontier, r_ratio, continuous, best", [
    (False, 37, 69.3, 77.8, (16.5, 46.0, 63.4)),
    (True, 41, 224.0, 265.6, (27.6, 116.4, 175.4)),
])
def test_timm_envelope_gives_the_figures_its_notes_quote(imagenet_1k_only, frontier, r_ratio,
                                                         continuous, best):
    space = timm_state_space(imagenet_1k_only=imagenet_1k_only)
    assert len(space) == frontier
    assert space.conservative().r_ratio == pytest.approx(r_ratio, abs=0.05)
    assert space.continuous().r_ratio == pytest.approx(continuous, abs=0.05)
    for k, expected in zip((2, 4, 7), best):
        assert space.best_subset(k).conservative().r_ratio == pytest.approx(expected, abs=0.05)
    assert f"{space.conservative().r_ratio:.1f}×" in timm_sources()  # the notes quote it


def test_timm_state_space_refuses_a_non_boolean_filter():
    with pytest.raises(ValueError, match="imagenet_1k_only"):
        timm_state_space(imagenet_1k_only="yes")
