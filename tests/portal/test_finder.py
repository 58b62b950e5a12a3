"""Finding a service: the home page, groups, and search with synonyms."""

# The pages use GOV.UK typography: curly quotes, apostrophes and en dashes.
# ruff: noqa: RUF001

from __future__ import annotations

import pytest

from borough.portal.search import service_search


@pytest.fixture
def catalogue(district, county, make_service):
    """Services named and described the way the demo catalogue does."""
    made = {}
    for organisation, code, name, group, summary, keywords in [
        (
            district,
            "report-fly-tipping",
            "Report fly-tipping",
            "Street cleaning",
            "Tell us about rubbish dumped on a street, verge or public land.",
            ["fly-tipping", "flytipping", "dumped", "rubbish", "mattress"],
        ),
        (
            district,
            "report-missed-bin",
            "Report a missed bin collection",
            "Bins and recycling",
            "Tell us if we did not empty your bin on collection day.",
            ["missed bin", "wheelie bin", "recycling", "rubbish"],
        ),
        (
            district,
            "report-abandoned-vehicle",
            "Report an abandoned vehicle",
            "Street cleaning",
            "Tell us about a vehicle that has been left on a street.",
            ["abandoned car", "dumped car", "untaxed"],
        ),
        (
            county,
            "report-street-light",
            "Report a street light fault",
            "Roads and pavements",
            "Tell us about a street light that is out or damaged.",
            ["streetlight", "lighting"],
        ),
        (
            county,
            "report-pothole",
            "Report a pothole",
            "Roads and pavements",
            "Tell us about a hole in a road or pavement.",
            ["pothole", "road damage"],
        ),
        (
            county,
            "book-recycling-centre",
            "Book a visit to a recycling centre",
            "Bins and recycling",
            "Book a slot to take waste to a household recycling centre.",
            ["household waste", "recycling centre"],
        ),
    ]:
        made[code] = make_service(
            organisation, code=code, name=name, group=group, summary=summary, keywords=keywords
        )
    return made


def codes(query):
    return [service.code for service in service_search(query)]


def test_home_lists_services_by_group_linked_to_their_start_pages(client, catalogue):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label class="govuk-label govuk-label--m" for="q">Search for a service</label>' in html
    assert 'action="/search" method="get"' in html
    assert (
        '<a class="govuk-link" href="/services/roads-and-pavements/">Roads and pavements</a>'
        in html
    )
    assert 'href="/service/report-pothole/">Report a pothole</a>' in html
    # Groups in name order.
    assert html.index("Bins and recycling") < html.index("Roads and pavements")


def test_a_group_page_lists_its_services_and_an_unknown_group_is_not_found(client, catalogue):
    response = client.get("/services/roads-and-pavements/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-xl">Roads and pavements</h1>' in html
    assert "Report a pothole" in html and "Report a street light fault" in html
    assert "Report fly-tipping" not in html
    assert client.get("/services/nothing-here/").status_code == 404


@pytest.mark.parametrize(
    ("query", "first", "also"),
    [
        ("bin", "report-missed-bin", []),
        ("bins", "report-missed-bin", []),
        ("rubbish", "report-fly-tipping", ["report-missed-bin"]),
        ("dumped", "report-fly-tipping", ["report-abandoned-vehicle"]),
        ("lamp", "report-street-light", []),
        ("lamp post", "report-street-light", []),
        ("pothole", "report-pothole", []),
        ("potholes", "report-pothole", []),
        ("tip", "report-fly-tipping", ["book-recycling-centre"]),
        ("Fly Tipping", "report-fly-tipping", []),
        ("the dump", "report-fly-tipping", ["book-recycling-centre"]),
    ],
)
def test_search_finds_services_by_name_keywords_summary_and_synonyms(catalogue, query, first, also):
    found = codes(query)
    assert found[0] == first
    assert set(also) <= set(found)


def test_name_matches_rank_first(district, make_service):
    make_service(district, code="keyword-only", name="Garden waste", keywords=["bin"])
    make_service(district, code="in-name", name="Order a new bin", keywords=[])
    make_service(district, code="in-summary", name="Clinical waste", summary="A yellow bin")
    assert codes("bin") == ["in-name", "keyword-only", "in-summary"]


def test_search_leaves_out_inactive_services(district, make_service):
    service = make_service(district, code="old-bins", name="Report a missed bin")
    service.is_active = False
    service.save()
    assert codes("bin") == []


def test_search_page_shows_results_linked_to_start_pages(client, catalogue):
    response = client.get("/search", {"q": "dumped"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>dumped – Search results" in html
    assert 'value="dumped"' in html
    assert "2 services match ‘dumped’" in html
    assert html.index("/service/report-fly-tipping/") < html.index(
        "/service/report-abandoned-vehicle/"
    )


def test_search_with_no_results_says_so_the_govuk_way(client, catalogue):
    response = client.get("/search", {"q": "zeppelin"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "No services match ‘zeppelin’" in html
    assert 'href="/">browse all council services</a>' in html


def test_the_query_is_escaped(client, catalogue):
    response = client.get("/search", {"q": '<script>alert("x")</script>'})
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "No services match ‘&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;’" in html


def test_an_empty_search_shows_the_search_box(client, catalogue):
    response = client.get("/search", {"q": "   "})
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="govuk-label-wrapper">' in html
    assert "No services match" not in html


@pytest.mark.django_db
def test_an_unknown_address_gets_the_councils_page_not_found(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body
    assert "check it is correct" in body
    assert 'class="govuk-generic-header' in body
