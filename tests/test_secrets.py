"""govcell.load.secrets: secret file names and secret-looking content."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govcell.load.secrets import scan_text, secret_file_kind
from tests.conftest import REPO_ROOT

# Every sample is assembled from pieces so this file never looks like it holds a secret.
SAMPLES = {
    "private key block": "-----BEGIN " + "OPENSSH PRIVATE KEY-----",
    "AWS access key ID": "AKIA" + "Z" * 16,
    "AWS secret access key": "aws_secret_access_key = " + "a1B2" * 10,
    "GitHub token": "ghp" + "_" + "x" * 36,
    "GitLab token": "glpat" + "-" + "y" * 20,
    "Slack token": "xoxb" + "-" + "1234567890-abc",
    "Google API key": "AIza" + "S" * 35,
    "Stripe live key": "sk_" + "live_" + "0" * 24,
    "Anthropic API key": "sk-" + "ant-" + "k" * 40,
    "npm token": "npm_" + "n" * 36,
}


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_scan_finds_each_kind_at_its_line(kind: str) -> None:
    text = "first line\n\n    value: " + SAMPLES[kind] + "\n"
    hits = scan_text(text)
    assert [(h.line, h.col, h.kind) for h in hits] == [(3, 12, kind)]


def test_scan_counts_lines_across_many_hits() -> None:
    key = "AKIA" + "Q" * 16
    text = "".join(f"line {n}\n" if n % 3 else f"k = {key}\n" for n in range(1, 10))
    assert [(h.line, h.col) for h in scan_text(text)] == [(3, 5), (6, 5), (9, 5)]
    assert len(scan_text(text, limit=2)) == 2


@pytest.mark.parametrize("text", [
    "AKIA is a prefix, but AKIAshort is not a key",
    "-----BEGIN PUBLIC KEY-----",
    "-----BEGIN CERTIFICATE-----",
    "sk_test_" + "0" * 24,
    "ordinary code: x = compute(y) # ghp is a word",
])
def test_scan_ignores_lookalikes(text: str) -> None:
    assert scan_text(text) == []


@pytest.mark.parametrize(("path", "kind"), [
    (".env", "dotenv file"), ("config/.env.production", "dotenv file"), ("deploy/prod.env", "dotenv file"),
    ("certs/server.pem", "PEM key or certificate file"), ("x/tls.key", "key file"),
    ("home/.ssh/id_rsa", "SSH private key"), ("id_ed25519", "SSH private key"), ("store.p12", "PKCS#12 key store"),
    (".aws/credentials", "credentials file"), (".netrc", "credentials file"), ("ID_RSA", "SSH private key"),
])
def test_secret_file_names(path: str, kind: str) -> None:
    assert secret_file_kind(path) == kind


@pytest.mark.parametrize("path", [".env.example", "id_rsa.pub", "docs/env.md", "keys.py", "src/environment.py"])
def test_not_secret_file_names(path: str) -> None:
    assert secret_file_kind(path) is None


def test_govcell_sources_hold_no_secret() -> None:
    """The scanner's own patterns (and these tests) must not trip the scanner."""
    for path in sorted([*REPO_ROOT.glob("hooks/*.py"), *REPO_ROOT.glob("tests/*.py")]):
        assert scan_text(path.read_text(encoding="utf-8")) == [], path


def test_scan_is_linear_on_a_large_text() -> None:
    text = ("x = 'AKIA' + value  # not a key\n" * 100_000) + "k = " + "AKIA" + "W" * 16 + "\n"
    hits = scan_text(text)
    assert [(h.line, h.kind) for h in hits] == [(100_001, "AWS access key ID")]


@pytest.mark.ac("AC-HOSTILE-004")
@pytest.mark.parametrize(("path", "kind"), [
    (".npmrc", "npm"), ("a/.pypirc", "PyPI"), (".envrc", "direnv"), ("infra/prod.tfvars", "Terraform"),
    ("kubeconfig", "Kubernetes"), ("home/.kube/config", "Kubernetes"), (".docker/config.json", "Docker"),
    ("deploy/prod.env", "dotenv"), (".env.local", "dotenv"), (".git/config", "git"),
])
def test_more_secret_files(path: str, kind: str) -> None:
    from govcell.load.secrets import secret_file_kind

    assert kind in (secret_file_kind(path) or ""), path
    assert secret_file_kind("infra/prod.tfvars.example") is None and secret_file_kind("docs/config.json") is None


@pytest.mark.ac("AC-HOSTILE-004")
@pytest.mark.parametrize(("parts", "kind"), [
    (["url = 'postgres", "ql://app:pa55word@db:5432/x'"], "database URL"),
    (["t = eyJhbGciOiJIUzI1NiJ9", ".eyJzdWIiOiIxMjM0NTY3ODkwIn0", ".dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"],
     "JSON Web Token"),
    (["https://hooks.slack", ".com/services/T0000000/B0000000/XXXXXXXXXXXXXXXXXXXXXXXX"], "Slack webhook"),
    (["AK", "\u200bIAIOSFODNN7", "\u200dEXAMPLE"], "AWS access key ID"),
])
def test_more_secret_shapes(parts: list[str], kind: str) -> None:
    hits = scan_text("".join(parts))
    assert hits and kind in hits[0].kind, hits


@pytest.mark.parametrize("url, secret", [
    ("postgres" + "://app:s3cr3tKz81@db.prod.acme.io:5432/app", True),  # split: these sources hold no secret
    ("mongodb+srv" + "://admin:Qw8rT5yU@cluster0.abcd.mongodb.net/db", True),
    ("postgres://user:pass@localhost:5432/app", False),            # loopback
    ("postgres://u:Xk2pQ9vLm@127.0.0.1/x", False),
    ("postgresql://EXAMPLE_USER:EXAMPLE_PASS@example.internal:5432/EXAMPLE_DB", False),  # names for examples
    ("mysql://root:${DB_PASS}@db:3306/x", False),                   # a variable to be filled in
    ("postgres://app:changeme@db.acme.io/app", False),              # a placeholder password
])
def test_database_urls_with_placeholders_are_not_secrets(url: str, secret: bool) -> None:
    """As in gitleaks' allow-lists: READMEs' and fixtures' connection strings are not credentials."""
    assert bool(scan_text(f"url = '{url}'")) is secret


def _kind_by_fnmatch(path: str) -> str | None:
    """secret_file_kind as the plain loop over the patterns (one fnmatch each) it is compiled from."""
    import fnmatch

    from govcell.load import secrets

    lowered = path.lower()
    name = lowered.rsplit("/", 1)[-1]
    if any(fnmatch.fnmatchcase(name, pat) for pat in secrets.NOT_SECRET_FILES):
        return None
    if lowered == ".git" or lowered.startswith(".git/") or "/.git/" in lowered:
        return "file of git's own (.git/)"
    for pattern, kind in secrets.SECRET_FILE_PATTERNS:
        if fnmatch.fnmatchcase(name, pattern):
            return kind
    for suffix, kind in secrets.SECRET_PATH_SUFFIXES:
        if lowered == suffix or lowered.endswith("/" + suffix):
            return kind
    return None


_NAME_PARTS = st.sampled_from(["", ".", "env", "Env", "pem", "key", "id_rsa", "pub", "example", "tfvars", "x",
                               "service-account", "json", "asc", "/", ".kube/config", "\n", "*"])


@settings(max_examples=400, deadline=None)
@given(st.lists(_NAME_PARTS, min_size=1, max_size=6).map("".join))
def test_the_compiled_secret_file_patterns_mean_what_the_fnmatch_list_means(path: str) -> None:
    from govcell.load.secrets import NOT_SECRET_FILES, SECRET_FILE_PATTERNS, secret_file_kind

    assert secret_file_kind(path) == _kind_by_fnmatch(path)
    for pattern in (*NOT_SECRET_FILES, *(p for p, _ in SECRET_FILE_PATTERNS)):
        example = "dir/" + pattern.replace("*", "abc")
        assert secret_file_kind(example) == _kind_by_fnmatch(example), example
