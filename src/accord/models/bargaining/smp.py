"""KTAB's Spatial Model of Politics (SMP), reproduced turn by turn and vectorised over draws.

The model is that of the KAPSARC Toolkit for Behavioral Analysis (KTAB 1.4; MIT-licensed
C++ at ``lsyaseen/KTAB``, ``examples/smp/libsrc`` and ``KTAB/kmodel``), read from its source
and written here anew. One turn, for every draw at once:

1. Each actor judges every position by a salience-weighted Euclidean distance from its own
   (``bvDiff``), curved by its risk attitude into a utility (``bsUtil``).
2. A probabilistic Condorcet election among the actors' positions, with risk-neutral
   utilities and capability-weighted votes, gives each position's chance of winning; the
   actors' risk attitudes follow from those chances (``bigRfromProb``), and each actor
   estimates the others' attitudes anchored on its own (``estNRA``).
3. Each actor i, from its own perspective, estimates for every other actor j the
   probability that i would beat j, with third parties joining the side they prefer in the
   little contest (``probEduChlg``, ``thirdPartyVoteSU``), and the expected gain of
   challenging j; it targets the j of largest gain (if above 1e-5).
4. The two interpolate a bargain between their positions, weighted by squared salience and
   squared probability of success and rounded to 1e-4 (``interpBrgnSnPm``, S2P2).
5. Each actor chooses, among the status quo and the bargains it is party to, the one a
   probabilistic Condorcet election of all actors (utility of the resulting state) makes
   most likely (``doBCN``); its new position is its side of that bargain.

The run stops after the turn ``t >= 2`` whose total movement (sum over actors of the
Euclidean distance moved) is below 2 % of the first turn's (plus 1e-4), or after
``max_turns`` (KTAB: 100). See ``docs/models/smp.md`` for the surprising parts of KTAB's
behaviour and what this module does about each.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np

from accord.models.bargaining.base import BargainingResult, as_batch
from accord.models.bargaining.smp_prng import KTAB_DEFAULT_SEED, KtabPrng
from accord.models.bargaining.smp_rules import (
    BIG_R_ADJUSTS,
    BIG_R_RANGES,
    PCE_MODELS,
    THIRD_PARTY_COMMITS,
    VICTORY_PROBS,
    VOTING_RULES,
    big_r_from_prob,
    check_choice,
    coalition_strengths,
    curved_utility,
    estimated_risk,
    ordered_sum,
    pce,
    sequential_sum,
    vote,
    weighted_distance,
)
from accord.threads import thread_budget

STATE_TRANSITIONS = ("deterministic", "stochastic")
INTER_VEC_BRGNS = ("s1p1", "s2p2", "s2pmax")
BARGAIN_MODELS = ("init_only_interp", "init_rcvr_interp", "pw_comp_interp")

KTAB_MAX_TURNS = 100
_MIN_TURNS = 2
_MIN_DELTA_RATIO = 0.02
_MIN_SIG_DELTA = 1e-4
_MIN_SIG_GAIN = 1e-5  # SMPState::bestChallenge
_MIN_CHALLENGE_COALITION = 1e-10  # SMPState::probEduChlg
_POSITION_TOLERANCE = 1e-3  # SMPModel::posTol, on KTAB's internal [0, 1] scale
_CHUNK_ELEMENTS = 2_000_000  # draws are processed in chunks of about this many B*N^3 cells


@dataclass(frozen=True)
class SmpOptions:
    """KTAB's model parameters (defaults: KTAB 1.4's CSV run)."""

    victory_prob: str = "linear"
    voting_rule: str = "proportional"
    pce_model: str = "conditional"
    state_transitions: str = "deterministic"
    big_r_range: str = "mid"
    big_r_adjust: str = "one_third"
    third_party_commit: str = "semi_commit"
    inter_vec_brgn: str = "s2p2"
    bargain_model: str = "init_only_interp"

    def __post_init__(self) -> None:
        check_choice("victory_prob", self.victory_prob, VICTORY_PROBS)
        check_choice("voting_rule", self.voting_rule, VOTING_RULES)
        check_choice("pce_model", self.pce_model, PCE_MODELS)
        check_choice("state_transitions", self.state_transitions, STATE_TRANSITIONS)
        check_choice("big_r_range", self.big_r_range, BIG_R_RANGES)
        check_choice("big_r_adjust", self.big_r_adjust, BIG_R_ADJUSTS)
        check_choice("third_party_commit", self.third_party_commit, THIRD_PARTY_COMMITS)
        check_choice("inter_vec_brgn", self.inter_vec_brgn, INTER_VEC_BRGNS)
        check_choice("bargain_model", self.bargain_model, BARGAIN_MODELS)


@dataclass(frozen=True)
class _Actors:
    """What does not change over a run: ``[B, N, K]`` salience and ``[B, N]`` aggregates."""

    salience: np.ndarray
    capability: np.ndarray
    salience_sq_sum: np.ndarray  # sum_k s_k^2, the denominator of bvDiff
    salience_total: np.ndarray  # sum_k s_k, KTAB's scalar salience of an actor

    def take(self, rows: np.ndarray) -> _Actors:
        return _Actors(
            self.salience[rows],
            self.capability[rows],
            self.salience_sq_sum[rows],
            self.salience_total[rows],
        )


def smp(
    capability: np.ndarray,
    position: np.ndarray,
    salience: np.ndarray,
    *,
    status_quo: np.ndarray | None = None,
    max_turns: int = KTAB_MAX_TURNS,
    victory_prob: str = "linear",
    voting_rule: str = "proportional",
    pce_model: str = "conditional",
    state_transitions: str = "deterministic",
    big_r_range: str = "mid",
    big_r_adjust: str = "one_third",
    third_party_commit: str = "semi_commit",
    inter_vec_brgn: str = "s2p2",
    bargain_model: str = "init_only_interp",
    seed: int | np.ndarray = KTAB_DEFAULT_SEED,
    engine: str = "auto",
    cap_total_salience: bool = True,
) -> BargainingResult:
    """Run KTAB's Spatial Model of Politics on a batch of draws.

    Parameters
    ----------
    capability : ndarray [B, N]
        Actor capabilities (KTAB's "power"/"influence"), >= 0, used as given.
    position : ndarray [B, N, K]
        Positions on 0-100 per issue (KTAB divides by 100 internally; so does this).
    salience : ndarray [B, N, K]
        Salience in [0, 1] per issue, i.e. KTAB's 0-100 column divided by 100. KTAB requires
        an actor's total salience over the issues to be at most 1 and uses that total as the
        actor's scalar salience.
    status_quo : ignored
        SMP has no status quo; accepted for the common bargaining interface.
    max_turns : int
        Upper bound on the number of turns (KTAB: 100).
    victory_prob, voting_rule, pce_model, state_transitions, big_r_range, big_r_adjust,
    third_party_commit, inter_vec_brgn, bargain_model : str
        KTAB's model parameters; defaults are KTAB 1.4's CSV-run defaults (Linear, Prop,
        Conditional, Deterministic, Mid, OneThird, SemiCommit, S2P2, InitOnlyInterp). See
        ``smp_rules`` for the choices.
    seed : int or ndarray [B] of int
        Seed of KTAB's generator, used only with ``state_transitions="stochastic"``: every
        draw b runs its own KTAB generator seeded with ``seed`` (or ``seed[b]``), exactly as
        ``smpc --seed`` would for that draw's inputs.
    cap_total_salience : bool
        KTAB reads saliences as shares of an actor's attention (total <= 1; it refuses
        more) and weighs "victory without contest" by 1 - total. accord's scenarios give
        each issue a salience in [0, 1] independently; with True (default), an actor whose
        saliences sum to more than 1 has them divided by their sum, so valid KTAB inputs
        are unchanged. With False they are used as given (totals above 1 then make that
        weight negative).
    engine : {"auto", "numba", "numpy"}
        ``numba`` (compiled loops in KTAB's order of operations, chunks of draws in parallel
        threads; deterministic transitions only) or ``numpy`` (vectorised over draws and
        actors). ``auto`` takes numba when it is installed and transitions are deterministic.
        Both give the same histories.

    Returns
    -------
    BargainingResult
        ``history[B, T + 1, N, K]`` positions (0-100) after each turn, draws that stopped
        earlier padded with their final state; ``rounds[B]`` the number of turns KTAB would
        run (its number of states minus one); ``forecast[B, K]`` the expected outcome of the
        final state: the positions weighted by KTAB's probability that each (distinct)
        position wins the final probabilistic Condorcet election (``SMPState::pDist``).

    References
    ----------
    KAPSARC (2015-2019), KTAB: ``examples/smp/libsrc/smp.cpp``, ``smpbcn.cpp``;
    ``KTAB/kmodel/libsrc/kmodel.cpp``; KTAB's SMP tutorial (``examples/smp/SMPTutorial.pdf``).
    Efird, Lester & Wise (2016), J. East Asian Studies 16:117-145 (the SOE scenarios).
    """
    del status_quo
    options = SmpOptions(
        victory_prob,
        voting_rule,
        pce_model,
        state_transitions,
        big_r_range,
        big_r_adjust,
        third_party_commit,
        inter_vec_brgn,
        bargain_model,
    )
    if max_turns < 1:
        raise ValueError(f"max_turns must be >= 1, got {max_turns}")
    c, x, s = as_batch(capability, position, salience)
    if cap_total_salience:
        s = s / np.maximum(1.0, ordered_sum(s))[..., None]
    n_draws, n_actors, _ = x.shape
    if n_actors < 2:
        raise ValueError("SMP needs at least two actors")
    if _use_numba(engine, options, n_draws * n_actors**3 * x.shape[2]):
        return _run_numba(c, x, s, options, max_turns)
    chunk = max(1, _CHUNK_ELEMENTS // max(1, n_actors**3))
    if options.bargain_model == "init_rcvr_interp":
        chunk = max(1, chunk // 4)
    seeds = np.broadcast_to(np.asarray(seed, dtype=np.uint64), (n_draws,))
    parts = [
        _run(
            c[lo : lo + chunk],
            x[lo : lo + chunk],
            s[lo : lo + chunk],
            options,
            max_turns,
            seeds[lo : lo + chunk],
        )
        for lo in range(0, n_draws, chunk)
    ]
    turns = max(p[0].shape[1] for p in parts)
    history = np.concatenate(
        [
            np.concatenate([h, np.repeat(h[:, -1:], turns - h.shape[1], axis=1)], axis=1)
            for h, _, _ in parts
        ]
    )
    history[:, 0] = x  # the input as given (internally KTAB's x / 100)
    rounds = np.concatenate([r for _, r, _ in parts])
    forecast = np.concatenate([f for _, _, f in parts])
    return BargainingResult(forecast=forecast, history=history, rounds=rounds)


#: Below this much work (draws x actors^3 x issues) ``engine="auto"`` runs numpy unless numba
#: is already loaded: importing numba and loading its cached kernels takes about 0.4 s, more
#: than numpy needs for such a game (KTAB's 7-actor example: 6 ms; benchmarks/bench_startup.py).
NUMPY_WORK_LIMIT = 150_000


def _use_numba(engine: str, options: SmpOptions, work: int = NUMPY_WORK_LIMIT) -> bool:
    check_choice("engine", engine, ("auto", "numba", "numpy"))
    if engine == "numpy":
        return False
    if options.state_transitions != "deterministic":
        if engine == "numba":
            raise ValueError("the numba engine runs deterministic transitions only")
        return False
    if engine == "auto" and "numba" not in sys.modules and work < NUMPY_WORK_LIMIT:
        return False  # a small game: numpy finishes before numba would have loaded
    try:
        import numba  # noqa: F401
    except ImportError:
        if engine == "numba":
            raise
        return False
    return True


def _codes(options: SmpOptions) -> np.ndarray:
    return np.array(
        [
            VICTORY_PROBS.index(options.victory_prob),
            VOTING_RULES.index(options.voting_rule),
            PCE_MODELS.index(options.pce_model),
            STATE_TRANSITIONS.index(options.state_transitions),
            BIG_R_RANGES.index(options.big_r_range),
            BIG_R_ADJUSTS.index(options.big_r_adjust),
            THIRD_PARTY_COMMITS.index(options.third_party_commit),
            INTER_VEC_BRGNS.index(options.inter_vec_brgn),
            BARGAIN_MODELS.index(options.bargain_model),
        ],
        dtype=np.int64,
    )


def _run_numba(c, x, s, options: SmpOptions, max_turns: int) -> BargainingResult:
    from accord.models.bargaining.smp_kernel import run_draws

    x01 = np.ascontiguousarray(x / 100.0)
    s = np.ascontiguousarray(s)
    c = np.ascontiguousarray(c)
    codes = _codes(options)
    # CPUs of this process's affinity; 1 inside an executor's worker process (accord.threads).
    n_threads = min(thread_budget(), x.shape[0])
    if n_threads <= 1:
        history, rounds, forecast = run_draws(x01, s, c, codes, max_turns)
    else:  # a few chunks of draws in threads (the kernel releases the GIL)
        from concurrent.futures import ThreadPoolExecutor  # not on a small game's path

        bounds = np.linspace(0, x.shape[0], n_threads + 1).astype(int)
        with ThreadPoolExecutor(n_threads) as pool:
            parts = list(
                pool.map(
                    lambda lo_hi: run_draws(
                        x01[lo_hi[0] : lo_hi[1]],
                        s[lo_hi[0] : lo_hi[1]],
                        c[lo_hi[0] : lo_hi[1]],
                        codes,
                        max_turns,
                    ),
                    zip(bounds[:-1], bounds[1:], strict=True),
                )
            )
        history, rounds, forecast = (np.concatenate([p[i] for p in parts]) for i in range(3))
    turns = int(rounds.max())
    history = history[:, : turns + 1] * 100.0
    history[:, 0] = x  # the input as given (internally KTAB's x / 100)
    return BargainingResult(forecast=forecast * 100.0, history=history, rounds=rounds.astype(int))


def _run(c, x100, s, options: SmpOptions, max_turns: int, seeds: np.ndarray):
    """One chunk of draws: the full run, returning (history 0-100, rounds, forecast)."""
    actors = _make_actors(c, s)
    x = x100 / 100.0
    n_draws = x.shape[0]
    rng = KtabPrng(seeds) if options.state_transitions == "stochastic" else None
    states = [x]
    rounds = np.zeros(n_draws, dtype=int)
    first_move = np.zeros(n_draws)
    active = np.arange(n_draws)
    for turn in range(1, max_turns + 1):
        current = states[-1]
        step = _turn(
            current[active],
            actors.take(active),
            options,
            None if rng is None else _UniformSource(rng, active),
        )
        nxt = current.copy()
        nxt[active] = step
        states.append(nxt)
        moved = _state_distance(step, current[active])
        if turn == 1:
            first_move[active] = moved + _MIN_SIG_DELTA
        rounds[active] = turn
        quiet = (moved / first_move[active]) < _MIN_DELTA_RATIO
        stop = (turn >= max_turns) | ((turn >= _MIN_TURNS) & quiet)
        active = active[~stop]
        if active.size == 0:
            break
    final = states[-1]
    win = win_probabilities(final, actors, options)
    forecast = np.einsum("bn,bnk->bk", win.unique_probability, final) * 100.0
    return np.stack(states, axis=1) * 100.0, rounds, forecast


class _UniformSource:
    """KTAB's generators of the active draws; each call advances every draw's stream."""

    def __init__(self, rng: KtabPrng, active: np.ndarray) -> None:
        self.rng = rng
        self.active = active

    def next(self) -> np.ndarray:
        # every stream advances (finished draws no longer matter); return the active ones
        return self.rng.uniform()[self.active]


def _make_actors(c: np.ndarray, s: np.ndarray) -> _Actors:
    ss = ordered_sum(s * s)
    return _Actors(
        salience=s,
        capability=c,
        salience_sq_sum=np.where(ss > 0, ss, 1.0),
        salience_total=ordered_sum(s),
    )


def _state_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """KTAB ``SMPModel::stateDist``: sum over actors of the Euclidean distance moved."""
    d = a - b
    return ordered_sum(np.sqrt(ordered_sum(d * d)))


@dataclass(frozen=True)
class _Assessment:
    """Distances and risk attitudes of one state (KTAB ``SMPState::setAllAUtil``)."""

    distance: np.ndarray  # [B, i, j]: from i's ideal (= its position) to j's position
    risk: np.ndarray  # [B, i]: inferred normalised risk attitude R_i
    risk_estimate: np.ndarray  # [B, h, i]: h's estimate of R_i


def _assess(x: np.ndarray, actors: _Actors, options: SmpOptions) -> _Assessment:
    diff = x[:, :, None, :] - x[:, None, :, :]
    distance = weighted_distance(
        diff, actors.salience[:, :, None, :], actors.salience_sq_sum[:, :, None]
    )
    neutral = curved_utility(distance, 0.0)
    coalition = coalition_strengths(options.voting_rule, actors.capability, neutral)
    prob = pce(options.pce_model, options.victory_prob, coalition)
    risk = big_r_from_prob(prob, options.big_r_range)
    estimate = estimated_risk(risk[:, :, None], risk[:, None, :], options.big_r_adjust)
    return _Assessment(distance, risk, estimate)


def _challenge(
    uii, uij, uji, ujj, uni, unj, unn, uki, ukj, w_i, w_j, w_n, sal_j, third, options: SmpOptions
):
    """h's estimate of P(i beats j) and of k's expected gain from i challenging j.

    KTAB ``SMPState::probEduChlg``; the third-party axis ``n`` is last. ``third`` masks
    out n = i and n = j.
    """
    rule = options.voting_rule
    contrib_i = vote(rule, w_i, uii, uij)
    contrib_j = vote(rule, w_j, uji, ujj)
    for_i = (_MIN_CHALLENGE_COALITION + np.maximum(contrib_i, 0.0)) + np.maximum(contrib_j, 0.0)
    for_j = (_MIN_CHALLENGE_COALITION - np.minimum(contrib_i, 0.0)) - np.minimum(contrib_j, 0.0)
    v_little = vote(rule, w_n, uni, unj)
    c_ni = np.where(v_little > 0, for_i[..., None] + v_little, for_i[..., None])
    c_nj = np.where(v_little < 0, for_j[..., None] - v_little, for_j[..., None])
    p_in = c_ni / (c_ni + c_nj)
    p_jn = 1.0 - p_in
    commit = options.third_party_commit
    if commit == "full_commit":
        ik_def_j, j_def_ik = uni + uni + uni, unj + unj + unj
        i_def_jk, jk_def_i = uni + uni + uni, unj + unj + unj
    elif commit == "semi_commit":
        ik_def_j, j_def_ik = uni + uni + unn, unj + unj + unj
        i_def_jk, jk_def_i = uni + uni + uni, unj + unj + unn
    else:
        ik_def_j, j_def_ik = uni + uni + unn, unj + unj + unn
        i_def_jk, jk_def_i = uni + uni + unn, unj + unj + unn
    u_ik_j = (p_in * ik_def_j) + (p_jn * j_def_ik)
    u_i_jk = (p_in * i_def_jk) + (p_jn * jk_def_i)
    v_third = np.where(third, vote(rule, w_n, u_ik_j, u_i_jk), 0.0)
    for_i = sequential_sum(np.maximum(v_third, 0.0), -1, for_i)
    for_j = sequential_sum(-np.minimum(v_third, 0.0), -1, for_j)
    p_ij = for_i / (for_i + for_j)
    p_ji = for_j / (for_i + for_j)
    eu_sq = uki + ukj
    eu_victory = uki + uki
    eu_defeat = ukj + ukj
    eu_contest = p_ij * eu_victory + p_ji * eu_defeat
    eu_challenge = (1 - sal_j) * eu_victory + sal_j * eu_contest
    return p_ij, eu_challenge - eu_sq


def _best_challenges(a: _Assessment, actors: _Actors, options: SmpOptions):
    """Every actor's best target j, P(i beats j) from i's view, and whether it has one."""
    n = a.distance.shape[-1]
    idx = np.arange(n)
    d = a.distance
    dt = np.swapaxes(d, 1, 2)  # dt[b, x, y] = d[b, y, x]
    d_diag = d[:, idx, idx]  # [B, n]
    r = a.risk_estimate  # r[b, i, n] = i's estimate of n's risk attitude
    r_self = r[:, idx, idx]  # [B, i]
    uii = curved_utility(d_diag, r_self)
    uij = curved_utility(d, r_self[:, :, None])
    uji = curved_utility(dt, r)
    ujj = curved_utility(d_diag[:, None, :], r)
    uni = curved_utility(dt, r)[:, :, None, :]  # [B, i, 1, n] = U_i(n, i)
    unj = curved_utility(dt[:, None, :, :], r[:, :, None, :])  # [B, i, j, n] = U_i(n, j)
    unn = curved_utility(d_diag[:, None, :], r)[:, :, None, :]  # [B, i, 1, n]
    w = actors.capability * actors.salience_total  # [B, n]
    third = (idx[None, :, None] != idx[None, None, :]) & (idx[:, None, None] != idx[None, None, :])
    p_ij, gain = _challenge(
        uii[:, :, None],
        uij,
        uji,
        ujj,
        uni,
        unj,
        unn,
        uii[:, :, None],
        uij,
        w[:, :, None],
        w[:, None, :],
        w[:, None, None, :],
        actors.salience_total[:, None, :],
        third,
        options,
    )
    gain = np.where(idx[:, None] == idx[None, :], -np.inf, gain)
    target = np.argmax(gain, axis=-1)
    best = np.take_along_axis(gain, target[..., None], axis=-1)[..., 0]
    p_win = np.take_along_axis(p_ij, target[..., None], axis=-1)[..., 0]
    return target, p_win, best > _MIN_SIG_GAIN


def _target_view(a: _Assessment, actors: _Actors, target: np.ndarray, options: SmpOptions):
    """KTAB's ``probEduChlg(j, i, i, j)`` for each actor i and its target j: the expected
    gain to i from i challenging j, as j estimates it (what KTAB then uses as j's
    "probability", see docs)."""
    b_idx = np.arange(a.distance.shape[0])[:, None]
    n = a.distance.shape[-1]
    i = np.arange(n)[None, :]
    j = target
    d = a.distance
    r = a.risk_estimate[b_idx, j]  # [B, i, n]: j's estimates of everyone's risk
    r_i = np.take_along_axis(r, np.broadcast_to(i, j.shape)[..., None], axis=-1)[..., 0]
    r_j = np.take_along_axis(r, j[..., None], axis=-1)[..., 0]
    uii = curved_utility(d[b_idx, i, i], r_i)
    uij = curved_utility(d[b_idx, i, j], r_i)
    uji = curved_utility(d[b_idx, j, i], r_j)
    ujj = curved_utility(d[b_idx, j, j], r_j)
    nn = np.arange(n)
    uni = curved_utility(np.swapaxes(d, 1, 2)[b_idx, i], r)  # [B, i, n] = D[n, i]
    unj = curved_utility(np.swapaxes(d, 1, 2)[b_idx, j], r)  # D[n, j]
    unn = curved_utility(d[:, nn, nn][:, None, :], r)
    w = actors.capability * actors.salience_total
    w_j = np.take_along_axis(w, j, axis=-1)
    sal_j = np.take_along_axis(actors.salience_total, j, axis=-1)
    third = (nn[None, None, :] != i[..., None]) & (nn[None, None, :] != j[..., None])
    _, gain = _challenge(
        uii, uij, uji, ujj, uni, unj, unn, uii, uij, w, w_j, w[:, None, :], sal_j, third, options
    )
    return gain


def _interpolate(rule: str, t_i, s_i, p_i, t_j, s_j, p_j):
    """KTAB ``SMPActor::interpolateBrgn``: the positions i and j agree to, per dimension."""
    if rule == "s2pmax":
        d_i = np.where(p_j > p_i, p_j - p_i, 0.0)
        d_j = np.where(p_i > p_j, p_i - p_j, 0.0)
        si2, sj2 = s_i * s_i, s_j * s_j
        dik = (d_i * sj2) / ((d_i * sj2) + 1e-6 + ((1 - d_i) * si2))
        djk = (d_j * si2) / ((d_j * si2) + 1e-6 + ((1 - d_j) * sj2))
        return t_i + dik * (t_j - t_i), t_j + djk * (t_i - t_j)
    if rule == "s2p2":
        w_i = (s_i * s_i) * (p_i * p_i)
        w_j = (s_j * s_j) * (p_j * p_j)
    else:
        w_i = s_i * p_i
        w_j = s_j * p_j
    min_w = 1e-6
    b_i = ((w_i + min_w) * t_i + w_j * t_j) / (w_i + min_w + w_j)
    b_j = (w_i * t_i + (min_w + w_j) * t_j) / (w_i + min_w + w_j)
    return _round4(b_i), _round4(b_j)


def _round4(v: np.ndarray) -> np.ndarray:
    """KTAB's ``round4``: ``(int)(0.5 + 1e4 v) / 1e4`` (truncation toward zero)."""
    return np.trunc(0.5 + (v * 10000.0)) / 10000.0


def _bargains(x, a: _Assessment, actors: _Actors, options: SmpOptions):
    """All bargains of the turn: initiator, receiver, their new positions, validity.

    Bargains are ordered as KTAB queues them for a single thread: by initiator, and for
    ``init_rcvr_interp`` the initiator's view before the receiver's.
    """
    target, p_win, has = _best_challenges(a, actors, options)
    b_idx = np.arange(x.shape[0])[:, None]
    n = x.shape[1]
    t_i, t_j = x, x[b_idx, target]
    s = actors.salience
    s_i, s_j = s, s[b_idx, target]
    p = p_win[..., None]
    iij = _interpolate(options.inter_vec_brgn, t_i, s_i, p, t_j, s_j, 1 - p)
    initiator = np.broadcast_to(np.arange(n), target.shape)
    if options.bargain_model == "init_only_interp":
        return initiator, target, iij[0], iij[1], has
    # KTAB passes probEduChlg's second element (a utility gain) as j's "probability"
    p_j = _target_view(a, actors, target, options)[..., None]
    jij = _interpolate(options.inter_vec_brgn, t_i, s_i, p_j, t_j, s_j, 1 - p_j)
    if options.bargain_model == "init_rcvr_interp":
        stack = lambda u, v: np.stack([u, v], axis=2).reshape(u.shape[0], 2 * n, *u.shape[2:])  # noqa: E731
        return (
            stack(initiator, initiator),
            stack(target, target),
            stack(iij[0], jij[0]),
            stack(iij[1], jij[1]),
            stack(has, has),
        )
    # power-weighted compromise; KTAB weighs j's view by c_i * s_j (initiator's capability)
    w_i = (actors.capability * actors.salience_total)[..., None]
    w_j = (actors.capability * actors.salience_total[b_idx, target])[..., None]
    pos_i = (w_i * iij[0] + w_j * jij[0]) / (w_i + w_j)
    pos_j = (w_i * iij[1] + w_j * jij[1]) / (w_i + w_j)
    return initiator, target, pos_i, pos_j, has


def _turn(x: np.ndarray, actors: _Actors, options: SmpOptions, uniforms) -> np.ndarray:
    """One KTAB turn (``SMPState::doBCN``) for every draw: the next positions ``[B, N, K]``."""
    a = _assess(x, actors, options)
    init, rcvr, pos_init, pos_rcvr, valid = _bargains(x, a, actors, options)
    n_draws, n = x.shape[:2]
    b_idx = np.arange(n_draws)[:, None]
    idx = np.arange(n)
    # utility to actor a of the state after each bargain, averaged over the N positions
    own = curved_utility(a.distance, a.risk_estimate[:, idx, idx][:, :, None])  # U_a(a, n)
    status_quo = sequential_sum(own, -1)
    s = actors.salience[:, :, None, :]
    ss = actors.salience_sq_sum[:, :, None]
    risk = a.risk[:, :, None]
    u_init = curved_utility(weighted_distance(x[:, :, None, :] - pos_init[:, None], s, ss), risk)
    u_rcvr = curved_utility(weighted_distance(x[:, :, None, :] - pos_rcvr[:, None], s, ss), risk)
    others = (idx[None, None, :] != init[:, :, None]) & (idx[None, None, :] != rcvr[:, :, None])
    unchanged = np.where(others[:, None], own[:, :, None, :], 0.0)  # [B, a, q, n]
    after = sequential_sum(unchanged, -1, (0.0 + u_init) + u_rcvr)
    util = np.concatenate([status_quo[:, :, None], after], axis=-1) / n
    coalition = coalition_strengths(options.voting_rule, actors.capability, util)  # [B, M, M]
    party = valid[:, None, :] & (
        (init[:, None, :] == idx[None, :, None]) | (rcvr[:, None, :] == idx[None, :, None])
    )  # [B, k, q]
    options_of = np.concatenate([np.ones((n_draws, n, 1), dtype=bool), party], axis=-1)
    prob = pce(options.pce_model, options.victory_prob, coalition[:, None], options_of)
    if uniforms is None:
        choice = np.argmax(prob, axis=-1)
    else:
        choice = _select(prob, options_of, uniforms)
    q = np.maximum(choice - 1, 0)
    as_init = np.take_along_axis(init, q, -1) == idx[None, :]
    new_init = pos_init[b_idx, q]
    new_rcvr = pos_rcvr[b_idx, q]
    moved = np.where(as_init[..., None], new_init, new_rcvr)
    return np.where((choice > 0)[..., None], moved, x)


def _select(prob: np.ndarray, valid: np.ndarray, uniforms) -> np.ndarray:
    """KTAB ``PRNG::probSel`` for each actor in turn: first option whose cumulative
    probability reaches a uniform draw (the last option on round-off)."""
    n = prob.shape[1]
    choice = np.empty(prob.shape[:2], dtype=int)
    cum = np.cumsum(prob, axis=-1)
    last = prob.shape[-1] - 1 - np.argmax(valid[..., ::-1], axis=-1)
    for k in range(n):  # KTAB draws one number per actor, actor by actor
        u = uniforms.next()[:, None]
        hit = valid[:, k] & (u <= cum[:, k])
        choice[:, k] = np.where(hit.any(-1), np.argmax(hit, axis=-1), last[:, k])
    return choice


@dataclass(frozen=True)
class WinProbabilities:
    """KTAB's probability that each position wins (``SMPState::pDist(-1)``, ``posProb``).

    Attributes
    ----------
    unique_probability : ndarray [B, N]
        Probability of each distinct position, carried by the first actor holding it (0
        for actors whose position equals an earlier actor's, within 0.1 on 0-100).
    actor_probability : ndarray [B, N]
        Probability that the position of each actor wins (actors sharing a position share
        the number, so these can sum to more than 1, as in KTAB's log).
    """

    unique_probability: np.ndarray
    actor_probability: np.ndarray


def win_probabilities(
    x: np.ndarray,
    actors: _Actors | None = None,
    options: SmpOptions | None = None,
    *,
    capability=None,
    salience=None,
) -> WinProbabilities:
    """Probability that each position of state ``x`` ([B, N, K] on [0, 1]) wins.

    KTAB forms the distinct positions (an actor matches the first earlier distinct
    position within Euclidean distance 1e-3), gives actor i the utility ``U_i(i, m)`` of
    each, and runs the probabilistic Condorcet election with proportional voting (KTAB
    hard-codes the voting rule here) and the model's victory and PCE models.
    """
    options = options or SmpOptions()
    if actors is None:
        actors = _make_actors(np.asarray(capability, float), np.asarray(salience, float))
    a = _assess(x, actors, options)
    n = x.shape[1]
    idx = np.arange(n)
    diff = x[:, :, None, :] - x[:, None, :, :]
    close = np.sqrt(ordered_sum(diff * diff)) < _POSITION_TOLERANCE
    unique = np.zeros(x.shape[:2], dtype=bool)
    match = np.zeros(x.shape[:2], dtype=int)
    for i in range(n):  # KBase::ueIndices, first match among earlier unique positions
        hits = unique & close[:, i, :]
        found = hits.any(-1)
        unique[:, i] = ~found
        match[:, i] = np.where(found, np.argmax(hits, -1), i)
    util = curved_utility(a.distance, a.risk_estimate[:, idx, idx][:, :, None])
    coalition = coalition_strengths("proportional", actors.capability, util)
    prob = pce(options.pce_model, options.victory_prob, coalition, unique)
    return WinProbabilities(prob, np.take_along_axis(prob, match, axis=-1))
