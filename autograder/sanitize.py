"""Student text made safe to show: the one sanitiser every writer's text has been through.

Trusted side. Anything a student controls (what their code printed, exception messages and
tracebacks from the worker, reprs of returned values, notebook cell sources quoted in notes,
file and student names) passes through ``clean`` where it enters the trusted side, so every
writer (results.json, feedback.md, the terminal, the HTML report, the CSV, the gradebook)
receives text that:

- is valid Unicode: bytes are decoded as UTF-8 with U+FFFD for what is not, lone
  surrogates (from a worker's JSON or a file name) become U+FFFD too;
- holds no control characters but newline and tab: every other C0/C1 control (NUL, ESC,
  the carriage return that overwrites a printed line, OSC clipboard writes), the Unicode
  line/paragraph separators and the bidirectional overrides that reorder what a reader
  sees (Trojan Source) are shown as visible escapes (``\\x1b``, ``\\u202e``);
- is bounded: lines longer than ``max_line`` and text longer than ``max_chars`` are cut,
  with a note of how much was cut.

``clean`` is idempotent on its own output (escapes are plain backslashes and letters), so a
writer may apply it again without harm. Markup stays text with ``fence`` (Markdown: a fence
of more backticks than any run in the text) and ``terminal`` (a rich ``Text`` that is
never parsed as markup); HTML writers escape with ``html.escape``.
"""

from __future__ import annotations

import re

from rich.text import Text

# What students see in their results' messages is decided here (what is cut, what is escaped):
# part of every grade's cache key (cache_key.py), so changing it regrades.
DECIDES_GRADES = True

MAX_LINE = 2_000  # characters of one line (a 1 MB line is a flood, not a message)
MAX_CHARS = 64_000  # characters of one piece of text
_SLACK = 64  # over a cap by less than this is left alone: the cut notes fit, so cleaning is idempotent

# Shown as escapes: C0 controls but \t and \n, DEL, C1 controls, line/paragraph separators,
# and the bidirectional formatting characters (embeddings, overrides, isolates, marks).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
                     "\u200e\u200f\u061c\ufeff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape(m: re.Match) -> str:
    c = ord(m.group())
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def clean(text: object, *, max_line: int = MAX_LINE, max_chars: int = MAX_CHARS) -> str:
    """``text`` (str, bytes, or anything: its ``str``) as safe, bounded, valid Unicode."""
    if isinstance(text, (bytes, bytearray, memoryview)):
        s = bytes(text).decode("utf-8", "replace")
    elif isinstance(text, str):
        s = text
    else:
        try:
            s = str(text)
        except Exception:  # noqa: BLE001 - a value whose __str__ raises is shown, not obeyed
            s = f"<{type(text).__name__} that cannot be shown>"
    # Bound the work before anything else: a 50 MB message costs one slice, not a regex pass.
    keep = max_chars * 2 + 4096  # room for escapes; more than clean() ever returns
    cut = len(s) - keep
    if cut > 0:
        s = s[:keep]
    s = _SURROGATE.sub("\ufffd", s)
    s = s.replace("\r\n", "\n")  # Windows line ends are line ends; a lone \r is an overwrite
    s = _UNSAFE.sub(_escape, s)
    s = _cap_lines(s, max_line)
    if len(s) > max_chars + _SLACK or cut > 0:
        more = max(0, len(s) - max_chars) + max(0, cut)
        s = s[:max_chars] + f"\n... [{more} more characters not shown]"
    return s


def _cap_lines(s: str, max_line: int) -> str:
    limit = max_line + _SLACK
    if len(s) <= limit or all(len(line) <= limit for line in s.split("\n")):
        return s
    out = []
    for line in s.split("\n"):
        if len(line) > limit:
            line = line[:max_line] + f" ... [{len(line) - max_line} more characters on this line]"
        out.append(line)
    return "\n".join(out)


def clean_name(name: object, max_chars: int = 200) -> str:
    """A file or student name for display: one line, bounded, no controls."""
    if isinstance(name, str) and _SURROGATE.search(name):
        # A file name's undecodable bytes arrive as surrogate escapes: show them as bytes.
        try:
            name = name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:
            pass  # other lone surrogates: clean() replaces them
    s = clean(name, max_line=max_chars, max_chars=max_chars)
    return s.replace("\n", "\\n").replace("\t", "\\t")


def clean_tree(value: object, _depth: int = 0) -> object:
    """A JSON-like tree (a worker's ``sandbox`` description) with every string cleaned."""
    if _depth > 8:
        return None
    if isinstance(value, str):
        return clean(value, max_chars=4_000)
    if isinstance(value, dict):
        return {clean_name(k, 100): clean_tree(v, _depth + 1) for k, v in list(value.items())[:100]}
    if isinstance(value, (list, tuple)):
        return [clean_tree(v, _depth + 1) for v in list(value)[:100]]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return clean(value, max_chars=4_000)


def fence(text: str, info: str = "") -> list[str]:
    """Markdown lines holding ``text`` in a code fence it cannot close: the fence is one
    backtick longer than the longest run of backticks in the text (at least three)."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    bar = "`" * max(3, longest + 1)
    return [bar + info, text.rstrip("\n"), bar]


def terminal(text: str, style: str = "") -> Text:
    """Student text for a rich console: a ``Text``, so ``[red]`` in it stays literal."""
    return Text(text, style=style)


def utf8(text: str) -> bytes:
    """The bytes a writer puts on disk: UTF-8, never raising (a surrogate that slipped past
    ``clean`` is written as its escape instead of stopping the writer)."""
    return text.encode("utf-8", "backslashreplace")
