"""Formula text: tokenizer, parser (text -> AST), Google's stored spelling, A1 range parts."""
from __future__ import annotations

import re
from functools import lru_cache

from sheetsync.emulator.cell_errors import ERROR_TYPE_BY_TEXT, CellError

_CELL = r"\$?[A-Za-z]{1,3}\$?[0-9]+"


_COL = r"\$?[A-Za-z]{1,3}"


_ROW = r"\$?[0-9]+"


_RANGE = re.compile(
    rf"(?:{_CELL}(?::(?:{_CELL}|{_COL}|{_ROW}))?|{_COL}:(?:{_CELL}|{_COL})|{_ROW}:{_ROW})"
    r"(?![A-Za-z0-9_(!.])")


_NUMBER = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*")


_SHEET_WORD = re.compile(r"[A-Za-z0-9_.]+(?=!)")


_ERROR_LIT = re.compile(r"#(?:REF!|NAME\?|DIV/0!|VALUE!|N/A|NUM!|NULL!|ERROR!)", re.I)


_OPS = ("<=", ">=", "<>", "+", "-", "*", "/", "^", "&", "=", "<", ">", "(", ")", ",", "%", ";")


class _Tok:
    __slots__ = ("kind", "text", "start", "end", "sheet")

    def __init__(self, kind: str, text: str, start: int, end: int, sheet: str | None = None):
        self.kind, self.text, self.start, self.end, self.sheet = kind, text, start, end, sheet


class ParseError(ValueError):
    pass


def matched(m: re.Match[str] | None) -> re.Match[str]:
    """A match the text's shape already promised (the tokenizer found it); text that breaks
    the promise is a parse error, not a crash."""
    if m is None:
        raise ParseError("unexpected text")
    return m


def tokenize(src: str) -> list[_Tok]:
    """Tokens of a formula without its leading '='."""
    out: list[_Tok] = []
    i, n = 0, len(src)
    while i < n:
        ch = src[i]
        if ch.isspace():
            i += 1
            continue
        tok = _sheet_ref(src, i) or _word_or_ref(src, i) or _literal(src, i)
        if tok is None:
            raise ParseError(f"unexpected {ch!r}")
        out.append(tok)
        i = tok.end
    return out


def _sheet_ref(src: str, i: int) -> _Tok | None:
    sheet, j = None, i
    if src[i] == "'":
        j = i + 1
        name = []
        while j < len(src):
            if src[j] == "'":
                if src[j + 1:j + 2] == "'":
                    name.append("'")
                    j += 2
                    continue
                break
            name.append(src[j])
            j += 1
        if src[j + 1:j + 2] != "!":
            raise ParseError("quoted name without !")
        sheet, j = "".join(name), j + 2
    else:
        m = _SHEET_WORD.match(src, i)
        if not m:
            return None
        sheet, j = m.group(0), m.end() + 1
    m = _RANGE.match(src, j)
    if not m:
        raise ParseError("bad reference after sheet name")
    return _Tok("REF", m.group(0), i, m.end(), sheet)


def _word_or_ref(src: str, i: int) -> _Tok | None:
    ch = src[i]
    if not (ch.isalpha() or ch in "$_" or ch.isdigit()):
        return None
    w = _WORD.match(src, i)
    if w:
        k = w.end()
        while k < len(src) and src[k].isspace():
            k += 1
        if src[k:k + 1] == "(":
            return _Tok("FUNC", w.group(0), i, w.end())
    m = _RANGE.match(src, i)
    if m:
        return _Tok("REF", m.group(0), i, m.end())
    if ch.isdigit():
        num = matched(_NUMBER.match(src, i))
        return _Tok("NUM", num.group(0), i, num.end())
    if w:
        upper = w.group(0).upper()
        kind = "BOOL" if upper in ("TRUE", "FALSE") else "NAME"
        return _Tok(kind, w.group(0), i, w.end())
    return None


def _literal(src: str, i: int) -> _Tok | None:
    ch = src[i]
    if ch == '"':
        j, parts = i + 1, []
        while True:
            k = src.find('"', j)
            if k < 0:
                raise ParseError("unterminated string")
            parts.append(src[j:k])
            if src[k + 1:k + 2] == '"':
                parts.append('"')
                j = k + 2
                continue
            return _Tok("STR", "".join(parts), i, k + 1)
    if ch == ".":
        num = matched(_NUMBER.match(src, i))
        return _Tok("NUM", num.group(0), i, num.end()) if num else None
    if ch == "#":
        m = _ERROR_LIT.match(src, i)
        return _Tok("ERR", m.group(0).upper(), i, m.end()) if m else None
    for op in _OPS:
        if src.startswith(op, i):
            return _Tok("OP", op, i, i + len(op))
    return None


def normalize(formula: str) -> str:
    """Formula text as Google stores it: function names and references upper-cased."""
    body = formula[1:]
    try:
        tokens = tokenize(body)
    except ParseError:
        return formula
    out, pos = [], 0
    for t in tokens:
        if t.kind in ("FUNC", "BOOL") or (t.kind == "REF" and t.sheet is None):
            out.append(body[pos:t.start])
            out.append(body[t.start:t.end].upper())
            pos = t.end
        elif t.kind == "REF":
            out.append(body[pos:t.end - len(t.text)])
            out.append(t.text.upper())
            pos = t.end
    out.append(body[pos:])
    return "=" + "".join(out)


class _Parser:
    def __init__(self, tokens: list[_Tok]):
        self.toks, self.i = tokens, 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take_op(self, *ops: str) -> str | None:
        t = self.peek()
        if t is not None and t.kind == "OP" and t.text in ops:
            self.i += 1
            return t.text
        return None

    def expect(self, op: str) -> None:
        if not self.take_op(op):
            raise ParseError(f"expected {op}")

    def parse(self) -> tuple:
        node = self.comparison()
        if self.peek() is not None:
            raise ParseError("trailing tokens")
        return node

    def comparison(self) -> tuple:
        node = self.concat()
        while (op := self.take_op("=", "<>", "<", ">", "<=", ">=")):
            node = ("bin", op, node, self.concat())
        return node

    def concat(self) -> tuple:
        node = self.additive()
        while self.take_op("&"):
            node = ("bin", "&", node, self.additive())
        return node

    def additive(self) -> tuple:
        node = self.term()
        while (op := self.take_op("+", "-")):
            node = ("bin", op, node, self.term())
        return node

    def term(self) -> tuple:
        node = self.power()
        while (op := self.take_op("*", "/")):
            node = ("bin", op, node, self.power())
        return node

    def power(self) -> tuple:
        node = self.unary()
        while self.take_op("^"):
            node = ("bin", "^", node, self.unary())
        return node

    def unary(self) -> tuple:
        if self.take_op("-"):
            return ("neg", self.unary())
        if self.take_op("+"):
            return self.unary()
        return self.postfix()

    def postfix(self) -> tuple:
        node = self.primary()
        while self.take_op("%"):
            node = ("pct", node)
        return node

    def primary(self) -> tuple:
        t = self.peek()
        if t is None:
            raise ParseError("unexpected end")
        self.i += 1
        if t.kind == "NUM":
            return ("lit", float(t.text) if any(c in t.text for c in ".eE") else int(t.text))
        if t.kind == "STR":
            return ("lit", t.text)
        if t.kind == "BOOL":
            return ("lit", t.text.upper() == "TRUE")
        if t.kind == "ERR":
            return ("lit", CellError(ERROR_TYPE_BY_TEXT[t.text], f"{t.text} literal."))
        if t.kind == "REF":
            return ("ref", t.sheet, *parse_range(t.text))
        if t.kind == "NAME":
            return ("name", t.text)
        if t.kind == "FUNC":
            return self.call(t.text.upper())
        if t.kind == "OP" and t.text == "(":
            node = self.comparison()
            self.expect(")")
            return node
        raise ParseError(f"unexpected {t.text}")

    def call(self, name: str) -> tuple:
        self.expect("(")
        args: list[tuple] = []
        if self.take_op(")"):
            return ("func", name, args)
        while True:
            t = self.peek()
            if t is not None and t.kind == "OP" and t.text in (",", ")"):
                args.append(("lit", None))  # empty argument, e.g. IF(A1,,1)
            else:
                args.append(self.comparison())
            if self.take_op(")"):
                return ("func", name, args)
            if not self.take_op(",", ";"):
                raise ParseError("expected , or )")


def col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n - 1


def _part(text: str) -> tuple[int | None, int | None]:
    """One end of a range -> (row, col), 0-based; None where the part is absent."""
    m = matched(re.fullmatch(r"\$?([A-Za-z]*)\$?([0-9]*)", text))
    letters, digits = m.group(1), m.group(2)
    return (int(digits) - 1 if digits else None, col_index(letters) if letters else None)


def parse_range(text: str) -> tuple[int | None, int | None, int | None, int | None]:
    """A1 range text -> (r0, c0, r1, c1) half-open; None = unbounded on that side."""
    first, _, second = text.partition(":")
    ra, ca = _part(first)
    if not second:
        if ra is None or ca is None:
            raise ParseError("a single cell needs a row and a column")
        return ra, ca, ra + 1, ca + 1
    rb, cb = _part(second)
    r0, r1 = _span(ra, rb)
    c0, c1 = _span(ca, cb)
    return r0, c0, r1, c1


def _span(a: int | None, b: int | None) -> tuple[int | None, int | None]:
    """Both ends -> sorted half-open span; one end -> open-ended (A2:A); none -> whole."""
    if a is not None and b is not None:
        return min(a, b), max(a, b) + 1
    if a is not None or b is not None:
        return (a if a is not None else b), None
    return None, None


@lru_cache(maxsize=65536)  # a tab of per-row formulas re-parses nothing on each write
def parse(formula: str) -> tuple:
    """Formula text ("=...") -> AST; raises ParseError."""
    if not formula.startswith("="):
        raise ParseError("not a formula")
    return _Parser(tokenize(formula[1:])).parse()
