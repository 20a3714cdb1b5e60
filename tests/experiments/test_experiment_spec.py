"""Uncertainty and Lever specifications: validation and immutability."""

import math

import pydantic
import pytest

from accord.experiments import Lever, Uncertainty


def test_valid_uncertainties_of_each_distribution():
    Uncertainty(name="x", distribution="uniform", low=0, high=1, source="s")
    Uncertainty(name="x", distribution="triangular", low=0, high=1, mode=0.3, source="s")
    Uncertainty(name="x", distribution="normal", low=-1, high=1, source="s")
    Uncertainty(name="x", distribution="lognormal", low=0.5, high=4, mode=1, source="s")
    Uncertainty(name="x", distribution="choice", values=["a", "b"], source="s")


@pytest.mark.parametrize(
    "fields",
    [
        {"distribution": "uniform", "low": 1, "high": 1},
        {"distribution": "uniform", "low": 2, "high": 1},
        {"distribution": "uniform", "low": 0},
        {"distribution": "uniform", "low": 0, "high": math.inf},
        {"distribution": "uniform", "low": math.nan, "high": 1},
        {"distribution": "triangular", "low": 0, "high": 1, "mode": 1.5},
        {"distribution": "normal", "low": 0, "high": 1, "mode": -0.1},
        {"distribution": "lognormal", "low": 0, "high": 1},
        {"distribution": "choice"},
        {"distribution": "choice", "values": []},
        {"distribution": "uniform", "low": 0, "high": 1, "values": [1]},
        {"distribution": "beta", "low": 0, "high": 1},
    ],
)
def test_invalid_uncertainties_are_refused(fields):
    with pytest.raises(pydantic.ValidationError):
        Uncertainty(name="x", source="s", **fields)


def test_source_is_required_and_not_empty():
    with pytest.raises(pydantic.ValidationError):
        Uncertainty(name="x", low=0, high=1)
    with pytest.raises(pydantic.ValidationError):
        Uncertainty(name="x", low=0, high=1, source="")
    with pytest.raises(pydantic.ValidationError):
        Lever(name="x", options=[1, 2])


def test_specs_are_frozen():
    uncertainty = Uncertainty(name="x", low=0, high=1, source="s")
    lever = Lever(name="y", options=[1, 2], source="s")
    with pytest.raises(pydantic.ValidationError):
        uncertainty.low = -1
    with pytest.raises(pydantic.ValidationError):
        lever.default = 2


def test_lever_default_and_options():
    assert Lever(name="y", options=["a", "b"], source="s").default == "a"
    assert Lever(name="y", options=["a", "b"], default="b", source="s").default == "b"
    with pytest.raises(pydantic.ValidationError):
        Lever(name="y", options=["a", "b"], default="c", source="s")
    with pytest.raises(pydantic.ValidationError):
        Lever(name="y", options=["a", "a"], source="s")
    with pytest.raises(pydantic.ValidationError):
        Lever(name="y", options=[], source="s")
