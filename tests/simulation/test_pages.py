"""Arrays on their own anonymous mappings (accord.simulation.pages)."""

from __future__ import annotations

import gc
import pickle
import weakref

import numpy as np
import pytest

from accord.simulation.pages import small_pages


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int16])
def test_an_array_of_the_shape_asked_zero_filled_and_writable(dtype) -> None:
    array = small_pages((3, 5, 7), dtype)
    assert array.shape == (3, 5, 7) and array.dtype == dtype
    assert array.flags.c_contiguous and array.flags.writeable
    assert not array.any()  # anonymous mappings are zero-filled
    array[1, 2, 3] = 9
    assert array.sum() == 9 and array.reshape(3, -1)[1, 2 * 7 + 3] == 9


def test_empty_shapes_need_no_mapping() -> None:
    assert small_pages((0, 4), np.float32).shape == (0, 4)
    assert small_pages((2, 0, 3), np.float64).size == 0


def test_the_mapping_lives_as_long_as_any_view_and_no_longer() -> None:
    array = small_pages((4, 1000), np.float64)
    mapping = weakref.ref(array.base)
    view = array[2:].T  # views keep the mapping alive after the array is dropped
    view[:] = 1.5
    del array
    gc.collect()
    assert mapping() is not None
    assert view.sum() == 1.5 * 2000
    copy = pickle.loads(pickle.dumps(view))  # pickles as its data
    del view
    gc.collect()
    assert mapping() is None  # unmapped with the last view
    np.testing.assert_array_equal(copy, np.full((1000, 2), 1.5))


def test_a_refused_mapping_is_a_memory_error_not_an_io_error() -> None:
    """Callers treat OSError as trouble with a file; a mapping too large for the machine is
    MemoryError, as numpy.empty's (2**62 bytes: refused at once, nothing is touched)."""
    with pytest.raises(MemoryError, match="cannot allocate"):
        small_pages((2**30, 2**30), np.float32)
