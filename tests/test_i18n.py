"""Languages: choosing one, and Korean catalogs that cover every message the code marks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from autograder import i18n

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("tag, lang", [("ko", "ko"), ("ko_KR.UTF-8", "ko"), ("ko-KR", "ko"), ("EN_us", "en"),
                                       ("fr_FR.UTF-8", None), ("", None), (None, None)])
def test_normalise(tag, lang):
    assert i18n.normalise(tag) == lang


def test_choose_prefers_the_flag_then_the_variable_then_the_locale():
    env = {"AUTOGRADER_LANG": "ko", "LANG": "en_US.UTF-8"}
    assert i18n.choose("en", env) == "en"
    assert i18n.choose(None, env) == "ko"
    assert i18n.choose(None, {"LANG": "ko_KR.UTF-8"}) == "ko"
    assert i18n.choose(None, {"LC_ALL": "C.UTF-8", "LANG": "ko_KR.UTF-8"}) == "en"  # LC_ALL wins, as in libc
    assert i18n.choose(None, {"LANGUAGE": "fr:ko"}) == "ko"
    assert i18n.choose(None, {}) == "en"
    with pytest.raises(ValueError, match="choose one of en, ko"):
        i18n.choose("fr", {})


@pytest.mark.parametrize("header, lang", [
    ("ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7", "ko"),
    ("en-US,en;q=0.9,ko;q=0.8", "en"),
    ("fr-FR,fr;q=0.9,ko;q=0.5", "ko"),
    ("ko;q=0.2,en;q=0.9", "en"),
    ("ko;q=0", "en"),
    ("*", "en"),
    ("", "en"),
    (None, "en"),
    ("garbage;q=abc", "en"),
])
def test_negotiate_follows_accept_language(header, lang):
    assert i18n.negotiate(header) == lang


def test_english_is_the_source_and_unknown_domains_are_refused():
    assert i18n.gettext("public tests passed", "en") == "public tests passed"
    with pytest.raises(ValueError, match="unknown message domain"):
        i18n.translations("ko", "nope")


def _catalogs():
    return sorted((i18n.LOCALE_DIR).glob("*/LC_MESSAGES/*.po"))


@pytest.mark.parametrize("po", _catalogs(), ids=lambda p: f"{p.parts[-3]}/{p.stem}")
def test_every_message_is_translated_and_keeps_its_placeholders(po):
    with po.open("rb") as f:
        catalog = read_po(f)
    missing = [m.id for m in catalog if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
    assert not missing, f"{po}: translate these (then run the tests again): {missing[:10]}"
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not fuzzy, f"{po}: review these fuzzy translations and drop the 'fuzzy' flag: {fuzzy[:10]}"
    problems = [(m.id, [str(e) for e in errs]) for m, errs in catalog.check() if errs]
    assert not problems, f"{po}: placeholders differ between English and the translation: {problems[:5]}"


def test_catalogs_cover_every_marked_message(tmp_path):
    """`make i18n` was run after the last marked message changed: nothing is left in English."""
    keywords = ["-k", "_", "-k", "N_", "-k", "gettext", "-k", "ngettext:1,2"]
    domains = {"autograder": (["--ignore-dirs", "service locale"], ROOT / "autograder")}
    if (ROOT / "autograder" / "service").is_dir():
        domains["service"] = ([], ROOT / "autograder" / "service")
    for domain, (extra, src) in domains.items():
        pot = tmp_path / f"{domain}.pot"
        subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F",
                        str(ROOT / "babel.cfg"), *keywords, *extra, "--no-location", "-o", str(pot), str(src)],
                       check=True, cwd=ROOT)
        with pot.open("rb") as f:
            wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
        po = i18n.LOCALE_DIR / "ko" / "LC_MESSAGES" / f"{domain}.po"
        with po.open("rb") as f:
            have = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
        assert not wanted - have, f"run 'make i18n' and translate in {po}: {sorted(wanted - have)[:10]}"
