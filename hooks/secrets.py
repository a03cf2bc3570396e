"""Recognising secrets before they are pasted into an LLM's context.

A context bundle is text that leaves the repository (into a chat window, an
API request, a log).  A private key or a cloud access key in it is a leak, so
the bundler refuses to render one.  Two independent signals:

* *secret files*, by name (``.env``, ``*.pem``, ``id_rsa``...), whatever they
  hold: their whole purpose is to carry secrets;
* *secret-looking content*, by pattern (private key blocks, cloud and forge
  access keys, tokens), found anywhere in a text file, with its line and column.

The patterns are deliberately specific (a prefix and a shape) rather than
entropy-based: a false positive blocks a commit, so each one must be rare and
explainable.  A file that legitimately holds such text (a test fixture) is
allowed by naming its exact path in the contextpack's ``allow_secrets``.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import re

#: Basenames (fnmatch, case-insensitive) of files that exist to hold secrets.
SECRET_FILE_PATTERNS: tuple[tuple[str, str], ...] = (
    (".env", "dotenv file"),
    (".env.*", "dotenv file"),
    ("*.env", "dotenv file"),
    ("*.pem", "PEM key or certificate file"),
    ("*.key", "key file"),
    ("id_rsa*", "SSH private key"),
    ("id_dsa*", "SSH private key"),
    ("id_ecdsa*", "SSH private key"),
    ("id_ed25519*", "SSH private key"),
    ("*.p12", "PKCS#12 key store"),
    ("*.pfx", "PKCS#12 key store"),
    ("*.jks", "Java key store"),
    ("*.keystore", "key store"),
    ("*.kdbx", "KeePass database"),
    ("*.ppk", "PuTTY private key"),
    ("credentials", "credentials file"),
    ("credentials.json", "credentials file"),
    ("credentials.yaml", "credentials file"),
    ("credentials.yml", "credentials file"),
    (".git-credentials", "credentials file"),
    (".netrc", "credentials file"),
    (".pgpass", "credentials file"),
    (".htpasswd", "credentials file"),
    ("secrets.yaml", "secrets file"),
    ("secrets.yml", "secrets file"),
    ("secrets.json", "secrets file"),
)

#: Names that match the patterns above but are conventionally committed templates
#: or public halves (their *content* is still scanned).
NOT_SECRET_FILES: tuple[str, ...] = (
    ".env.example", ".env.sample", ".env.template", ".env.dist", ".env.defaults",
    "*.pub", "*.pub.pem",
)


def secret_file_kind(path: str) -> str | None:
    """What kind of secret file ``path`` (repo-relative, ``/``-separated) is, or None."""
    name = path.rsplit("/", 1)[-1].lower()
    if any(fnmatch.fnmatchcase(name, pat) for pat in NOT_SECRET_FILES):
        return None
    for pattern, kind in SECRET_FILE_PATTERNS:
        if fnmatch.fnmatchcase(name, pattern):
            return kind
    return None


# Content patterns: (name, regex).  Each is anchored on a fixed, rare prefix.
_CONTENT: tuple[tuple[str, str], ...] = (
    ("private key block", r"-----BEGIN[A-Z0-9 ]{0,40} PRIVATE KEY(?: BLOCK)?-----"),
    ("PuTTY private key", r"PuTTY-User-Key-File-[0-9]+:"),
    ("AWS access key ID", r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b"),
    ("AWS secret access key", r"(?i:aws_?secret_?access_?key)[\"']?\s*[:=]\s*[\"']?[A-Za-z0-9/+=]{40}\b"),
    ("GitHub token", r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{60,255})\b"),
    ("GitLab token", r"\bglpat-[A-Za-z0-9_\-]{20,}\b"),
    ("Slack token", r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b"),
    ("Google API key", r"\bAIza[0-9A-Za-z_\-]{35}\b"),
    ("Stripe live key", r"\b[rs]k_live_[0-9A-Za-z]{20,}\b"),
    ("OpenAI API key", r"\bsk-(?:proj-)?[A-Za-z0-9_\-]{20,}T3BlbkFJ[A-Za-z0-9_\-]{20,}\b"),
    ("Anthropic API key", r"\bsk-ant-[A-Za-z0-9_\-]{32,}\b"),
    ("npm token", r"\bnpm_[A-Za-z0-9]{36}\b"),
    ("PyPI token", r"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,}\b"),
)
_NAMES = [name for name, _ in _CONTENT]
_COMBINED = re.compile("|".join(f"(?P<g{i}>{rx})" for i, (_, rx) in enumerate(_CONTENT)))


@dataclasses.dataclass(frozen=True, slots=True)
class SecretHit:
    """One secret-looking match: 1-based line and column, and what it looks like."""

    line: int
    col: int
    kind: str


def scan_text(text: str, *, limit: int = 20) -> list[SecretHit]:
    """Secret-looking matches in ``text``, in order, at most ``limit`` of them.

    One pass of a single combined regular expression; line numbers are counted
    incrementally, so the scan stays linear in the size of the text.
    """
    hits: list[SecretHit] = []
    line = 1
    last = 0
    line_start = 0
    for match in _COMBINED.finditer(text):
        start = match.start()
        nl = text.count("\n", last, start)
        if nl:
            line += nl
            line_start = text.rfind("\n", last, start) + 1
        last = start
        kind = _NAMES[int((match.lastgroup or "g0")[1:])]
        hits.append(SecretHit(line, start - line_start + 1, kind))
        if len(hits) >= limit:
            break
    return hits
