"""Resolving SecIDs from the graph of a small registry built to exercise each rule.

The registry (``tests/fixtures/resolve/registry``) is read and converted like any other; the
table comes from the converted graph through the shipped query only.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from conftest import JAVASCRIPT_TEMPLATE, plant_javascript_template
from hypothesis import given, settings
from hypothesis import strategies as st

from secid_rdf.cli import ENGINE_NAMES, main
from secid_rdf.findings import UnsupportedFormatError
from secid_rdf.resolve.fill import fill_template
from secid_rdf.resolve.request import MAX_SECID_LENGTH, read_request
from secid_rdf.resolve.resolver import (
    Resolution,
    ResolvedUrl,
    entries_query,
    format_resolutions,
    resolve_secids,
    status_lines,
    table_from_store,
)
from secid_rdf.resolve.sources import registry_table
from secid_rdf.resolve.table import Table
from secid_rdf.resources import queries_dir
from secid_rdf.store.sparql import build_store, query_store

REGISTRY = Path(__file__).parent / "fixtures" / "resolve" / "registry"
ANY = "secid:advisory/example.org/any#"
"""The source whose items are placed in the host, path, query, fragment and scheme."""


@pytest.fixture(scope="module")
def table() -> Table:
    return registry_table(REGISTRY, use_cache=False)


def resolve(table: Table, secid: str) -> Resolution:
    return resolve_secids([secid], table)[0]


def urls(table: Table, secid: str) -> list[str]:
    return [resolved.url for resolved in resolve(table, secid).urls]


def test_item_gives_every_matching_template_highest_weight_first(table: Table) -> None:
    found = resolve(table, "secid:advisory/example.org/db#DB-2024-12345")
    assert found.status == "found"
    assert [(u.url, u.weight, u.kind) for u in found.urls] == [
        ("https://example.org/db/DB-2024-12345", 100, "template"),
        ("https://api.example.org/v1/items?id=DB-2024-12345&fmt=json", 50, "template"),
        ("https://example.org/archive/2024/12xxx/DB-2024-12345.json", 40, "template"),
    ]


def test_source_name_matches_case_insensitively_by_its_pattern(table: Table) -> None:
    assert urls(table, "secid:advisory/example.org/DB#DB-2024-1")[0] == (
        "https://example.org/db/DB-2024-1"
    )


@pytest.mark.parametrize(
    ("secid", "expected"),
    [
        ("secid:advisory/example.org/db", ["https://example.org/db"]),
        ("secid:advisory/example.org", ["https://example.org/"]),
        ("secid:advisory/example.org/std@2021", ["https://example.org/std/2021/"]),
        ("secid:advisory/example.org/guide", ["https://example.org/guide.html"]),
    ],
)
def test_a_secid_naming_an_entry_is_found_with_its_own_pages(
    table: Table, secid: str, expected: list[str]
) -> None:
    found = resolve(table, secid)
    assert (found.status, [u.url for u in found.urls], {u.kind for u in found.urls}) == (
        "found",
        expected,
        {"page"},
    )


@pytest.mark.parametrize(
    ("secid", "unmatched", "expected"),
    [
        ("secid:advisory/example.org/db#not-a-record", ("subpath", "not-a-record"), ["https://example.org/db"]),
        ("secid:weakness/example.org/no-such-source", ("name", "no-such-source"), ["https://example.org/weaknesses"]),
        ("secid:weakness/example.org/ewe#X-79", ("subpath", "X-79"), ["https://example.org/ewe"]),
        # a fixed URL with no items below it is the source's page, never an item's
        ("secid:advisory/example.org/guide#not-an-item", ("subpath", "not-an-item"), ["https://example.org/guide.html"]),
        # a name taken as an item never hands its {id} to a subpath
        ("secid:advisory/example.org/123456#other", ("subpath", "other"), []),
        ("secid:reference/paper.org/2303.08774#evil", ("subpath", "evil"), ["https://paper.org"]),
        ("secid:advisory/example.org/bench#B1", ("version", ""), ["https://example.org/bench/"]),
    ],
)  # fmt: skip
def test_a_part_nothing_takes_is_related_with_the_broader_pages_only(
    table: Table, secid: str, unmatched: tuple[str, str], expected: list[str]
) -> None:
    found = resolve(table, secid)
    assert (found.status, found.unmatched) == ("related", unmatched)
    assert [u.url for u in found.urls] == expected
    assert {u.kind for u in found.urls} <= {"page"}
    assert found.message


def test_longest_namespace_wins(table: Table) -> None:
    assert urls(table, "secid:advisory/example.org/sub/db#DB-2024-1") == [
        "https://sub.example.org/db/DB-2024-1"
    ]


def test_version_then_subpath_reach_a_lookup_table_entry(table: Table) -> None:
    found = resolve(table, "secid:advisory/example.org/std@2021#A2")
    assert [(u.url, u.kind) for u in found.urls] == [
        ("https://example.org/std/2021/A2-second.html", "lookup")
    ]
    # an item the table does not list: matched, but nothing gives it a URL
    assert (
        resolve(table, "secid:advisory/example.org/std@2021#A9").status,
        urls(table, "secid:advisory/example.org/std@2021#A9"),
    ) == ("found", [])


def test_a_required_version_selects_the_items_and_fills_version(table: Table) -> None:
    assert urls(table, "secid:advisory/example.org/bench@v2#B7") == [
        "https://example.org/bench/v2/B7"
    ]
    assert resolve(table, "secid:advisory/example.org/bench@v9x#B7").status == "not_found"


@pytest.mark.parametrize(
    ("secid", "status", "expected"),
    [
        ("secid:advisory/example.org/law#art-5", "found", ["https://example.org/EN/law"]),
        ("secid:advisory/example.org/law?lang=de#art-5", "found", ["https://example.org/DE/law"]),
        ("secid:advisory/example.org/law#art-5?lang=de", "found", ["https://example.org/DE/law"]),
        ("secid:advisory/example.org/law?lang=xx#art-5", "not_found", []),
    ],
)
def test_lang_takes_one_of_its_choices_else_the_default_and_refuses_others(
    table: Table, secid: str, status: str, expected: list[str]
) -> None:
    found = resolve(table, secid)
    assert (found.status, [u.url for u in found.urls]) == (status, expected)


def test_content_type_keeps_only_the_urls_of_that_type(table: Table) -> None:
    secid = "secid:advisory/example.org/db#DB-2024-1?content_type=application/json"
    assert urls(table, secid) == ["https://api.example.org/v1/items?id=DB-2024-1&fmt=json"]
    missing = resolve(table, "secid:advisory/example.org/db?content_type=text/csv#DB-2024-1")
    assert (missing.status, missing.urls) == ("not_found", ())
    assert "application/json" in (missing.message or "")


def test_range_table_of_the_notes_gives_the_year(table: Table) -> None:
    assert urls(table, "secid:advisory/example.org/dsa#DSA-5678-1") == [
        "https://example.org/dsa/2024/dsa-5678"
    ]
    assert urls(table, "secid:advisory/example.org/dsa#DSA-5311-1") == [
        "https://example.org/dsa/2023/dsa-5311"
    ]
    # before the first year of the table, and a table the notes do not hold: no URL
    assert urls(table, "secid:advisory/example.org/dsa#DSA-5-1") == []
    assert urls(table, "secid:advisory/example.org/dla#DLA-3456") == []
    assert urls(table, "secid:advisory/example.org/dla?year=2023#DLA-3456") == [
        "https://example.org/dla/2023/"
    ]


def test_regex_named_source_uses_the_name_as_the_id(table: Table) -> None:
    assert urls(table, "secid:advisory/example.org/123456") == ["https://example.org/paper/123456"]


def test_markdown_subpath_must_match_the_id_pattern(table: Table) -> None:
    assert urls(table, "secid:weakness/example.org/ewe#EWE-79") == [
        "https://example.org/ewe/EWE-79.html"
    ]


WEAK = "secid:weakness/example.org/"


@pytest.mark.parametrize(
    ("secid", "expected"),
    [
        (WEAK + "ewn#EWN-79", ["https://example.org/ewn/79.html"]),
        (WEAK + "ewn#EWN-0042", ["https://example.org/ewn/0042.html"]),
        (WEAK + "dated#20240125", ["https://example.org/dated/20240125.txt"]),
        # the item matched its second pattern, which has two runs
        (WEAK + "dated#N-2024-0001", []),
        # both patterns match, and they need not agree on the run
        (WEAK + "twice#T-123", []),
        (WEAK + "runs#R-2024-1", []),
        # filling {year} alone would send apr2024 to the January page
        (WEAK + "month#apr2024", []),
        (WEAK + "month#jan2024", []),
        (WEAK + "beside#B-2024", []),
        (WEAK + "builtin#V-7", []),
        (WEAK + "ewn#EWN-79x", []),
        (WEAK + "ewn#EWN-٧٩", ["https://example.org/ewn/%D9%A7%D9%A9.html"]),
    ],
)
def test_undeclared_placeholder_is_filled_only_when_the_id_pattern_leaves_no_choice(
    table: Table, secid: str, expected: list[str]
) -> None:
    assert urls(table, secid) == expected


def test_namespace_id_pattern_takes_the_name(table: Table) -> None:
    assert urls(table, "secid:reference/paper.org/2303.08774") == [
        "https://paper.org/abs/2303.08774"
    ]
    assert resolve(table, "secid:reference/paper.org/not-a-paper").status == "related"


def test_unknown_namespace_is_not_found(table: Table) -> None:
    found = resolve(table, "secid:advisory/nowhere.example/db#X")
    assert (found.status, found.urls) == ("not_found", ())


def test_a_name_no_source_takes_is_corrected_to_an_item_of_the_namespace(table: Table) -> None:
    found = resolve(table, "secid:advisory/example.org/DB-2024-7")
    assert found.status == "corrected"
    assert "https://example.org/db/DB-2024-7" in [u.url for u in found.urls]
    assert {u.secid for u in found.urls} >= {"secid:advisory/example.org/db#DB-2024-7"}


def test_a_name_without_namespace_is_searched_across_the_type(table: Table) -> None:
    found = resolve(table, "secid:advisory/DB-2024-7")
    assert found.status == "found"
    assert {"https://example.org/db/DB-2024-7", "https://sub.example.org/db/DB-2024-7"} <= {
        u.url for u in found.urls
    }
    assert resolve(table, "secid:weakness/NOTHING-1").status == "not_found"


def test_values_are_encoded_for_the_part_they_land_in(table: Table) -> None:
    found = urls(table, ANY + "a b/c%d&e=f@h/:%é")
    assert found == [
        "https://example.org/item/a%20b/c%25d%26e%3Df@h/:%25%C3%A9",
        "https://example.org/search?q=a%20b/c%25d%26e%3Df@h/:%25%C3%A9&page=1",
        "https://example.org/doc#a%20b/c%25d%26e%3Df@h/:%25%C3%A9",
    ]


def test_host_label_and_only_a_host_label_fills_a_host_placeholder(table: Table) -> None:
    assert urls(table, ANY + "docs")[0] == "https://docs.pages.example.org/"
    assert not any("pages.example.org" in url for url in urls(table, ANY + "evil.com/x"))


# -- reading what people type -------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "SECID:advisory/example.org/db#DB-2024-1",
        "secid:Advisory/example.org/db#DB-2024-1",
        "  secid:advisory/example.org/db#DB-2024-1\t\n",
        "secid:advisory/example.org/db?lang=en#DB-2024-1",
        "secid:advisory/example.org/db#DB-2024-1?lang=en",
    ],
)
def test_case_whitespace_and_qualifiers_are_read_as_the_official_resolver_reads_them(
    table: Table, typed: str
) -> None:
    assert urls(table, typed)[0] == "https://example.org/db/DB-2024-1"


def test_qualifiers_after_the_subpath_win_and_keys_are_lower_case() -> None:
    request = read_request("secid:a/b.org/c?LANG=de&x=1#item?lang=fr")
    assert (request.subpath, dict(request.qualifiers)) == ("item", {"lang": "fr", "x": "1"})


def test_inputs_over_the_limit_are_refused_and_the_batch_goes_on(table: Table) -> None:
    long_secid = ANY + "x" * (MAX_SECID_LENGTH - len(ANY) + 1)
    found = resolve_secids(
        ["secid:advisory/example.org/db#DB-2024-1", long_secid, "", "nope", ANY + "ok"], table
    )
    assert [r.status for r in found] == ["found", "error", "error", "error", "found"]
    assert "256" in (found[1].message or "")
    assert len(ANY + "x" * (MAX_SECID_LENGTH - len(ANY))) == MAX_SECID_LENGTH
    assert resolve(table, ANY + "x" * (MAX_SECID_LENGTH - len(ANY))).status == "found"


def test_a_10_kb_input_gets_an_error_line_a_person_can_read(table: Table) -> None:
    lines = status_lines(resolve_secids([ANY + "x" * 10_000], table))
    assert len(lines) == 1
    assert "256" in lines[0] and "characters ...]" in lines[0]
    assert len(lines[0]) < 600


@pytest.mark.parametrize("value", [".", "..", "../evil", "a/../b", "a/./b", "x/.."])
def test_dot_segments_in_a_value_give_no_url(table: Table, value: str) -> None:
    assert fill_template("https://example.org/item/{id}", {"id": value}) is None
    assert not any("/item/" in url for url in urls(table, ANY + value))


def test_fill_template_refuses_slots_that_could_move_the_url() -> None:
    assert fill_template("https://example.org{id}", {"id": "x"}) is None
    assert fill_template("{id}://example.org/", {"id": "https"}) is None
    assert fill_template("https://example.org:{id}/", {"id": "80"}) is None
    assert fill_template("https://{id}@example.org/", {"id": "me"}) is None
    assert fill_template("https://example.org/{a}/{b}", {"a": "1"}) is None
    assert fill_template("https://example.org/{a}/{b}", {"a": "1", "b": ""}) is None
    assert fill_template("https://example.org/{a}/{a}", {"a": "#"}) == (
        "https://example.org/%23/%23"
    )


# -- hostile subpaths ---------------------------------------------------------------------

_HOSTILE = st.one_of(
    st.lists(
        st.sampled_from(
            [*"@/\\\n\r\t\x00\x7f:?#%.[]()*+a1 é", "//", "../", "%2F", "%2e%2e", "http://evil.com",
             "@evil.com", "//evil.com", "(a+)+$", "\u202e", "{id}"]
        ),
        min_size=1,
        max_size=24,
    ).map("".join),
    st.text(min_size=1, max_size=300),
    st.integers(min_value=1, max_value=10_000).map(lambda n: "a" * n + "!"),
)  # fmt: skip


def _template_prefixes(table: Table) -> list[tuple[str, str]]:
    """(scheme://host, path prefix before the first placeholder) of every 'any' template."""
    source = next(
        s for s in table.namespaces["advisory"]["example.org"].children if s.name == "any"
    )
    found = []
    for child in source.children:
        for template in child.templates:
            before = template.text.split("{", 1)[0]
            found.append((before, template.text))
    return found


@settings(max_examples=150, deadline=None)
@given(hostile=_HOSTILE)
def test_no_subpath_moves_a_url_or_takes_long(table: Table, hostile: str) -> None:
    started = time.perf_counter()
    found = resolve_secids([ANY + hostile, "secid:advisory/example.org/db#" + hostile], table)
    assert time.perf_counter() - started < 0.2
    prefixes = [before for before, _ in _template_prefixes(table)]
    for resolution in found:
        for resolved in resolution.urls:
            url = resolved.url
            parts = urlsplit(url)
            assert parts.scheme == "https", url
            assert parts.port is None and parts.username is None, url
            assert not re.search(r"[\s\\\x00-\x1f\x7f]", url), url
            if resolved.kind == "template" and resolution.secid.startswith(ANY):
                label = (parts.hostname or "").removesuffix(".pages.example.org")
                if parts.hostname != "example.org":  # the host template: one label more
                    assert re.fullmatch(r"[A-Za-z0-9-]+", label), url
                else:
                    assert any(url.startswith(p) for p in prefixes if p != "https://"), url


@pytest.mark.parametrize(
    "secid",
    [
        "secid:advisory/example.org/123456#CloudSecurityAlliance",
        "secid:advisory/example.org/123456#../evil.com/x",
        "secid:advisory/example.org/guide#not-an-item",
        "secid:advisory/example.org/db#DB-2024-1-x",
        "secid:weakness/example.org/ewex#EWE-79",
    ],
)
def test_the_issues_examples_give_no_template_url(table: Table, secid: str) -> None:
    assert all(u.kind == "page" for u in resolve(table, secid).urls)


# -- the query and the table --------------------------------------------------------------


def test_query_parameters_are_escaped_sparql_literals() -> None:
    text = entries_query(['secid:"} UNION { ?s ?p ?o'])
    assert '"secid:\\"} UNION { ?s ?p ?o"' in text


def test_shipped_query_runs_as_written() -> None:
    from secid_rdf.export.run import registry_to_quads

    store = build_store(registry_to_quads(REGISTRY).quads)
    text = (queries_dir() / "resolve.rq").read_text(encoding="utf-8")
    rows = list(query_store(store, text))  # type: ignore[arg-type]
    assert rows == []  # its default scopes name mitre.org, absent from this registry
    scoped = table_from_store(lambda q: query_store(store, q), ["secid:weakness/example.org"])
    assert list(scoped.namespaces) == ["weakness"]


def test_a_table_of_one_scope_resolves_as_the_whole_table(table: Table) -> None:
    from secid_rdf.export.run import registry_to_quads

    store = build_store(registry_to_quads(REGISTRY).quads)
    scoped = table_from_store(lambda q: query_store(store, q), ["secid:advisory/"])
    assert scoped.namespaces["advisory"] == table.namespaces["advisory"]


def test_engine_names_are_the_validate_engines() -> None:
    from secid_rdf.validate.shacl import ENGINES

    assert tuple(sorted(ENGINES)) == ENGINE_NAMES


def test_format_text_and_json() -> None:
    one = Resolution(
        "secid:a/b.org/c", "found", (ResolvedUrl("https://b.org/c", None, "urn:e", "page"),)
    )
    two = Resolution(
        "secid:a/b.org/d#x",
        "related",
        (ResolvedUrl("https://b.org/d", 7, "urn:f", "page"),),
        message="subpath 'x' matches nothing",
        unmatched=("subpath", "x"),
    )
    assert format_resolutions([one], "text") == "https://b.org/c\n"
    assert format_resolutions([one, two], "text") == (
        "secid:a/b.org/c\thttps://b.org/c\nsecid:a/b.org/d#x\trelated\thttps://b.org/d\n"
    )
    assert json.loads(format_resolutions([two], "json")) == [
        {
            "secid": "secid:a/b.org/d#x",
            "status": "related",
            "message": "subpath 'x' matches nothing",
            "unmatched": {"part": "subpath", "text": "x"},
            "urls": [
                {
                    "url": "https://b.org/d",
                    "weight": 7,
                    "kind": "page",
                    "entry": "urn:f",
                    "content_type": None,
                    "secid": None,
                }
            ],
        }
    ]
    with pytest.raises(UnsupportedFormatError):
        format_resolutions([one], "xml")


# -- the command --------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _private_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every test caches into a folder of its own, never the user's."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))


def run_cli(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["resolve", str(REGISTRY), *args], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_cli_prints_one_url_per_line() -> None:
    code, out, _ = run_cli("secid:advisory/example.org/db#DB-2024-1")
    assert code == 0
    assert out.splitlines()[0] == "https://example.org/db/DB-2024-1"


def test_cli_takes_the_registry_as_validate_does_and_defaults_to_the_bundled_one() -> None:
    result = CliRunner().invoke(main, ["resolve", "secid:entity/aisi"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("https://")


def test_cli_json_has_status_and_urls() -> None:
    code, out, _ = run_cli("--format", "json", "secid:advisory/example.org/db#DB-2024-1")
    assert code == 0
    record = json.loads(out)[0]
    assert (record["secid"], record["status"], record["urls"][0]["url"]) == (
        "secid:advisory/example.org/db#DB-2024-1",
        "found",
        "https://example.org/db/DB-2024-1",
    )
    assert record["urls"][0]["kind"] == "template"


def test_cli_marks_related_answers_and_exits_1() -> None:
    code, out, err = run_cli("secid:advisory/example.org/guide#not-an-item")
    assert code == 1
    assert (
        out
        == "secid:advisory/example.org/guide#not-an-item\trelated\thttps://example.org/guide.html\n"
    )
    assert "related: subpath 'not-an-item' matches nothing" in err


def test_cli_answers_each_secid_and_goes_on_after_a_bad_one() -> None:
    code, out, err = run_cli(
        "secid:advisory/example.org/db#DB-2024-1",
        "CVE-2024-1234",
        "secid:advisory/example.org/db#DB-2024-2",
    )
    assert code == 1
    assert "secid:advisory/example.org/db#DB-2024-1\thttps://example.org/db/DB-2024-1" in out
    assert "secid:advisory/example.org/db#DB-2024-2\thttps://example.org/db/DB-2024-2" in out
    assert "CVE-2024-1234: error:" in err


def test_cli_reads_secids_from_stdin() -> None:
    code, out, _ = run_cli(
        "-",
        stdin="secid:advisory/example.org/db#DB-2024-1\n\nsecid:advisory/example.org/db#DB-2024-2\n",
    )
    assert code == 0
    assert (
        out.splitlines()[0]
        == "secid:advisory/example.org/db#DB-2024-1\thttps://example.org/db/DB-2024-1"
    )
    assert len({line.split("\t")[0] for line in out.splitlines()}) == 2


def test_cli_empty_stdin_is_a_usage_error() -> None:
    """No SecID at all is exit 2, as documented, also when it is standard input that is empty."""
    code, out, err = run_cli("-", stdin="\n  \n")
    assert (code, out) == (2, "")
    assert "no SecID" in err


def test_cli_control_characters_stay_on_their_line() -> None:
    code, _, err = run_cli("secid:advisory/example.org/db#a\nb")
    assert code == 1
    assert "db#a\\nb: related" in err


def test_cli_endpoint_excludes_a_local_graph() -> None:
    code, _, err = run_cli("--endpoint", "http://127.0.0.1:9/query", "secid:advisory/example.org")
    assert code == 2
    assert "--endpoint" in err


def test_cli_resolves_from_an_export_folder(tmp_path: Path) -> None:
    exported = CliRunner().invoke(
        main, ["export", str(REGISTRY), "--out", str(tmp_path), "--format", "nquads"]
    )
    assert exported.exit_code == 0, exported.output
    result = CliRunner().invoke(
        main, ["resolve", "--from", str(tmp_path), "secid:advisory/example.org/db#DB-2024-1"]
    )
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "https://example.org/db/DB-2024-1"


def test_resolution_uses_no_store_at_all(table: Table) -> None:
    assert not any(isinstance(value, ox.Store) for value in vars(table).values())


@pytest.mark.parametrize("layout", ["markdown", "json"])
def test_cli_never_resolves_to_a_javascript_template(tmp_path: Path, layout: str) -> None:
    planted = plant_javascript_template(tmp_path, layout)
    out = tmp_path / "out"
    exported = CliRunner().invoke(main, ["export", str(planted.registry), "--out", str(out)])
    assert exported.exit_code == 1 and planted.where in exported.stderr, exported.output
    result = CliRunner().invoke(main, ["resolve", "--from", str(out), planted.secid])
    assert (result.exit_code, result.stdout) == (0, "")
    assert f"{planted.secid}: found: no URL" in result.stderr
    assert JAVASCRIPT_TEMPLATE not in result.output
