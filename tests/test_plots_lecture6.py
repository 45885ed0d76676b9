"""Lecture 6's figure: ABC's points against the confidence curves at equal cost."""
import matplotlib
import numpy as np
import pytest
from test_ensembles import TIERS, simulated_family

from adaptlab.ensembles import Ensembles, compare_at_equal_cost
from adaptlab.plots import abc_vs_confidence

matplotlib.use("Agg")


@pytest.mark.parametrize("cost_kind", ["sequential", "selection"])
def test_abc_vs_confidence_draws_the_test_curves_and_calibrated_points(cost_kind):
    result = compare_at_equal_cost(Ensembles(family=simulated_family(), tiers=TIERS),
                                   rules=("max probability", "margin"), cost_kind=cost_kind)
    lines = {line.get_label(): line for line in abc_vs_confidence(result).get_lines()}
    for name, run in result.runs.items():
        line = lines[f"{name} over single models"]
        np.testing.assert_allclose(line.get_xdata(), run.curve.cost_of(cost_kind))
        np.testing.assert_allclose(line.get_ydata(), run.curve.accuracy)
    abc = lines["ABC over ensemble tiers"]
    np.testing.assert_allclose(abc.get_xdata(), result.by_cost["ABC cost"])
    np.testing.assert_allclose(abc.get_ydata(), result.by_cost["ABC accuracy"])
    largest = lines["largest model alone"]
    assert (largest.get_xdata()[0], largest.get_ydata()[0]) == (20.0, result.largest_accuracy)


def test_abc_vs_confidence_names_a_wrong_result():
    with pytest.raises(ValueError, match="result must be an adaptlab.ensembles.EqualCost"):
        abc_vs_confidence({"ABC": 1})
