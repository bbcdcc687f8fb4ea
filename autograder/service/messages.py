"""What a refused request means, in the reader's language (the ``service`` message domain).

The service's own error sentences (core.py's ServiceError) say exactly what happened and what to do, in
English; a reader who asked for another language (Accept-Language, or the pages' switch)
gets this translated headline for the status code first, then that sentence.
"""

from __future__ import annotations

from autograder import i18n


def N_(message: str) -> str:
    """Marks a message for extraction (make i18n); translated where it is shown."""
    return message


HEADLINES = {
    400: N_("The request was refused."),
    401: N_("Log in again: your session ended or your token is no longer valid."),
    403: N_("This page or action is not for your account."),
    404: N_("Not found (or not yours)."),
    409: N_("This assignment is closed."),
    413: N_("The file is too large."),
    415: N_("This file is not a notebook, a Python file or a zip."),
    422: N_("The form was incomplete."),
    429: N_("You have used all your submissions for now."),
}
#: The headline of a check()'s look-up of known mistakes over its rate (diagnoses.py).
TOO_MANY_LOOKUPS = N_("Too many look-ups of known mistakes for now.")
#: The headline of an upload refused by upload_check.py (a 422 whose form was complete).
NOT_THIS_ASSIGNMENT = N_("This file cannot be this assignment's work.")


def t(message: str) -> str:
    """``message`` in the current command's or grading's language (``i18n.current()``: ``--lang``,
    AUTOGRADER_LANG or the locale; a server's slot threads inherit it). Import it as ``_``."""
    return i18n.gettext(message, i18n.current(), "service")


def headline(status: int, lang: str, text: str | None = None) -> str:
    """The headline of ``status`` (or ``text``, an N_-marked headline of its own) in ``lang``."""
    return i18n.gettext(text or HEADLINES.get(status, HEADLINES[400]), lang, "service")


def upload_refused(reason: str, lang: str, **fields: str) -> str:
    """Why an upload cannot be this assignment's work (upload_check.Refusal's ``reason``), in
    ``lang``: what was uploaded, what was expected, and that it used no submission."""
    text = {
        "empty": N_("{uploaded} is an empty file: nothing to grade. Expected your notebook for {assignment} "
                    "({assignment}.ipynb) with your solutions: save it and upload it again. This upload used no "
                    "submission."),
        "no_code": N_("{uploaded} has no code cells (only text, empty or skipped cells): nothing to grade. "
                      "Expected your notebook for {assignment} ({assignment}.ipynb) with your solutions: save "
                      "it and upload it again. This upload used no submission."),
        "other_assignment": N_("{uploaded} is the work of {other} (it defines {found}), not of {assignment}. "
                               "Expected your notebook for {assignment} ({assignment}.ipynb), which defines "
                               "{expected}: upload that one. This upload used no submission."),
        "other_notebook": N_("{uploaded} is the notebook of {other}, not of {assignment}. Expected your notebook "
                             "for {assignment} ({assignment}.ipynb): upload that one. This upload used no "
                             "submission."),
    }[reason]
    return i18n.gettext(text, lang, "service").format(**fields)


def api_error(status: int, message: str, accept_language: str | None, localized=None,
              headline_text: str | None = None) -> str:
    """An API error's text: the English sentence as is, or the translated headline (the
    status code's, or ``headline_text``) before it (or, for an error that can say itself in
    the reader's language, ``localized(lang)``)."""
    lang = i18n.negotiate(accept_language)
    if lang == i18n.DEFAULT:
        return message
    if localized is not None:
        return localized(lang)
    return f"{headline(status, lang, headline_text)} ({message})"
