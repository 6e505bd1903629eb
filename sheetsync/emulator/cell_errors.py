"""Error values of cells (ErrorValue in the API): #REF!, #N/A, #DIV/0! and the rest."""
from __future__ import annotations

from dataclasses import dataclass

# ErrorValue.type (Sheets API enum) -> the text a cell shows.
ERROR_TEXT = {
    "ERROR": "#ERROR!",
    "NULL_VALUE": "#NULL!",
    "DIVIDE_BY_ZERO": "#DIV/0!",
    "VALUE": "#VALUE!",
    "REF": "#REF!",
    "NAME": "#NAME?",
    "NUM": "#NUM!",
    "N_A": "#N/A",
    "LOADING": "Loading...",
}


ERROR_TYPE_BY_TEXT = {text: kind for kind, text in ERROR_TEXT.items()}


@dataclass(frozen=True)
class CellError:
    """An error value (ErrorValue in the API): `type` is the API enum name."""

    type: str
    message: str = ""

    @property
    def text(self) -> str:
        return ERROR_TEXT.get(self.type, "#ERROR!")

    def to_api(self) -> dict[str, str]:
        return {"type": self.type, "message": self.message}

    def __str__(self) -> str:
        return self.text
