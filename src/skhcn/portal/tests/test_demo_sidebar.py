"""The demo's films sidebar block: the site's own film registry, not a YouTube search."""

import pytest

from skhcn.portal.demo.loader import load_demo
from skhcn.portal.models import SidebarBlock

pytestmark = pytest.mark.django_db


def _films_block(html):
    return html.split("PHIM PHỔ BIẾN KIẾN THỨC KH&amp;CN", 1)[1].split("</section>", 1)[0]


def test_demo_films_block_links_to_the_site_film_list(client, tmp_path, monkeypatch):
    import skhcn.accounts.demo as demo

    monkeypatch.setattr(demo, "LOGINS_FILE", tmp_path / "logins.txt")
    load_demo()
    html = client.get("/").content.decode()
    films = _films_block(html)
    assert 'href="/du-lieu-khcn/phim/"' in films
    assert "youtube.com/results" not in html
    assert client.get("/du-lieu-khcn/phim/").status_code == 200


def test_an_older_demo_youtube_search_block_becomes_the_film_list(client, tmp_path, monkeypatch):
    import skhcn.accounts.demo as demo
    from skhcn.portal.constants import SidebarKind
    from skhcn.portal.models import SidebarItem

    monkeypatch.setattr(demo, "LOGINS_FILE", tmp_path / "logins.txt")
    old = SidebarBlock.objects.create(title="PHIM PHỔ BIẾN KIẾN THỨC KH&CN", kind=SidebarKind.VIDEOS, sort_order=10)
    SidebarItem.objects.create(
        block=old, sort_order=0, title="Tìm phim", link_url="https://www.youtube.com/results?search_query=phim"
    )
    load_demo()
    old.refresh_from_db()
    assert old.kind == SidebarKind.REG_FILMS and not SidebarItem.objects.filter(block=old).exists()
    assert 'href="/du-lieu-khcn/phim/"' in _films_block(client.get("/").content.decode())


def test_an_edited_films_block_is_left_alone(tmp_path, monkeypatch):
    import skhcn.accounts.demo as demo
    from skhcn.portal.constants import SidebarKind
    from skhcn.portal.models import SidebarItem

    monkeypatch.setattr(demo, "LOGINS_FILE", tmp_path / "logins.txt")
    block = SidebarBlock.objects.create(title="PHIM PHỔ BIẾN KIẾN THỨC KH&CN", kind=SidebarKind.VIDEOS, sort_order=10)
    SidebarItem.objects.create(block=block, sort_order=0, title="Phim của Sở", link_url="https://vimeo.com/123")
    SidebarItem.objects.create(
        block=block, sort_order=1, title="Tìm phim", link_url="https://www.youtube.com/results?search_query=phim"
    )
    load_demo()
    block.refresh_from_db()
    assert block.kind == SidebarKind.VIDEOS and SidebarItem.objects.filter(block=block).count() == 2
