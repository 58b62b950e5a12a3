"""The footer's language switch: a plain link (?lang=cy), kept in the language cookie."""

from __future__ import annotations

from django.test import Client


def test_the_footer_links_to_welsh_and_the_choice_is_kept(db):
    client = Client()
    html = client.get("/").content.decode()
    assert 'href="?lang=cy" hreflang="cy" lang="cy">Cymraeg</a>' in html
    assert '<html lang="en-gb"' in html

    response = client.get("/search", {"q": "bin", "lang": "cy"})
    # Back to the same address, without the choice in it.
    assert response.status_code == 302 and response["Location"] == "/search?q=bin"
    assert response.cookies["django_language"].value == "cy"
    assert response.cookies["django_language"]["httponly"]

    html = client.get("/").content.decode()
    assert '<html lang="cy"' in html
    assert 'href="?lang=en-gb" hreflang="en-GB" lang="en-GB">English</a>' in html
    client.get("/?lang=en-gb")
    assert '<html lang="en-gb"' in client.get("/").content.decode()


def test_an_unknown_language_is_ignored_and_only_the_same_path_is_redirected_to(db):
    client = Client()
    response = client.get("/reports/", {"lang": "xx"})
    assert response.status_code == 302 and response["Location"] == "/reports/"
    assert "django_language" not in response.cookies
    from django.test import RequestFactory

    from borough.core.language import LanguageSwitchMiddleware

    request = RequestFactory().get("/", {"lang": "cy"})
    request.path = "//evil.example/"
    response = LanguageSwitchMiddleware(lambda r: None)(request)  # type: ignore[arg-type,return-value]
    assert response["Location"] == "/evil.example/"
