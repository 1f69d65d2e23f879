"""Plain rows shared by the importer (pure) and the actions (database)."""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class MeasurementRow:
    date: date
    value: float
    note: str = ""
