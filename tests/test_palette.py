"""One colour-blind-safe palette: each router and reference keeps its colour in every figure."""
import matplotlib

matplotlib.use("Agg")
import matplotlib.colors as mcolors  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402

from adaptlab import plots  # noqa: E402
from adaptlab.compare import compare_routers  # noqa: E402

OKABE_ITO = {"#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00",
             "#CC79A7"}


def test_routers_drawn_together_have_distinct_colours_or_shapes(family):
    comparison = compare_routers(family)
    styles = {name: plots.router_style(name) for name in comparison.runs}
    looks = {(s["color"], s["marker"], s["linestyle"]) for s in styles.values()}
    assert len(looks) == len(styles)
    colours = [s["color"] for s in styles.values()]
    assert len(set(colours)) == len(colours)


def test_router_plane_uses_each_routers_colour_and_random_is_no_dot(family):
    comparison = compare_routers(family)
    ax = plots.router_plane(comparison)
    lines = {line.get_label(): line for line in ax.get_lines()}
    for name in comparison.runs:
        assert mcolors.to_hex(lines[name].get_color()).upper() == plots.router_style(name)["color"]
    assert lines["random"].get_linestyle() == ":"
    markers = [line.get_marker() for line in ax.get_lines()
               if mcolors.to_hex(line.get_color()).upper() == plots.COLORS["random"]]
    assert "o" not in markers  # the random router's point is a cross, never a model-like dot
    plt.close("all")


def test_the_palette_is_okabe_ito_plus_greys_and_one_brown():
    for name, colour in plots.COLORS.items():
        grey = len(set(colour[1:][i:i + 2] for i in (0, 2, 4))) == 1
        assert colour.upper() in OKABE_ITO or grey or name == "ABC agreement", name


def test_a_router_of_your_own_keeps_its_colour():
    assert plots.router_style("my router") == plots.router_style("my router")
    with pytest.raises(ValueError, match="name"):
        plots.router_style(3)
