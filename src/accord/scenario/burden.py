"""The scenario's ``burden:`` section and the burden-sharing runs it drives.

``BurdenSpec`` (frozen pydantic) holds the base year, the uncertain publicness theta, the
measurement noise, the spending targets, the list of frontline allies, and the levers
(US spending cut, US spill-in cut, threat rise for all / for the frontline, a spending
floor, an ally leaving, US aid stopping) with their defaults; every number carries a
``source``. ``run_equilibrium``, ``run_aid`` and ``run_exploitation`` turn a spec and
lever settings into tables with uncertainty bands and provenance (the CLI only formats).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from accord.errors import ScenarioError

QUANTILES = (0.05, 0.5, 0.95)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Sourced(_Frozen):
    """A fixed number and where it comes from."""

    value: float
    source: str = Field(min_length=3)


class SourcedRange(_Frozen):
    """An uncertain number, drawn uniformly over [low, high]."""

    low: float
    high: float
    source: str = Field(min_length=3)

    @model_validator(mode="after")
    def _ordered(self) -> SourcedRange:
        if self.low > self.high:
            raise ValueError(f"'low' ({self.low}) is above 'high' ({self.high})")
        return self


class FractionLever(_Frozen):
    """A lever in [0, 1] (or a relative rise >= 0) with a default and the options to explore."""

    default: float = Field(ge=0)
    options: tuple[float, ...] = ()
    source: str = Field(min_length=3)
    description: str = ""


class FloorLever(_Frozen):
    default: float | None = Field(default=None, ge=0, le=100)
    options: tuple[float, ...] = ()
    source: str = Field(min_length=3)
    description: str = ""


class LeaveLever(_Frozen):
    default: tuple[str, ...] = ()
    options: tuple[str, ...] = ()
    source: str = Field(min_length=3)
    description: str = ""


class AllyList(_Frozen):
    allies: tuple[str, ...] = Field(min_length=1)
    source: str = Field(min_length=3)


class Targets(_Frozen):
    values: tuple[float, ...] = Field(min_length=1)
    source: str = Field(min_length=3)


class Levers(_Frozen):
    us_cut: FractionLever
    us_spill_in_cut: FractionLever
    threat_all: FractionLever
    threat_frontline: FractionLever
    floor_pct_gdp: FloorLever
    leave: LeaveLever

    @model_validator(mode="after")
    def _fractions(self) -> Levers:
        for name in ("us_cut", "us_spill_in_cut"):
            lever = getattr(self, name)
            if not all(0 <= v <= 1 for v in (lever.default, *lever.options)):
                raise ValueError(f"{name}: a fraction must lie in [0, 1]")
        return self


class AidSpec(_Frozen):
    """The aid-to-Ukraine game among donors (Kiel allocations)."""

    measure: Literal["total", "military"] = "total"
    donor_groups: tuple[Literal["US", "Europe", "Other"], ...] = ("US", "Europe", "Other")
    theta: SourcedRange
    noise_sd: Sourced
    us_aid_stop: FractionLever


class BurdenSpec(_Frozen):
    """The ``burden:`` section of a scenario (see docs/models/burden.md)."""

    base_year: int = Field(ge=2014, le=2024)
    base_year_source: str = Field(min_length=3)
    measure: Literal["const2015", "current"] = "const2015"
    theta: SourcedRange
    spending_noise_sd: Sourced
    draws: int = Field(default=2000, ge=1, le=1_000_000)
    targets_pct_gdp: Targets
    frontline: AllyList
    levers: Levers
    aid: AidSpec

    @model_validator(mode="after")
    def _theta_in_unit(self) -> BurdenSpec:
        for name, r in (("theta", self.theta), ("aid.theta", self.aid.theta)):
            if not 0 <= r.low <= r.high <= 1:
                raise ValueError(f"{name} must lie in [0, 1]")
        return self


def default_spec_path() -> Path:
    """The shipped ukraine-2025 burden section."""
    return Path(str(resources.files("accord.scenarios") / "ukraine-2025" / "burden.yaml"))


def load_burden_spec(path: str | Path | None = None) -> BurdenSpec:
    """Read a YAML file holding a ``BurdenSpec``; errors name file, line and field."""
    from accord.scenario.yamlsafe import dotted, line_of, load_yaml

    file = Path(path) if path is not None else default_spec_path()
    data, lines = load_yaml(file)
    if isinstance(data, dict) and isinstance(data.get("burden"), str):
        return load_burden_spec(file.parent / data["burden"])
    if isinstance(data, dict) and isinstance(data.get("burden"), dict):
        data = data["burden"]
        lines = {k[1:]: v for k, v in lines.items() if k[:1] == ("burden",)}
    try:
        return BurdenSpec.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        loc = tuple(first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = "unknown key"
        found = first.get("input")
        if isinstance(found, dict | list):
            found = None
        raise ScenarioError(str(file), message, line=line_of(lines, loc), field=dotted(loc),
                            found=found) from None


# ---------------------------------------------------------------------------------------
# Runs


@dataclass(frozen=True)
class Settings:
    """Lever values for one run (the spec's defaults, overridden from the CLI)."""

    us_cut: float = 0.0
    us_spill_in_cut: float = 0.0
    threat_all: float = 0.0
    threat_frontline: float = 0.0
    floor_pct_gdp: float | None = None
    leave: tuple[str, ...] = ()
    year: int | None = None
    theta: tuple[float, float] | None = None
    draws: int | None = None
    seed: int = 0

    @classmethod
    def from_spec(cls, spec: BurdenSpec, **overrides: Any) -> Settings:
        lv = spec.levers
        values: dict[str, Any] = {
            "us_cut": lv.us_cut.default,
            "us_spill_in_cut": lv.us_spill_in_cut.default,
            "threat_all": lv.threat_all.default,
            "threat_frontline": lv.threat_frontline.default,
            "floor_pct_gdp": lv.floor_pct_gdp.default,
            "leave": lv.leave.default,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)
        settings.check()
        return settings

    def check(self) -> None:
        for name in ("us_cut", "us_spill_in_cut"):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise ScenarioError(None, "a fraction must lie in [0, 1]", field=name,
                                    expected="a number in [0, 1]", found=value)
        for name in ("threat_all", "threat_frontline"):
            if getattr(self, name) < 0:
                raise ScenarioError(None, "a threat rise is a relative increase >= 0",
                                    field=name, found=getattr(self, name))
        if self.floor_pct_gdp is not None and not 0 <= self.floor_pct_gdp <= 100:
            raise ScenarioError(None, "floor is a share of GDP in %", field="floor",
                                expected="a number in [0, 100]", found=self.floor_pct_gdp)
        if self.theta is not None and not 0 <= self.theta[0] <= self.theta[1] <= 1:
            raise ScenarioError(None, "theta range must satisfy 0 <= low <= high <= 1",
                                field="theta_range", found=list(self.theta))
        if self.draws is not None and self.draws < 1:
            raise ScenarioError(None, "need at least one draw", field="draws", found=self.draws)


@dataclass(frozen=True)
class BurdenResult:
    """Per-actor table, group totals, the settings used and the provenance of the data."""

    per_actor: pd.DataFrame
    totals: pd.DataFrame
    settings: dict[str, Any]
    provenance: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _theta_draws(rng: np.random.Generator, low: float, high: float, n: int) -> np.ndarray:
    return rng.uniform(low, high, n) if high > low else np.full(n, low)


def _band(values: np.ndarray, prefix: str) -> dict[str, np.ndarray]:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns (left, no base)
        q = np.nanquantile(values, QUANTILES, axis=0)
    return {f"{prefix}_p05": q[0], f"{prefix}": q[1], f"{prefix}_p95": q[2]}


def _check_names(names: list[str] | tuple[str, ...], known: tuple[str, ...], what: str) -> None:
    for name in names:
        if name not in known:
            raise ScenarioError(None, f"unknown ally in {what}", field=what,
                                expected=f"one of {list(known)}", found=name)


def run_equilibrium(spec: BurdenSpec, settings: Settings) -> BurdenResult:
    """Allies' defence spending in the counterfactual equilibrium, with 5-95 % bands.

    Per draw: theta ~ U(theta range); observed spending times exp(N(0, sd)) (measurement
    and vintage noise); the preference weights are calibrated so that this is the
    equilibrium (Sandler 1977 joint-product model), then the levers change the game.
    """
    from accord.data.alliance import NORTH_AMERICA, alliance
    from accord.models.burden import counterfactual

    year = settings.year or spec.base_year
    data = alliance(year, spec.measure)
    names = data.names
    _check_names(settings.leave, names, "leave")
    _check_names(spec.frontline.allies, names, "frontline")
    if "United States" in settings.leave and (settings.us_cut or settings.us_spill_in_cut):
        raise ScenarioError(None, "the United States cannot both leave and cut", field="leave")
    n_draws = spec.draws if settings.draws is None else settings.draws
    low, high = settings.theta or (spec.theta.low, spec.theta.high)
    rng = np.random.default_rng(settings.seed)
    theta = _theta_draws(rng, low, high, n_draws)
    n = len(names)
    noise = np.exp(rng.normal(0.0, spec.spending_noise_sd.value, (n_draws, n)))
    income = np.broadcast_to(data.income, (n_draws, n))
    observed = data.spending * noise

    us = names.index("United States")
    frontline = np.isin(names, spec.frontline.allies)
    threat = settings.threat_all + settings.threat_frontline * frontline
    spill = np.ones(n)
    spill[us] = 1.0 - settings.us_spill_in_cut
    fixed = np.full((n_draws, n), np.nan)
    # An ally that spent nothing (Iceland: no armed forces) keeps spending nothing: the
    # calibration only bounds its preference weight from below.
    fixed[:, data.spending <= 0] = 0.0
    if settings.us_cut > 0:
        fixed[:, us] = observed[:, us] * (1.0 - settings.us_cut)
    floor = None
    if settings.floor_pct_gdp is not None:
        floor = np.minimum(income * settings.floor_pct_gdp / 100.0, income)
    present = ~np.isin(names, settings.leave)

    new = counterfactual(income, observed, theta, threat_rise=threat, spill_in=spill,
                         floor=floor, fixed=fixed, present=present)
    pct_new = 100.0 * new / income
    with np.errstate(divide="ignore", invalid="ignore"):
        change_pct = np.where(observed > 0, 100.0 * (new / observed - 1.0), np.nan)
    gdp_present = np.where(present, data.income, 0.0)
    share_new = new / np.nansum(new, axis=1, keepdims=True)
    base_share = np.where(present, data.spending, 0.0) / np.sum(data.spending * present)

    table: dict[str, Any] = {
        "ally": list(names),
        "status": ["left" if not p else ("frontline" if f else "") for p, f in
                   zip(present, frontline, strict=True)],
        "gdp_musd": data.income,
        "base_spending_musd": data.spending,
        "base_pct_gdp": 100.0 * data.spending / data.income,
    }
    table.update(_band(new, "spending_musd"))
    table.update(_band(pct_new, "pct_gdp"))
    table.update(_band(change_pct, "change_pct"))
    table["base_burden_share_pct"] = 100.0 * np.where(present, base_share, np.nan)
    table.update(_band(100.0 * share_new, "burden_share_pct"))
    table["gdp_share_pct"] = 100.0 * np.where(present, gdp_present / gdp_present.sum(), np.nan)
    for target in spec.targets_pct_gdp.values:
        table[f"gap_to_{target:g}_pct_pp"] = target - table["pct_gdp"]
    per_ally = pd.DataFrame(table)

    groups = {
        "European allies": np.array([nm not in NORTH_AMERICA for nm in names]) & present,
        "Europe and Canada": np.array([nm != "United States" for nm in names]) & present,
        "United States": np.array([nm == "United States" for nm in names]) & present,
        "NATO": present,
    }
    rows = []
    for group, mask in groups.items():
        if not mask.any():
            continue
        base = observed[:, mask].sum(axis=1)
        after = np.nansum(new[:, mask], axis=1)
        gdp = data.income[mask].sum()
        row = {"group": group, "base_spending_musd": float(data.spending[mask].sum()),
               "base_pct_gdp": float(100 * data.spending[mask].sum() / gdp)}
        for key, values in (("spending_musd", after), ("pct_gdp", 100 * after / gdp),
                            ("change_musd", after - base),
                            ("change_pct", 100 * (after / base - 1))):
            q = np.quantile(values, QUANTILES)
            row.update({f"{key}_p05": q[0], key: q[1], f"{key}_p95": q[2]})
        rows.append(row)
    notes = [
        f"base year {year}{' (NATO estimate)' if data.is_estimate else ''}; "
        f"{spec.measure} US$ million; theta ~ U({low:g}, {high:g}); {n_draws} draws; "
        f"bands are 5-95 % over draws",
        f"frontline allies: {', '.join(spec.frontline.allies)} ({spec.frontline.source})",
    ]
    used = {
        "year": year, "us_cut": settings.us_cut, "us_spill_in_cut": settings.us_spill_in_cut,
        "threat_all": settings.threat_all, "threat_frontline": settings.threat_frontline,
        "floor_pct_gdp": settings.floor_pct_gdp, "leave": list(settings.leave),
        "theta_range": [low, high], "draws": n_draws, "seed": settings.seed,
    }
    return BurdenResult(per_ally, pd.DataFrame(rows), used, data.provenance, notes)


def run_aid(spec: BurdenSpec, *, us_aid_stop: float | None = None, draws: int | None = None,
            seed: int = 0, theta: tuple[float, float] | None = None) -> BurdenResult:
    """Aid to Ukraine as the same game among donors, calibrated on Kiel allocations.

    The US's aid falls by the fraction ``us_aid_stop`` (fixed, not a best response); the
    other donors re-optimise. Reported: each donor's new aid with bands, how much of the
    US's lost aid the others replace, and the gap that remains.
    """
    from accord.data.alliance import donors
    from accord.models.burden import counterfactual

    stop = spec.aid.us_aid_stop.default if us_aid_stop is None else us_aid_stop
    if not 0 <= stop <= 1:
        raise ScenarioError(None, "a fraction must lie in [0, 1]", field="us_aid_stop",
                            expected="a number in [0, 1]", found=stop)
    low, high = theta or (spec.aid.theta.low, spec.aid.theta.high)
    if not 0 <= low <= high <= 1:
        raise ScenarioError(None, "theta range must satisfy 0 <= low <= high <= 1",
                            field="theta_range", found=[low, high])
    data = donors(spec.aid.measure, spec.aid.donor_groups)
    if "United States" not in data.names:
        raise ScenarioError(None, "the aid game needs the United States among the donors",
                            field="aid.donor_groups", found=list(spec.aid.donor_groups))
    n_draws = spec.draws if draws is None else draws
    if n_draws < 1:
        raise ScenarioError(None, "need at least one draw", field="draws", found=n_draws)
    rng = np.random.default_rng(seed)
    th = _theta_draws(rng, low, high, n_draws)
    n = len(data.names)
    observed = data.aid * np.exp(rng.normal(0.0, spec.aid.noise_sd.value, (n_draws, n)))
    income = np.broadcast_to(data.income, (n_draws, n))
    us = data.names.index("United States")
    fixed = np.full((n_draws, n), np.nan)
    fixed[:, us] = observed[:, us] * (1.0 - stop)
    new = counterfactual(income, observed, th, fixed=fixed)
    us_loss = observed[:, us] - new[:, us]
    groups_arr = np.array(data.groups)

    table: dict[str, Any] = {"donor": list(data.names), "group": list(data.groups),
                             "gdp2021_eur_bn": data.income, "base_aid_eur_bn": data.aid,
                             "base_pct_gdp": 100 * data.aid / data.income}
    table.update(_band(new, "aid_eur_bn"))
    table.update(_band(new - observed, "change_eur_bn"))
    with np.errstate(divide="ignore", invalid="ignore"):
        carried = np.where(us_loss[:, None] > 0, 100 * (new - observed) / us_loss[:, None],
                           np.nan)
    carried[:, us] = np.nan
    table.update(_band(carried, "share_of_us_loss_pct"))
    per_donor = pd.DataFrame(table)

    rows = []
    for group in ("US", "Europe", "Other", "All"):
        mask = groups_arr == group if group != "All" else np.ones(n, bool)
        if not mask.any():
            continue
        base, after = observed[:, mask].sum(1), new[:, mask].sum(1)
        row: dict[str, Any] = {"group": group, "base_aid_eur_bn": float(data.aid[mask].sum())}
        for key, values in (("aid_eur_bn", after), ("change_eur_bn", after - base)):
            q = np.quantile(values, QUANTILES)
            row.update({f"{key}_p05": q[0], key: q[1], f"{key}_p95": q[2]})
        rows.append(row)
    others = np.arange(n) != us
    replaced = (new[:, others] - observed[:, others]).sum(1)
    with np.errstate(divide="ignore", invalid="ignore"):
        replaced_pct = 100 * replaced / us_loss
    gap = us_loss - replaced
    summary = {"group": "US loss replaced by others"}
    for key, values in (("us_loss_eur_bn", us_loss), ("replaced_eur_bn", replaced),
                        ("replaced_pct", replaced_pct), ("gap_eur_bn", gap)):
        q = np.nanquantile(values, QUANTILES)
        summary.update({f"{key}_p05": q[0], key: q[1], f"{key}_p95": q[2]})
    rows.append(summary)
    notes = [
        f"Kiel R28 {spec.aid.measure} allocations, EUR bn cumulative since Jan 2022; income = "
        f"GDP 2021 implied by Kiel's share column; theta ~ U({low:g}, {high:g}); "
        f"{n_draws} draws; bands 5-95 %",
        f"excluded (GDP share printed as 0 or no aid): {', '.join(data.excluded) or 'none'}",
    ]
    used = {"us_aid_stop": stop, "theta_range": [low, high], "draws": n_draws, "seed": seed,
            "measure": spec.aid.measure, "donor_groups": list(spec.aid.donor_groups)}
    return BurdenResult(per_donor, pd.DataFrame(rows), used, data.provenance, notes)


ExploitationSource = Literal["nato", "sipri14", "oz1964"]


def run_exploitation(year: int | None = None,
                     sources: tuple[ExploitationSource, ...] = ("nato", "sipri14", "oz1964"),
                     ) -> BurdenResult:
    """Olson & Zeckhauser's exploitation test per year and data source, next to the values
    recorded in ``burden_sharing_rank_correlations.csv`` where it has them."""
    from accord.data import load
    from accord.data.alliance import size_and_burden
    from accord.models.burden import exploitation_test

    recorded = load("rank_correlations")
    rec = recorded.frame[recorded.frame["kind"] == "computed"]
    rows, provenance = [], []
    for source in sources:
        frame, prov = size_and_burden(source)
        provenance.append(prov)
        years = sorted(frame["year"].unique()) if year is None else [year]
        for y in years:
            part = frame[frame["year"] == y]
            if len(part) < 3:
                continue
            test = exploitation_test(part["gdp"], part["burden"])
            match = rec[(rec["year"] == y) & (rec["n_allies"] == test.n)]
            rows.append({"year": int(y), "source": source, **test.as_dict(),
                         "recorded_rho": float(match["rho"].iloc[0]) if len(match) else np.nan})
    if not rows:
        raise ScenarioError(None, "no data for this year", field="year",
                            expected="1964 or 2014-2024", found=year)
    provenance.append({k: recorded.provenance[k]
                       for k in ("name", "file", "source", "verification", "notes")})
    notes = ["positive rho = the large carry a larger share of their income "
             "(Olson & Zeckhauser 1966); p-values two-sided (scipy.stats)"]
    table = pd.DataFrame(rows).sort_values(["source", "year"]).reset_index(drop=True)
    return BurdenResult(table, pd.DataFrame(), {"year": year, "sources": list(sources)},
                        provenance, notes)
