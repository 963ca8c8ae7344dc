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
- characters that no XML string holds (controls other than tab, LF and CR, surrogates,
  U+FFFE, U+FFFF) are dropped from classes and ranges: the pattern is an ``xsd:string``
  literal, which cannot contain them, and the values it is matched against cannot either;
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
``(?i:...)``, a character outside a class that no XML string holds (``\\x07``), a class
left empty once those are dropped, and any pattern Python itself rejects (such as the
``L`` flag on text).
"""

from __future__ import annotations

import re
import unicodedata
import warnings
from dataclasses import dataclass
from functools import lru_cache

from secid_rdf.findings import SecidRdfError

__all__ = [
    "UntranslatableRegexError",
    "XPathRegex",
    "python_to_xpath",
]

_PYTHON_WHITESPACE = "\\t\\n\\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
"""The characters Python's ``\\s`` matches in a ``str`` pattern, as a class body, less
U+000B, U+000C and U+001C-U+001F, which no XML string holds."""

_ASCII_CLASSES = {"d": "0-9", "w": "0-9A-Za-z_", "s": "\\t\\n\\r "}
"""Class bodies of ``\\d``, ``\\w``, ``\\s`` under Python's ``ASCII`` flag."""

_XPATH_META = frozenset(".\\?*+{}()|[]^$")
"""Characters that must be escaped to stand for themselves outside a class."""

_CLASS_META = frozenset("\\[]^-")
"""Characters escaped inside a class (``-`` always, so ranges are never ambiguous)."""

_XML_CHARS = ((0x9, 0xA), (0xD, 0xD), (0x20, 0xD7FF), (0xE000, 0xFFFD), (0x10000, 0x10FFFF))
"""The code points of XML 1.0's ``Char``: the only ones an ``xsd:string`` literal holds."""

_CLASS_DEDUP = frozenset("&~|")
"""Characters Rust reads as set operators when doubled inside a class."""

_GLOBAL_FLAGS = re.compile(r"\(\?([aimsux]+)\)")
_QUANTIFIER = re.compile(r"\{(\d*)(?:(,)(\d*))?\}")


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


@dataclass(frozen=True)
class XPathRegex:
    """A pattern in XPath regex syntax and its flags (a subset of ``"ims"``, sorted)."""

    pattern: str
    flags: str = ""


class _Translator:
    """Recursive-descent reader of a Python pattern that writes the XPath form."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.pos = 0
        self.flags: set[str] = set()

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

    def run(self) -> XPathRegex:
        self.read_global_flags()
        body = self.alternation()
        if self.pos < len(self.source):
            raise self.fail("unbalanced ')'")
        return XPathRegex(body, "".join(sorted(self.flags & set("ims"))))

    def read_global_flags(self) -> None:
        while True:
            self.skip_verbose()
            found = _GLOBAL_FLAGS.match(self.source, self.pos)
            if found is None:
                return
            self.flags |= set(found.group(1)) - {"u"}
            self.pos = found.end()

    # -- structure -----------------------------------------------------------------------

    def alternation(self) -> str:
        branches = [self.sequence()]
        while self.peek() == "|":
            self.pos += 1
            branches.append(self.sequence())
        return "|".join(branches)

    def sequence(self) -> str:
        parts: list[str] = []
        while True:
            self.skip_verbose()
            if self.peek() in ("", "|", ")"):
                break
            atom, quantifiable = self.atom()
            self.skip_verbose()
            quantifier = self.quantifier()
            if quantifier and not quantifiable:
                raise self.fail("quantifier after an anchor")
            parts.append(atom + quantifier)
        return "".join(parts)

    def quantifier(self) -> str:
        """Read a quantifier, if any, and give its XPath text."""
        char = self.peek()
        if char in ("*", "+", "?"):
            self.pos += 1
            text = char
        elif char == "{" and (found := _QUANTIFIER.match(self.source, self.pos)):
            low, comma, high = found.group(1), found.group(2), found.group(3)
            if not low and not comma:
                return ""
            self.pos = found.end()
            low = low or "0"
            text = f"{{{low},{high}}}" if comma else f"{{{low}}}"
        else:
            return ""
        if self.peek() == "+":
            raise self.fail("possessive quantifier")
        if self.peek() == "?":
            self.pos += 1
            text += "?"
        return text

    def atom(self) -> tuple[str, bool]:
        """Read one atom: its XPath text, and whether it can be quantified."""
        char = self.peek()
        start = self.pos
        self.pos += 1
        if char == "(":
            return self.group(start)
        if char == "[":
            return self.char_class(), True
        if char == "\\":
            return self.escape(), not self.source.startswith(("\\A", "\\Z"), start)
        if char == ".":
            return ("." if "s" in self.flags else "[^\\n]"), True
        if char in ("^", "$"):
            return char, False
        if char in ("*", "+", "?"):
            raise self.fail("nothing to repeat", start)
        return self.literal(char, start), True

    def group(self, start: int) -> tuple[str, bool]:
        if self.startswith("?"):
            opener = self.group_opener(start)
            if opener is None:
                return "", False
        else:
            opener = "("
        body = self.alternation()
        if self.peek() != ")":
            raise self.fail("missing ')'", start)
        self.pos += 1
        return f"{opener}{body})", True

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
            return self.literal(chr(int(octal.group(), 8)), start)
        return self.literal(self.escaped_char(char, start), start)

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
                items.extend(_xml_range(low, high))
            elif len(low) == 1:
                if (low in _CLASS_DEDUP and low in seen) or not _is_xml_char(low):
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
        if not body and negated:
            return "[\\s\\S]"
        if not body:
            raise self.fail("empty character class (or only characters no XML string holds)", start)
        return f"[{caret}{body}]"

    def literal(self, char: str, start: int) -> str:
        """A character outside a class, escaped when XPath reads it as syntax."""
        if not _is_xml_char(char):
            raise self.fail(f"U+{ord(char):04X} cannot appear in an XML string", start)
        return "\\" + char if char in _XPATH_META else char

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


def _is_xml_char(char: str) -> bool:
    """Whether an XML 1.0 document, hence an ``xsd:string``, may hold ``char``."""
    return any(low <= ord(char) <= high for low, high in _XML_CHARS)


def _xml_range(low: str, high: str) -> list[str]:
    """The class items for the range ``low-high`` less the characters no XML string holds."""
    items = []
    for first, last in _XML_CHARS:
        start, end = max(first, ord(low)), min(last, ord(high))
        if start == end:
            items.append(_class_char(chr(start)))
        elif start < end:
            items.append(f"{_class_char(chr(start))}-{_class_char(chr(end))}")
    return items


def _class_char(char: str) -> str:
    """A character inside a class, escaped when any of the three engines reads it as syntax."""
    return "\\" + char if char in _CLASS_META else char


@lru_cache(maxsize=4096)
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
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)  # "possible set operation" hints
            re.compile(pattern)
    except re.error as error:
        raise UntranslatableRegexError(
            pattern, f"not a valid Python regex ({error.msg})", error.pos
        ) from None
    return _Translator(pattern).run()
