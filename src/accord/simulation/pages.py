"""Arrays on small (4 kB) pages, for large outputs a kernel writes once in full (issue 21).

numpy asks Linux for transparent huge pages for every array of 4 MiB or more
(``madvise(MADV_HUGEPAGE)``, which counts when THP is in its "madvise" mode, as on CI's kind
of machine). A huge page needs a free 2 MiB block, and on a virtual machine with free page
reporting (virtio-balloon) the free 2 MiB blocks are those the guest has handed back to the
host: touching one again costs the host's fault and the page's zeroing, about 2 ms of cpu per
MB here, as much as the fused month loop spends computing each MB of series it writes (32
bytes in about 65 ns; benchmarks/README, "Month loop, session 12"). A process pays it for
its first chunk. An anonymous mapping without that advice gets 4 kB pages, which the kernel
takes first from memory freed recently and not reported. Elsewhere (THP off or "always",
macOS, Windows) it is an ordinary anonymous mapping, zero-filled on first touch like
``calloc``.

The array owns its mapping (numpy keeps the buffer alive): it is unmapped when the last view
of it is dropped, and it pickles as its data.
"""

from __future__ import annotations

import math
import mmap

import numpy as np
from numpy.typing import DTypeLike


def small_pages(shape: tuple[int, ...], dtype: DTypeLike) -> np.ndarray:
    """A zero-filled, C-ordered array of ``shape`` on its own mapping (MemoryError if the
    system refuses it, as for ``numpy.empty``)."""
    kind = np.dtype(dtype)
    count = math.prod(shape)
    if count == 0:
        return np.empty(shape, dtype=kind)
    size = count * kind.itemsize
    try:
        mapping = mmap.mmap(-1, size)
    except (OSError, OverflowError) as error:  # as numpy's np.empty would: not an I/O error
        message = f"cannot allocate {size:,} bytes for an array of shape {shape}"
        raise MemoryError(message) from error
    return np.frombuffer(mapping, dtype=kind, count=count).reshape(shape)
