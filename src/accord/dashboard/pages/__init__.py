"""The dashboard's pages, one Shiny module each (``page_ui(id)`` and ``page_server(id, ...)``).

Each module gets what it shares explicitly: the process's :class:`~accord.dashboard.state.Store`
and the session's :class:`~accord.dashboard.state.Selection` (the runs chosen in the header).
Its inputs and outputs are named inside the module's namespace (``compare-a``,
``burden-table``); the tables' own ids (``#compare``, ``#burden``) are unchanged.
"""
