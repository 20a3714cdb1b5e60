"""``exp`` and ``log`` in plain arithmetic, so that LLVM vectorises the loops that call them.

numba calls libm's scalar ``exp`` and ``log`` (about 4 ns each here), and a loop with a call
in it stays scalar. These two are range reduction plus a polynomial, with the exponent bits
moved by bit casts (``_bits``, ``_from_bits``) and every branch a select, so a loop over an
array of them becomes SIMD code without ``fastmath`` (no reassociation: the results are
the same on every machine, vectorised or not). Shared by the compiled models: the EUM's
round (``bargaining.eum_kernel``) uses them for its powers ``b ** r = exp(r log b)``.

**Not for kernels compiled with fast-math.** Inlined into a function compiled with
reassociation (``fastmath=True`` or a set with ``"reassoc"``, as
``burden_demand_kernel.FASTMATH``), they give wrong results: LLVM may then fold the range
reduction's rounding step (``k = round(x / ln 2)`` and the subtraction of ``k ln 2``),
and levels came out as powers of 2 (issue 21, session 11: benchmarks/README, "Burden path,
session 11"). The EUM's round is compiled without fast-math; keep any caller so.

Accuracy, measured against ``math.exp`` and ``math.log`` (``tests/models/test_vecmath.py``):
within 2 ulp on the ranges the round uses and beyond (``exp`` on [-745, 709], ``log`` on
every positive float, subnormals too); ``exp(-inf) = 0``, ``log(0) = -inf``, ``log`` of a
negative number or NaN is NaN, ``exp(NaN)`` is NaN.

The constants are derived here, not copied: ``ln 2`` to 40 digits by ``decimal`` and split
into a head with 32 trailing zero bits (so ``k * head`` is exact for ``|k| < 2**20``) and a
tail; the polynomial coefficients are Taylor coefficients, ``1 / k!`` for ``exp`` on
``|r| <= ln 2 / 2`` (degree 13: the first term left out, ``r**14 / 14!``, is below
``0.05`` ulp there) and ``2 / (2k + 1)`` for ``log(1 + f) = 2 atanh(s)``, ``s = f / (2 + f)``,
on ``|s| <= 3 - 2 sqrt 2`` (12 terms: the first left out is below ``0.01`` ulp).
"""

from __future__ import annotations

import math
import struct
from decimal import Decimal, localcontext

from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic


def _split_ln2() -> tuple[float, float]:
    with localcontext() as context:
        context.prec = 40
        ln2 = Decimal(2).ln()
        (bits,) = struct.unpack("<q", struct.pack("<d", float(ln2)))
        (head,) = struct.unpack("<d", struct.pack("<q", bits & ~0xFFFFFFFF))
        return head, float(ln2 - Decimal(head))


_LN2_HEAD, _LN2_TAIL = _split_ln2()
_LOG2_E = 1.0 / math.log(2.0)  # only chooses k: its rounding moves r, not the result
_ROUND = 1.5 * 2.0**52  # x + _ROUND - _ROUND rounds x to an integer, for |x| < 2**51
_EXP = tuple(1.0 / math.factorial(k) for k in range(14))  # exp(r) = sum r**k / k!
_ATANH = tuple(2.0 / (2 * k + 1) for k in range(1, 13))  # 2 atanh(s) = 2s + s sum(.. z**k)
_SQRT2 = math.sqrt(2.0)
_TINY = 2.0**-1022  # the smallest normal float
_EXPONENT_MASK = 0x7FF
_MANTISSA_MASK = (1 << 52) - 1
_ONE_BITS = 1023 << 52  # the bits of 1.0


@intrinsic
def _bits(typingctx, value):
    """The bits of a float64 as an int64 (a bit cast; one instruction, or none)."""
    if value != types.float64:
        return None

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(64))

    return types.int64(types.float64), codegen


@intrinsic
def _from_bits(typingctx, value):
    """The float64 whose bits are an int64 (a bit cast)."""
    if value != types.int64:
        return None

    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())

    return types.float64(types.int64), codegen


@njit(cache=True, inline="always")
def exp(x):
    """``e ** x``, within 2 ulp of ``math.exp`` (0 below about -745.1, inf above 709.8)."""
    # Clamped first so that k below stays a small integer (-inf and NaN included); the
    # clamps are far enough out that the result under- or overflows as it should.
    xc = x if x > -746.0 else -746.0
    xc = xc if xc < 710.0 else 710.0
    k = (xc * _LOG2_E + _ROUND) - _ROUND
    r = (xc - k * _LN2_HEAD) - k * _LN2_TAIL  # |r| <= ln 2 / 2 (plus rounding)
    p = _EXP[13]
    p = p * r + _EXP[12]
    p = p * r + _EXP[11]
    p = p * r + _EXP[10]
    p = p * r + _EXP[9]
    p = p * r + _EXP[8]
    p = p * r + _EXP[7]
    p = p * r + _EXP[6]
    p = p * r + _EXP[5]
    p = p * r + _EXP[4]
    p = p * r + _EXP[3]
    p = p * r + _EXP[2]
    p = 1.0 + (r + r * r * p)  # one rounding on the last addition
    # 2**k as two factors, each a normal float for |k| <= 1076: a result in the subnormal
    # range is then rounded once more, as gradual underflow does.
    ki = int(k)
    half = ki >> 1
    first = _from_bits((half + 1023) << 52)
    second = _from_bits((ki - half + 1023) << 52)
    result = p * first * second
    return result if x == x else x


@njit(cache=True, inline="always")
def log(x):
    """Natural log, within 2 ulp of ``math.log``; ``log(0) = -inf``, NaN below 0."""
    tiny = x < _TINY  # subnormal (or zero, or negative): scaled up by 2**54 first
    y = x * 18014398509481984.0 if tiny else x
    bits = _bits(y)
    e = ((bits >> 52) & _EXPONENT_MASK) - (1023 + 54 if tiny else 1023)
    m = _from_bits((bits & _MANTISSA_MASK) | _ONE_BITS)  # y = m 2**e, m in [1, 2)
    big = m > _SQRT2
    m = 0.5 * m if big else m  # m in (sqrt(1/2), sqrt 2]
    e = e + 1 if big else e
    f = m - 1.0  # exact
    s = f / (2.0 + f)
    z = s * s
    p = _ATANH[11]
    p = p * z + _ATANH[10]
    p = p * z + _ATANH[9]
    p = p * z + _ATANH[8]
    p = p * z + _ATANH[7]
    p = p * z + _ATANH[6]
    p = p * z + _ATANH[5]
    p = p * z + _ATANH[4]
    p = p * z + _ATANH[3]
    p = p * z + _ATANH[2]
    p = p * z + _ATANH[1]
    p = p * z + _ATANH[0]
    tail = z * p  # log(m) = f - f**2 / 2 + s (f**2 / 2 + tail), since 2s = f - s f
    half_square = 0.5 * f * f
    k = float(e)
    result = k * _LN2_HEAD - ((half_square - (s * (half_square + tail) + k * _LN2_TAIL)) - f)
    special = -math.inf if x == 0.0 else (x if x == math.inf else math.nan)
    return result if (x > 0.0) & (x < math.inf) else special
