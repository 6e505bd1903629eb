"""Phone numbers as people type them (sheetsync.core.phones)."""

import re

import numpy as np
import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sheetsync.core import phones
from sheetsync.core.phones import P_BLANK, P_INVALID, P_OK, normalise, normalise_column


@pytest.mark.parametrize("typed", [
    "0812-3456-7890", "+62 812 3456 7890", "6281234567890", "81234567890", "+6281234567890",
    "0812 3456 7890", "(0812) 3456-7890", "0812.3456.7890", " 081234567890 ", "'081234567890",
    "+62 0812 3456 7890", "62-812-3456-7890", "0812\u00a03456\u20137890",
    81234567890, 81234567890.0, 6281234567890,
])
def test_the_same_number_however_typed(typed):
    assert normalise(typed) == "081234567890"


@pytest.mark.parametrize("typed, expected", [
    ("0811234567", "0811234567"),            # 10 digits: the shortest mobile number
    ("08123456789", "08123456789"),
    ("0812345678901", "0812345678901"),      # 13 digits: the longest
    ("+62 811 234 567", "0811234567"),
    ("895-1234-5678", "089512345678"),
])
def test_lengths_accepted(typed, expected):
    assert normalise(typed) == expected


@pytest.mark.parametrize("typed", [
    "0812-345-67",          # 9 digits
    "081234567",            # 9 digits
    "08123456789012",       # 14 digits
    "08123456789012345",
    "021 5550 1234",        # a Jakarta landline, not a mobile
    "+1 555 123 4567",      # not Indonesian
    "+0812 3456 7890",
    "0062 812 3456 7890",
    "0812 3456 789a",
    "0812/3456/7890",       # two numbers?
    "0812 3456 7890 / 0813 1111 2222",
    "62+812345678",         # "+" after a digit
    "+62+81234567890",
    "\u0660\u0668\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660",   # Arabic-Indic digits
    "tidak ada",
    "-", "()", "+",         # "no phone" typed as a dash is not a number either
    "x" * 500,
    "9" * 60,
    True, 12.5, -81234567890, float("inf"),
])
def test_not_a_mobile_number(typed):
    assert normalise(typed) is None
    assert normalise_column(np.array([typed], dtype=object)).problem[0] == P_INVALID


@pytest.mark.parametrize("typed", [None, "", "   ", "\u00a0", "\n", "\t ", float("nan")])
def test_blank(typed):
    col = normalise_column(np.array([typed], dtype=object))
    assert col.problem[0] == P_BLANK and col.number[0] == 0


def test_column_keeps_rows_aligned_and_numbers_compare_equal():
    cells = np.array(["0812-3456-7890", None, "021 5550 1234", "+62 812 3456 7890", "",
                      81234567890, "0813 1111 2222", "  "], dtype=object)
    col = normalise_column(cells)
    assert col.problem.tolist() == [P_OK, P_BLANK, P_INVALID, P_OK, P_BLANK, P_OK, P_OK, P_BLANK]
    assert col.number[0] == col.number[3] == col.number[5] == 81234567890
    assert col.number[6] == 81311112222
    assert col.canonical().tolist() == ["081234567890", None, None, "081234567890", None,
                                        "081234567890", "081311112222", None]


def test_chunks_do_not_shift_rows(monkeypatch):
    monkeypatch.setattr(phones, "CHUNK", 3)
    cells = np.array(["0812-3456-7890", "bad", None, "0813 1111 2222", "+62 878 1234 5678", "021 555",
                      "0811234567"], dtype=object)
    assert normalise_column(cells).canonical().tolist() == [
        "081234567890", None, None, "081311112222", "087812345678", None, "0811234567"]


def test_international_form():
    assert phones.international(81234567890) == "+6281234567890"


_REFERENCE = re.compile(r"^(?:\+62|62|0)?0?(8\d{8,11})$")


def _reference(text: str) -> str | None:
    """A slow, obvious version to compare the vectorised one with."""
    t = text.strip()
    for sep in " \t-.()'\u00a0\u2013":
        t = t.replace(sep, "")
    if t.startswith("+") and not t.startswith("+62"):
        return None
    if t.startswith("0") and t[1:2] == "0":
        return None
    m = _REFERENCE.match(t)
    if not m or ("0" + m.group(1)) != _canon_prefix(t, m.group(1)):
        return None
    return "0" + m.group(1)


def _canon_prefix(t: str, rest: str) -> str:
    # "0" may follow the country code ("+62 0812"), but not stand alone twice ("00812")
    head = t[: len(t) - len(rest)]
    ok_heads = ("", "0", "62", "+62", "620", "+620")
    return "0" + rest if head in ok_heads else ""


_typed = st.builds(
    lambda prefix, digits, seps: prefix + "".join(d + s for d, s in zip(digits, seps)),
    st.sampled_from(["", "0", "62", "+62", "+62 0", "+1", "00", "8", "08", "021"]),
    st.text(alphabet="0123456789", min_size=0, max_size=16),
    st.lists(st.sampled_from(["", "", "", " ", "-", ".", "a", "/"]), min_size=16, max_size=16),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_typed, min_size=1, max_size=40))
def test_vectorised_matches_the_obvious_version(texts):
    got = normalise_column(np.array(texts, dtype=object)).canonical().tolist()
    assert got == [_reference(t) if t.strip() else None for t in texts]


def test_a_nul_character_inside_a_cell_does_not_shift_rows():
    cells = np.array(["0812\x003456 7890", "0813 1111 2222", "", "+62 878 1234 5678"], dtype=object)
    assert normalise_column(cells).canonical().tolist() == [None, "081311112222", None, "087812345678"]


def test_known_non_empty_cells_give_the_same_answer():
    cells = np.array(["0812-3456-7890", None, "  ", "", "bad", 81234567890, float("nan")], dtype=object)
    not_empty = np.array([True, False, True, False, True, True, True])
    a, b = normalise_column(cells), normalise_column(cells, not_empty)
    assert a.problem.tolist() == b.problem.tolist() == [P_OK, P_BLANK, P_BLANK, P_BLANK, P_INVALID, P_OK, P_BLANK]
    assert a.number.tolist() == b.number.tolist()


@pytest.mark.parametrize("typed", ["0801234567", "080012345678", "0841234567", "+62 841 2345 6789",
                                   "6280123456789"])
def test_toll_free_and_unallocated_prefixes_are_not_mobile(typed):
    assert normalise(typed) is None


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="0123456789", min_size=7, max_size=13))
def test_mobile_agrees_with_the_phonenumbers_library(digits):
    # phonenumbers (Google's libphonenumber metadata) is the oracle for what a mobile
    # number of Indonesia is; it is a test-only dependency
    typed = "08" + digits
    parsed = phonenumbers.parse(typed, "ID")
    mobile = phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE
    assert (normalise(typed) is not None) == mobile, typed
