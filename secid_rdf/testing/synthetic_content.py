"""What a synthetic registry holds: the namespaces planned, and each one's facts.

The real registry grows by hundreds of namespace files a month; benchmarks and scale tests
need registries of 1k, 10k and 100k namespaces that look like it. The statistics follow
the May 2026 snapshot (``secid-7df975b``): the spread of types, how many match nodes a file
holds, how often nodes have children (depth 0..2), URL kinds, URL templates with
``{placeholders}`` and ``variables``, regex-class names, example objects, versions; and,
for Markdown, the Feb 2026 snapshot's ``sources``/``names``/top-level-pattern shapes,
integer source keys and bodies with horizontal rules.

Everything comes from ``random.Random`` seeded with strings, so the output is the same for
every run and every ``PYTHONHASHSEED``. Namespaces are generated one at a time and written
at once: memory stays flat at any size, and the first N namespaces of a larger registry
are the N namespaces of a smaller one with the same seed.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "FORMATS",
    "TYPES",
    "TYPE_WEIGHTS",
    "VERSION_STATUSES",
    "Content",
    "Node",
    "SyntheticNamespace",
    "build_content",
    "check_formats",
    "iter_synthetic_namespaces",
    "namespace_file_path",
]

FORMATS = ("json", "markdown")
"""The two namespace file formats of the registry."""

TYPE_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("disclosure", 486),
    ("entity", 215),
    ("control", 208),
    ("reference", 171),
    ("advisory", 56),
    ("capability", 54),
    ("regulation", 49),
    ("methodology", 23),
    ("weakness", 13),
    ("ttp", 4),
)
"""Namespace files per type in the May 2026 snapshot; types are drawn in these proportions."""

TYPES = tuple(name for name, _ in TYPE_WEIGHTS)
_TYPE_CUM = tuple(itertools.accumulate(w for _, w in TYPE_WEIGHTS))

_MARKDOWN_ONLY_SHARE = 0.1
"""With both formats, the share of namespaces written only as Markdown."""
_TWIN_SHARE = 0.09
"""With both formats, the share of JSON namespaces that also get a Markdown twin (121/1279)."""

_TLDS = (
    ("com", 45),
    ("org", 25),
    ("gov", 5),
    ("io", 4),
    ("net", 3),
    ("de", 2),
    ("eu", 2),
    ("gov.uk", 2),
    ("co.jp", 2),
    ("org.au", 1),
    ("dev", 1),
    ("cn", 1),
    ("ch", 1),
    ("int", 1),
)
_TLD_NAMES = tuple(t for t, _ in _TLDS)
_TLD_CUM = tuple(itertools.accumulate(w for _, w in _TLDS))

_ORG_STEMS = (
    "acme",
    "northwind",
    "bluepeak",
    "irongate",
    "clearwater",
    "redoak",
    "silverline",
    "brightpath",
    "stonebridge",
    "quantum",
    "sentinel",
    "harbor",
    "keystone",
    "lumen",
    "meridian",
    "nimbus",
    "orbit",
    "pinnacle",
    "riverbend",
    "summit",
    "tidal",
    "vertex",
    "wayfinder",
    "zephyr",
    "cobalt",
    "granite",
    "falcon",
    "cedar",
    "aurora",
    "beacon",
)
_SUB_SEGMENTS = ("advisories", "security", "cloud", "products", "labs", "research", "psirt")
_SOURCE_WORDS = (
    "bulletins",
    "advisories",
    "notices",
    "alerts",
    "catalog",
    "framework",
    "baseline",
    "benchmark",
    "guide",
    "matrix",
    "standard",
    "taxonomy",
    "registry",
    "papers",
    "reports",
    "controls",
    "profile",
    "handbook",
    "errata",
    "tracker",
    "database",
    "playbook",
)
_SENTENCES = (
    "The publisher maintains this list and updates it several times a year.",
    "Identifiers are assigned in order and never reused.",
    "Each record links to the affected products and the fixed versions.",
    "Older entries are kept online but are no longer updated.",
    "The catalogue is cross-referenced with CVE records where one exists.",
    "Records are available as HTML pages and as a machine-readable bulk download.",
    "Numbering restarted when the programme was reorganised.",
    "A public API returns the same records as JSON; no key is required.",
    "Controls are grouped into domains, each with a short code.",
    "National adoptions reuse the international numbering with a local prefix.",
    "Editions are identified by year; the current edition supersedes all earlier ones.",
    "Entries carry a severity rating and a short summary written by the vendor.",
    "Coverage is strongest for the vendor's own products and weaker for third-party code.",
    "The site requires no login for reading, but rate limits apply to scripted access.",
)
_ORG_TYPES = ("Vendor", "Researcher", "Open Source", "CERT", "Hosted Service", "Consortium")
_CONTENT_TYPES = ("text/html", "text/html", "text/html", "application/json", "application/pdf")
_URL_KINDS_EXTRA = ("docs", "api", "bulk_data", "github", "paper", "search", "security")
VERSION_STATUSES = ("current", "superseded", "superseded", "withdrawn")
_MD_STATUSES = ("active", "active", "active", "draft", "superseded", "historical")
_JSON_STATUSES = ("draft",) * 17 + ("published", "proposed", "pending")


@dataclass(frozen=True)
class SyntheticNamespace:
    """One planned namespace: its type, namespace string and the formats it is written in."""

    index: int
    type: str
    namespace: str
    formats: tuple[str, ...]


@dataclass
class Node:
    """A match entry before rendering: a name-level source or a deeper child."""

    regex: str
    literal: str | None
    description: str
    weight: int
    examples: list[str]
    aliases: list[str] = field(default_factory=list)
    template: str | None = None
    content_type: str | None = None
    variables: dict[str, dict[str, str]] = field(default_factory=dict)
    example_urls: bool = False
    children: list[Node] = field(default_factory=list)
    data: dict[str, object] = field(default_factory=dict)
    urls: list[tuple[str, str, str | None]] = field(default_factory=list)
    versions: list[str] = field(default_factory=list)
    subpath_regexes: list[str] = field(default_factory=list)
    lookup: str | None = None
    has_md_examples: bool = True


@dataclass
class Content:
    """One namespace's facts, rendered to JSON and/or Markdown from the same values."""

    plan: SyntheticNamespace
    domain: str
    status_json: str
    status_md: str
    official_name: str
    common_name: str | None
    notes: str
    urls: list[tuple[str, str, str | None]]
    nodes: list[Node]
    md_shape: str
    body: list[str]


def _weighted(rng: random.Random, names: Sequence[str], cum: Sequence[int]) -> str:
    """Pick one name with the cumulative weights ``cum`` (faster than ``rng.choices``)."""
    return rng.choices(names, cum_weights=cum)[0]


def _base36(number: int) -> str:
    """Short lower-case token that makes every generated domain unique."""
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
        if number == 0:
            return out


def iter_synthetic_namespaces(
    n_namespaces: int, *, seed: int = 0, formats: Sequence[str] = FORMATS
) -> Iterator[SyntheticNamespace]:
    """Plan ``n_namespaces`` distinct (type, namespace) pairs, as the writer will write them.

    Organisations publish in one to three types (the real registry has about 1.5 files
    per distinct namespace), so several namespaces share a domain across types.

    :param n_namespaces: how many namespaces to plan.
    :param seed: changes every generated value; the same seed gives the same plan.
    :param formats: ``json`` and/or ``markdown``.
    :returns: the planned namespaces, in writing order.
    :raises ValueError: on an unknown format or a negative count.

    >>> [p.namespace for p in iter_synthetic_namespaces(3)][:1]
    ['tidal0.com']
    """
    chosen = check_formats(formats)
    if n_namespaces < 0:
        raise ValueError(f"n_namespaces must be 0 or more, got {n_namespaces}")
    index = 0
    org = 0
    while index < n_namespaces:
        rng = random.Random(f"secid-synthetic:{seed}:org:{org}")
        namespace = _org_namespace(rng, org)
        n_types = 1 + (rng.random() < 0.4) + (rng.random() < 0.1)
        types: list[str] = []
        while len(types) < n_types:
            kind = _weighted(rng, TYPES, _TYPE_CUM)
            if kind not in types:
                types.append(kind)
        for kind in types:
            if index == n_namespaces:
                break
            yield SyntheticNamespace(index, kind, namespace, _file_formats(rng, chosen))
            index += 1
        org += 1


def check_formats(formats: Sequence[str]) -> tuple[str, ...]:
    """The requested formats in canonical order; at least one, all known."""
    unknown = sorted(set(formats) - set(FORMATS))
    if unknown or not formats:
        raise ValueError(f"formats must be a non-empty subset of {FORMATS}, got {tuple(formats)}")
    return tuple(f for f in FORMATS if f in formats)


def _file_formats(rng: random.Random, chosen: tuple[str, ...]) -> tuple[str, ...]:
    """Which files one namespace gets: JSON, Markdown, or both (twins)."""
    if len(chosen) == 1:
        return chosen
    roll = rng.random()
    if roll < _MARKDOWN_ONLY_SHARE:
        return ("markdown",)
    if roll < _MARKDOWN_ONLY_SHARE + _TWIN_SHARE:
        return ("json", "markdown")
    return ("json",)


def _org_namespace(rng: random.Random, org: int) -> str:
    """A unique DNS-style namespace; some have sub-namespace paths, a few upper case."""
    stem = rng.choice(_ORG_STEMS) + _base36(org)
    if rng.random() < 0.01:
        stem = stem.capitalize()
    domain = f"{stem}.{_weighted(rng, _TLD_NAMES, _TLD_CUM)}"
    roll = rng.random()
    if roll < 0.05:
        return f"{rng.choice(_SUB_SEGMENTS)}.{domain}"
    if roll < 0.15:
        return f"{domain}/{rng.choice(_SUB_SEGMENTS)}"
    if roll < 0.17:
        return f"{domain}/{rng.choice(_SUB_SEGMENTS)}/{rng.choice(_SOURCE_WORDS)}"
    return domain


def namespace_file_path(type_: str, namespace: str, suffix: str) -> Path:
    """The reverse-DNS path of a namespace file, relative to the registry folder.

    >>> namespace_file_path("advisory", "amazon.com/aws/s3", ".json").as_posix()
    'advisory/com/amazon/aws/s3.json'
    """
    domain, _, rest = namespace.partition("/")
    parts = domain.split(".")[::-1] + (rest.split("/") if rest else [])
    return Path(type_, *parts[:-1], parts[-1] + suffix)


def _prose(rng: random.Random, low: int, high: int) -> str:
    """A few plausible sentences (chosen whole, so generation stays cheap)."""
    return " ".join(rng.sample(_SENTENCES, rng.randint(low, high)))


def _body(rng: random.Random) -> list[str]:
    """Markdown body paragraphs after the title: about as long as the real bodies."""
    lines = [_prose(rng, 3, 5), "", "## Why it matters", ""]
    lines += [f"- {sentence}" for sentence in rng.sample(_SENTENCES, 4)]
    lines += ["", "## Relationship to other sources", "", _prose(rng, 2, 4), ""]
    return lines


def _id_format(rng: random.Random, prefix: str) -> tuple[str, list[str]]:
    """An unanchored subpath regex and examples that match it fully."""
    kind = rng.randrange(7)
    if kind == 0:
        return rf"{prefix}-\d{{4}}-\d{{4,}}", [
            f"{prefix}-{rng.randint(2015, 2025)}-{rng.randint(1000, 99999)}" for _ in range(3)
        ]
    if kind == 1:
        return rf"{prefix}-\d{{4}}:\d{{4,}}", [
            f"{prefix}-{rng.randint(2015, 2025)}:{rng.randint(1000, 9999)}" for _ in range(2)
        ]
    if kind == 2:
        return rf"{prefix}-\d+", [f"{prefix}-{rng.randint(1, 9999)}" for _ in range(2)]
    if kind == 3:
        return r"\d+\.\d+(\.\d+)?", [f"{rng.randint(1, 18)}.{rng.randint(1, 9)}", "8.2.3"]
    if kind == 4:
        return r"[A-Z&]{2,3}-\d{2}", ["IAM-01", "A&A-02", f"{prefix[:3]}-{rng.randint(10, 99)}"]
    if kind == 5:
        return r"\d{4}\.\d{4,5}", [f"{rng.randint(1801, 2512)}.{rng.randint(10000, 99999)}"]
    return r"[a-z0-9-]+", [f"{prefix.lower()}-item-{rng.randint(1, 500)}"]


def _host(content: Content, rng: random.Random) -> str:
    """A host name under the namespace's domain."""
    return rng.choice(("www.", "", "security.", "docs.")) + content.domain.lower()


_VERSION_REGEX = r"\d+\.\d+"
"""The pattern of version children (``@4.1``); other children match subpaths."""


def _child(rng: random.Random, content: Content, prefix: str, depth: int) -> Node:
    """A depth-1 or depth-2 match node: a subpath or version with a URL template."""
    host = _host(content, rng)
    if depth == 1 and rng.random() < 0.25:
        version = f"{rng.randint(1, 5)}.{rng.randint(0, 9)}"
        node = Node(
            regex=_VERSION_REGEX,
            literal=None,
            description="Edition of the source",
            weight=rng.choice((100, 80, 50)),
            examples=[version],
            template=f"https://{host}/v{{version}}/",
            content_type="text/html",
            example_urls=True,
        )
    else:
        regex, examples = _id_format(rng, prefix)
        path = rng.choice(("advisories", "record", "entry", "item", "view"))
        node = Node(
            regex=regex,
            literal=None,
            description=rng.choice(("Standard identifier format", "Record page", "Item")),
            weight=rng.choice((100, 100, 80, 50, 45)),
            examples=examples,
            template=f"https://{host}/{path}/{{id}}",
            content_type=rng.choice(_CONTENT_TYPES),
            example_urls=True,
        )
        if rng.random() < 0.3 and regex.startswith(prefix + r"-\d{4}"):
            node.template = f"https://{host}/{path}/{{year}}/{{id}}.json"
            node.variables = {
                "year": {
                    "extract": rf"^{prefix}-(\d{{4}})[-:]\d+$",
                    "description": "Four-digit year of the identifier",
                },
                "id": {
                    "extract": rf"^({prefix}-\d{{4}}[-:]\d+)$",
                    "description": "Full identifier",
                },
            }
    if depth == 1 and rng.random() < 0.025:
        node.children.append(_child(rng, content, prefix, 2))
    return node


def _literal_node(rng: random.Random, content: Content, name: str, child_rate: float) -> Node:
    """A name-level entry with a literal name (``cve``, ``27001``)."""
    prefix = "".join(c for c in name.upper() if c.isalpha())[:6] or "STD"
    full = f"{content.common_name or content.official_name} {name.replace('-', ' ').title()}"
    node = Node(
        regex=f"(?i)^{name}$",
        literal=name,
        description=full,
        weight=rng.choice((100, 100, 100, 80, 50)),
        examples=[],
        has_md_examples=rng.random() < 0.8,
    )
    if rng.random() < 0.07:
        node.aliases.append(f"{name}-{rng.choice(('legacy', 'alt', 'old'))}")
    node.urls.append(("website", f"https://{_host(content, rng)}/{name}", None))
    for kind in rng.sample(_URL_KINDS_EXTRA, rng.choice((0, 0, 1, 1, 2))):
        node.urls.append((kind, f"https://{_host(content, rng)}/{name}/{kind}", None))
    node.data["official_name"] = full
    if rng.random() < 0.6:
        node.data["common_name"] = prefix
    node.data["description"] = _prose(rng, 1, 2)
    if rng.random() < 0.55:
        node.data["notes"] = _prose(rng, 1, 3)
    kind = content.plan.type
    if kind in ("control", "regulation", "methodology", "reference") and rng.random() < 0.3:
        node.versions = sorted(
            {f"{rng.randint(1, 5)}.{rng.randint(0, 3)}" for _ in range(rng.randint(1, 3))},
            reverse=True,
        )
        node.data["version_required"] = rng.random() < 0.2
    if rng.random() < child_rate:
        count = rng.choice((1, 1, 1, 1, 1, 1, 2, 2, 3, 5))
        node.children = [_child(rng, content, prefix, 1) for _ in range(count)]
        subpaths = [c for c in node.children if c.regex != _VERSION_REGEX]
        node.subpath_regexes = [c.regex for c in subpaths]
        for child in subpaths:
            node.examples.extend(child.examples[:1])
    elif rng.random() < 0.25:
        regex, examples = _id_format(rng, prefix)
        node.subpath_regexes = [regex]
        node.examples = examples[:2]
        node.lookup = f"https://{_host(content, rng)}/{name}/{{id}}"
    if rng.random() < 0.04:
        node.data["cross_references"] = [f"secid:{content.plan.type}/{content.plan.namespace}"]
    return node


def _class_node(rng: random.Random, content: Content) -> Node:
    """A name-level entry whose pattern is a regex class (arXiv ids, DOIs)."""
    regex, examples = _id_format(rng, "DOC")
    host = _host(content, rng)
    return Node(
        regex=f"^{regex}$",
        literal=None,
        description="Document identifier",
        weight=100,
        examples=examples,
        template=f"https://{host}/abs/{{id}}",
        content_type="text/html",
        example_urls=True,
        data={"description": _prose(rng, 1, 2)},
    )


def _type_data(rng: random.Random, content: Content, node: Node) -> None:
    """The open-ended ``data`` keys that only some types carry."""
    kind = content.plan.type
    domain = content.domain.lower()
    if kind == "disclosure":
        node.data.update(
            organization_type=rng.choice(_ORG_TYPES),
            contacts=[{"type": "email", "value": f"security@{domain}", "note": "Email"}],
            cve={
                "role": ["cna"],
                "assignerShortName": content.official_name.split()[0],
                "scope": "Vulnerabilities in products of the organisation.",
            },
            security_txt=(
                None if rng.random() < 0.6 else f"https://{domain}/.well-known/security.txt"
            ),
            disclosure_policy={"url": f"https://{domain}/security/policy", "checked": "2026-04-08"},
        )
        node.examples = []
    elif kind == "capability":
        node.data.update(
            options=[{"setting": "enabled", "description": "Turn the control on"}],
            audit={"cli": f"tool show --check {node.literal}", "note": "Read-only."},
            configure={"cli": f"tool update --set {node.literal}=true"},
            vendor_recommendation=_prose(rng, 1, 1),
        )


def build_content(plan: SyntheticNamespace, seed: int) -> Content:
    """Draw every fact of one namespace from its own seeded generator."""
    rng = random.Random(f"secid-synthetic:{seed}:ns:{plan.index}")
    domain = plan.namespace.partition("/")[0]
    stem = domain.split(".")[0]
    if stem in _SUB_SEGMENTS:
        stem = domain.split(".")[1]
    official = f"{stem.title()} {rng.choice(('Inc.', 'Foundation', 'Project', 'Agency', 'Group'))}"
    content = Content(
        plan=plan,
        domain=domain,
        status_json=rng.choice(_JSON_STATUSES),
        status_md=rng.choice(_MD_STATUSES),
        official_name=official,
        common_name=stem.title() if rng.random() < 0.9 else None,
        notes=_prose(rng, 1, 4),
        urls=[("website", f"https://www.{domain.lower()}", None)],
        nodes=[],
        md_shape="sources",
        body=_body(rng),
    )
    for _ in range(rng.choice((0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 3))):
        kind = rng.choice(("docs", "docs", "security", "api"))
        content.urls.append((kind, f"https://{_host(content, rng)}/{kind}", "Documentation"))
    _fill_nodes(rng, content)
    return content


_NODE_COUNTS = {
    "disclosure": (1,) * 12 + (2, 3),
    "entity": (0, 0, 0, 0, 1, 1, 1, 2, 3),
    "capability": (2, 3, 4, 5, 6, 8, 10),
}
_OTHER_COUNTS = (0,) + (1,) * 13 + (2, 2, 3, 4, 6, 10)
_CHILD_RATES = {"advisory": 0.4, "weakness": 0.4, "ttp": 0.4, "control": 0.08, "reference": 0.06}


def _fill_nodes(rng: random.Random, content: Content) -> None:
    """Add the namespace's name-level entries with the per-type counts of the snapshot."""
    kind = content.plan.type
    if kind == "reference" and rng.random() < 0.45:
        content.nodes.append(_class_node(rng, content))
        content.md_shape = "top"
        return
    count = rng.choice(_NODE_COUNTS.get(kind, _OTHER_COUNTS))
    words = rng.sample(_SOURCE_WORDS, min(count, len(_SOURCE_WORDS)))
    for position, word in enumerate(words):
        if kind == "disclosure":
            name = "cna" if position == 0 else f"cna-{word}"
        elif kind in ("control", "regulation") and rng.random() < 0.2:
            name = str(rng.randint(1000, 99999))
        else:
            name = word
        node = _literal_node(rng, content, name, _CHILD_RATES.get(kind, 0.05))
        _type_data(rng, content, node)
        content.nodes.append(node)
    if kind == "entity":
        content.md_shape = "names"
    elif not content.nodes:
        content.md_shape = "meta"
