"""What every command that prints results shares: the output format option."""

from enum import StrEnum


class Format(StrEnum):
    """Output formats: a rich table for people, JSON or CSV for programs."""

    table = "table"
    json = "json"
    csv = "csv"
