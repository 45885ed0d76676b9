"""Cost models: what one inference costs, in FLOPs, milliseconds, dollars or joules.

A state space can be priced in many units. A :class:`CostModel` holds what it
costs to run each state once on one instance, in a stated ``unit``. The same
cascade (which states ran on which instance) is then priced in GFLOPs, ms, $ or
J by swapping the cost model, and ``CostModel.per_state()`` is the cost vector
the bounds take (ascending, Eq 2 of Hor et al.; this module does not reorder).

Sources of per-state costs:

- FLOPs you already have (:func:`convert_flops` changes the prefix);
- measured wall-clock latency (:func:`measure_latency_ms`, :func:`latency_cost_model`);
- device time and energy from FLOPs (:func:`compute_time_ms`, :func:`compute_energy_j`);
- LLM API prices per token (:func:`load_api_prices`, :func:`api_call_cost`,
  :func:`api_cost_model`);
- an edge device that escalates to the cloud (:class:`EdgeCloudSetup`).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, fields
from importlib import resources

import numpy as np
import pandas as pd

from ._csvfile import about_file, read_table
from ._validation import as_float_array, check_cost_kind, check_positive_int

__all__ = [
    "FLOP_UNITS",
    "PRICE_COLUMNS",
    "CostModel",
    "EdgeCloudSetup",
    "api_call_cost",
    "api_cost_model",
    "compute_energy_j",
    "compute_time_ms",
    "convert_flops",
    "latency_cost_model",
    "load_api_prices",
    "measure_latency_ms",
    "states_run_from_exits",
]

FLOP_UNITS = {
    "FLOPs": 1.0,
    "kFLOPs": 1e3,
    "MFLOPs": 1e6,
    "GFLOPs": 1e9,
    "TFLOPs": 1e12,
    "PFLOPs": 1e15,
}
"""Number of floating-point operations in one of each unit."""

PRICE_COLUMNS = (
    "model",
    "provider",
    "input_usd_per_1m_tokens",
    "output_usd_per_1m_tokens",
    "source",
    "date",
)
"""Columns of the bundled API price table, ``adaptlab/data/api_prices.csv``."""

_REQUIRED_PRICE_COLUMNS = ("model", "input_usd_per_1m_tokens", "output_usd_per_1m_tokens")
_TOKENS_PER_PRICE_UNIT = 1e6


# ---------------------------------------------------------------- input checks


def _non_negative_array(values, name):
    """Any-shape float array, non-empty, finite and non-negative."""
    array = as_float_array(values, name, "a number or an array of numbers")
    if array.size == 0:
        raise ValueError(f"{name} is empty.")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} must be finite, got NaN or inf.")
    if np.any(array < 0):
        raise ValueError(f"{name} must be non-negative, got {array.min():g}.")
    return array


def _non_negative_vector(values, name):
    """One-dimensional, finite, non-negative float array."""
    array = _non_negative_array(values, name)
    if array.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {array.shape}.")
    return array


def _non_negative_number(value, name):
    """A finite scalar >= 0, as a float."""
    array = _non_negative_array(value, name)
    if array.ndim != 0:
        raise ValueError(f"{name} must be a single number, got shape {array.shape}.")
    return float(array)


def _positive_number(value, name):
    """A finite scalar > 0, as a float."""
    number = _non_negative_number(value, name)
    if number == 0:
        raise ValueError(f"{name} must be positive, got 0.")
    return number


def _binary_matrix(values, name, n_columns):
    """A 0/1 matrix of shape (n, n_columns), n >= 1, as floats."""
    array = np.asarray(values)
    if array.ndim != 2 or array.shape[0] == 0 or array.shape[1] != n_columns:
        raise ValueError(
            f"{name} must be a matrix of shape (n_instances, {n_columns}), "
            f"got shape {array.shape}."
        )
    if array.dtype.kind not in "biuf" or not np.all((array == 0) | (array == 1)):
        raise ValueError(f"{name} must hold True/False or 0/1 only.")
    return array.astype(float)


def _binary_vector(values, name):
    """A non-empty 0/1 vector, as floats."""
    array = np.asarray(values)
    if array.ndim != 1 or array.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {array.shape}.")
    if array.dtype.kind not in "biuf" or not np.all((array == 0) | (array == 1)):
        raise ValueError(f"{name} must hold True/False or 0/1 only.")
    return array.astype(float)


def _scalar_or_array(array):
    """A 0-d result as a Python float, anything else unchanged."""
    return float(array) if array.ndim == 0 else array


# ---------------------------------------------------------------- the interface


@dataclass(frozen=True, eq=False)
class CostModel:
    """What running each state once on one instance costs, in one unit.

    Parameters
    ----------
    costs : array-like of float, shape (N,)
        Non-negative cost of each state on its own, cheapest state first if
        you hand it to the bounds (they check the order; this class does not).
    unit : str, keyword-only
        Unit of ``costs``, e.g. ``"GFLOPs"``, ``"ms"``, ``"$"`` or ``"J"``.
    names : sequence of str, length N, optional, keyword-only
        One name per state.

    Examples
    --------
    >>> flops = CostModel([0.4, 4.0], unit="GFLOPs")
    >>> flops.per_instance([[1, 0], [1, 1]])  # sequential: the second instance ran both
    array([0.4, 4.4])
    """

    costs: np.ndarray
    unit: str = field(kw_only=True)
    names: tuple | None = field(default=None, kw_only=True)

    def __post_init__(self):
        if not isinstance(self.unit, str) or not self.unit.strip():
            raise ValueError(
                f"unit must be a non-empty string such as 'GFLOPs', 'ms', '$' or 'J', "
                f"got {self.unit!r}."
            )
        costs = _non_negative_vector(self.costs, "costs").copy()
        costs.flags.writeable = False
        object.__setattr__(self, "costs", costs)
        if self.names is not None:
            object.__setattr__(self, "names", self._checked_names(self.names, costs.size))

    @staticmethod
    def _checked_names(names, n_states):
        if isinstance(names, str) or len(names) != n_states:
            raise ValueError(f"names must be a sequence of {n_states} names, one per state.")
        return tuple(str(name) for name in names)

    def __len__(self) -> int:
        return self.costs.size

    def per_state(self) -> np.ndarray:
        """Cost of running each state once on one instance, shape (N,), in ``unit``."""
        return self.costs.copy()

    def per_instance(self, states_run) -> np.ndarray:
        """Cost of each instance: the sum of the costs of the states run on it.

        Parameters
        ----------
        states_run : array-like of bool or 0/1, shape (n, N)
            ``states_run[x, i]`` says whether state i ran on instance x. A
            sequential cascade runs every state up to the one it exits at; a
            selector runs only the chosen state (see :func:`states_run_from_exits`).

        Returns
        -------
        ndarray of float, shape (n,)
            In ``unit``.
        """
        runs = _binary_matrix(states_run, "states_run", len(self))
        idle = np.flatnonzero(runs.sum(axis=1) == 0)
        if idle.size:
            raise ValueError(
                "states_run must run at least one state on every instance; "
                f"rows {idle.tolist()} run none."
            )
        return runs @ self.costs

    def mean_cost(self, call_rates) -> float:
        """Mean cost per instance from how often each state was called.

        Parameters
        ----------
        call_rates : array-like of float, shape (N,)
            Fraction of instances on which state i ran, each in [0, 1]. For a
            sequential cascade the first rate is 1; for a selector they sum to 1.

        Returns
        -------
        float
            In ``unit``; equals ``per_instance(states_run).mean()`` when
            ``call_rates = states_run.mean(axis=0)``.
        """
        rates = _non_negative_vector(call_rates, "call_rates")
        if rates.size != len(self):
            raise ValueError(
                f"call_rates has {rates.size} entries but the cost model has {len(self)} states."
            )
        if np.any(rates > 1):
            raise ValueError(f"call_rates must be fractions in [0, 1], got {rates.max():g}.")
        return float(rates @ self.costs)


def states_run_from_exits(exit_state, n_states, *, cost_kind="sequential"):
    """Which states ran on each instance, from the state each instance ended at.

    Parameters
    ----------
    exit_state : array-like of int, shape (n,)
        0-based index of the state that answered each instance.
    n_states : int
        Number of states N.
    cost_kind : {"sequential", "selection"}
        ``"sequential"`` for a cascade of separate models (states 0..exit all
        ran, their costs add up); ``"selection"`` for a selector (only the
        chosen state ran).

    Returns
    -------
    ndarray of bool, shape (n, N)
    """
    n_states = check_positive_int(n_states, "n_states")
    cost_kind = check_cost_kind(cost_kind)
    exits = np.asarray(exit_state)
    if exits.ndim != 1 or exits.size == 0:
        raise ValueError(f"exit_state must be a non-empty 1-D array, got shape {exits.shape}.")
    if exits.dtype.kind not in "biu":
        raise ValueError(f"exit_state must hold integer state indices, got dtype {exits.dtype}.")
    if exits.min() < 0 or exits.max() >= n_states:
        raise ValueError(f"exit_state must hold state indices in [0, {n_states - 1}].")
    states = np.arange(n_states)
    if cost_kind == "sequential":
        return states <= exits[:, None]
    return states == exits[:, None]


# ---------------------------------------------------------------- FLOPs and devices


def _flop_factor(unit, name):
    if unit not in FLOP_UNITS:
        raise ValueError(f"{name} must be one of {list(FLOP_UNITS)}, got {unit!r}.")
    return FLOP_UNITS[unit]


def convert_flops(values, *, from_unit, to_unit):
    """Express FLOP counts in another unit, e.g. MFLOPs to GFLOPs.

    Parameters
    ----------
    values : float or array-like of float
        Non-negative FLOP counts in ``from_unit``.
    from_unit, to_unit : str
        Keys of :data:`FLOP_UNITS`: ``"FLOPs"``, ``"kFLOPs"``, ``"MFLOPs"``,
        ``"GFLOPs"``, ``"TFLOPs"``, ``"PFLOPs"``.

    Returns
    -------
    float or ndarray
        ``values`` in ``to_unit``, same shape.
    """
    values = _non_negative_array(values, "values")
    factor = _flop_factor(from_unit, "from_unit") / _flop_factor(to_unit, "to_unit")
    return _scalar_or_array(values * factor)


def compute_time_ms(flops, flops_per_s):
    """Time a device needs for a FLOP count at a sustained throughput, in ms.

    Parameters
    ----------
    flops : float or array-like of float
        Work per instance, e.g. in GFLOPs.
    flops_per_s : float
        Sustained throughput of the device in the same unit per second, e.g.
        GFLOP/s. Use what the device really sustains, not its peak.

    Returns
    -------
    float or ndarray
    """
    flops = _non_negative_array(flops, "flops")
    flops_per_s = _positive_number(flops_per_s, "flops_per_s")
    return _scalar_or_array(flops / flops_per_s * 1000.0)


def compute_energy_j(flops, flops_per_s, power_w):
    """Energy a device spends on a FLOP count: power times compute time, in J.

    Parameters
    ----------
    flops : float or array-like of float
        Work per instance, e.g. in GFLOPs.
    flops_per_s : float
        Sustained throughput in the same unit per second, e.g. GFLOP/s.
    power_w : float
        Power the device draws while computing, in watts.

    Returns
    -------
    float or ndarray
    """
    power_w = _non_negative_number(power_w, "power_w")
    return _scalar_or_array(np.asarray(compute_time_ms(flops, flops_per_s)) / 1000.0 * power_w)


# ---------------------------------------------------------------- measured latency


def measure_latency_ms(predict, inputs, *, repeats=3):
    """Median wall-clock time of ``predict(inputs)`` per instance, in milliseconds.

    Parameters
    ----------
    predict : callable
        Runs the model on a batch, e.g. ``model.predict_proba``.
    inputs : array-like of length n
        The batch, passed as it is.
    repeats : int
        How many times to time it; the median resists a busy machine.

    Returns
    -------
    float
    """
    if not callable(predict):
        raise ValueError(f"predict must be callable, got {predict!r}.")
    repeats = check_positive_int(repeats, "repeats")
    n = len(inputs)
    if n == 0:
        raise ValueError("inputs must hold at least one instance.")
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        predict(inputs)
        times.append(time.perf_counter() - start)
    return float(np.median(times)) * 1000.0 / n


def latency_cost_model(predicts, inputs, *, repeats=3, names=None):
    """Measure each state's latency per instance and wrap it as a cost model in ms.

    Parameters
    ----------
    predicts : sequence of callables, length N
        One batch predictor per state, cheapest first.
    inputs : array-like of length n
        The batch every state is timed on.
    repeats : int
        Timings per state; the median is kept (see :func:`measure_latency_ms`).
    names : sequence of str, length N, optional

    Returns
    -------
    CostModel
        ``unit="ms"``. A sequential cascade's latency is the sum over the states
        it ran, a selector's is the chosen state's: use ``per_instance``.
    """
    if isinstance(predicts, str) or not hasattr(predicts, "__len__") or len(predicts) == 0:
        raise ValueError("predicts must be a non-empty sequence of callables, one per state.")
    latencies = [measure_latency_ms(predict, inputs, repeats=repeats) for predict in predicts]
    return CostModel(latencies, unit="ms", names=names)


# ---------------------------------------------------------------- LLM API prices


def _checked_price_table(prices):
    """A copy of a price table, after checking columns, values and unique models."""
    if not isinstance(prices, pd.DataFrame):
        raise ValueError(f"prices must be a pandas DataFrame, got {type(prices).__name__}.")
    missing = [column for column in _REQUIRED_PRICE_COLUMNS if column not in prices.columns]
    if missing:
        raise ValueError(
            f"prices lacks the columns {missing}; it needs {list(_REQUIRED_PRICE_COLUMNS)}."
        )
    if prices.empty:
        raise ValueError("prices has no rows.")
    table = prices.copy()
    for column in _REQUIRED_PRICE_COLUMNS[1:]:
        table[column] = _non_negative_vector(table[column], f"prices column {column}")
    duplicated = table["model"][table["model"].duplicated()].tolist()
    if duplicated:
        raise ValueError(f"prices lists these models more than once: {duplicated}.")
    return table


def load_api_prices(path=None) -> pd.DataFrame:
    """Load a table of LLM API prices per million tokens.

    Parameters
    ----------
    path : str or path-like, optional
        A local CSV file of your own with at least the columns ``model``,
        ``input_usd_per_1m_tokens`` and ``output_usd_per_1m_tokens``, read by
        ``adaptlab._csvfile.read_table`` (no URLs; every price filled in,
        one row per model). Without it, the bundled
        ``adaptlab/data/api_prices.csv`` (columns :data:`PRICE_COLUMNS`) is
        read: an illustrative snapshot of public price pages on the date given;
        prices change, so replace it with current ones.

    Returns
    -------
    pandas.DataFrame
        One row per model; prices as floats, the other columns as text.
    """
    if path is None:
        with resources.as_file(resources.files("adaptlab") / "data" / "api_prices.csv") as bundled:
            return load_api_prices(bundled)
    table = read_table(
        path,
        columns=_REQUIRED_PRICE_COLUMNS,
        numeric=_REQUIRED_PRICE_COLUMNS[1:],
        key="model",
    )
    with about_file(path):
        return _checked_price_table(table)


def _model_prices(table, model):
    """(input, output) dollars per million tokens of one model of a checked table."""
    row = table.loc[table["model"] == model]
    if row.empty:
        known = table["model"].tolist()
        raise ValueError(f"model {model!r} is not in prices; known models: {known}.")
    return (
        float(row["input_usd_per_1m_tokens"].iloc[0]),
        float(row["output_usd_per_1m_tokens"].iloc[0]),
    )


def api_call_cost(model, input_tokens, output_tokens, *, prices=None):
    """Dollar cost of LLM API calls from their token counts.

    ``cost = (input_tokens * input_price + output_tokens * output_price) / 1e6``,
    with prices in dollars per million tokens.

    Parameters
    ----------
    model : str
        A value of the ``model`` column of ``prices``.
    input_tokens, output_tokens : float or array-like of float
        Tokens sent and received per call; arrays price many calls at once and
        must have the same length.
    prices : pandas.DataFrame, optional
        Your own price table (see :func:`load_api_prices`); the bundled one if omitted.

    Returns
    -------
    float or ndarray
        Dollars per call.
    """
    table = load_api_prices() if prices is None else _checked_price_table(prices)
    input_tokens = _non_negative_array(input_tokens, "input_tokens")
    output_tokens = _non_negative_array(output_tokens, "output_tokens")
    try:
        np.broadcast_shapes(input_tokens.shape, output_tokens.shape)
    except ValueError:
        raise ValueError(
            f"input_tokens and output_tokens must have the same length, got shapes "
            f"{input_tokens.shape} and {output_tokens.shape}."
        ) from None
    input_price, output_price = _model_prices(table, model)
    cost = (input_tokens * input_price + output_tokens * output_price) / _TOKENS_PER_PRICE_UNIT
    return _scalar_or_array(cost)


def _tokens_per_state(tokens, name, n_states):
    """Token counts as one value per state: a scalar is shared by all states."""
    tokens = _non_negative_array(tokens, name)
    if tokens.ndim > 1 or (tokens.ndim == 1 and tokens.size != n_states):
        raise ValueError(f"{name} must be a number or have one entry per model ({n_states}).")
    return np.broadcast_to(tokens, (n_states,))


def api_cost_model(models, input_tokens, output_tokens, *, prices=None):
    """Dollars per call of each LLM in a cascade, as a cost model.

    Parameters
    ----------
    models : sequence of str, length N
        Model names in ``prices``, cheapest first.
    input_tokens, output_tokens : float or array-like of float, length N
        Typical tokens per call: one number for all models, or one per model
        (a bigger model may answer at more length).
    prices : pandas.DataFrame, optional
        Your own price table; the bundled one if omitted.

    Returns
    -------
    CostModel
        ``unit="$"``, named after the models.
    """
    if isinstance(models, str) or not hasattr(models, "__len__") or len(models) == 0:
        raise ValueError("models must be a non-empty sequence of model names.")
    table = load_api_prices() if prices is None else _checked_price_table(prices)
    inputs = _tokens_per_state(input_tokens, "input_tokens", len(models))
    outputs = _tokens_per_state(output_tokens, "output_tokens", len(models))
    costs = [
        api_call_cost(model, n_in, n_out, prices=table)
        for model, n_in, n_out in zip(models, inputs, outputs)
    ]
    return CostModel(costs, unit="$", names=models)


# ---------------------------------------------------------------- edge to cloud


@dataclass(frozen=True, kw_only=True)
class EdgeCloudSetup:
    """A device that answers with a small model and may escalate to a cloud model.

    Every instance runs on the edge first; an escalated instance then also
    pays the network round trip and the cloud call (escalation pays both).
    Every field is given by keyword.

    Parameters
    ----------
    edge_gflops : float
        Work of the edge model per instance, in GFLOPs.
    device_gflops_per_s : float
        Sustained throughput of the device, in GFLOP/s (> 0).
    device_power_w : float
        Device power while computing, in W.
    rtt_ms : float
        Network round-trip latency, in ms.
    payload_bytes : float
        Bytes uploaded per escalated instance (the reply is taken as small).
    bandwidth_mbit_per_s : float
        Uplink bandwidth, in Mbit/s (> 0).
    cloud_latency_ms : float
        Time the cloud takes to answer once the payload has arrived, in ms.
    cloud_usd_per_call : float
        Price of one cloud call, in dollars.
    radio_power_w : float
        Device power while the radio is on for an escalation (sending, then
        waiting for the cloud's answer), in W.

    Notes
    -----
    Units of :meth:`cost_model`: ``"ms"`` is the user's wait, ``"J"`` is the
    device's battery (the cloud's own energy is not counted), ``"$"`` is the
    cloud bill (the edge, already paid for, costs 0).
    """

    edge_gflops: float
    device_gflops_per_s: float
    device_power_w: float
    rtt_ms: float
    payload_bytes: float
    bandwidth_mbit_per_s: float
    cloud_latency_ms: float
    cloud_usd_per_call: float
    radio_power_w: float = 0.0

    UNITS = ("ms", "J", "$")

    def __post_init__(self):
        must_be_positive = {"device_gflops_per_s", "bandwidth_mbit_per_s"}
        for attribute in fields(self):
            name = attribute.name
            check = _positive_number if name in must_be_positive else _non_negative_number
            object.__setattr__(self, name, check(getattr(self, name), name))

    @property
    def edge_ms(self) -> float:
        """Edge compute time per instance, in ms."""
        return compute_time_ms(self.edge_gflops, self.device_gflops_per_s)

    @property
    def edge_energy_j(self) -> float:
        """Edge compute energy per instance, in J."""
        return compute_energy_j(self.edge_gflops, self.device_gflops_per_s, self.device_power_w)

    @property
    def network_ms(self) -> float:
        """Round trip plus upload time of one escalation, in ms."""
        upload_s = self.payload_bytes * 8 / (self.bandwidth_mbit_per_s * 1e6)
        return self.rtt_ms + upload_s * 1000.0

    def cost_model(self, *, unit="ms") -> CostModel:
        """The two states, edge and cloud, each priced on its own.

        Parameters
        ----------
        unit : {"ms", "J", "$"}

        Returns
        -------
        CostModel
            ``per_state()`` is ``[edge, escalation]``; the escalation leg is the
            network plus the cloud, so a sequential cascade sums the two.
        """
        if unit == "ms":
            costs = [self.edge_ms, self.network_ms + self.cloud_latency_ms]
        elif unit == "J":
            waiting_ms = self.network_ms + self.cloud_latency_ms  # the radio waits for the answer
            costs = [self.edge_energy_j, self.radio_power_w * waiting_ms / 1000.0]
        elif unit == "$":
            costs = [0.0, self.cloud_usd_per_call]
        else:
            raise ValueError(f"unit must be one of {list(self.UNITS)}, got {unit!r}.")
        return CostModel(costs, unit=unit, names=("edge", "cloud"))

    def serving_costs(self, escalated, *, unit="ms") -> np.ndarray:
        """Cost of serving each instance: the edge, plus the cloud leg if escalated.

        Parameters
        ----------
        escalated : array-like of bool, shape (n,)
            Whether each instance was sent on to the cloud.
        unit : {"ms", "J", "$"}

        Returns
        -------
        ndarray of float, shape (n,)
        """
        escalated = _binary_vector(escalated, "escalated")
        edge, cloud = self.cost_model(unit=unit).costs
        return edge + escalated * cloud
