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
"""

from __future__ import annotations

import numpy as np

from accord.models.bargaining.base import BargainingResult, as_batch, weighted_median
from accord.models.bargaining.eum_round import CompromiseChoice, ProbabilityNorm, play_round

# Games are played in blocks so that the [G, N, N] work arrays stay near this many elements:
# 256 KiB each, so that they stay in the L2 cache (measured: 1.5-2x faster than 1M elements).
_BLOCK_ELEMENTS = 32_768


def eum(
    capability: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    *,
    status_quo: np.ndarray | None = None,
    rounds: int = 10,
    q: float = 1.0,
    t: float = 1.0,
    position_range: float | np.ndarray | None = None,
    probability_norm: ProbabilityNorm = "all_pairs",
    capitulation: bool = True,
    compromise_choice: CompromiseChoice = "scholz_code",
) -> BargainingResult:
    """Play the expected utility model for ``rounds`` rounds on every draw and issue.

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
        Number of rounds ``R`` (Scholz's ``tau``); every game plays all of them.
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

    Returns
    -------
    BargainingResult
        ``forecast[B, K]``: the ``c s``-weighted (Condorcet) median of the final positions;
        ``history[B, R + 1, N, K]``: every actor's position after each round, round 0 being the
        input; ``rounds[B]``: ``R`` for every draw.
    """
    c, x, s = as_batch(capability, position, salience)
    if rounds < 0:
        raise ValueError(f"rounds must be >= 0, got {rounds}")
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
    trajectory = np.empty((n_games, rounds + 1, n_actors))
    trajectory[:, 0] = games_x
    block = max(1, _BLOCK_ELEMENTS // max(1, n_actors * n_actors))
    for start in range(0, n_games, block):
        part = slice(start, start + block)
        current = games_x[part]
        for round_number in range(1, rounds + 1):
            current = play_round(
                current,
                games_s[part],
                games_w[part],
                games_scale[part],
                q=q,
                t=t,
                norm=probability_norm,
                capitulation=capitulation,
                compromise_choice=compromise_choice,
            )
            trajectory[part, round_number] = current

    history = np.moveaxis(trajectory.reshape(n_draws, n_issues, rounds + 1, n_actors), 1, 3)
    final_median, _ = round_summary(c, s, history[:, -1:])
    return BargainingResult(
        forecast=final_median[:, 0],
        history=np.ascontiguousarray(history),
        rounds=np.full(n_draws, rounds, dtype=int),
    )


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
