"""Short HTML views of result objects for notebooks (``_repr_html_``).

Every text is escaped (titles and names come from scenario files); tables are pandas'
``to_html`` of the object's main table, cut to :data:`MAX_ROWS` rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

#: Rows shown of a table; pandas elides the middle of a longer one (judgement: a screenful).
MAX_ROWS = 20


def html_block(
    title: str, tables: Iterable[tuple[str, pd.DataFrame]] = (), notes: Iterable[str] = ()
) -> str:
    """A title, then each ``(caption, frame)`` as an HTML table, then the notes."""
    parts = [f'<div class="accord-result"><strong>{escape(title)}</strong>']
    for caption, frame in tables:
        if caption:
            parts.append(f"<p>{escape(caption)}</p>")
        parts.append(
            frame.to_html(
                max_rows=MAX_ROWS,
                index=False,
                na_rep="",
                escape=True,
                float_format=lambda v: f"{v:.4g}",
            )
        )
    parts.extend(f"<p><small>{escape(note)}</small></p>" for note in notes)
    parts.append("</div>")
    return "\n".join(parts)
