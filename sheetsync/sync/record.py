"""What a sync asks of the record it keeps of each read (the journal, a wing above the sync):
the sync hands it the read and gets back warnings, alerts and a sync number, and never
imports it. ``journal_key`` names one history, and the lock of the runs that write it."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any, Callable, Iterable, Mapping, Protocol, Sequence, TypeVar

from sheetsync.core.check import KeyedRows, check
from sheetsync.core.config import Config, RuleSettings, SummaryTabs, result_fields
from sheetsync.core.double_entry import KEY_TYPES
from sheetsync.core.issues import Issue, register_message

TAB_SEP = ":"         # between spreadsheet id and input tab: ids hold only letters, digits, - and _

# The warning a record hands back for a number changed since its row was verified: the
# core weighs it in a row's status like its own issues (check.LateIssues).
CAV_CODE = "changed_after_verification"
register_message(
    CAV_CODE,
    "{column} baris {row}: diubah setelah diverifikasi (sebelumnya '{old}', sekarang '{new}')",
    "{column} row {row}: changed after verification (was '{old}', now '{new}')")

TabView = TypeVar("TabView")


def journal_key(spreadsheet: str, tab: str) -> str:
    """The name of one history: (spreadsheet, input tab). Two configs with two input tabs on
    one spreadsheet keep two histories and take two locks, so the guard of each compares only
    its own rows and restore never crosses tabs."""
    return f"{spreadsheet}{TAB_SEP}{tab}"


def second_tab_config(config: Config) -> Config | None:
    """The second-entry tab as the journal keeps it: an input tab of its own whose only columns
    are the TPS key's and the counts' (the second team types nothing else there that matters,
    and no name or phone is ever journaled from it). None without a second-entry tab."""
    entry = config.double_entry
    if entry is None or entry.tab is None:
        return None
    counts = set(result_fields(config))
    columns = tuple(c for c in config.columns if c.type in KEY_TYPES or c.field in counts)
    return replace(config, input_tab=entry.tab, columns=columns, double_entry=None,
                   summary_tabs=SummaryTabs("", "", ""),
                   rules=RuleSettings(paslon_fields=config.rules.paslon_fields))


def second_tab_keyed(values: list[list[Any]], second: Config) -> tuple[KeyedRows, list[int]]:
    """The core's keys of the second tab's rows (``second``: see second_tab_config), and the
    tab's columns that are none of its configured ones (0-based): the journal leaves them out."""
    result = check(values, second)
    header = result.header
    taken = set(header.fields.values())
    return KeyedRows(result.rows, header), [i for i in range(header.width) if i not in taken]


class Alert(Protocol):
    """A change since the last good sync that stops the summaries (rows vanished, a column gone)."""

    @property
    def since_sync(self) -> int: ...          # the last good sync compared with

    @property
    def accepted_by(self) -> str: ...         # the acceptance that lets it through

    @property
    def second_tab(self) -> str | None: ...   # the second-entry tab's title, when the alert is about it

    def message(self, lang: str = "id", max_rows: int = 20) -> str: ...


# Reads A1 ranges as typed (formulas as formulas): range -> cells; None when a range has left
# the tab since (rows deleted meanwhile).
FormulaRead = Callable[[list[str]], "Mapping[str, list[list[Any]]] | None"]


class SyncRecord(Protocol[TabView]):
    """The record of every read, as the sync uses it. ``TabView`` is the record's own view of
    the input tab: the sync only hands it back."""

    def read_tab(self, values: list[list[Any]], config: Config, keyed: KeyedRows, *,
                 owned0: Iterable[int]) -> TabView: ...

    # ``fresh``: a history that never takes over one a journal of an earlier release kept
    # under the spreadsheet alone (the second-entry tab's: no earlier release journaled it)
    def claim(self, name: str, tab: TabView, config_name: str | None = None, *, fresh: bool = False) -> None: ...

    def changed_after_verification(self, spreadsheet: str, tab: TabView, config: Config) -> list[Issue]: ...

    # ``second_tab``: the second-entry tab's title when ``tab`` is that tab's read (its alerts name it)
    def guard(self, spreadsheet: str, tab: TabView, config: Config, *,
              accept: Iterable[str] = (), second_tab: str | None = None) -> Sequence[Alert]: ...

    def alert_text(self, alerts: Sequence[Alert], lang: str = "id") -> str: ...

    def ok_keys(self, tab: TabView, statuses: Mapping[int, str]) -> set[str]: ...

    def reported_points(self, spreadsheet: str, config: Config, now: datetime, hours: int = ..., *,
                        current: int | None = None) -> list[tuple[datetime, int]]: ...

    def record_tab(self, *, spreadsheet: str, config_name: str, tab: TabView, at: datetime,
                   ok_rows: Iterable[str] = (), good: bool = True) -> int: ...

    # after record_tab: ``read`` reads A1 ranges with valueRenderOption=FORMULA, for the
    # formulas of the rows whose values changed (restore puts them back)
    def record_formulas(self, spreadsheet: str, tab: TabView, config: Config, read: FormulaRead) -> int: ...
