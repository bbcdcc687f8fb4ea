"""The platform's languages: English (the source strings) and Korean.

Every message the platform itself writes (the CLI, tables, `check()` output, the frame of
`feedback.md`, the service's pages and errors) is looked up here. Catalogs are gettext
`.po` files under ``autograder/locale/<lang>/LC_MESSAGES/<domain>.po``, one domain per
audience: ``autograder`` (what the grader and the notebook helper say) and ``service``
(the submission service's pages and API errors). The `.po` files are the one source of
truth: they are compiled in memory on first use (Babel), so no `.mo` file can go stale.
Update them with ``make i18n`` (``pybabel extract`` + ``update``).

Runs on the trusted side and in a student's kernel; holds nothing secret.
"""

from __future__ import annotations

import contextlib
import contextvars
import io
import os
import re
from functools import lru_cache
from typing import Iterator
from pathlib import Path

from babel.core import Locale, UnknownLocaleError, negotiate_locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LOCALE_DIR = Path(__file__).with_name("locale")
DEFAULT = "en"
LANGUAGES = ("en", "ko")
DOMAINS = ("autograder", "service")
# What a person may type for a language: `--lang ko`, `AUTOGRADER_LANG=ko_KR.UTF-8`, ...
NAMES = {"en": "English", "ko": "한국어"}
# What text in a language looks like: a "Korean" hint or misconception in English words is untranslated.
SCRIPTS = {"ko": re.compile(r"[\uac00-\ud7a3]")}


def normalise(tag: str | None) -> str | None:
    """'ko_KR.UTF-8', 'ko-kr', 'KO' -> 'ko'; a language we do not speak -> None."""
    if not tag:
        return None
    base = tag.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
    return base if base in LANGUAGES else None


def choose(explicit: str | None = None, environ: dict[str, str] | None = None) -> str:
    """The language for a command: ``--lang``, then ``AUTOGRADER_LANG``, then the locale.

    An explicit choice we cannot honour is an error the user can fix; an environment
    that names another language falls back to English quietly (it was not a request).
    """
    if explicit is not None:
        lang = normalise(explicit)
        if lang is None:
            raise ValueError(f"unknown language {explicit!r}: choose one of {', '.join(LANGUAGES)}")
        return lang
    env = os.environ if environ is None else environ
    for var in ("AUTOGRADER_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(var)
        if value:
            # LANGUAGE may list several ("ko:en"); the first one we speak wins.
            for part in value.split(":"):
                lang = normalise(part)
                if lang:
                    return lang
            if var != "LANGUAGE":
                return DEFAULT
    return DEFAULT


def negotiate(accept_language: str | None) -> str:
    """The language for a browser, from its ``Accept-Language`` header (q-values honoured)."""
    if not accept_language:
        return DEFAULT
    weighted = []
    for i, item in enumerate(accept_language.split(",")):
        tag, _, params = item.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if tag and q > 0:
            weighted.append((-q, i, tag.strip().replace("-", "_")))
    preferred = [tag for _, _, tag in sorted(weighted)]
    found = negotiate_locale(preferred, list(LANGUAGES), sep="_")
    return normalise(found) or DEFAULT


@lru_cache(maxsize=None)
def translations(lang: str, domain: str = "autograder") -> NullTranslations:
    """The catalog of one language and domain; English (the source strings) needs none."""
    if domain not in DOMAINS:
        raise ValueError(f"unknown message domain {domain!r}: one of {', '.join(DOMAINS)}")
    lang = normalise(lang) or DEFAULT
    po = LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"
    if lang == DEFAULT or not po.is_file():
        return NullTranslations()
    with po.open("rb") as f:
        catalog = read_po(f, locale=lang, domain=domain)
    buf = io.BytesIO()
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return Translations(buf, domain=domain)


def gettext(message: str, lang: str, domain: str = "autograder") -> str:
    return translations(lang, domain).gettext(message)


def ngettext(singular: str, plural: str, n: int, lang: str, domain: str = "autograder") -> str:
    return translations(lang, domain).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; translate it where it is shown."""
    return message


def display_name(lang: str) -> str:
    """A language's name in itself, for a language switch."""
    try:
        return Locale.parse(lang).get_display_name(lang) or NAMES[lang]
    except (UnknownLocaleError, ValueError):
        return NAMES.get(lang, lang)


# ----------------------------------------------------------------------------- a grading's language
# A grading's texts are fixed in the language chosen when it is graded: the grader sets it
# for the run (`using`), and what the harness, the comparison library and the tests write
# while it runs reads it (`current`, `t`, `tr`). A context variable, so concurrent gradings
# in threads of one process do not mix their languages.
_GRADING: contextvars.ContextVar[str | None] = contextvars.ContextVar("autograder_lang", default=None)


def current() -> str:
    """The language of the grading running now (outside one: ``choose()``'s answer)."""
    return _GRADING.get() or choose()


@contextlib.contextmanager
def using(lang: str) -> Iterator[str]:
    """Run a grading (or a check) in ``lang``."""
    token = _GRADING.set(normalise(lang) or DEFAULT)
    try:
        yield _GRADING.get()
    finally:
        _GRADING.reset(token)


def t(message: str) -> str:
    """``message`` in the current grading's language (import it as ``_`` to mark messages)."""
    return gettext(message, current())


def tr(en: str, **translations: str) -> str:
    """For test authors: the text in the grading's language, from the versions given
    (``tr("Hint: ...", ko="힌트: ...")``); English when the language has none."""
    return translations.get(current(), en)

