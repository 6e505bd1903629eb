"""The one root of sheetsync's errors: a stable code, its params, an exit code, and a
message in English and Bahasa Indonesia.

Each wing registers the templates of its own codes with ``register()`` (as rule families
register their row problems in core/issues.py). ``str(error)`` is the English message, for
logs and tracebacks (or the sheet's language, for an error ``said_in`` it); the CLI prints
``error.message(lang)`` in the reader's language.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping, NamedTuple, Self

LANGS = ("en", "id")
EXIT_USAGE, EXIT_SYNC = 2, 3          # docs/cli.md: 2 bad usage or config, 3 could not sync

_TEMPLATES: dict[str, Mapping[str, str]] = {}
TEMPLATES: Mapping[str, Mapping[str, str]] = MappingProxyType(_TEMPLATES)


def register(templates: Mapping[str, Mapping[str, str]]) -> None:
    """Add codes and their {"en": ..., "id": ...} templates; a code is one message, once."""
    for code, texts in templates.items():
        missing = [lang for lang in LANGS if not texts.get(lang)]
        if missing:
            raise ValueError(f"error code {code!r} has no template for {', '.join(missing)}")
        if code in _TEMPLATES and dict(_TEMPLATES[code]) != dict(texts):
            raise ValueError(f"error code {code!r} is registered twice with different templates")
        _TEMPLATES[code] = MappingProxyType(dict(texts))


def render(code: str, lang: str, params: Mapping[str, object]) -> str:
    """The template of ``code`` in ``lang`` (English for any other language), filled."""
    texts = _TEMPLATES[code]
    return texts.get(lang, texts["en"]).format_map(params)


# an error that tells another's message whole (a wrapped error, a text its raise site wrote)
AS_SAID = "as_said"


class Phrase(NamedTuple):
    """A param written in both languages (a kind of value, another error's message): the
    template takes the reader's."""

    en: str
    id: str

    @classmethod
    def of(cls, error: SheetsyncError) -> Phrase:
        return cls(error.message("en"), error.message("id"))

    def in_lang(self, lang: str) -> str:
        return self.id if lang == "id" else self.en

    def __str__(self) -> str:
        return self.en


class SheetsyncError(Exception):
    """A problem the user can act on: one line saying what is wrong and what to do."""

    code: str = ""
    exit_code: int = EXIT_SYNC

    def __init__(self, code: str | None = None, /, **params: object) -> None:
        self.code = code or type(self).code
        self.params: Mapping[str, object] = MappingProxyType(params)
        super().__init__(self.message("en"))

    def said_in(self, lang: str) -> Self:
        """This error with ``str()`` in ``lang``: a library that writes its texts into a sheet
        says them in the sheet's language; ``message(lang)`` still gives any other."""
        self.args = (self.message(lang),)
        return self

    def words(self, lang: str) -> Mapping[str, object]:
        """Params the template needs in the reader's language (a subclass adds them)."""
        return {}

    def message(self, lang: str = "en") -> str:
        filled = {name: value.in_lang(lang) if isinstance(value, Phrase) else value
                  for name, value in self.params.items()}
        for name, word in self.words(lang).items():
            if filled.get(name) is None:        # not given, or given as unknown
                filled[name] = word
        return render(self.code, lang, filled)


register({AS_SAID: {"en": "{reason}", "id": "{reason}"}})
