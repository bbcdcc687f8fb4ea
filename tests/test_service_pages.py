"""The service's web pages in a real browser: Debian's chromium driven by Selenium, against a
real ``autograder serve`` on 127.0.0.1 (one server and one browser for the module).

A student logs in, uploads the solution notebook, watches it go from queued to graded
without reloading, reads the feedback (also on a phone-sized window); another student gets
404; staff read the class report, regrade with a preview and watch the progress; every page
escapes a hostile student name, file name and feedback; forms without their CSRF token are
refused; the pages speak Korean. Each page's screenshot is decoded (Pillow) and checked:
the right size, not blank.
"""

from __future__ import annotations

import contextlib
import csv
import io
import re
import sqlite3
import time
from pathlib import Path

import httpx

import pytest

from browser_helpers import HEIGHT, WIDTH, chromium
from service_helpers import ROOT, Server, cli, make_course, make_roster, submit, wait_done

pytestmark = pytest.mark.slow

EVIL_NAME = "<script>window.__xss=1</script>"
EVIL_FILE = "<img src=x onerror=window.__xss=2>.py"  # no quotes: multipart clients escape them
# A submission whose feedback carries markup: printed at import and raised by every function.
PAYLOAD = '<script>window.__xss=3</script><img src=x onerror="window.__xss=4"> <b>bold</b> [x](javascript:alert(1))'
EVIL_PY = f"""
print({PAYLOAD!r})
def _bad(*a, **k):
    raise ValueError({PAYLOAD!r})
to_numpy = standardize = pairwise_sq_dists = batched_matvec = one_hot = masked_mean = softmax = _bad
sliding_windows = _bad
""".encode()
DOCS = ROOT / "docs"
MUTANT = "solutions/01_tensors/mutants/standardize_unbiased_var.py"  # it states a misconception


# ---------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pages")
    course = make_course(tmp, "")
    db = tmp / "svc.db"
    tokens, staff = make_roster(tmp, db, students=["alice", "bob", "carol", "dave", "erin"])
    roster = tmp / "evil.csv"
    roster.write_text(f"student_id,name\nevil,{EVIL_NAME}\n")
    cli("roster", "import", str(roster), "--db", str(db), "--tokens-out", str(tmp / "evil-tokens.csv"))
    tokens["evil"] = (tmp / "evil-tokens.csv").read_text().splitlines()[1].split(",")[1]
    server = Server(course, db, tmp / "data").start()
    server.tokens, server.staff = tokens, staff
    server.ids = {}
    yield server
    server.stop()


@pytest.fixture(scope="module")
def mistaken(site, solution_source):
    """dave and erin submit the solution with a known mistake (a mutant of standardize), graded."""
    code = (solution_source + "\n\n" + (ROOT / MUTANT).read_text(encoding="utf-8")).encode()
    ids = {}
    for who in ("dave", "erin"):
        with site.client(site.tokens[who]) as api:
            r = submit(api, "01_tensors", f"{who}.py", code)
            assert r.status_code == 202, r.text
            ids[who] = r.json()["id"]
    for who, sid in ids.items():
        with site.client(site.tokens[who]) as api:
            assert wait_done(api, sid)["status"] == "graded"
    return ids


@pytest.fixture(scope="module")
def browser():
    driver = chromium(60)
    yield driver
    driver.quit()


# ---------------------------------------------------------------------------- helpers

def by_css(driver, css):
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, css)


def h1(driver) -> str:
    # One script call: an element found in one call can be gone in the next (navigation, live refresh).
    return driver.execute_script("const h = document.querySelector('h1'); return h ? h.innerText : ''")


def login(driver, site, who: str) -> None:
    driver.delete_all_cookies()
    driver.get(site.url + "/?lang=en")
    field = by_css(driver, "input[name=token]")[0]
    assert by_css(driver, "label[for=token]"), "the token field has no label"
    field.send_keys(site.staff if who == "staff" else site.tokens[who])
    by_css(driver, "form button[type=submit]")[-1].click()
    wait(driver, lambda d: d.current_url.rstrip("/").endswith(("/staff", str(site.port))) and by_css(d, ".logout"))


def wait(driver, cond, timeout: float = 30):
    from selenium.webdriver.support.ui import WebDriverWait

    from selenium.common.exceptions import StaleElementReferenceException

    return WebDriverWait(driver, timeout, poll_frequency=0.2,
                         ignored_exceptions=[StaleElementReferenceException]).until(cond)


def shot(driver, tmp_path: Path, name: str, heading: str | None = None, width: int = WIDTH,
         docs: str | None = None) -> Path:
    """Save a screenshot and check it: the window's width, not blank, the right heading."""
    from PIL import Image

    if heading is not None:
        assert heading in h1(driver), f"{name}: heading {h1(driver)!r}"
    path = tmp_path / f"{name}.png"
    assert driver.save_screenshot(str(path))
    img = Image.open(path).convert("RGB")
    assert img.size[0] == width and img.size[1] > 300, img.size
    small = img.resize((img.size[0] // 4, img.size[1] // 4))
    colours = small.getcolors(maxcolors=1 << 16) or []
    not_background = sum(n for n, c in colours if sum(c) < 700)
    assert len(colours) > 10 and not_background > 0.01 * small.size[0] * small.size[1], f"{name}: blank page"
    if docs and (DOCS / docs).parent.is_dir() and __import__("os").environ.get("AUTOGRADER_DOCS_SHOTS"):
        # The README's screenshots (AUTOGRADER_DOCS_SHOTS=1): a palette keeps them small.
        img.convert("P", palette=Image.Palette.ADAPTIVE, colors=96).save(DOCS / docs, optimize=True)
    return path


def assert_escaped(driver, texts=()) -> None:
    """Nothing a student sent became markup; what they sent is shown as text."""
    assert driver.execute_script("return window.__xss === undefined"), "a payload ran"
    assert not by_css(driver, "img[onerror], img[src=x], b"), "a payload became an element"
    scripts = [s.get_attribute("src") for s in by_css(driver, "script")]
    assert all(s and s.endswith("/static/app.js") for s in scripts), scripts
    assert not by_css(driver, "a[href^='javascript']")
    body = by_css(driver, "body")[0].text
    for text in texts:
        assert text in body, f"{text!r} is not shown as text on {driver.current_url}"


@contextlib.contextmanager
def page_client(site, who: str | None, lang: str = "en"):
    """An httpx client logged in through the login form (cookie session), or anonymous."""
    with httpx.Client(base_url=site.url, timeout=60, headers={"Accept-Language": lang}) as c:
        if who is not None:
            token = site.staff if who == "staff" else site.tokens[who]
            r = c.post("/", data={"token": token, "csrf": csrf_of(c.get("/").text)})
            assert r.status_code == 303, r.text
        yield c


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


# ---------------------------------------------------------------------------- tests

def test_login_page(site, browser, tmp_path):
    browser.delete_all_cookies()
    browser.get(site.url + "/")
    shot(browser, tmp_path, "login", "Log in")
    assert browser.find_element("name", "token").get_attribute("type") == "password"
    cookie = next(c for c in browser.get_cookies() if c["name"] == "ag_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"


def test_student_uploads_watches_and_reads_feedback(site, browser, tmp_path):
    login(browser, site, "alice")
    shot(browser, tmp_path, "home", "Your assignments")
    browser.get(site.url + "/a/01_tensors")
    assert all(by_css(browser, f"label[for={i}]") for i in ("file",))
    browser.find_element("id", "file").send_keys(str(ROOT / "solutions/01_tensors/01_tensors.ipynb"))
    by_css(browser, "#upload button[type=submit]")[0].click()
    wait(browser, lambda d: "sent=" in d.current_url)
    sid = re.search(r"sent=([\w-]+)", browser.current_url).group(1)
    site.ids["alice"] = sid
    url = browser.current_url
    seen = []
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:  # the page updates itself: never reloaded here
        status = browser.execute_script(  # read in one step: the live refresh replaces the rows
            "const c = document.querySelector(arguments[0]); return c && c.dataset.status", f"#row-{sid} .status")
        if status and (not seen or seen[-1] != status):
            seen.append(status)
            if status == "queued":
                shot(browser, tmp_path, "assignment-queued", "Tensors")
        if status in ("graded", "ungradable", "not_graded"):
            break
        time.sleep(0.3)
    assert browser.current_url == url
    assert seen[0] in ("queued", "grading") and seen[-1] == "graded", seen
    shot(browser, tmp_path, "assignment-graded", "Tensors")
    by_css(browser, f"#row-{sid} a")[0].click()
    wait(browser, lambda d: f"/s/{sid}" in d.current_url)
    shot(browser, tmp_path, "feedback", "Feedback", docs="screenshot-feedback.png")
    assert by_css(browser, "article.feedback table"), "the feedback's exercise table is not a table"
    assert by_css(browser, "article.feedback h1") and by_css(browser, "table.results tbody tr")
    # after_published, not published: the hidden tests' results are not shown yet
    assert "releases" in by_css(browser, ".note")[0].text
    assert all(t.text != "hidden" for t in by_css(browser, "table.results td:nth-child(5)"))
    # A phone: the page fits the width (tables scroll inside their own box).
    browser.set_window_size(390, 844)
    try:
        browser.refresh()
        width = browser.execute_script("return window.innerWidth")
        assert browser.execute_script("return document.documentElement.scrollWidth") <= width + 1
        shot(browser, tmp_path, "feedback-phone", "Feedback", width=width)
    finally:
        browser.set_window_size(WIDTH, HEIGHT)
    # The upload comes back as sent.
    with page_client(site, "alice") as c:
        r = c.get(f"/s/{sid}/file")
    assert r.status_code == 200 and r.content == (ROOT / "solutions/01_tensors/01_tensors.ipynb").read_bytes()


def test_another_student_gets_404(site):
    sid = site.ids["alice"]
    with page_client(site, "bob") as c:
        for path in (f"/s/{sid}", f"/s/{sid}/file", "/staff", "/staff/a/01_tensors/report", "/s/s_nonexistent"):
            r = c.get(path)
            assert r.status_code == 404, (path, r.status_code)
            assert "<h1>Not found (or not yours).</h1>" in r.text and "Tensors" not in r.text
        assert sid not in c.get("/a/01_tensors").text
    with page_client(site, None) as c:  # not logged in: to the login form
        r = c.get(f"/s/{sid}")
        assert r.status_code == 303 and r.headers["location"].startswith("/?next=")


def test_hostile_names_files_and_feedback_are_text_in_every_page(site, browser, tmp_path):
    with site.client(site.tokens["evil"]) as api:
        r = submit(api, "01_tensors", EVIL_FILE, EVIL_PY)
        assert r.status_code == 202, r.text
        sub = wait_done(api, r.json()["id"])
    assert "<script>window.__xss=3</script>" in sub["feedback_md"]  # the feedback does carry it
    sid = sub["id"]
    login(browser, site, "evil")
    for path, texts in (("/", [EVIL_NAME]), ("/a/01_tensors", [EVIL_FILE]),
                        (f"/s/{sid}", [EVIL_FILE, "<script>window.__xss=3</script>"])):
        browser.get(site.url + path)
        assert_escaped(browser, texts)
    shot(browser, tmp_path, "feedback-hostile", "Feedback")
    login(browser, site, "staff")
    for path, texts in (("/staff", [EVIL_NAME]), ("/staff/a/01_tensors", []),
                        ("/staff/student/evil", [EVIL_NAME, EVIL_FILE]), (f"/s/{sid}", [EVIL_FILE])):
        browser.get(site.url + path)
        assert_escaped(browser, texts)


def test_forms_without_their_csrf_token_are_refused(site):
    with page_client(site, None) as c:
        assert c.post("/", data={"token": site.tokens["bob"]}).status_code == 403
        assert c.get("/a/01_tensors").status_code == 303  # still logged out: to the login form
    with page_client(site, "bob") as c:
        r = c.post("/a/01_tensors", files={"file": ("bob.py", b"x = 1\n")})
        assert r.status_code == 403
        r = c.post("/a/01_tensors", data={"csrf": "forged"}, files={"file": ("bob.py", b"x = 1\n")})
        assert r.status_code == 403
        assert c.post("/logout").status_code == 403
        assert "Your assignments" in c.get("/").text  # the refused logout did not log out
    with page_client(site, "staff") as c:
        for path, data in (("/staff/a/01_tensors/publish", {}), ("/staff/revoke", {"user": "bob"}),
                           ("/staff/a/01_tensors/regrade", {"confirm": "yes"}),
                           ("/staff/a/01_tensors/extend", {"student": "bob", "extra": "2"})):
            assert c.post(path, data=data).status_code == 403, path
        page = c.get("/staff").text
        assert "revoked" not in page  # nothing was done
    with site.client(site.tokens["bob"]) as api:  # bob's token still works
        assert api.get("/api/v1/me").status_code == 200


def test_upload_and_feedback_without_javascript(site):
    """A plain form post, as a browser without JavaScript sends it; pending pages refresh themselves."""
    with page_client(site, "carol") as c:
        page = c.get("/a/01_tensors").text
        assert 'enctype="multipart/form-data"' in page
        r = c.post("/a/01_tensors", data={"csrf": csrf_of(page)}, files={"file": ("carol.py", b"def f(:\n")})
        assert r.status_code == 303
        sid = re.search(r"sent=([\w-]+)", r.headers["location"]).group(1)
        page = c.get(r.headers["location"]).text
        assert f'id="row-{sid}"' in page
        if 'data-status="queued"' in page or 'data-status="grading"' in page:
            assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in page
        with site.client(site.tokens["carol"]) as api:
            sub = wait_done(api, sid)
        page = c.get(f"/s/{sid}").text  # the feedback is in the HTML itself: no script needed to read it
        assert '<article class="feedback">' in page and f'data-status="{sub["status"]}"' in page
        assert "<h1>Feedback: " in page and "<noscript>" not in page


def test_staff_forms_extend_and_revoke_and_logout(site):
    with page_client(site, "bob") as bob, page_client(site, "staff") as staff:
        page = staff.get("/staff/a/01_tensors")
        r = staff.post("/staff/a/01_tensors/extend", data={"csrf": csrf_of(page.text), "student": "bob",
                                                            "due": "2030-01-01T00:00:00+00:00", "extra": "2"})
        assert r.status_code == 303 and "done=extended" in r.headers["location"]
        assert "2030-01-01 00:00 UTC" in bob.get("/a/01_tensors").text  # bob's own due date moved
        bad = staff.post("/staff/a/01_tensors/extend", data={"csrf": csrf_of(page.text), "student": "nobody"})
        assert bad.status_code == 422 and "nobody" in bad.text
        csv = staff.get("/staff/a/01_tensors/gradebook.csv")
        assert csv.status_code == 200 and csv.text.splitlines()[0].startswith("student")
        assert {"alice", "bob", "evil"} <= {line.split(",")[0] for line in csv.text.splitlines()[1:]}
        # A date picker's value (no offset) is the course's time: this course's due date is in UTC.
        r = staff.post("/staff/a/01_tensors/extend", data={"csrf": csrf_of(page.text), "student": "bob",
                                                            "due": "2030-01-02T08:30"})
        assert r.status_code == 303 and "2030-01-02 08:30 UTC" in bob.get("/a/01_tensors").text
        assert 'type="datetime-local"' in page.text and "UTC+00:00" in page.text
        # Revoking asks first (a page, for a browser without JavaScript): nothing is revoked yet.
        r = staff.post("/staff/revoke", data={"csrf": csrf_of(staff.get("/staff").text), "user": "bob"})
        assert r.status_code == 200 and "Revoke the token of bob?" in r.text
        assert bob.get("/a/01_tensors").status_code == 200
        r = staff.post("/staff/revoke", data={"csrf": csrf_of(r.text), "user": "bob", "confirm": "yes"})
        assert r.status_code == 303
        assert bob.get("/a/01_tensors").status_code == 303  # bob's session ended with his token
        with site.client(site.tokens["bob"]) as api:
            assert api.get("/api/v1/me").status_code == 401
        r = staff.post("/logout", data={"csrf": csrf_of(staff.get("/staff").text)})
        assert r.status_code == 303 and staff.get("/staff").status_code == 303


def test_pages_in_korean(site, browser, tmp_path):
    with page_client(site, None, lang="ko-KR,ko;q=0.9,en;q=0.5") as c:
        r = c.get("/")
        assert '<html lang="ko">' in r.text and "<h1>로그인</h1>" in r.text
    with page_client(site, "alice", lang="ko") as c:
        text = c.get("/a/01_tensors").text
        assert "내 제출 기록" in text and "채점 완료" in text
    with site.client("0123456789ab.wrong") as api:  # the API's errors too
        r = api.get("/api/v1/me", headers={"Accept-Language": "ko"})
        assert r.status_code == 401 and r.json()["error"].startswith("다시 로그인하세요") and "token" in r.json()["error"]
        assert api.get("/api/v1/me").json()["error"].startswith("no valid token")
    browser.delete_all_cookies()
    browser.get(site.url + "/?lang=ko")  # the switch (a cookie keeps the choice)
    assert h1(browser) == "로그인"
    browser.get(site.url + "/")
    assert h1(browser) == "로그인" and browser.find_element("css selector", "html").get_attribute("lang") == "ko"
    login_ko = browser.find_element("name", "token")
    login_ko.send_keys(site.tokens["alice"])
    by_css(browser, "form button[type=submit]")[-1].click()
    wait(browser, lambda d: by_css(d, ".logout"))
    browser.get(site.url + f"/s/{site.ids['alice']}")
    shot(browser, tmp_path, "feedback-ko", "피드백")
    browser.get(site.url + "/?lang=en")
    assert h1(browser) == "Your assignments"


def test_known_mistakes_on_the_staff_page_only_in_both_languages(site, mistaken):
    """1 mistake, 2 students: the staff page, in English and Korean, and the CSV; a student
    sees neither the page nor who else made it."""
    row = re.compile(r'<tr data-mistake="standardize_unbiased_var" data-count="(\d+)">(.*?)</tr>', re.S)
    for lang, heading in (("en", "Known mistakes"), ("ko", "알려진 실수")):
        with page_client(site, "staff", lang) as staff:
            page = staff.get("/staff/a/01_tensors", headers={"Accept-Language": lang}).text
        assert heading in page
        found = row.findall(page)
        assert len(found) == 1 and found[0][0] == "2", found
        assert ">dave<" in found[0][1] and ">erin<" in found[0][1] and "alice" not in found[0][1]
        assert len(re.findall(r'<tr data-mistake=', page)) == 1  # alice's solution shows none
        if lang == "ko":
            assert re.search("[\uac00-\ud7a3]", found[0][1].split("</code>")[1]), "the misconception is not in Korean"
    with page_client(site, "staff") as staff:
        table = staff.get("/staff/a/01_tensors/gradebook.csv").text
    mistakes = {r["student"]: r["mistakes:standardize"] for r in csv.DictReader(io.StringIO(table))}
    assert mistakes["dave"] == mistakes["erin"] == "standardize_unbiased_var" and mistakes["alice"] == ""
    with page_client(site, "dave") as dave:
        for path in ("/staff/a/01_tensors", "/staff/a/01_tensors/report", "/staff/a/01_tensors/gradebook.csv"):
            r = dave.get(path)
            assert r.status_code == 404 and "erin" not in r.text and "Known mistakes" not in r.text, path
        own = dave.get(f"/s/{mistaken['dave']}").text
        assert "known mistake" in own and "erin" not in own  # dave reads his own diagnosis, nobody else's


def test_staff_report_regrade_with_preview_and_progress(site, browser, tmp_path, mistaken):
    login(browser, site, "staff")
    shot(browser, tmp_path, "staff", "Staff")
    assert by_css(browser, "#queue table.queue")
    browser.get(site.url + "/staff/a/01_tensors")
    shot(browser, tmp_path, "staff-assignment", "Class report", docs="screenshot-staff-report.png")
    # The known mistakes, as the browser lays them out: one row, 2 students, both named.
    rows = by_css(browser, "#mistakes table.mistakes tbody tr")
    assert len(rows) == 1 and rows[0].get_attribute("data-count") == "2", [r.text for r in rows]
    assert rows[0].find_elements("tag name", "td")[-1].text == "dave, erin"
    assert rows[0].find_elements("tag name", "td")[2].text.strip()  # its misconception, in words
    labels = {e.get_attribute("for") for e in by_css(browser, "label")}
    inputs = {e.get_attribute("id") for e in by_css(browser, "main input:not([type=hidden])")}
    assert inputs <= labels, f"inputs without a label: {inputs - labels}"

    def report_rows():
        browser.switch_to.frame(by_css(browser, "iframe.report")[0])
        try:
            assert "Score distribution" in browser.page_source
            return {r.find_elements("tag name", "td")[0].text: r.find_elements("tag name", "td")[1].text
                    for r in by_css(browser, "#students tr") if r.find_elements("tag name", "td")}
        finally:
            browser.switch_to.default_content()

    before = report_rows()
    assert before["alice"] == "graded" and before["evil"] == "graded" and before["bob"] == "missing", before
    # Regrade alice: a preview of whose submissions (and counted scores), then progress.
    browser.find_element("id", "regrade-student").send_keys("alice")
    by_css(browser, "form[action$='/regrade'] button")[0].click()
    wait(browser, lambda d: "preview" in h1(d).lower())
    shot(browser, tmp_path, "regrade-preview", "Regrade")
    # The dry run grades alice's submission in the background; the page refreshes in place.
    wait(browser, lambda d: "1 of 1 previewed" in d.find_element("id", "preview").text, timeout=300)
    shot(browser, tmp_path, "regrade-preview-done", "Regrade")
    rows = by_css(browser, "table.regrade tbody tr")
    assert len(rows) == 1 and "alice" in rows[0].text and "yes" in rows[0].text
    with sqlite3.connect(site.db) as db:  # a preview changes no grade
        assert db.execute("SELECT grades FROM submissions WHERE id=?", (site.ids["alice"],)).fetchone()[0] == 1
    by_css(browser, "form[action$='/regrade'] button")[0].click()
    wait(browser, lambda d: "progress" in h1(d).lower())
    wait(browser, lambda d: "1 of 1 graded again" in d.find_element("id", "regrade").text, timeout=300)
    shot(browser, tmp_path, "regrade-progress", "Regrade")
    assert by_css(browser, "#regrade td.status")[0].get_attribute("data-status") == "graded"
    # The report now shows the regraded submission (one more grading recorded for it).
    browser.get(site.url + "/staff/a/01_tensors")
    assert report_rows()["alice"] == "graded"
    with site.client(site.staff) as api:
        subs = api.get("/api/v1/submissions", params={"assignment": "01_tensors", "student": "alice"}).json()
    assert subs[0]["status"] == "graded"

    with sqlite3.connect(site.db) as db:
        assert db.execute("SELECT grades FROM submissions WHERE id=?", (site.ids["alice"],)).fetchone()[0] == 2
        assert db.execute("SELECT COUNT(*) FROM audit WHERE action='regrade-apply'").fetchone()[0] == 1
    # Publish, then alice sees her hidden tests.
    by_css(browser, "form[action$='/publish'] button")[0].click()
    wait(browser, lambda d: "published" in d.current_url)
    login(browser, site, "alice")
    browser.get(site.url + f"/s/{site.ids['alice']}")
    assert any(t.text == "hidden" for t in by_css(browser, "table.results td:nth-child(5)"))


# ---------------------------------------------------------------------------- one voice, phones

VOICE_PY = b"""
import torch
def to_numpy(t):
    raise NotImplementedError()
def softmax(x, dim=-1):
    return torch.exp(x) / torch.exp(x).sum()  # forgets dim
"""
# Every element inside the page's width, nothing scrolled sideways inside a box, and no
# Korean word broken inside (keep-all): what a phone shows, measured in the real browser.
FITS_JS = """
const W = window.innerWidth, bad = [];
for (const el of document.querySelectorAll('body *')) {
  if (el.closest('.sr') || el.closest('option') || el.closest('datalist')) continue;
  const r = el.getBoundingClientRect();
  if (r.width && r.height && (r.right > W + 1 || r.left < -1)) bad.push('outside ' + (el.closest('table') ? '#' + el.closest('table').id + ' ' : '') + el.tagName + '.' + el.className + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
  const s = getComputedStyle(el);
  if (['auto', 'scroll'].includes(s.overflowX) && el.scrollWidth > el.clientWidth + 1) bad.push('scrolls ' + el.tagName + '.' + el.className);
}
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let n = walker.nextNode(); n; n = walker.nextNode()) {
  if (n.parentElement.closest('code, pre, .sr, script, style')) continue;
  for (const m of n.textContent.matchAll(/[\\uac00-\\ud7a3]+/g)) {
    const range = document.createRange(); range.setStart(n, m.index); range.setEnd(n, m.index + m[0].length);
    const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
    if (lines.size > 1) bad.push('word broken: ' + m[0]);
  }
}
return {scroll: document.documentElement.scrollWidth, width: W, bad: bad.slice(0, 8)};
"""


def assert_fits(driver, where: str) -> None:
    got = driver.execute_script(FITS_JS)
    assert got["scroll"] <= got["width"] and not got["bad"], (where, got)


def test_one_voice_in_the_terminal_and_the_pages(site, browser, tmp_path):
    """The same result says the same thing in `autograder submit` and on the feedback page: a
    stub is "not started yet", a wrong value shows what differs and the hint; the receipt
    names the page (test_sanitize: an ungradable reason is text, not Markdown)."""
    from autograder.feedback import not_started_text

    f = tmp_path / "01_tensors.py"
    f.write_bytes(VOICE_PY)
    r = cli("submit", str(f), "--server", site.url, "--token", site.tokens["carol"], check=False)
    assert r.returncode == 0, r.stdout + r.stderr
    said = " ".join(r.stdout.split())  # rich wraps at the terminal's width
    stub = not_started_text(("to_numpy",), lambda m: m)
    assert stub in said and "raised NotImplementedError: " not in said, said
    sid = re.search(r"Feedback: (\S+)/s/(s_[\w-]+)", said)
    assert sid and sid.group(1) == site.url, said
    with site.client(site.tokens["carol"]) as api:
        sub = api.get(f"/api/v1/submissions/{sid.group(2)}").json()
    by_name = {t["name"]: t for t in sub["results"]}
    wrong = next(t for t in sub["results"] if "softmax" in t["exercises"] and t["status"] == "failed")
    assert "Hint" in wrong["output"] and " ".join(wrong["output"].split()) in said  # the whole text, hint too
    assert any(t["not_started"] and t["output"] == stub for t in by_name.values())

    login(browser, site, "carol")
    for lang in ("en", "ko"):
        for width in (390, WIDTH):
            browser.set_window_size(width, 844 if width == 390 else HEIGHT)
            try:
                browser.get(site.url + f"/s/{sid.group(2)}?lang={lang}")
                assert_fits(browser, f"feedback {lang} {width}")
                rows = browser.execute_script(
                    "return [...document.querySelectorAll('table.results tr.message pre')].map(p => {"
                    " const r = p.getBoundingClientRect(); return [p.innerText, r.right <= innerWidth && r.width > 0]; })")
                assert rows and all(visible for _, visible in rows), rows
                texts = " ".join(" ".join(t.split()) for t, _ in rows)
                if lang == "en":
                    assert stub in texts and " ".join(wrong["output"].split()) in texts
                    assert "not started yet" in by_css(browser, "tr.result-not_started td:nth-child(3)")[0].text
                if lang == "ko" and width == 390:
                    browser.execute_script("document.querySelector('table.results').scrollIntoView()")
                    shot(browser, tmp_path, "feedback-phone-ko", "피드백", width=browser.execute_script(
                        "return window.innerWidth"), docs="screenshot-feedback-phone-ko.png")
            finally:
                browser.set_window_size(WIDTH, HEIGHT)


def test_every_page_fits_a_phone_and_a_desktop_in_both_languages(site, browser):
    """390 px and desktop width, English and Korean: page width is the window's, no column
    or hint leaves the screen, Korean wraps between words; the embedded report speaks the
    page's language and lists students with no submission apart from ungradable ones."""
    sid = site.ids["alice"]
    pages = {"carol": ["/", "/a/01_tensors", f"/s/{sid}"],
             "staff": ["/staff", "/staff/a/01_tensors", "/staff/student/alice", "/staff/a/01_tensors/report",
                       f"/s/{sid}"]}
    for who, paths in pages.items():
        login(browser, site, who)
        for lang in ("en", "ko"):
            browser.get(site.url + f"/?lang={lang}")
            for width in (390, WIDTH):
                browser.set_window_size(width, 844 if width == 390 else HEIGHT)
                try:
                    for path in paths:
                        if who == "carol" and path.startswith("/s/"):
                            continue  # alice's: not carol's to read
                        browser.get(site.url + path)
                        assert_fits(browser, f"{who} {path} {lang} {width}")
                finally:
                    browser.set_window_size(WIDTH, HEIGHT)
        if who == "staff":
            browser.get(site.url + "/staff/a/01_tensors/report?lang=ko")
            text = by_css(browser, "body")[0].text
            assert "점수 분포" in text and "Score distribution" not in text, text[:300]
            missing = by_css(browser, "#missing")
            assert missing and "bob" in missing[0].text  # no submission: listed apart
            assert "bob" not in "".join(e.text for e in by_css(browser, "ul li"))  # not as "not gradable"
            # Revoke asks first: dismissed, nothing happens; without the script, a page asks.
            browser.get(site.url + "/staff?lang=en")
            form = by_css(browser, "form[action='/staff/revoke']")[0]
            form.find_element("css selector", "button").click()
            alert = browser.switch_to.alert
            assert "Revoke the token of" in alert.text
            alert.dismiss()
            assert "revoked" not in browser.current_url and h1(browser) == "Staff"
            browser.execute_script("arguments[0].submit()", form)  # no submit event: as without JavaScript
            wait(browser, lambda d: "?" in h1(d))
            assert_fits(browser, "revoke confirmation")
            assert by_css(browser, "input[name=confirm][value=yes]") and by_css(browser, "a[href='/staff']")
