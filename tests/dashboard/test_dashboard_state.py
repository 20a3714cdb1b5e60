"""The shared state of the pages: results computed once for every session, and Shiny's source
lookups kept per piece of code without changing their answers."""

from __future__ import annotations

import threading
import time

from accord.dashboard import data, shiny_costs
from accord.dashboard.state import Store


def test_a_result_asked_by_many_sessions_at_once_is_computed_once(tmp_path):
    store = Store(tmp_path, data.JobQueue(running=1, queued=0))
    calls = []

    def slow(value: int) -> int:
        calls.append(value)
        time.sleep(0.2)
        return value * 2

    answers = []
    threads = [
        threading.Thread(target=lambda: answers.append(store.cached(("k",), slow, 21)))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    assert answers == [42] * 8
    assert calls == [21]
    assert store.known(("k",)) == (True, 42)
    assert store.known(("other",)) == (False, None)


def test_a_failed_result_is_not_kept(tmp_path):
    store = Store(tmp_path, data.JobQueue(running=1, queued=0))

    def refuse() -> None:
        raise data.FormError("no")

    for _ in range(2):
        try:
            store.cached(("bad",), refuse)
        except data.FormError as error:
            assert str(error) == "no"
        else:
            raise AssertionError("the refusal was swallowed")
    assert store.known(("bad",)) == (False, None)


def test_shiny_source_lookups_keep_their_answers():
    from shiny.reactive import _reactives

    def sample() -> int:
        return 1

    before = _reactives.extract_source_ref(sample)
    shiny_costs.apply()
    shiny_costs.apply()  # idempotent
    assert _reactives.extract_source_ref(sample) == before
    assert _reactives.extract_source_ref(sample) == before  # from the kept answer
    from shiny import reactive

    names = []
    for _ in range(2):  # the second from the kept answer of that line
        counter = reactive.Value(0)
        names.append(counter._name)
    assert names == ["counter", "counter"]
