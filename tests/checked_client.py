"""The test client every test app uses (tests/conftest.py sets it). Each request it sends must leave
the unit of work clean (portal/db.py), and each full HTML page it receives must pass the page checks
of tests/page_checks.py, whichever test sent it.

Deliberately partial answers are not pages and are not checked: htmx fragments (the request says
HX-Request) and anything fetched while `client.check_pages` is False, which a test sets on purpose."""
from __future__ import annotations

from flask.testing import FlaskClient
from page_checks import check_page


class CheckedClient(FlaskClient):
    check_pages = True

    def open(self, *args, **kwargs):
        response = super().open(*args, **kwargs)
        unsaved = self.application.extensions.get("db_unsaved")
        if unsaved:
            where = list(unsaved)
            unsaved.clear()
            raise AssertionError(f"A request ended with database changes neither saved nor dropped: {where}")
        if self.check_pages and _is_a_page(response):
            check_page(response, response.status_code)
        return response


def _is_a_page(response) -> bool:
    request = getattr(response, "request", None)
    if request is None or request.headers.get("HX-Request"):
        return False
    # A redirect's body (Werkzeug's "Redirecting..." stub) is never shown: the browser follows it.
    redirect = 300 <= response.status_code < 400
    # A compressed body is checked by the tests that ask for compression, after decoding it.
    compressed = bool(response.headers.get("Content-Encoding"))
    return not redirect and not compressed and response.mimetype == "text/html" and bool(response.get_data())
