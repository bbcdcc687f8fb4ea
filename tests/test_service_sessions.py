"""The web pages' safety pieces alone (fast, no server): feedback markdown never becomes
markup, session cookies are signed and expire, CSRF tokens compare exactly, redirects stay on
this site, the language follows the switch, then the cookie, then Accept-Language."""

from __future__ import annotations

import time

import pytest
from starlette.requests import Request

from autograder.service import pages, sessions
from autograder.service.auth import User


@pytest.mark.parametrize("markup", [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<iframe src=//evil></iframe>",
    '<a href="javascript:alert(1)">x</a>',
    "<div>\n<script>alert(1)</script>\n</div>",  # an HTML block
])
def test_feedback_markup_is_text(markup):
    html = pages.render_feedback(f"# Feedback\n\n{markup}\n\n```\n{markup}\n```\n\n`{markup}`\n")
    assert "<script" not in html and "<img" not in html and "<iframe" not in html and "<a " not in html
    assert "&lt;" in html


def test_feedback_keeps_tables_code_and_emphasis_and_drops_dangerous_links():
    html = pages.render_feedback("Score: **3 / 4**\n\n| exercise | points |\n|---|---|\n| `to_numpy` | 3 / 3 |\n\n"
                                 "```\nx = 1\n```\n\n[hint](javascript:alert(1)) [doc](https://pytorch.org)"
                                 " ![tracker](https://evil.example/p.png)")
    assert "<table>" in html and "<strong>3 / 4</strong>" in html and "<code>to_numpy</code>" in html
    assert "<pre><code>x = 1" in html
    assert 'href="https://pytorch.org"' in html and 'href="javascript' not in html.lower()
    assert "<img" not in html  # a submission cannot make the reader's browser fetch anything


def _request(cookies: str = "", query: str = "", accept: str | None = None) -> Request:
    headers = [(b"cookie", cookies.encode())] if cookies else []
    if accept:
        headers.append((b"accept-language", accept.encode()))
    return Request({"type": "http", "method": "GET", "path": "/", "query_string": query.encode(),
                    "headers": headers, "scheme": "http", "server": ("127.0.0.1", 80)})


def _cookie(store: sessions.Sessions, data: dict) -> str:
    from starlette.responses import Response

    r = Response()
    store.write(_request(), r, data)
    header = r.headers["set-cookie"]
    assert "httponly" in header.lower() and "samesite=lax" in header.lower()
    return header.split(";")[0]


def test_sessions_are_signed_and_expire(tmp_path):
    key = sessions.load_key(tmp_path)
    assert (tmp_path / "session.key").stat().st_mode & 0o777 == 0o600
    assert sessions.load_key(tmp_path) == key  # kept across restarts
    store = sessions.Sessions(key, max_age=1)
    data = sessions.Sessions.new(User("alice", "student", "Alice"), "0123456789ab")
    cookie = _cookie(store, data)
    assert store.read(_request(cookie)) == data
    name, value = cookie.split("=", 1)
    forged = value.replace(value[5], "A" if value[5] != "A" else "B", 1)
    assert store.read(_request(f"{name}={forged}")) == {}
    assert sessions.Sessions(b"another key" * 3).read(_request(cookie)) == {}
    time.sleep(2.1)
    assert store.read(_request(cookie)) == {}, "the session did not expire"


def test_csrf_and_redirects():
    s = sessions.Sessions.new()
    assert sessions.csrf_ok(s, s["csrf"])
    assert not sessions.csrf_ok(s, None) and not sessions.csrf_ok(s, "") and not sessions.csrf_ok({}, "")
    assert not sessions.csrf_ok(s, s["csrf"] + "x")
    assert pages._local("/a/01_tensors") == "/a/01_tensors"
    for bad in ("//evil.example", "https://evil.example", "/\\evil.example", "", None, "javascript:x"):
        assert pages._local(bad) is None


def test_language_choice():
    assert pages.pick_language(_request(accept="ko-KR,ko;q=0.9")) == ("ko", False)
    assert pages.pick_language(_request(accept="en", cookies="lang=ko")) == ("ko", False)
    assert pages.pick_language(_request(accept="ko", cookies="lang=ko", query="lang=en")) == ("en", True)
    assert pages.pick_language(_request(query="lang=fr")) == ("en", False)
    ko = pages.ENVIRONMENTS["ko"].get_template("error.html").render(
        lang="ko", user=None, csrf="", path="/", headline="h", detail="", code=404)
    assert "첫 페이지로 돌아가기" in ko
