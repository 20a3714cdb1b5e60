"""Reports of experiment runs: a self-contained HTML file with embedded PNG figures.

>>> from accord.report import ReportRun, build_report
>>> build_report([ReportRun("baseline", scalars, series, meta)], "report.html",
...              title="ukraine-2025", scenario_info=info)  # doctest: +SKIP

matplotlib and scikit-learn are imported only when a report is built.
"""

from accord.report.html import ReportRun, build_report

__all__ = ["ReportRun", "build_report"]
