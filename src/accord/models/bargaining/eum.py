"""Expected utility model of group decisions (Bueno de Mesquita 1994; Scholz et al. 2011).

Bueno de Mesquita's model as specified, step by step, by Scholz, Calbert & Smith (2011),
"Unravelling Bueno de Mesquita's group decision model", Journal of Theoretical Politics 23(4),
510-531 (also ICAART 2011, pp. 18-30). Each (draw, issue) pair is an independent
one-dimensional game; the games are folded together and played in parallel, round by round.

One round (Scholz et al., Appendix):

1. The Condorcet (weighted) median of the current positions, weights ``c s`` (step 3).
2. With ``r = 1`` for all, the utility each actor expects from challenging each other
   actor (steps 4-7), each actor's danger (the sum of what others expect from challenging
   it) and from it its risk exponent ``r_i = (1 - R_i/3)/(1 + R_i/3)`` (steps 8-9, eqs. 32-34).
3. With these ``r_i``: utilities of success, failure, better, worse and status quo
   (eqs. 15-16, 22-24), probabilities of success from ``c s``-weighted votes (eqs. 30-31),
   expected utilities of challenging with ``Q`` and ``T`` (eqs. 5-7) (step 10).
4. Every ordered dyad is classified as conflict, compromise, capitulation or stalemate; every
   actor takes the best offer made to it; all move at once (step 11, section 6, eqs. 35-36).

Choices where the sources are ambiguous (see also ``docs/models/eum.md``). The defaults follow
Scholz et al.'s own program as reproduced by J. McKibben's public replication
(github.com/jmckib/bdm-scholz-expected-utility-model), the only public code that reproduces
Scholz et al.'s Table 2 (capitulation excepted, where the text is followed since both agree on
that case); each can be switched to the reading of the printed text:

* ``probability_norm="all_pairs"``: the probability of success divides the votes for the
  challenger by the absolute votes summed over every ordered pair of actors, not over the
  dyad (``"dyad"``, eq. 30 as printed). Votes use each voter's own risk exponent.
* Both expected utilities of a dyad are computed with the risk exponent of the actor who
  receives the offer.
* ``capitulation=True``: an actor moves fully to a rival when ``a < 0 < b < |a|`` (Scholz
  figure 6, "compel"). McKibben's program intends the same test but, by a typo, never takes
  it (``False`` reproduces that); on the BDM 1994 case no dyad is in this region, so both
  give the same rounds.
* ``compromise_choice="scholz_code"``: among compromise offers the one with the smallest
  ``(|a| x_i + |b| x_j)/(|a| + |b|)`` is taken, as in Scholz's program; ``"least_move"`` takes
  the compromise that moves the actor least, as the paper's text says (section 6.2).
* The danger used for risk is ``sum_{j != i} E(U_ji)`` with every ``r = 1`` (eq. 34; the
  security reading of section 5); ``R_i = 0`` when all dangers are equal.
* ``T`` is a constant in [0, 1] (the probability that, without a challenge, the rival's move
  towards the median helps the challenger); it matters only when ``q < 1``.
* Ties between offers are broken by the rival's expected utility, then by the lower
  position, so that results never depend on the order of the actors.

Stopping rule. The sources leave the end of the game open: Bueno de Mesquita (1997, p. 238)
repeats the rounds "until the issue is resolved", and his 1994 forecast for the
emission-standards case "rises to 9.05 years and stabilizes" (quoted by Scholz et al. 2011,
p. 27); Scholz et al. play a fixed number of rounds and find that "in general the results do
not stabilise". Two rules are offered, both looking only back, so that a game that stopped
within ``R`` rounds stops at the same round, with the same forecast, for any maximum above
``R``:

* ``stopping="no_gain"`` (default): stop at the first round that leaves the forecast (the
  weighted median) where the previous round put it, or whose positions repeat an earlier
  round's. Why: BDM's actors "see only one move ahead" (Bueno de Mesquita 1997, p. 235) and
  value an outcome by its distance from their position; a round that does not move the
  outcome gives no actor a gain, so no actor expects to gain from another round and the
  negotiation has produced its outcome ("stabilizes" in BDM 1994). Reasons: ``"stable"`` (no
  position moved), ``"no_gain"`` (positions moved, the forecast did not), ``"cycle"``.
* ``stopping="repeat"``: stop only at the first repeated state: every position within
  ``stop_tolerance`` x the position range of an earlier round's (``"stable"`` when it is the
  previous round, else ``"cycle"``). Why: a round is a deterministic function of the
  positions alone (capability, salience, ``Q`` and ``T`` are fixed), so once a state repeats,
  every later round repeats the rounds in between for ever; playing on cannot change the set
  of forecasts the model makes. A cycle's forecast at the stopping round is one point of the
  cycle: report it with the cycle's range.
* ``stopping="none"``: every game plays all ``rounds`` (Scholz et al.'s Table 2, the
  validation path).

A game that does not stop within ``rounds`` is ``"max_rounds"``: the model did not settle and
its forecast depends on the number of rounds.
"""

from __future__ import annotations

from functools import partial
from typing import Literal

import numpy as np

from accord.models.bargaining.base import BargainingResult, as_batch, weighted_median
from accord.models.bargaining.eum_round import CompromiseChoice, ProbabilityNorm, play_round
from accord.models.bargaining.eum_votes import Engine, wants_numba

# Games are played in blocks so that the [G, N, N] work arrays stay near this many elements:
# 256 KiB each, so that they stay in the L2 cache (measured: 1.5-2x faster than 1M elements).
_BLOCK_ELEMENTS = 32_768

Stopping = Literal["no_gain", "repeat", "none"]

#: Why a game stopped (``BargainingResult.stopped_because``).
STABLE, NO_GAIN, CYCLE, MAX_ROUNDS = "stable", "no_gain", "cycle", "max_rounds"

#: Positions that differ by at most this share of the position range count as the same state.
STOP_TOLERANCE = 1e-9


def eum(
    capability: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    *,
    status_quo: np.ndarray | None = None,
    rounds: int = 100,
    q: float = 1.0,
    t: float = 1.0,
    position_range: float | np.ndarray | None = None,
    probability_norm: ProbabilityNorm = "all_pairs",
    capitulation: bool = True,
    compromise_choice: CompromiseChoice = "scholz_code",
    stopping: Stopping = "no_gain",
    stop_tolerance: float = STOP_TOLERANCE,
    engine: Engine = "auto",
) -> BargainingResult:
    """Play the expected utility model on every draw and issue, at most ``rounds`` rounds.

    Bueno de Mesquita (1994), "Political forecasting: an expected utility method", in Bueno de
    Mesquita & Stokman (eds.), *European Community Decision Making*, Yale UP, 71-104; algorithm
    as specified by Scholz, Calbert & Smith (2011), Appendix steps 1-13.

    Parameters
    ----------
    capability : ndarray [B, N]
        Capability ``c_i >= 0``.
    position : ndarray [B, N, K]
        Initial positions ``x_i`` on each issue's scale.
    salience : ndarray [B, N, K]
        Salience ``s_i`` in [0, 1]; also the probability that the actor resists a challenge.
    status_quo : ndarray [B, K], optional
        Accepted for the common interface and not used: in the EUM the status quo is the
        utility of no change (eq. 24), not a position.
    rounds : int
        Maximum number of rounds ``R`` (Scholz's ``tau``); with ``stopping="none"`` every game
        plays all of them.
    q : float
        Probability ``Q`` that the status quo holds when no challenge is made (Scholz et al.
        chose ``Q = 1`` for the BDM 1994 case).
    t : float
        Probability ``T`` that, without a challenge, the rival's move towards the median makes
        things better for the challenger (eqs. 7, 22-23); used only when ``q < 1``.
    position_range : float or ndarray [B, K], optional
        ``x_max - x_min`` dividing every distance (eqs. 14-16). Default: per game, the range of
        the initial positions (as in all public replications); it must not be smaller than that
        range. Positions never leave the initial hull, so distances stay in [0, 1].
    probability_norm, capitulation, compromise_choice
        Variants where the paper and Scholz et al.'s program differ; see the module docstring.
    stopping : {"no_gain", "repeat", "none"}
        ``"no_gain"``: stop each game at the first round that leaves its forecast unchanged or
        repeats an earlier state; ``"repeat"``: only at the first repeated state; ``"none"``:
        play all ``rounds`` (the fixed-rounds path of the published validation). See the
        module docstring.
    stop_tolerance : float
        Positions (and forecasts) within ``stop_tolerance`` x the position range count as
        equal.
    engine : {"auto", "numba", "numpy"}
        ``"numba"``: each round of every game in one compiled pass (``eum_kernel``);
        ``"numpy"``: the vectorised reference (``eum_round``), votes included. ``"auto"``
        takes numba when it is installed, except for a small batch (games x actors^3 below
        ``eum_votes.NUMPY_WORK_LIMIT``) while numba is not loaded yet; it then plays the
        numpy round. Both give the same rounds up to rounding (``tests/models/
        test_eum_kernel.py``).

    Returns
    -------
    BargainingResult
        ``forecast[B, K]``: the ``c s``-weighted (Condorcet) median of the positions at each
        game's stopping round (its last round); ``history[B, R + 1, N, K]``: every actor's
        position after each round, round 0 being the input, a stopped game repeating its
        stopping state; ``stopping_round[B, K]``, ``stopped_because[B, K]`` (``"stable"``,
        ``"no_gain"``, ``"cycle"`` or ``"max_rounds"``) and ``cycle_length[B, K]`` (the period
        of a repeated state: 1 when stable; 0 when no state repeated) per game; ``rounds[B]``:
        the most rounds any issue of the draw played.
    """
    c, x, s = as_batch(capability, position, salience)
    if rounds < 0:
        raise ValueError(f"rounds must be >= 0, got {rounds}")
    if stopping not in ("no_gain", "repeat", "none"):
        raise ValueError(f"stopping must be 'no_gain', 'repeat' or 'none', got {stopping!r}")
    if not stop_tolerance >= 0.0:
        raise ValueError(f"stop_tolerance must be >= 0, got {stop_tolerance}")
    if not 0.0 <= q <= 1.0 or not 0.0 <= t <= 1.0:
        raise ValueError(f"q and t must lie in [0, 1], got q={q}, t={t}")
    n_draws, n_actors, n_issues = x.shape
    if n_actors == 0:
        raise ValueError("the EUM needs at least one actor")
    spread = x.max(axis=1) - x.min(axis=1)
    if position_range is None:
        scale = spread
    else:
        scale = np.broadcast_to(np.asarray(position_range, dtype=float), spread.shape)
        if np.any(scale < spread * (1 - 1e-12)):
            raise ValueError("position_range is smaller than the range of the positions")
    scale = np.where(scale > 0, scale, 1.0)

    # Fold draws and issues into games: [G = B K, N].
    games_x = np.moveaxis(x, 2, 1).reshape(-1, n_actors)
    games_s = np.moveaxis(s, 2, 1).reshape(-1, n_actors)
    games_c = np.repeat(c, n_issues, axis=0)
    games_scale = scale.reshape(-1)
    games_w = games_c * games_s

    n_games = games_x.shape[0]
    kernel = _round_kernel(engine, n_games * n_actors**3)
    trajectory = np.empty((n_games, rounds + 1, n_actors))
    trajectory[:, 0] = games_x
    stopping_round = np.full(n_games, rounds, dtype=int)
    cycle_length = np.zeros(n_games, dtype=int)
    reason = np.full(n_games, MAX_ROUNDS, dtype=object)
    if kernel:
        flags = (probability_norm == "dyad", capitulation, compromise_choice == "least_move")
        one_round = partial(kernel, q=q, t=t, dyad_norm=flags[0], capitulation=flags[1],
                            least_move=flags[2])  # fmt: skip
    else:
        one_round = partial(play_round, q=q, t=t, norm=probability_norm,
                            capitulation=capitulation, compromise_choice=compromise_choice,
                            engine="numpy" if engine == "numpy" else "auto")  # fmt: skip
    # The compiled round keeps one game's dyads in the cache: the whole batch is one block.
    block = n_games if kernel else max(1, _BLOCK_ELEMENTS // max(1, n_actors * n_actors))
    for start in range(0, n_games, block):
        part = slice(start, start + block)
        current = games_x[part]
        active = np.ones(current.shape[0], dtype=bool)
        tolerance = stop_tolerance * games_scale[part]
        forecast = weighted_median(current, games_w[part], axis=-1)
        for round_number in range(1, rounds + 1):
            if not active.any():
                trajectory[part, round_number] = current
                continue
            # Only the games still playing (each game is independent of the others).
            playing = start + np.flatnonzero(active)
            current = current.copy()
            games = (current[active], games_s[playing], games_w[playing], games_scale[playing])
            current[active] = one_round(*games)
            trajectory[part, round_number] = current
            if stopping == "none":
                continue
            period = _repeat_period(trajectory[part, :round_number], current, tolerance)
            why = np.where(period == 1, STABLE, np.where(period > 1, CYCLE, MAX_ROUNDS))
            if stopping == "no_gain":
                previous, forecast = forecast, weighted_median(current, games_w[part], axis=-1)
                unchanged = np.abs(forecast - previous) <= tolerance
                why = np.where((period == 0) & unchanged, NO_GAIN, why)
            stops = active & (why != MAX_ROUNDS)
            stopping_round[part][stops] = round_number
            cycle_length[part][stops] = period[stops]
            reason[part][stops] = why[stops]
            active &= ~stops

    history = np.moveaxis(trajectory.reshape(n_draws, n_issues, rounds + 1, n_actors), 1, 3)
    final_median, _ = round_summary(c, s, history[:, -1:])
    because = reason.astype(str)
    per_game_round = stopping_round.reshape(n_draws, n_issues)
    return BargainingResult(
        forecast=final_median[:, 0],
        history=np.ascontiguousarray(history),
        rounds=per_game_round.max(axis=1) if n_issues else np.zeros(n_draws, dtype=int),
        stopping_round=per_game_round,
        stopped_because=because.reshape(n_draws, n_issues),
        cycle_length=cycle_length.reshape(n_draws, n_issues),
    )


def _round_kernel(engine: Engine, work: int):
    """The compiled round (``eum_kernel.play_rounds``), or ``None`` for the numpy round."""
    if not wants_numba(engine, work):
        return None  # numpy, or a small batch: numpy finishes before numba would have loaded
    try:
        from accord.models.bargaining.eum_kernel import play_rounds
    except ImportError:
        if engine == "numba":
            raise ImportError("numba is not installed (pip install 'accord[speed]')") from None
        return None
    return play_rounds


def _repeat_period(earlier: np.ndarray, current: np.ndarray, tolerance: np.ndarray) -> np.ndarray:
    """Per game, how many rounds back ``current`` repeats an earlier state (0: it does not).

    ``earlier[G, t, N]`` holds rounds 0..t-1, ``current[G, N]`` round t; a state repeats when
    every actor lies within ``tolerance[G]``. The nearest repeat gives the period, so a game
    whose positions did not move has period 1.
    """
    distance = np.abs(earlier - current[:, None, :]).max(axis=2, initial=0.0)
    same = distance <= tolerance[:, None]
    back = same[:, ::-1]  # back[:, 0] is the previous round
    return np.where(back.any(axis=1), np.argmax(back, axis=1) + 1, 0)


def round_summary(
    capability: np.ndarray, salience: np.ndarray, history: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted median and ``c s``-weighted mean of the positions in each round.

    Parameters
    ----------
    capability : ndarray [B, N]
    salience : ndarray [B, N, K]
    history : ndarray [B, R + 1, N, K]

    Returns
    -------
    median, mean : ndarray [B, R + 1, K]
        The Condorcet (lower weighted) median and the compromise position
        ``sum(c s x) / sum(c s)`` (Achen 2006) of every round; the mean is NaN where all
        weights are zero.
    """
    c = np.asarray(capability, dtype=float)
    h = np.asarray(history, dtype=float)
    weight = c[:, None, :, None] * np.asarray(salience, dtype=float)[:, None, :, :]
    weight = np.broadcast_to(weight, h.shape)
    median = weighted_median(h, weight, axis=-2)
    total = weight.sum(axis=-2)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(total > 0, (weight * h).sum(axis=-2) / total, np.nan)
    return median, mean
