"""Web view: a C.Hasil photo link is shown as a link (escaped, http(s) only, no referrer),
for a photo column the presets do not carry once the config is handed to the view."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sheetsync.emulator import webview
from sheetsync.core.config import Column, load_preset
from sheetsync.demo.seed import show_in_view
from sheetsync.emulator.model import Store

PHOTO_HEADER = "Foto C.Hasil (tautan)"
DRIVE = "https://drive.google.com/file/d/1AbC/view?usp=sharing&x=<b>"


def _page(links: list[object]) -> str:
    store = Store()
    ss = store.create("Demo foto", sheet_titles=["Input"])
    tab = ss.sheets[0]
    for c, h in enumerate(["Kecamatan", "No TPS", PHOTO_HEADER, "Catatan"]):
        tab.set(0, c, h)
    for r, link in enumerate(links, start=1):
        tab.set(r, 0, "Kalideres")
        tab.set(r, 1, r)
        tab.set(r, 2, link)
        tab.set(r, 3, "https://example.org/not-a-photo-column")
    tab.grid["frozenRowCount"] = 1
    status, _, body = webview.render(f"/view/{ss.id}", store)
    assert status == 200
    return body.decode()


@pytest.fixture(scope="module", autouse=True)
def photo_config() -> None:
    """The demo's way: a preset with a photo column, handed to the view."""
    base = load_preset("pilkada-jakbar-2024")
    photo = Column(field="foto_chasil", header=PHOTO_HEADER, type="photo")
    show_in_view(replace(base, columns=(*base.columns, photo)))


def test_photo_link_is_an_escaped_link_without_referrer() -> None:
    page = _page([DRIVE])
    escaped = "https://drive.google.com/file/d/1AbC/view?usp=sharing&amp;x=&lt;b&gt;"
    assert f'<a href="{escaped}" rel="noopener noreferrer">{escaped}</a>' in page
    assert "<b>" not in page.split("<body>", 1)[1]


def test_only_http_links_and_only_the_photo_column() -> None:
    page = _page(["javascript:alert(1)", "data:text/html,<p>x</p>", "https://user@evil.example/x",
                  "  https://photos.app.goo.gl/AbC  ", "http://photos.google.com/p\"onmouseover=x", 12])
    assert page.count("<a href=\"https://photos.app.goo.gl/AbC\" rel=\"noopener noreferrer\">") == 1
    assert 'href="javascript' not in page and 'href="data:' not in page
    assert 'href="https://user@' not in page
    assert 'href="https://example.org' not in page           # the Catatan column is no photo column
    quoted = 'href="http://photos.google.com/p&quot;onmouseover=x"'
    assert quoted in page and 'onmouseover=x"' not in page.replace(quoted, "")

