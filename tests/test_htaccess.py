"""The site's rule files: only a checked base and site URL reach them, always the same bytes.

What the rules do is tested against a real Apache in ``test_site_apache.py``; these tests
need no server.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from secid_rdf.cli import main
from secid_rdf.export.output_folder import MANIFEST
from secid_rdf.export.run import ExportOptions, export_registry
from secid_rdf.findings import InvalidIriError
from secid_rdf.site.htaccess import (
    SITE_RULES,
    W3ID_RULES,
    site_rules,
    w3id_rules,
    write_rules,
)

SITE = "https://example.github.io/secid/"

DIRECTIVE = re.compile(
    r"(#[ -~]*"
    r"|Options -MultiViews -Indexes|AddType [a-z]+/[a-z+-]+ \.[a-z]+|AddCharset utf-8( \.[a-z]+)+"
    r"|</?IfModule( mod_[a-z]+\.c)?>|DirectorySlash Off|Header always merge Vary Accept"
    r"|Header always set Access-Control-Allow-Origin \*"
    r"|RewriteEngine On|RewriteBase /\S*"
    r"|RewriteCond (%\{[A-Z_]+\}\S*|%1\.html) \S+( \[NC\])?"
    r"|RewriteRule \^\S*\$ \S+( \[[A-Z=0-9,]+\])?)"
)
"""Every line the rule files may hold: a comment or one of the directives with its arguments
(no space, quote or control character inside an argument)."""


def _lines(data: bytes) -> list[str]:
    text = data.decode("ascii")  # raises on anything but ASCII
    assert text.endswith("\n")
    return text.splitlines()


def _assert_well_formed(data: bytes) -> None:
    for line in _lines(data):
        assert DIRECTIVE.fullmatch(line), f"unexpected line: {line!r}"


@pytest.mark.parametrize(
    "base",
    [
        "https://example.org/se cid/",
        'https://example.org/"secid"/',
        "https://example.org/secid/\nRewriteRule ^ https://evil.example/ [R]\n/",
        "https://example.org/secid/\r\n",
        "https://example.org/<secid>/",
        "https://example.org/secid",
        "ftp://example.org/secid/",
        "javascript:alert(1)//",
        "https://user@evil.example@example.org/secid/",
        "file:///etc/",
        "https://\u2603" + "x" * 80 + ".example/secid/",
        "https://example.org/secid/./",  # Apache resolves these: another spelling of /secid/
        "https://example.org/x/../secid/",
        "https://example.org//secid/",
    ],
)
def test_a_base_that_could_break_out_of_the_rules_is_refused(base: str) -> None:
    with pytest.raises(InvalidIriError):
        site_rules(base)
    with pytest.raises(InvalidIriError):
        w3id_rules("https://w3id.org/secid/", base)


@pytest.mark.parametrize(
    ("base", "path"),
    [
        ("https://example.org/it's/", "/it's/"),
        ("https://example.org/a$1%25x/", "/a$1%25x/"),
        ("https://example.org/s\u00e9cid/", "/s%C3%A9cid/"),
        ("https://example.org/", "/"),
    ],
)
def test_a_base_with_odd_characters_is_percent_encoded(base: str, path: str) -> None:
    site = site_rules(base)
    _assert_well_formed(site)
    assert f"RewriteBase {path}" in _lines(site)
    redirects = w3id_rules("https://w3id.org/secid/", base)
    _assert_well_formed(redirects)
    targets = {line.split(" ")[2] for line in _lines(redirects) if line.startswith("RewriteRule")}
    # a substitution reads $N and %N: the URL's own $ and % are escaped, so each target
    # starts with the site URL as given, then only the rule's own back-reference
    literal = re.sub(r"([$%])", r"\\\1", path)
    assert all(target.startswith(f"https://example.org{literal}") for target in targets)
    assert all(re.sub(r"\\[$%]", "", target).count("$") <= 1 for target in targets)


def test_an_international_host_is_written_in_ascii() -> None:
    rules = w3id_rules("https://w3id.org/secid/", "https://b\u00fccher.example/secid/")
    _assert_well_formed(rules)
    assert b"https://xn--bcher-kva.example/secid/$1.html" in rules


def test_the_rules_are_generic_and_name_only_the_base_and_site() -> None:
    site = site_rules("https://w3id.org/secid/").decode()
    redirects = w3id_rules("https://w3id.org/secid/", SITE).decode()
    assert site.count("RewriteRule") == 13
    assert redirects.count("RewriteRule") == 11
    urls = set(re.findall(r"https?://[^\s$]+", redirects))
    assert "https://w3id.org/secid/" in urls
    assert all(url.startswith(SITE) for url in urls - {"https://w3id.org/secid/"})


def test_the_export_writes_both_files_owns_them_and_takes_the_site_url(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["export", "--out", str(out), "--format", "turtle", "--site-url", SITE, "-q"]
    assert CliRunner().invoke(main, args).exit_code == 0
    assert (out / SITE_RULES).read_bytes() == site_rules(SITE)  # served at the site URL
    assert (out / W3ID_RULES).read_bytes() == w3id_rules("https://w3id.org/secid/", SITE)
    listed = (out / MANIFEST).read_text().splitlines()
    assert SITE_RULES in listed and W3ID_RULES in listed

    # a user's edit is replaced by the next export (the files are the export's)
    (out / SITE_RULES).write_text("# mine\n")
    result = export_registry(
        Path(__file__).parent / "fixtures" / "corpus-sample" / "secid-7df975b" / "registry",
        out,
        ExportOptions(formats=("turtle",), base="https://example.org/kg/", jobs=1),
    )
    assert (out / SITE_RULES).read_bytes() == site_rules("https://example.org/kg/")
    # no --site-url: the site is at the base, where redirects to itself would loop; the
    # previous export's w3id.htaccess goes, as any file the export no longer writes
    assert SITE_RULES in result.files and W3ID_RULES not in result.files
    assert W3ID_RULES in result.removed and not (out / W3ID_RULES).exists()
    assert W3ID_RULES not in (out / MANIFEST).read_text().splitlines()


@pytest.mark.parametrize("site_url", [None, "https://w3id.org/secid/"])
def test_a_site_at_the_base_gets_no_redirects_to_itself(
    tmp_path: Path, site_url: str | None
) -> None:
    assert write_rules(tmp_path, "https://w3id.org/secid/", site_url) == [SITE_RULES]
    assert sorted(path.name for path in tmp_path.iterdir()) == [SITE_RULES]


@pytest.mark.parametrize(
    "site_url",
    [
        "https://W3ID.org/secid/",
        "HTTPS://w3id.org/secid/",
        "https://w3id.org:443/secid/",
        "https://w3id.org/%73ecid/",
        "https://w3id.org/%73%65cid/",
        "https://w3id.org./secid/",
    ],
)
def test_another_spelling_of_the_base_is_the_base(tmp_path: Path, site_url: str) -> None:
    # redirects from the base to another spelling of itself would loop as well
    assert write_rules(tmp_path, "https://w3id.org/secid/", site_url) == [SITE_RULES]
    assert (tmp_path / SITE_RULES).read_bytes() == site_rules("https://w3id.org/secid/")


@pytest.mark.parametrize(
    "site_url",
    [
        "https://w3id.org/secid/site/",
        "https://w3id.org:8443/secid/",
        "http://w3id.org/secid/",
        "https://w3id.org/Secid/",
        "https://w3id.org/%2Fsecid/",
    ],
)
def test_a_site_elsewhere_gets_redirects(tmp_path: Path, site_url: str) -> None:
    assert write_rules(tmp_path, "https://w3id.org/secid/", site_url) == [SITE_RULES, W3ID_RULES]


def test_a_bad_site_url_stops_the_export_before_it_reads(tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["export", str(tmp_path / "missing"), "--out", str(out), "--site-url", "ftp://x.org/"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "Error: not a valid absolute IRI: 'ftp://x.org/': the site URL must be an http or https URL"
    ]
    assert not out.exists()


def test_write_rules_says_which_file_it_could_not_write(tmp_path: Path) -> None:
    (tmp_path / SITE_RULES).mkdir()
    with pytest.raises(Exception, match=r"cannot write .*\.htaccess: Is a directory"):
        write_rules(tmp_path, "https://w3id.org/secid/")


def test_the_rules_are_the_same_bytes_in_every_process() -> None:
    code = (
        "import sys; from secid_rdf.site.htaccess import site_rules, w3id_rules;"
        "sys.stdout.buffer.write(site_rules('https://w3id.org/secid/')"
        f" + w3id_rules('https://w3id.org/secid/', {SITE!r}))"
    )
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            check=True,
        ).stdout
        for seed in ("0", "1", "2")
    }
    assert len(outputs) == 1
    base = "https://w3id.org/secid/"
    assert outputs == {site_rules(base) + w3id_rules(base, SITE)}
