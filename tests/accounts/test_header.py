"""The account links in the header of every resident page."""

from __future__ import annotations

from tests.accounts.conftest import html


def test_signed_out_visitors_see_sign_in(client, db):
    page = html(client.get("/"))
    assert '<nav aria-label="Account" class="borough-account-nav">' in page
    assert 'href="/sign-in/">Sign in</a>' in page
    assert "Sign out" not in page


def test_signed_in_residents_see_their_account_and_sign_out(make_resident, signed_in):
    page = html(signed_in(make_resident()).get("/"))
    assert 'href="/account/">Your account</a>' in page
    assert '<form method="post" action="/sign-out/"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert 'href="/sign-in/">Sign in</a>' not in page


def test_back_office_pages_keep_their_own_sign_out(district, make_team, make_staff, signed_in):
    client = signed_in(make_staff(make_team(district)))
    page = html(client.get("/staff/"))
    assert 'aria-label="Account"' not in page
    assert 'action="/sign-out/"' not in page
    assert 'action="/staff/sign-out/"' in page
    assert 'aria-label="Account"' not in html(client.get("/staff/sign-in/"))
