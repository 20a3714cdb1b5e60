"""KTAB's pseudo-random generator, reproduced bit for bit, vectorised over independent streams.

KTAB (``KTAB/kutils/libsrc/prng.cpp``) draws from ``std::mt19937_64`` seeded with the
model's seed (default ``0xD67CC16FE69C185C`` = 15455440707583219804) and passes every 64-bit
output ``n`` through the bijection ``qTrans(n) = (n + Q) * (2 n + 3) mod 2^64`` with
``Q = 0xE08C1D668B756F83``. ``uniform(a, b)`` is ``a + (b - a) * qTrans(n) / (2^64 - 1)`` and
``probSel(p)`` returns the first index whose cumulative probability reaches one such uniform
draw. MT19937-64 is Matsumoto & Nishimura (2000), the 64-bit Mersenne Twister of the C++11
standard library; numpy ships only the 32-bit variant, so it is written out here.
"""

from __future__ import annotations

import numpy as np

KTAB_DEFAULT_SEED = 0xD67CC16FE69C185C
_Q64C = np.uint64(0xE08C1D668B756F83)
_NN = 312
_MM = 156
_MATRIX_A = np.uint64(0xB5026F5AA96619E9)
_UPPER = np.uint64(0xFFFFFFFF80000000)
_LOWER = np.uint64(0x7FFFFFFF)
_MAX = float(0xFFFFFFFFFFFFFFFF)


class KtabPrng:
    """``B`` independent copies of KTAB's ``PRNG``, one per draw, each seeded with ``seeds[b]``."""

    def __init__(self, seeds: np.ndarray | int, size: int | None = None) -> None:
        s = np.atleast_1d(np.asarray(seeds, dtype=np.uint64))
        if size is not None and s.size == 1:
            s = np.repeat(s, size)
        self._state = np.empty((s.size, _NN), dtype=np.uint64)
        self._state[:, 0] = s
        mult = np.uint64(6364136223846793005)
        with np.errstate(over="ignore"):
            for i in range(1, _NN):
                prev = self._state[:, i - 1]
                self._state[:, i] = mult * (prev ^ (prev >> np.uint64(62))) + np.uint64(i)
        self._index = _NN

    def _twist(self) -> None:
        mt = self._state
        for i in range(_NN):
            x = (mt[:, i] & _UPPER) | (mt[:, (i + 1) % _NN] & _LOWER)
            xa = x >> np.uint64(1)
            xa = np.where((x & np.uint64(1)) != 0, xa ^ _MATRIX_A, xa)
            mt[:, i] = mt[:, (i + _MM) % _NN] ^ xa
        self._index = 0

    def raw(self) -> np.ndarray:
        """Next 64-bit output of each mt19937_64 stream, ``uint64[B]``."""
        if self._index >= _NN:
            self._twist()
        x = self._state[:, self._index].copy()
        self._index += 1
        x ^= (x >> np.uint64(29)) & np.uint64(0x5555555555555555)
        x ^= (x << np.uint64(17)) & np.uint64(0x71D67FFFEDA60000)
        x ^= (x << np.uint64(37)) & np.uint64(0xFFF7EEE000000000)
        x ^= x >> np.uint64(43)
        return x

    def uniform_int(self) -> np.ndarray:
        """KTAB ``PRNG::uniform()``: ``qTrans`` of the next output, ``uint64[B]``."""
        n = self.raw()
        with np.errstate(over="ignore"):
            return (n + _Q64C) * (np.uint64(2) * n + np.uint64(3))

    def uniform(self, a: float = 0.0, b: float = 1.0) -> np.ndarray:
        """KTAB ``PRNG::uniform(a, b)``, ``float[B]``."""
        x = self.uniform_int().astype(np.float64) / _MAX
        return a + (b - a) * x
