"""Reading numbers that people type: "42", "17.5", "1 250", "1,250.5", "-3"."""

import math
import re
from typing import Any

NUMBER_MESSAGE = "Enter a number, e.g. 42 or 17.5"
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def number_parse(value: Any) -> float:
    """The finite number in `value`; ValueError for text that is not one (or NaN/infinity)."""
    if isinstance(value, bool):
        raise ValueError(NUMBER_MESSAGE)
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace("\u00a0", "").replace(" ", "")
        if _GROUPED.match(text):
            text = text.replace(",", "")
        try:
            number = float(text)
        except ValueError:
            raise ValueError(NUMBER_MESSAGE) from None
    if not math.isfinite(number):
        raise ValueError(NUMBER_MESSAGE)
    return number
