"""Registry regexes: Python ``re`` syntax in, a portable SPARQL/SHACL form out.

Registry patterns are written for Python ``re`` (inline flags such as ``(?i)``). SPARQL
``REGEX``/``REPLACE`` and SHACL ``sh:pattern`` take an XPath regex and a separate flags
string. :func:`python_to_xpath` rewrites a pattern into the subset of syntax that three
engines read the same way:

- XPath 3.1 ``fn:matches`` (https://www.w3.org/TR/xpath-functions-31/#regex-syntax),
- Rust ``regex`` (what Oxigraph runs for SPARQL ``REGEX``),
- Python ``re`` (what pyshacl runs for ``sh:pattern``).

Rewrites, each keeping Python's meaning:

- leading global flags ``(?i)``, ``(?m)``, ``(?s)`` go to ``flags``; ``(?x)`` is applied
  here (whitespace and comments dropped) and ``(?a)`` turns ``\\d``/``\\w``/``\\s`` into
  their ASCII classes; ``(?u)`` is Python's default and is dropped;
- ``.`` without the ``s`` flag becomes ``[^\\n]`` (XPath's ``.`` also refuses ``\\r``);
- ``\\s``/``\\S`` become explicit classes of Python's whitespace set (XPath's ``\\s`` is only
  space, tab, CR and LF);
- ``(?P<name>...)`` becomes a plain group (same group number); ``(?#...)`` is dropped;
- ``\\A``/``\\Z`` become ``^``/``$`` (without the ``m`` flag); ``{,n}`` becomes ``{0,n}``;
- escapes XPath does not know (``\\/``, ``\\#``, ``\\x41``, ``\\u00e9``) become the character;
  literal ``{``, ``}``, ``]`` are escaped; in classes ``-``, ``[``, ``^`` are escaped and a
  repeated ``&`` or ``~`` is dropped (Rust reads ``&&``/``~~`` as set operations).

Kept as written: ``\\d`` (Unicode ``Nd`` digits in all three engines), ``\\w``/``\\W``,
``(?:...)`` (XPath 3.0 and later), lazy quantifiers, ``^``. Known divergences, documented
rather than rewritten: ``\\w`` differs outside ASCII (Python counts ``No`` numbers such as
``²``; Rust counts combining marks; XPath counts symbols); Python's ``$`` also matches before
a final newline, the translated ``$`` only at the very end (stricter, and what a whole-value
identifier pattern means).

Untranslatable (:class:`UntranslatableRegexError`): lookarounds, back-references,
``\\b``/``\\B``, atomic groups and possessive quantifiers, conditionals, scoped flags
``(?i:...)``, and any pattern Python itself rejects (such as the ``L`` flag on text).

:func:`match_bounded` is the safe way to run an untrusted pattern with Python ``re``.
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from dataclasses import dataclass
from functools import lru_cache

from secid_rdf.findings import SecidRdfError

__all__ = [
    "BACKTRACKING_BUDGET",
    "MAX_PATTERN_LENGTH",
    "MAX_TEXT_LENGTH",
    "UnsafeRegexError",
    "UntranslatableRegexError",
    "XPathRegex",
    "match_bounded",
    "python_to_xpath",
]

MAX_PATTERN_LENGTH = 1000
"""Longest pattern :func:`match_bounded` runs (the longest registry pattern is ~120)."""

MAX_TEXT_LENGTH = 1000
"""Longest text :func:`match_bounded` runs a pattern on (identifiers are far shorter)."""

BACKTRACKING_BUDGET = 1 << 26
"""Most backtracking paths :func:`match_bounded` accepts for one pattern and text.

The estimate multiplies, over the pattern's quantifiers, ``max + 1`` (``len(text) + 1`` for an
unbounded one), and the branch count of each alternation, and once more ``len(text) + 1``
when the pattern is not anchored with ``^`` (``re.search`` tries every start). Measured
worst cases at the limit stay well under a second (see ``tests/test_regex.py``).
"""

_PYTHON_WHITESPACE = (
    "\\t\\n\x0b\x0c\\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
)
"""The characters Python's ``\\s`` matches in a ``str`` pattern, as a class body."""

_ASCII_CLASSES = {"d": "0-9", "w": "0-9A-Za-z_", "s": "\\t\\n\x0b\x0c\\r "}
"""Class bodies of ``\\d``, ``\\w``, ``\\s`` under Python's ``ASCII`` flag."""

_XPATH_META = frozenset(".\\?*+{}()|[]^$")
"""Characters that must be escaped to stand for themselves outside a class."""

_CLASS_META = frozenset("\\[]^-")
"""Characters escaped inside a class (``-`` always, so ranges are never ambiguous)."""

_CLASS_DEDUP = frozenset("&~|")
"""Characters Rust reads as set operators when doubled inside a class."""

_GLOBAL_FLAGS = re.compile(r"\(\?([aimsux]+)\)")
_QUANTIFIER = re.compile(r"\{(\d*)(?:(,)(\d*))?\}")
_UNBOUNDED = -1


class UntranslatableRegexError(SecidRdfError, ValueError):
    """A Python pattern has no equivalent in the portable XPath/SPARQL subset."""

    def __init__(self, pattern: str, reason: str, position: int | None = None) -> None:
        self.pattern = pattern
        self.reason = reason
        self.position = position
        where = "" if position is None else f" at offset {position}"
        super().__init__(
            f"cannot translate regex {pattern!r}{where}: {reason}; rewrite it without this "
            "construct (SPARQL REGEX and sh:pattern use XPath regex syntax)"
        )


class UnsafeRegexError(SecidRdfError, ValueError):
    """A pattern or text is outside the limits :func:`match_bounded` runs safely."""

    def __init__(self, pattern: str, reason: str) -> None:
        self.pattern = pattern
        self.reason = reason
        super().__init__(f"refusing to run regex {pattern!r}: {reason}")


@dataclass(frozen=True)
class XPathRegex:
    """A pattern in XPath regex syntax and its flags (a subset of ``"ims"``, sorted)."""

    pattern: str
    flags: str = ""


@dataclass(frozen=True)
class _Info:
    """What a parsed piece contains, for the backtracking guard.

    ``repeated`` holds the atoms repeated inside (XPath text); ``first_literal`` the literal
    character the piece must start with, if any: a repeat of ``-[a-z]+`` is safe because
    every round starts with a ``-`` that ``[a-z]+`` cannot eat.
    """

    repeated: tuple[str, ...] = ()
    alternation: bool = False
    first_literal: str | None = None

    def is_delimited(self, *, ignore_case: bool) -> bool:
        """True when no repeated atom inside can match the piece's first character."""
        flags = re.IGNORECASE if ignore_case else re.NOFLAG
        return self.first_literal is not None and not any(
            re.fullmatch(atom, self.first_literal, flags) for atom in self.repeated
        )


@dataclass(frozen=True)
class _Analysis:
    """A translation plus what the guard needs to know about the pattern."""

    xpath: XPathRegex
    nested_repeat: bool
    factors: tuple[int | None, ...]
    anchored: bool


class _Translator:
    """Recursive-descent reader of a Python pattern that writes the XPath form."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0
        self.flags: set[str] = set()
        self.nested_repeat = False
        self.factors: list[int | None] = []

    # -- helpers -------------------------------------------------------------------------

    def fail(self, reason: str, position: int | None = None) -> UntranslatableRegexError:
        return UntranslatableRegexError(
            self.source, reason, self.pos if position is None else position
        )

    def peek(self, ahead: int = 0) -> str:
        index = self.pos + ahead
        return self.source[index] if index < len(self.source) else ""

    def startswith(self, text: str) -> bool:
        return self.source.startswith(text, self.pos)

    def skip_verbose(self) -> None:
        """Under ``(?x)``, skip whitespace and ``#`` comments outside classes."""
        if "x" not in self.flags:
            return
        while self.pos < len(self.source):
            char = self.source[self.pos]
            if char in " \t\n\r\x0b\x0c":
                self.pos += 1
            elif char == "#":
                end = self.source.find("\n", self.pos)
                self.pos = len(self.source) if end < 0 else end + 1
            else:
                return

    # -- entry ---------------------------------------------------------------------------

    def run(self) -> _Analysis:
        self.read_global_flags()
        body, _ = self.alternation()
        if self.pos < len(self.source):
            raise self.fail("unbalanced ')'")
        flags = "".join(sorted(self.flags & set("ims")))
        anchored = body.startswith("^") and "m" not in self.flags and "|" not in body
        return _Analysis(XPathRegex(body, flags), self.nested_repeat, tuple(self.factors), anchored)

    def read_global_flags(self) -> None:
        while True:
            self.skip_verbose()
            found = _GLOBAL_FLAGS.match(self.source, self.pos)
            if found is None:
                return
            self.flags |= set(found.group(1)) - {"u"}
            self.pos = found.end()

    # -- structure -----------------------------------------------------------------------

    def alternation(self) -> tuple[str, _Info]:
        branches = []
        infos = []
        while True:
            text, info = self.sequence()
            branches.append(text)
            infos.append(info)
            if self.peek() != "|":
                break
            self.pos += 1
        if len(branches) > 1:
            self.factors.append(len(branches))
            return "|".join(branches), _Info(
                repeated=tuple(atom for info in infos for atom in info.repeated), alternation=True
            )
        return branches[0], infos[0]

    def sequence(self) -> tuple[str, _Info]:
        parts: list[str] = []
        repeated: list[str] = []
        alternation = False
        first_literal = None
        while True:
            self.skip_verbose()
            char = self.peek()
            if char in ("", "|", ")"):
                break
            atom, info, quantifiable = self.atom()
            self.skip_verbose()
            quantifier, maximum = self.quantifier()
            if not parts and not quantifier and _is_literal(atom):
                first_literal = atom[-1]
            if quantifier:
                if not quantifiable:
                    raise self.fail("quantifier after an anchor")
                self.factors.append(None if maximum == _UNBOUNDED else maximum + 1)
                if maximum == _UNBOUNDED or maximum > 1:
                    if info.alternation or (
                        info.repeated and not info.is_delimited(ignore_case="i" in self.flags)
                    ):
                        self.nested_repeat = True
                    repeated.append(atom)
            parts.append(atom + quantifier)
            repeated.extend(info.repeated)
            alternation = alternation or info.alternation
        return "".join(parts), _Info(tuple(repeated), alternation, first_literal)

    def quantifier(self) -> tuple[str, int]:
        """Read a quantifier, if any: its XPath text and its maximum (-1: unbounded)."""
        char = self.peek()
        if char in ("*", "+", "?"):
            self.pos += 1
            text, maximum = char, (1 if char == "?" else _UNBOUNDED)
        elif char == "{" and (found := _QUANTIFIER.match(self.source, self.pos)):
            low, comma, high = found.group(1), found.group(2), found.group(3)
            if not low and not comma:
                return "", 0
            self.pos = found.end()
            low = low or "0"
            if comma:
                text = f"{{{low},{high}}}"
                maximum = int(high) if high else _UNBOUNDED
            else:
                text, maximum = f"{{{low}}}", int(low)
        else:
            return "", 0
        if self.peek() == "+":
            raise self.fail("possessive quantifier")
        if self.peek() == "?":
            self.pos += 1
            text += "?"
        return text, maximum

    def atom(self) -> tuple[str, _Info, bool]:
        """Read one atom: its XPath text, what it contains, whether it can be quantified."""
        char = self.peek()
        start = self.pos
        self.pos += 1
        if char == "(":
            return self.group(start)
        if char == "[":
            return self.char_class(), _Info(), True
        if char == "\\":
            return self.escape(), _Info(), not self.source.startswith(("\\A", "\\Z"), start)
        if char == ".":
            return ("." if "s" in self.flags else "[^\\n]"), _Info(), True
        if char in ("^", "$"):
            return char, _Info(), False
        if char in ("*", "+", "?"):
            raise self.fail("nothing to repeat", start)
        return _literal(char), _Info(), True

    def group(self, start: int) -> tuple[str, _Info, bool]:
        if self.startswith("?"):
            opener = self.group_opener(start)
            if opener is None:
                return "", _Info(), False
        else:
            opener = "("
        body, info = self.alternation()
        if self.peek() != ")":
            raise self.fail("missing ')'", start)
        self.pos += 1
        return f"{opener}{body})", info, True

    def group_opener(self, start: int) -> str | None:
        """Read the ``(?...`` prefix; ``None`` for a comment group, which is dropped."""
        rest = self.source[self.pos :]
        if rest.startswith("?:"):
            self.pos += 2
            return "(?:"
        if rest.startswith("?P<"):
            end = self.source.find(">", self.pos)
            if end < 0:
                raise self.fail("unterminated group name", start)
            self.pos = end + 1
            return "("
        if rest.startswith("?#"):
            end = self.source.find(")", self.pos)
            if end < 0:
                raise self.fail("unterminated comment", start)
            self.pos = end + 1
            return None
        kinds = {
            "?=": "lookahead",
            "?!": "negative lookahead",
            "?<=": "lookbehind",
            "?<!": "negative lookbehind",
            "?P=": "named back-reference",
            "?>": "atomic group",
            "?(": "conditional group",
        }
        for prefix, kind in kinds.items():
            if rest.startswith(prefix):
                raise self.fail(kind, start)
        if re.match(r"\?[aiLmsux-]+:", rest):
            raise self.fail("scoped inline flags (?flags:...)", start)
        if _GLOBAL_FLAGS.match(self.source, start):
            raise self.fail("global flags not at the start of the pattern", start)
        raise self.fail("unknown group syntax", start)

    # -- escapes and classes -------------------------------------------------------------

    def escape(self) -> str:
        """Translate the escape after a ``\\`` outside a class."""
        start = self.pos - 1
        char = self.peek()
        if not char:
            raise self.fail("pattern ends with a backslash", start)
        self.pos += 1
        if char in "dDwWsS":
            return self.shorthand(char, in_class=False)
        if char in "AZ":
            if "m" in self.flags:
                raise self.fail(f"\\{char} under the MULTILINE flag", start)
            return "^" if char == "A" else "$"
        if char in "bB":
            raise self.fail("word boundary \\b/\\B (XPath has none)", start)
        if char.isdigit() and char != "0":
            octal = re.match(r"[0-7]{3}", self.source[start + 1 :])
            if octal is None:
                raise self.fail("back-reference", start)
            self.pos = start + 4
            return _literal(chr(int(octal.group(), 8)))
        return _literal(self.escaped_char(char, start))

    def shorthand(self, letter: str, *, in_class: bool) -> str:
        """``\\d``, ``\\w``, ``\\s`` and their negations, as portable text."""
        lower = letter.lower()
        negated = letter.isupper()
        if "a" in self.flags:
            body = _ASCII_CLASSES[lower]
        elif lower == "s":
            body = _PYTHON_WHITESPACE
        else:
            return "\\" + letter
        if not in_class:
            return f"[{'^' if negated else ''}{body}]"
        if negated:
            raise self.fail(f"\\{letter} inside a class cannot be spelled portably")
        return body

    def escaped_char(self, char: str, start: int) -> str:
        """The single character an escape such as ``\\x41`` or ``\\/`` stands for."""
        simple = {"n": "\n", "t": "\t", "r": "\r", "f": "\x0c", "v": "\x0b", "a": "\x07"}
        if char in simple:
            return simple[char]
        if char == "0":
            digits = re.match(r"[0-7]{0,2}", self.source[self.pos :])
            assert digits is not None
            self.pos += digits.end()
            return chr(int("0" + digits.group(), 8))
        widths = {"x": 2, "u": 4, "U": 8}
        if char in widths:
            hex_digits = self.source[self.pos : self.pos + widths[char]]
            if not re.fullmatch(r"[0-9A-Fa-f]+", hex_digits) or len(hex_digits) != widths[char]:
                raise self.fail(f"bad \\{char} escape", start)
            self.pos += widths[char]
            return chr(int(hex_digits, 16))
        if char == "N":
            end = self.source.find("}", self.pos)
            if not self.startswith("{") or end < 0:
                raise self.fail("bad \\N{...} escape", start)
            name = self.source[self.pos + 1 : end]
            self.pos = end + 1
            try:
                return unicodedata.lookup(name)
            except KeyError:
                raise self.fail(f"unknown character name {name!r}", start) from None
        if char.isascii() and char.isalnum():
            raise self.fail(f"unknown escape \\{char}", start)
        return char

    def char_class(self) -> str:
        """Translate ``[...]`` (the ``[`` already read), following Python's class rules."""
        start = self.pos - 1
        negated = self.peek() == "^"
        if negated:
            self.pos += 1
        items: list[str] = []
        shorthands: list[str] = []
        seen: set[str] = set()
        first = True
        while True:
            char = self.peek()
            if not char:
                raise self.fail("unterminated character class", start)
            if char == "]" and not first:
                self.pos += 1
                break
            first = False
            low = self.class_item()
            if self.peek() == "-" and self.peek(1) not in ("]", ""):
                self.pos += 1
                high = self.class_item()
                if len(low) != 1 or len(high) != 1:
                    raise self.fail("bad character range", start)
                items.append(f"{_class_char(low)}-{_class_char(high)}")
            elif len(low) == 1:
                if low in _CLASS_DEDUP and low in seen:
                    continue
                seen.add(low)
                items.append(_class_char(low))
            else:
                shorthands.append(low[1:])
        return self.class_text(items, shorthands, negated=negated, start=start)

    def class_text(
        self, items: list[str], shorthands: list[str], *, negated: bool, start: int
    ) -> str:
        """Assemble a class from its parts.

        A shorthand with its own negation (``[\\s\\S]``) is any character, and a lone
        negated shorthand (``[\\S]``) is the shorthand outside a class.
        """
        caret = "^" if negated else ""
        if any(letter.swapcase() in shorthands for letter in shorthands):
            return f"[{caret}\\s\\S]"
        if not items and len(shorthands) == 1 and shorthands[0].isupper():
            letter = shorthands[0].lower() if negated else shorthands[0]
            return self.shorthand(letter, in_class=False)
        body = "".join(items) + "".join(
            self.shorthand(letter, in_class=True) for letter in shorthands
        )
        if not body:
            raise self.fail("empty character class", start)
        return f"[{caret}{body}]"

    def class_item(self) -> str:
        """One class member: a single character, or ``"\\0" + text`` for a shorthand."""
        char = self.peek()
        self.pos += 1
        if char != "\\":
            return char
        start = self.pos - 1
        escaped = self.peek()
        if not escaped:
            raise self.fail("pattern ends with a backslash", start)
        self.pos += 1
        if escaped in "dDwWsS":
            return "\0" + escaped
        if escaped == "b":
            return "\x08"
        if escaped.isdigit() and escaped != "0":
            raise self.fail("octal escape inside a class", start)
        return self.escaped_char(escaped, start)


def _is_literal(atom: str) -> bool:
    """True when translated atom text stands for one literal character."""
    return (len(atom) == 1 and atom not in "^$") or (len(atom) == 2 and atom[1] in _XPATH_META)


def _literal(char: str) -> str:
    """A character outside a class, escaped when XPath reads it as syntax."""
    return "\\" + char if char in _XPATH_META else char


def _class_char(char: str) -> str:
    """A character inside a class, escaped when any of the three engines reads it as syntax."""
    return "\\" + char if char in _CLASS_META else char


@lru_cache(maxsize=4096)
def _analyse(pattern: str) -> _Analysis:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # "possible set operation" hints
            re.compile(pattern)
    except re.error as error:
        raise UntranslatableRegexError(
            pattern, f"not a valid Python regex ({error.msg})", error.pos
        ) from None
    return _Translator(pattern).run()


def python_to_xpath(pattern: str) -> XPathRegex:
    """Translate a registry (Python ``re``) pattern into XPath syntax plus flags.

    :param pattern: the pattern as written in the registry.
    :returns: the portable pattern and its flags, for SPARQL ``REGEX`` and ``sh:pattern``.
    :raises UntranslatableRegexError: the pattern uses a construct with no portable
        equivalent, or Python itself rejects it.

    >>> python_to_xpath(r"(?i)^CVE-\\d{4}-\\d{4,}$")
    XPathRegex(pattern='^CVE-\\\\d{4}-\\\\d{4,}$', flags='i')
    >>> python_to_xpath(r"^10\\.\\d{4,}/.+$").pattern
    '^10\\\\.\\\\d{4,}/[^\\\\n]+$'
    """
    return _analyse(pattern).xpath


def _backtracking_estimate(analysis: _Analysis, length: int) -> int:
    """The product bounding how many paths a backtracking search may try.

    See :data:`BACKTRACKING_BUDGET`.
    """
    estimate = 1 if analysis.anchored else length + 1
    for factor in analysis.factors:
        estimate *= length + 1 if factor is None else factor
        if estimate > BACKTRACKING_BUDGET:
            break
    return estimate


def match_bounded(pattern: str, text: str) -> re.Match[str] | None:
    """Search ``text`` with an untrusted Python pattern, refusing what could run away.

    Python's ``re`` backtracks, so a hostile pattern such as ``(a+)+$`` can take years on a
    short text. Before running, this refuses patterns longer than
    :data:`MAX_PATTERN_LENGTH`, texts longer than :data:`MAX_TEXT_LENGTH`, a repeated
    group that itself holds a repeat or an alternation (``(a+)+``, ``(a|aa)*``), and any
    pattern whose estimated backtracking on this text exceeds :data:`BACKTRACKING_BUDGET`
    (``[a-z]+[a-z]+[a-z]+\\d`` unanchored on 256 letters). Only patterns that
    :func:`python_to_xpath` accepts run, so what matches here can also match in SPARQL.
    SPARQL stores need none of this: Oxigraph's regex engine runs in linear time.

    :param pattern: a registry pattern (Python syntax, inline flags allowed).
    :param text: the value to test.
    :returns: the match (``re.search`` semantics), or ``None``.
    :raises UnsafeRegexError: the pattern or text is outside the limits above.
    :raises UntranslatableRegexError: the pattern is not portable (see module docs).

    >>> bool(match_bounded(r"(?i)^cve$", "CVE"))
    True
    >>> match_bounded(r"^(a+)+$", "a" * 30)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    ...
    secid_rdf.convert.regex.UnsafeRegexError: refusing to run regex '^(a+)+$': a repeated group ...
    """
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise UnsafeRegexError(pattern[:60] + "...", f"longer than {MAX_PATTERN_LENGTH}")
    if len(text) > MAX_TEXT_LENGTH:
        raise UnsafeRegexError(pattern, f"text longer than {MAX_TEXT_LENGTH} characters")
    analysis = _analyse(pattern)
    if analysis.nested_repeat:
        raise UnsafeRegexError(pattern, "a repeated group holds another repeat or an alternation")
    if _backtracking_estimate(analysis, len(text)) > BACKTRACKING_BUDGET:
        raise UnsafeRegexError(
            pattern, f"too many ways to backtrack over {len(text)} characters; simplify it"
        )
    return re.search(pattern, text)
