"""Replay recorded Google exchanges (VCR cassettes) against the emulator and diff the answers.

A cassette holds real requests to Google and Google's real answers. Replaying its requests,
in order, against a fresh spreadsheet on the emulator and comparing each answer with
Google's, value by value, shows where the emulator is tidier (or sloppier) than Google:
a key Google leaves out, a number answered as text, a range quoted differently.

Google's ids (spreadsheets, added tabs) differ from the emulator's: each id Google answered
with is mapped to the one the emulator answered with, in later requests and when comparing.
Timestamps, ETags and similar per-run values are compared by type only.

As a script, over gspread's cassettes (a bare git checkout of gspread):

    .venv/bin/python tests/emulator/cassette_replay.py /work/.mirror/burnash+gspread/repo [--all]

prints each differing answer of the request kinds sheetsync sends (--all: every kind).
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import requests

HOSTS = re.compile(r"^https://(sheets|www|oauth2)\.googleapis\.com")
# Values that change from run to run: compared by type, never by value
VOLATILE = {"createdTime", "modifiedTime", "etag", "spreadsheetUrl", "webViewLink", "thumbnailLink",
            "iconLink", "lastModifyingUser", "version", "headRevisionId"}
# Ids Google picks at random (named and protected ranges, metadata, charts...): mapped like sheetIds
OTHER_IDS = {"namedRangeId", "protectedRangeId", "metadataId", "chartId", "filterViewId", "bandedRangeId",
             "objectId"}
# Cassettes whose requests depend on the recording account's Drive (other files, sharing), not
# on what the cassette itself did: their answers cannot be replayed on a fresh emulator
ACCOUNT_BOUND = {"ClientTest.test_openall.json", "ClientTest.test_open_all_has_metadata.json",
                 "ClientTest.test_access_private_spreadsheet.json", "ClientTest.test_list_spreadsheet_files.json"}
# The request kinds sheetsync sends (sheets/client.py, sync/, journal/formulas.py)
SHEETSYNC_KINDS = ("values.get", "values.batchGet", "values.update", "values.batchUpdate", "values.append",
                   "spreadsheets.get", "batchUpdate.addSheet", "batchUpdate.updateSheetProperties",
                   "batchUpdate.setDataValidation", "batchUpdate.addConditionalFormatRule",
                   "batchUpdate.addProtectedRange", "batchUpdate.updateCells", "batchUpdate.appendDimension")


@dataclass
class Exchange:
    """One recorded request with Google's answer."""
    method: str
    path: str                 # after the host, with the query
    body: str
    status: int
    answer: Any               # decoded JSON, or the raw text

    @property
    def kind(self) -> str:
        """values.get, spreadsheets.get, batchUpdate.addSheet, drive... (what the request does)."""
        p = self.path.split("?")[0]
        if p.startswith("/drive") or p.startswith("/upload"):
            return "drive"
        if p.endswith(":batchUpdate") and "/values" not in p:
            try:
                names = sorted({next(iter(r)) for r in json.loads(self.body or "{}").get("requests", [])})
            except (ValueError, StopIteration, AttributeError):
                names = []
            return "batchUpdate." + "+".join(names)
        if "/values" in p:
            verb = p.rsplit(":", 1)[-1] if re.search(r":[a-zA-Z]+$", p) else ("update" if self.method == "PUT"
                                                                               else "get")
            return "values." + verb
        return "spreadsheets.get" if self.method == "GET" else "spreadsheets." + self.method.lower()


@dataclass
class Difference:
    cassette: str
    index: int
    kind: str
    request: str
    where: str
    google: Any
    emulator: Any

    def __str__(self) -> str:
        return (f"{self.cassette} #{self.index} {self.kind} {self.request}\n"
                f"    at {self.where or '/'}: google={_short(self.google)} emulator={_short(self.emulator)}")


def _short(v: Any) -> str:
    text = json.dumps(v, ensure_ascii=False) if not isinstance(v, str) or v.startswith("<") else repr(v)
    return text if len(text) < 160 else text[:157] + "..."


def exchanges(cassette: dict[str, Any]) -> list[Exchange]:
    out = []
    for i in cassette["interactions"]:
        rq, rs = i["request"], i["response"]
        text = (rs.get("body") or {}).get("string", "") or ""
        try:
            answer = json.loads(text) if text else None
        except ValueError:
            answer = text
        out.append(Exchange(rq["method"], HOSTS.sub("", rq["uri"]), rq.get("body") or "",
                            rs["status"]["code"], answer))
    return out


@dataclass
class Ids:
    """Google's ids -> the emulator's, learnt from the answers to the same requests."""
    ids: dict[str, str] = field(default_factory=dict)
    sheet_ids: dict[int, int] = field(default_factory=dict)
    others: dict[Any, Any] = field(default_factory=dict)     # named/protected range ids...

    def text(self, s: str) -> str:
        for g, e in self.ids.items():
            s = s.replace(g, e)
        return s

    def body(self, obj: Any) -> Any:
        if isinstance(obj, dict):
            return {k: (self.sheet_ids.get(v, v) if k == "sheetId" and isinstance(v, int)
                        else self.others.get(v, v) if k in OTHER_IDS else self.body(v))
                    for k, v in obj.items()}
        if isinstance(obj, list):
            return [self.body(v) for v in obj]
        return self.text(obj) if isinstance(obj, str) else obj

    def learn(self, google: Any, emulator: Any) -> None:
        """Ids the two answers hold at the same place (a created file, an added tab)."""
        if isinstance(google, dict) and isinstance(emulator, dict):
            for k, g in google.items():
                e = emulator.get(k)
                if k in ("id", "spreadsheetId") and isinstance(g, str) and isinstance(e, str) and len(g) > 20:
                    self.ids.setdefault(g, e)
                elif k == "sheetId" and isinstance(g, int) and isinstance(e, int):
                    self.sheet_ids.setdefault(g, e)
                elif k in OTHER_IDS and e is not None:
                    self.others.setdefault(g, e)
                else:
                    self.learn(g, e)
        elif isinstance(google, list) and isinstance(emulator, list):
            for g, e in zip(google, emulator):
                self.learn(g, e)


def compare(google: Any, emulator: Any, ids: Ids, where: str = "") -> Iterator[tuple[str, Any, Any]]:
    """(where, Google's value, the emulator's) for each place the two answers differ."""
    if isinstance(google, dict) and isinstance(emulator, dict):
        for k in sorted(set(google) | set(emulator)):
            at = f"{where}/{k}"
            if k not in emulator:
                yield at, google[k], "<absent>"
            elif k not in google:
                yield at, "<absent>", emulator[k]
            elif k in VOLATILE:
                if type(google[k]) is not type(emulator[k]):
                    yield at, google[k], emulator[k]
            elif k == "sheetId" and isinstance(google[k], int):
                if ids.sheet_ids.get(google[k], google[k]) != emulator[k]:
                    yield at, google[k], emulator[k]
            elif k in OTHER_IDS:
                if ids.others.get(google[k], google[k]) != emulator[k]:
                    yield at, google[k], emulator[k]
            else:
                yield from compare(google[k], emulator[k], ids, at)
    elif isinstance(google, list) and isinstance(emulator, list):
        if len(google) != len(emulator):
            yield f"{where}[len]", len(google), len(emulator)
        for i, (g, e) in enumerate(zip(google, emulator)):
            yield from compare(g, e, ids, f"{where}[{i}]")
    elif isinstance(google, str) and isinstance(emulator, str):
        if ids.text(google) != emulator:
            yield where, google, emulator
    elif type(google) is not type(emulator) or google != emulator:
        yield where, google, emulator


def replay(url: str, name: str, cassette: dict[str, Any], kinds: tuple[str, ...] | None = SHEETSYNC_KINDS,
           session: requests.Session | None = None) -> list[Difference]:
    """Send the cassette's requests to the emulator at ``url``; the differences of the answers
    to requests of ``kinds`` (None: every kind). Stops at an answer whose status differs in a
    create, since every later request would go astray."""
    s = session or requests.Session()
    s.headers["Authorization"] = "Bearer cassette-replay"
    ids = Ids()
    out: list[Difference] = []
    for n, ex in enumerate(exchanges(cassette)):
        body = ids.text(ex.body) if ex.body else None
        if body:
            try:
                body = json.dumps(ids.body(json.loads(body)))
            except ValueError:
                pass
        headers = {"Content-Type": "application/json"} if body and body.lstrip().startswith("{") else {}
        resp = s.request(ex.method, url + ids.text(ex.path), data=body.encode() if body else None,
                         headers=headers, timeout=60)
        try:
            answer = resp.json() if resp.content else None
        except ValueError:
            answer = resp.text
        ids.learn(ex.answer, answer)
        wanted = kinds is None or any(ex.kind == k or ex.kind.startswith(k + "+") or
                                      (k.startswith("batchUpdate.") and k[12:] in ex.kind.split(".", 1)[-1].split("+"))
                                      for k in kinds)
        if not wanted:
            continue
        request = f"{ex.method} {unquote(ex.path.split('?')[0].rsplit('/', 1)[-1])}"
        if "?" in ex.path:
            request += "?" + unquote(ex.path.split("?", 1)[1])
        if resp.status_code != ex.status:
            out.append(Difference(name, n, ex.kind, request, "status", ex.status, resp.status_code))
        for where, g, e in compare(ex.answer, answer, ids):
            out.append(Difference(name, n, ex.kind, request, where, g, e))
    return out


def cassette_paths(repo: str, ref: str = "HEAD") -> list[str]:
    """The paths of gspread's cassettes in a git checkout (bare or not)."""
    names = subprocess.run(["git", "-C", repo, "ls-tree", "-r", "--name-only", ref, "tests/cassettes"],
                           check=True, capture_output=True, text=True).stdout.split()
    return [path for path in names if path.endswith(".json")]


def gspread_cassettes(repo: str, ref: str = "HEAD") -> Iterator[tuple[str, dict[str, Any]]]:
    """(file name, cassette) for each of gspread's cassettes in a git checkout (bare or not)."""
    for path in cassette_paths(repo, ref):
        text = subprocess.run(["git", "-C", repo, "show", f"{ref}:{path}"], check=True,
                              capture_output=True, text=True).stdout
        yield path.rsplit("/", 1)[-1], json.loads(text)


def main(argv: list[str]) -> int:
    sys.path.insert(0, "tests")
    from google_emulator import GoogleEmulator
    repo = argv[0]
    kinds = None if "--all" in argv else SHEETSYNC_KINDS
    total = 0
    with GoogleEmulator() as emu:
        for name, cassette in gspread_cassettes(repo):
            if name in ACCOUNT_BOUND:
                continue
            for d in replay(emu.url, name, cassette, kinds):
                print(d)
                total += 1
    print(f"{total} differences")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
