"""Cost models, checked on cases worked out by hand."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from adaptlab import costs as costs_module
from adaptlab.costs import (
    PRICE_COLUMNS,
    CostModel,
    EdgeCloudSetup,
    api_call_cost,
    api_cost_model,
    compute_energy_j,
    compute_time_ms,
    convert_flops,
    latency_cost_model,
    load_api_prices,
    measure_latency_ms,
    states_run_from_exits,
)


@pytest.fixture
def toy_prices():
    return pd.DataFrame(
        {
            "model": ["small", "large"],
            "input_usd_per_1m_tokens": [1.0, 10.0],
            "output_usd_per_1m_tokens": [2.0, 30.0],
        }
    )


@pytest.fixture
def setup():
    # Worked on paper:
    # edge: 2 GFLOPs / 100 GFLOP/s = 20 ms; x 5 W = 0.1 J.
    # network: 40 ms + 50 000 B * 8 / 10 Mbit/s = 40 + 40 = 80 ms.
    # cloud leg: 80 + 30 = 110 ms, $0.002; the radio is on all of it: 2 W x 110 ms = 0.22 J.
    # Escalation pays both: 130 ms, 0.32 J, $0.002.
    return EdgeCloudSetup(
        edge_gflops=2.0,
        device_gflops_per_s=100.0,
        device_power_w=5.0,
        rtt_ms=40.0,
        payload_bytes=50_000,
        bandwidth_mbit_per_s=10.0,
        cloud_latency_ms=30.0,
        cloud_usd_per_call=0.002,
        radio_power_w=2.0,
    )


# ---------------------------------------------------------------- FLOPs, devices


def test_convert_flops_by_hand():
    assert convert_flops(1.5, from_unit="GFLOPs", to_unit="MFLOPs") == pytest.approx(1500.0)
    np.testing.assert_allclose(convert_flops([250.0, 4000.0], from_unit="MFLOPs", to_unit="GFLOPs"), [0.25, 4.0])
    assert isinstance(convert_flops(1, from_unit="FLOPs", to_unit="FLOPs"), float)


def test_device_time_and_energy_by_hand():
    assert compute_time_ms(2.0, 100.0) == pytest.approx(20.0)
    np.testing.assert_allclose(compute_energy_j([2.0, 10.0], 100.0, 5.0), [0.1, 0.5])


@pytest.mark.parametrize(
    "call, argument",
    [
        (lambda: convert_flops(1.0, from_unit="gigaflops", to_unit="GFLOPs"), "from_unit"),
        (lambda: convert_flops(1.0, from_unit="GFLOPs", to_unit="GMACs"), "to_unit"),
        (lambda: convert_flops(-1.0, from_unit="GFLOPs", to_unit="MFLOPs"), "values"),
        (lambda: compute_time_ms(1.0, 0.0), "flops_per_s"),
        (lambda: compute_time_ms(float("nan"), 1.0), "flops"),
        (lambda: compute_energy_j(1.0, 1.0, -5.0), "power_w"),
    ],
)
def test_flop_helpers_name_the_bad_argument(call, argument):
    with pytest.raises(ValueError, match=argument):
        call()


# ---------------------------------------------------------------- CostModel


def test_sequential_and_selection_by_hand():
    costs = CostModel(unit="GFLOPs", costs=[1.0, 10.0, 100.0])
    exits = [0, 2, 1]
    sequential = states_run_from_exits(exits, 3)
    selection = states_run_from_exits(exits, 3, cost_kind="selection")
    np.testing.assert_allclose(costs.per_instance(sequential), [1.0, 111.0, 11.0])
    np.testing.assert_allclose(costs.per_instance(selection), [1.0, 100.0, 10.0])
    # call rates of the sequential cascade: 3/3, 2/3, 1/3 -> 1 + 20/3 + 100/3 = 41 = 123 / 3
    assert costs.mean_cost([1.0, 2 / 3, 1 / 3]) == pytest.approx(41.0)


def test_one_cascade_priced_in_every_unit():
    states_run = states_run_from_exits([0, 1, 1, 0], 2)
    models = [
        CostModel(unit="GFLOPs", costs=[0.5, 8.0]),
        CostModel(unit="ms", costs=[3.0, 40.0]),
        CostModel(unit="$", costs=[0.0001, 0.003]),
    ]
    means = [model.per_instance(states_run).mean() for model in models]
    # half the instances pay the first state, half pay both
    np.testing.assert_allclose(means, [4.5, 23.0, 0.0016])


def test_per_state_is_a_copy_and_costs_are_read_only():
    model = CostModel(unit="ms", costs=[1.0, 2.0], names=["a", "b"])
    model.per_state()[0] = 99.0
    assert model.per_state()[0] == 1.0
    assert model.names == ("a", "b")
    with pytest.raises(ValueError):
        model.costs[0] = 5.0


@settings(max_examples=50, deadline=None)
@given(
    hnp.arrays(bool, st.tuples(st.integers(1, 20), st.integers(1, 5))),
    st.data(),
)
def test_mean_cost_from_call_rates_matches_per_instance_mean(runs, data):
    runs[:, 0] = True  # every instance runs at least one state
    costs = data.draw(
        hnp.arrays(float, runs.shape[1], elements=st.floats(0, 1e6, allow_nan=False))
    )
    model = CostModel(unit="GFLOPs", costs=costs)
    assert model.mean_cost(runs.mean(axis=0)) == pytest.approx(
        model.per_instance(runs).mean(), rel=1e-9, abs=1e-9
    )


@pytest.mark.parametrize(
    "kwargs, argument",
    [
        ({"unit": "", "costs": [1.0]}, "unit"),
        ({"unit": "ms", "costs": [1.0, -2.0]}, "costs"),
        ({"unit": "ms", "costs": [1.0, float("nan")]}, "costs"),
        ({"unit": "ms", "costs": []}, "costs"),
        ({"unit": "ms", "costs": [1.0, 2.0], "names": ["only one"]}, "names"),
    ],
)
def test_cost_model_rejects_bad_input(kwargs, argument):
    with pytest.raises(ValueError, match=argument):
        CostModel(**kwargs)


@pytest.mark.parametrize(
    "method, value, argument",
    [
        ("per_instance", [[1, 0, 0]], "states_run"),
        ("per_instance", [[1, 2]], "states_run"),
        ("per_instance", [[0, 0]], "states_run"),
        ("mean_cost", [1.0], "call_rates"),
        ("mean_cost", [1.0, 1.5], "call_rates"),
        ("mean_cost", [1.0, float("nan")], "call_rates"),
    ],
)
def test_cost_model_methods_name_the_bad_argument(method, value, argument):
    model = CostModel(unit="ms", costs=[1.0, 2.0])
    with pytest.raises(ValueError, match=argument):
        getattr(model, method)(value)


@pytest.mark.parametrize(
    "kwargs, argument",
    [
        ({"exit_state": [0, 3], "n_states": 3}, "exit_state"),
        ({"exit_state": [0.5], "n_states": 3}, "exit_state"),
        ({"exit_state": [0], "n_states": 0}, "n_states"),
        ({"exit_state": [0], "n_states": 2, "cost_kind": "yes"}, "cost_kind"),
    ],
)
def test_states_run_from_exits_rejects_bad_input(kwargs, argument):
    with pytest.raises(ValueError, match=argument):
        states_run_from_exits(**kwargs)


# ---------------------------------------------------------------- measured latency


@pytest.fixture
def clock(monkeypatch):
    """A fake perf_counter: each call to ``predict`` takes the next duration listed."""
    durations = []
    ticks = iter(())

    def start(*seconds):
        nonlocal ticks
        durations.extend(seconds)
        ticks = iter([t for d in seconds for t in (0.0, d)])

    monkeypatch.setattr(costs_module.time, "perf_counter", lambda: next(ticks))
    return start


def test_measure_latency_is_the_median_time_per_instance(clock):
    clock(0.02, 0.05, 0.03)  # three timings of a batch of 10: the median is 30 ms
    assert measure_latency_ms(lambda batch: batch, list(range(10)), repeats=3) == pytest.approx(3.0)


def test_latency_cost_model_times_each_state_on_the_same_batch(clock):
    calls = []

    def recorder(name):
        return lambda batch: calls.append((name, len(batch)))

    clock(0.001, 0.003, 0.010, 0.020)  # fast: 1 and 3 ms; slow: 10 and 20 ms, for 5 inputs
    model = latency_cost_model([recorder("fast"), recorder("slow")], np.ones(5), repeats=2,
                               names=["fast", "slow"])
    assert calls == [("fast", 5)] * 2 + [("slow", 5)] * 2
    assert model.unit == "ms" and model.names == ("fast", "slow")
    np.testing.assert_allclose(model.per_state(), [2.0 / 5, 15.0 / 5])


@pytest.mark.parametrize(
    "call, argument",
    [
        (lambda: measure_latency_ms(np.sum, [1.0], repeats=0), "repeats"),
        (lambda: measure_latency_ms(np.sum, []), "inputs"),
        (lambda: measure_latency_ms("not a function", [1.0]), "predict"),
        (lambda: latency_cost_model([], [1.0]), "predicts"),
    ],
)
def test_latency_rejects_bad_input(call, argument):
    with pytest.raises(ValueError, match=argument):
        call()


# ---------------------------------------------------------------- API prices


def test_bundled_price_table_has_the_documented_columns():
    prices = load_api_prices()
    assert tuple(prices.columns) == PRICE_COLUMNS
    assert len(prices) >= 4 and prices["provider"].nunique() >= 2
    assert (prices[["input_usd_per_1m_tokens", "output_usd_per_1m_tokens"]] >= 0).all().all()
    assert prices["source"].str.contains("illustrative", case=False).all()
    assert prices["model"].is_unique


def test_api_call_cost_by_hand_on_a_custom_table(toy_prices):
    # small: (1000 * $1 + 500 * $2) / 1e6 = $0.002; large: (1000 * $10 + 500 * $30) / 1e6 = $0.025
    assert api_call_cost("small", 1000, 500, prices=toy_prices) == pytest.approx(0.002)
    np.testing.assert_allclose(
        api_call_cost("large", [1000, 0], [500, 100], prices=toy_prices), [0.025, 0.003]
    )


def test_api_call_cost_follows_the_bundled_table():
    prices = load_api_prices()
    row = prices.iloc[0]
    expected = (
        2000 * row["input_usd_per_1m_tokens"] + 300 * row["output_usd_per_1m_tokens"]
    ) / 1e6
    assert api_call_cost(row["model"], 2000, 300) == pytest.approx(expected)


def test_api_cost_model_by_hand(toy_prices):
    model = api_cost_model(["small", "large"], 1000, [500, 1000], prices=toy_prices)
    assert model.unit == "$" and model.names == ("small", "large")
    # large answers at more length: (1000 * 10 + 1000 * 30) / 1e6 = 0.04
    np.testing.assert_allclose(model.per_state(), [0.002, 0.04])


def test_own_price_table_from_csv(tmp_path, toy_prices):
    path = tmp_path / "my_prices.csv"
    toy_prices.to_csv(path, index=False)
    prices = load_api_prices(path)
    assert api_call_cost("large", 1e6, 0, prices=prices) == pytest.approx(10.0)


@pytest.mark.parametrize(
    "column, value, argument",
    [
        ("input_usd_per_1m_tokens", -1.0, "input_usd_per_1m_tokens"),
        ("output_usd_per_1m_tokens", float("nan"), "output_usd_per_1m_tokens"),
        ("model", "small", "more than once"),
    ],
)
def test_bad_price_table_is_rejected(toy_prices, column, value, argument):
    toy_prices.loc[1, column] = value
    with pytest.raises(ValueError, match=argument):
        api_call_cost("small", 1, 1, prices=toy_prices)


@pytest.mark.parametrize(
    "call, argument",
    [
        (lambda p: api_call_cost("huge", 1, 1, prices=p), "model"),
        (lambda p: api_call_cost("small", [1, 2], [1, 2, 3], prices=p), "input_tokens"),
        (lambda p: api_call_cost("small", -5, 1, prices=p), "input_tokens"),
        (lambda p: api_call_cost("small", 1, 1, prices=p.drop(columns="model")), "prices"),
        (lambda p: api_cost_model(["small", "large"], [1, 2, 3], 1, prices=p), "input_tokens"),
        (lambda p: api_cost_model("small", 1, 1, prices=p), "models"),
    ],
)
def test_api_pricing_names_the_bad_argument(toy_prices, call, argument):
    with pytest.raises(ValueError, match=argument):
        call(toy_prices)


# ---------------------------------------------------------------- edge to cloud


def test_edge_cloud_parts_by_hand(setup):
    assert setup.edge_ms == pytest.approx(20.0)
    assert setup.edge_energy_j == pytest.approx(0.1)
    assert setup.network_ms == pytest.approx(80.0)


@pytest.mark.parametrize(
    "unit, per_state, served",
    [
        ("ms", [20.0, 110.0], [20.0, 130.0]),
        ("J", [0.1, 0.22], [0.1, 0.32]),
        ("$", [0.0, 0.002], [0.0, 0.002]),
    ],
)
def test_edge_first_escalation_pays_both(setup, unit, per_state, served):
    model = setup.cost_model(unit=unit)
    assert model.unit == unit and model.names == ("edge", "cloud")
    np.testing.assert_allclose(model.per_state(), per_state)
    np.testing.assert_allclose(setup.serving_costs([False, True], unit=unit), served)
    # the same numbers through the generic interface
    runs = states_run_from_exits([0, 1], 2)
    np.testing.assert_allclose(model.per_instance(runs), served)


@pytest.mark.parametrize(
    "field, value",
    [
        ("bandwidth_mbit_per_s", 0.0),
        ("device_gflops_per_s", 0.0),
        ("rtt_ms", -1.0),
        ("cloud_usd_per_call", float("nan")),
        ("payload_bytes", [1, 2]),
    ],
)
def test_edge_cloud_setup_names_the_bad_field(setup, field, value):
    kwargs = {name: getattr(setup, name) for name in setup.__dataclass_fields__}
    kwargs[field] = value
    with pytest.raises(ValueError, match=field):
        EdgeCloudSetup(**kwargs)


def test_edge_cloud_rejects_bad_unit_and_escalation(setup):
    with pytest.raises(ValueError, match="unit"):
        setup.cost_model(unit="kWh")
    with pytest.raises(ValueError, match="escalated"):
        setup.serving_costs([0, 2])
