"""Library results as JSON types: what the reports return and the CLI prints with --json."""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any


def plain(value: Any) -> Any:
    """numpy/pandas scalars -> Python scalars (<NA> and NaN -> None)."""
    if value is None:
        return None
    import pandas as pd  # the CLI loads this module at startup: pandas only once a value is printed

    if value is pd.NA or (isinstance(value, float) and value != value):
        return None
    item = getattr(value, "item", None)
    if callable(item) and type(value).__module__ == "numpy":
        return item()
    return value


def to_jsonable(obj: Any) -> Any:
    """Library results -> JSON types: dataclasses, DataFrames, datetimes, numpy scalars."""
    obj = plain(obj)
    if hasattr(obj, "to_dict") and callable(obj.to_dict) and not isinstance(obj, type):
        if type(obj).__name__ == "DataFrame":
            # a meaningful index (e.g. sheet row) is kept as a column; a plain 0..n-1 is not
            frame = obj if type(obj.index).__name__ == "RangeIndex" else obj.reset_index()
            return [to_jsonable(r) for r in frame.to_dict(orient="records")]
        return to_jsonable(obj.to_dict())
    if is_dataclass(obj) and not isinstance(obj, type):
        return {k: to_jsonable(v) for k, v in asdict(obj).items()}
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, (datetime, date)):
        return obj.isoformat()
    if isinstance(obj, Path):
        return str(obj)
    if hasattr(obj, "items") and callable(obj.items):  # Mapping proxies
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    return obj
