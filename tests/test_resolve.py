"""Resolving SecIDs from the graph of a small registry built to exercise each rule.

The registry (``tests/fixtures/resolve/registry``) is read and converted like any other; the
URLs come from the converted graph through the shipped query only.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from secid_rdf.cli import main
from secid_rdf.convert.builder import registry_to_graph
from secid_rdf.findings import InvalidSecidError, UnsupportedFormatError
from secid_rdf.read.registry import read_registry
from secid_rdf.resolve.resolver import (
    Resolution,
    ResolvedUrl,
    format_resolutions,
    resolve_query,
    resolve_secids,
)
from secid_rdf.resources import queries_dir
from secid_rdf.secid import parse_secid
from secid_rdf.store.sparql import build_store, query_store

REGISTRY = Path(__file__).parent / "fixtures" / "resolve" / "registry"
ANY = "secid:advisory/example.org/any#"
"""The source whose items are placed in the host, path, query, fragment and scheme."""


@pytest.fixture(scope="module")
def store() -> ox.Store:
    return build_store(registry_to_graph(read_registry(REGISTRY)).quads)


def resolve(store: ox.Store, *secids: str) -> list[Resolution]:
    return list(resolve_secids(secids, lambda text: query_store(store, text)))


def urls(store: ox.Store, secid: str) -> list[str]:
    return [resolved.url for resolved in resolve(store, secid)[0].urls]


def test_item_gives_every_matching_template_highest_weight_first(store: ox.Store) -> None:
    assert urls(store, "secid:advisory/example.org/db#DB-2024-12345") == [
        "https://example.org/db/DB-2024-12345",
        "https://api.example.org/v1/items?id=DB-2024-12345&fmt=json",
        "https://example.org/archive/2024/12xxx/DB-2024-12345.json",
    ]


def test_result_names_weight_entry_and_kind(store: ox.Store) -> None:
    first = resolve(store, "secid:advisory/example.org/db#DB-2024-12345")[0].urls[0]
    assert first == ResolvedUrl(
        url="https://example.org/db/DB-2024-12345",
        weight=100,
        entry="https://w3id.org/secid/advisory/example.org/db?!node=7e888b05d21adfc2",
        kind="template",
    )


def test_source_name_matches_case_insensitively_by_its_pattern(store: ox.Store) -> None:
    assert (
        urls(store, "secid:advisory/example.org/DB#DB-2024-1")[0]
        == "https://example.org/db/DB-2024-1"
    )


@pytest.mark.parametrize(
    ("secid", "expected"),
    [
        ("secid:advisory/example.org/db", ["https://example.org/db"]),
        ("secid:advisory/example.org", ["https://example.org/"]),
        ("secid:advisory/example.org/db#not-a-record", ["https://example.org/db"]),
        ("secid:advisory/example.org/no-such-source", ["https://example.org/"]),
        ("secid:advisory/example.org/std@2021", ["https://example.org/std/2021/"]),
        ("secid:weakness/example.org/ewe#X-79", ["https://example.org/ewe"]),
    ],
)
def test_entry_named_or_deepest_matched_gives_its_own_pages(
    store: ox.Store, secid: str, expected: list[str]
) -> None:
    assert urls(store, secid) == expected


def test_longest_namespace_wins(store: ox.Store) -> None:
    assert urls(store, "secid:advisory/example.org/sub/db#DB-2024-1") == [
        "https://sub.example.org/db/DB-2024-1"
    ]


def test_version_then_subpath_reach_a_lookup_table_entry(store: ox.Store) -> None:
    assert urls(store, "secid:advisory/example.org/std@2021#A2") == [
        "https://example.org/std/2021/A2-second.html"
    ]
    # an item the table does not list: matched, but nothing gives it a URL
    assert urls(store, "secid:advisory/example.org/std@2021#A9") == []


@pytest.mark.parametrize(
    ("secid", "expected"),
    [
        ("secid:advisory/example.org/law#art-5", "https://example.org/EN/law"),
        ("secid:advisory/example.org/law?lang=de#art-5", "https://example.org/DE/law"),
        ("secid:advisory/example.org/law?lang=xx#art-5", "https://example.org/EN/law"),
    ],
)
def test_lang_takes_the_qualifier_among_its_choices_else_the_default(
    store: ox.Store, secid: str, expected: str
) -> None:
    assert urls(store, secid) == [expected]


def test_variable_computed_from_a_missing_table_gives_no_url(store: ox.Store) -> None:
    assert urls(store, "secid:advisory/example.org/dsa#DSA-5678-1") == []
    assert urls(store, "secid:advisory/example.org/dsa?year=2024#DSA-5678-1") == [
        "https://example.org/dsa/2024/dsa-5678"
    ]


def test_regex_named_source_uses_the_name_as_the_id(store: ox.Store) -> None:
    assert urls(store, "secid:advisory/example.org/123456") == ["https://example.org/paper/123456"]


def test_markdown_subpath_must_match_the_id_pattern(store: ox.Store) -> None:
    assert urls(store, "secid:weakness/example.org/ewe#EWE-79") == [
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
        # declared, but computed from a table the graph does not hold
        ("secid:advisory/example.org/dla#DLA-3456", []),
        ("secid:advisory/example.org/dla?year=2023#DLA-3456", ["https://example.org/dla/2023/"]),
    ],
)
def test_undeclared_placeholder_is_filled_only_when_the_id_pattern_leaves_no_choice(
    store: ox.Store, secid: str, expected: list[str]
) -> None:
    assert urls(store, secid) == expected


def test_a_filled_run_is_encoded_and_an_id_beside_the_pattern_gives_nothing(
    store: ox.Store,
) -> None:
    assert urls(store, WEAK + "ewn#EWN-79x") == []
    assert urls(store, WEAK + "ewn#EWN-٧٩") == ["https://example.org/ewn/%D9%A7%D9%A9.html"]


def test_namespace_id_pattern_takes_the_name(store: ox.Store) -> None:
    assert urls(store, "secid:reference/paper.org/2303.08774") == [
        "https://paper.org/abs/2303.08774"
    ]
    assert urls(store, "secid:reference/paper.org/not-a-paper") == ["https://paper.org"]


def test_unknown_namespace_resolves_to_nothing(store: ox.Store) -> None:
    assert resolve(store, "secid:advisory/nowhere.example/db#X") == [
        Resolution("secid:advisory/nowhere.example/db#X", ())
    ]


def test_values_are_encoded_for_the_part_they_land_in(store: ox.Store) -> None:
    found = urls(store, ANY + "a b/c?d&e=f#g@h/:%é")
    assert found == [
        "https://example.org/item/a%20b/c%3Fd%26e%3Df%23g@h/:%25%C3%A9",
        "https://example.org/search?q=a%20b/c?d%26e%3Df%23g@h/:%25%C3%A9&page=1",
        "https://example.org/doc#a%20b/c?d%26e%3Df%23g@h/:%25%C3%A9",
    ]


def test_host_label_and_only_a_host_label_fills_a_host_placeholder(store: ox.Store) -> None:
    assert urls(store, ANY + "docs")[0] == "https://docs.pages.example.org/"
    assert not any("pages.example.org" in url for url in urls(store, ANY + "evil.com/x"))


_HOSTILE = st.lists(
    st.sampled_from([*list("@/\\\n\r\t:?#%.[]a1 é"), "//", "http://evil.com", "@evil.com"]),
    min_size=1,
    max_size=12,
).map("".join)


@settings(max_examples=60, deadline=None)
@given(hostile=_HOSTILE)
def test_no_secid_moves_a_url_to_another_host_or_scheme(store: ox.Store, hostile: str) -> None:
    for url in urls(store, ANY + hostile):
        parts = urlsplit(url)
        label = (parts.hostname or "").removesuffix(".pages.example.org")
        assert parts.scheme == "https", url
        assert parts.hostname == "example.org" or re.fullmatch(r"[A-Za-z0-9-]+", label), url
        assert parts.port is None and parts.username is None, url
        assert not re.search(r"[\s\\]", url), url


def test_many_secids_resolve_in_batches_in_input_order(store: ox.Store) -> None:
    secids = [f"secid:advisory/example.org/db#DB-2024-{n}" for n in range(7)] * 2
    found = resolve_secids(secids, lambda text: query_store(store, text), batch_size=3)
    assert [r.secid for r in found] == secids
    assert [r.urls[0].url for r in found] == [f"https://example.org/db/{s[-9:]}" for s in secids]


def test_invalid_secid_is_refused_before_any_query() -> None:
    def never(text: str) -> None:
        raise AssertionError("no query should run")

    with pytest.raises(InvalidSecidError):
        resolve_secids(["cve:CVE-2024-1"], never)  # type: ignore[arg-type]


def test_query_parameters_are_escaped_sparql_literals() -> None:
    text = resolve_query([parse_secid('secid:advisory/example.org/db#"} UNION { ?s ?p ?o')])
    assert '"\\"} UNION { ?s ?p ?o"' in text


def test_shipped_query_runs_as_written(store: ox.Store) -> None:
    text = (queries_dir() / "resolve.rq").read_text(encoding="utf-8")
    solutions = list(query_store(store, text))
    assert solutions == []  # its default SecID names mitre.org, absent from this registry


def test_the_four_placeholder_slots_are_the_same_text() -> None:
    text = (queries_dir() / "resolve.rq").read_text(encoding="utf-8")
    blocks = re.findall(r"    # -- placeholder (\d):(.*?)(?=    # -- )", text, re.DOTALL)
    assert [number for number, _ in blocks] == ["1", "2", "3", "4"]
    assert len({re.sub(rf"(\?[A-Za-z]+){n}", r"\1N", block) for n, block in blocks}) == 1


def test_format_text_and_json() -> None:
    one = Resolution("secid:a/b.org/c", (ResolvedUrl("https://b.org/c", None, "urn:e", "page"),))
    two = Resolution("secid:a/b.org/d", (ResolvedUrl("https://b.org/d", 7, "urn:f", "template"),))
    assert format_resolutions([one], "text") == "https://b.org/c\n"
    assert format_resolutions([one, two], "text") == (
        "secid:a/b.org/c\thttps://b.org/c\nsecid:a/b.org/d\thttps://b.org/d\n"
    )
    assert json.loads(format_resolutions([two], "json")) == [
        {
            "secid": "secid:a/b.org/d",
            "url": "https://b.org/d",
            "weight": 7,
            "entry": "urn:f",
            "kind": "template",
        }
    ]
    with pytest.raises(UnsupportedFormatError):
        format_resolutions([one], "xml")


# -- the command --------------------------------------------------------------------------


def run_cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["resolve", "--registry", str(REGISTRY), *args])
    return result.exit_code, result.stdout, result.stderr


def test_cli_prints_one_url_per_line() -> None:
    code, out, _ = run_cli("secid:advisory/example.org/db#DB-2024-1")
    assert code == 0
    assert out.splitlines()[0] == "https://example.org/db/DB-2024-1"


def test_cli_json_has_secid_url_weight_and_entry() -> None:
    code, out, _ = run_cli("--format", "json", "secid:advisory/example.org/db#DB-2024-1")
    assert code == 0
    assert json.loads(out)[0] == {
        "secid": "secid:advisory/example.org/db#DB-2024-1",
        "url": "https://example.org/db/DB-2024-1",
        "weight": 100,
        "entry": "https://w3id.org/secid/advisory/example.org/db?!node=7e888b05d21adfc2",
        "kind": "template",
    }


def test_cli_exits_1_and_names_the_secid_that_resolves_to_nothing() -> None:
    code, out, err = run_cli(
        "secid:advisory/example.org/db#DB-2024-1", "secid:advisory/nowhere.example"
    )
    assert code == 1
    assert out.startswith("secid:advisory/example.org/db#DB-2024-1\thttps://example.org/db/")
    assert "secid:advisory/nowhere.example: no URL" in err


def test_cli_invalid_secid_is_a_usage_error() -> None:
    code, _, err = run_cli("CVE-2024-1234")
    assert code == 2
    assert "not a SecID" in err


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
