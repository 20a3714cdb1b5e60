"""Two costs of Shiny 1.8 at each session's start, paid once per piece of code instead.

For its OpenTelemetry attributes, Shiny reads source code each time a session creates a
reactive object: ``extract_source_ref`` runs ``inspect.getsourcelines`` on the function of every
output and effect, and a ``reactive.Value`` without a name runs ``inspect.stack()`` (which reads
the source of every frame) to guess its name. Measured with 20 clients on this dashboard, that
was most of the event loop's time at a session's start. Both answers depend only on the code
(the function's code object; the line that creates the value), so each is computed once per
code object or line and reused. Nothing else of Shiny is changed; a Shiny without these names
is left as it is.
"""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable
from typing import Any

_applied = False


def _by_code(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    known: dict[Any, Any] = {}

    def extract_source_ref(func: Any) -> Any:
        try:
            code = inspect.unwrap(func).__code__
        except (AttributeError, ValueError):
            return original(func)
        if code not in known:
            known[code] = original(func)
        return dict(known[code])

    return extract_source_ref


def _by_line(
    original: Callable[[Any], str | None], is_user: Callable[[str], bool]
) -> Callable[[Any], str | None]:
    known: dict[tuple[str, int], str | None] = {}

    def try_infer_name(self: Any) -> str | None:
        frame: Any = sys._getframe(2)  # the caller of Value.__init__
        while frame is not None and not is_user(frame.f_code.co_filename):
            frame = frame.f_back
        if frame is None:
            return None
        where = (frame.f_code.co_filename, frame.f_lineno)
        if where not in known:
            known[where] = original(self)
        return known[where]

    return try_infer_name


def apply() -> None:
    """Reuse Shiny's source lookups (idempotent)."""
    global _applied
    if _applied:
        return
    try:
        from shiny.reactive import _extended_task, _reactives
        from shiny.reactive._utils import is_user_code_frame
        from shiny.session import _session

        original = _reactives.extract_source_ref
        infer = _reactives.Value._try_infer_name
    except (ImportError, AttributeError):  # another Shiny: nothing to do
        _applied = True
        return
    cached = _by_code(original)
    for module in (_reactives, _session, _extended_task):
        if getattr(module, "extract_source_ref", None) is original:
            module.extract_source_ref = cached  # type: ignore[attr-defined]
    _reactives.Value._try_infer_name = _by_line(  # type: ignore[assignment]
        infer, is_user_code_frame
    )
    _applied = True
