"""The Swagger UI page loads every script and stylesheet from this site, none from a CDN."""

from html.parser import HTMLParser

from django.contrib.staticfiles import finders
from rest_framework.test import APIClient


class AssetLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "script" and values.get("src"):
            self.urls.append(values["src"])
        if tag == "link" and values.get("href"):
            self.urls.append(values["href"])


def test_the_docs_page_loads_its_scripts_and_styles_from_this_site(db):
    response = APIClient().get("/api/docs/")
    assert response.status_code == 200
    links = AssetLinks()
    links.feed(response.content.decode())

    assert len(links.urls) >= 3, "the Swagger UI bundle, preset and stylesheet"
    for url in links.urls:
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")), f"{url} is not a local static file"
    html = response.content.decode()
    assert "http://" not in html
    assert "https://" not in html
