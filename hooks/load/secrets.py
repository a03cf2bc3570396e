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
import functools
import re
from collections.abc import Callable

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
    (".npmrc", "npm credentials file"),
    (".pypirc", "PyPI credentials file"),
    (".envrc", "direnv environment file"),
    ("*.tfvars", "Terraform variables file"),
    ("*.tfvars.json", "Terraform variables file"),
    ("*.tfstate", "Terraform state file"),
    ("*.tfstate.backup", "Terraform state file"),
    ("kubeconfig", "Kubernetes credentials file"),
    ("*.kubeconfig", "Kubernetes credentials file"),
    (".dockercfg", "Docker credentials file"),
    (".boto", "cloud credentials file"),
    (".s3cfg", "cloud credentials file"),
    ("service-account*.json", "cloud service account key"),
    ("*.asc", "PGP key file"),
    ("*.gpg", "PGP key file"),
)
#: Whole repository-relative path endings that hold secrets although their base names are ordinary.
SECRET_PATH_SUFFIXES: tuple[tuple[str, str], ...] = (
    (".kube/config", "Kubernetes credentials file"),
    (".docker/config.json", "Docker credentials file"),
    (".aws/config", "cloud credentials file"),
    (".ssh/config", "SSH configuration"),
    (".config/gcloud/credentials.db", "cloud credentials file"),
)

#: Names that match the patterns above but are conventionally committed templates
#: or public halves (their *content* is still scanned).
NOT_SECRET_FILES: tuple[str, ...] = (
    ".env.example", ".env.sample", ".env.template", ".env.dist", ".env.defaults",
    "*.env.example", "*.env.sample", "*.env.template",
    "*.tfvars.example", "*.tfvars.sample", "*.tfvars.template",
    "*.pub", "*.pub.pem", "*.pub.asc",
)


def secret_file_kind(path: str) -> str | None:
    """What kind of secret file ``path`` (repo-relative, ``/``-separated) is, or None."""
    lowered = path.lower()
    name = lowered.rsplit("/", 1)[-1]
    not_secret, secret = _name_patterns()
    if not_secret(name):
        return None
    if lowered == ".git" or lowered.startswith(".git/") or "/.git/" in lowered:
        return "file of git's own (.git/)"
    hit = secret(name)
    if hit is not None and hit.lastgroup is not None:
        return SECRET_FILE_PATTERNS[int(hit.lastgroup[1:])][1]
    for suffix, kind in SECRET_PATH_SUFFIXES:
        if lowered == suffix or lowered.endswith("/" + suffix):
            return kind
    return None


@functools.cache
def _name_patterns() -> tuple[Callable[[str], re.Match[str] | None], Callable[[str], re.Match[str] | None]]:
    """``NOT_SECRET_FILES`` and ``SECRET_FILE_PATTERNS`` as one regex each (``fullmatch``).

    A bundle judges every file it picks: one match per list instead of one
    ``fnmatch`` per pattern (45 calls a file).  The secret patterns are named
    groups ``p<i>`` in list order, so the first pattern that matches names the kind,
    as the loop over the list did.
    """
    not_secret = re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in NOT_SECRET_FILES))
    secret = re.compile("|".join(f"(?P<p{i}>{fnmatch.translate(p)})" for i, (p, _) in enumerate(SECRET_FILE_PATTERNS)))
    return not_secret.fullmatch, secret.fullmatch


# Content patterns: (name, literal needles, regex).  Each is anchored on a fixed,
# rare prefix; the needles are plain substrings at least one of which every match
# contains, so a text is only searched with the patterns whose needles occur in
# it (``in`` is a C memory search, far faster than a regular expression).
_CONTENT: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("private key block", ("PRIVATE KEY",), r"-----BEGIN[A-Z0-9 ]{0,40} PRIVATE KEY(?: BLOCK)?-----"),
    ("PuTTY private key", ("PuTTY-User-Key-File-",), r"PuTTY-User-Key-File-[0-9]+:"),
    ("AWS access key ID", ("AKIA", "ASIA", "AGPA", "AIDA", "AROA", "ANPA", "ANVA", "AIPA"),
     r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b"),
    ("AWS secret access key", ("aws_secret", "awssecret", "aws_secret_access", "awssecretaccess"),
     r"(?i:aws_?secret_?access_?key)[\"']?\s*[:=]\s*[\"']?[A-Za-z0-9/+=]{40}\b"),
    ("GitHub token", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"),
     r"\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{60,255})\b"),
    ("GitLab token", ("glpat-",), r"\bglpat-[A-Za-z0-9_\-]{20,}\b"),
    ("Slack token", ("xoxa-", "xoxb-", "xoxp-", "xoxo-", "xoxs-", "xoxr-"), r"\bxox[abposr]-[A-Za-z0-9-]{10,}\b"),
    ("Google API key", ("AIza",), r"\bAIza[0-9A-Za-z_\-]{35}\b"),
    ("Stripe live key", ("k_live_",), r"\b[rs]k_live_[0-9A-Za-z]{20,}\b"),
    ("OpenAI API key", ("T3BlbkFJ",), r"\bsk-(?:proj-)?[A-Za-z0-9_\-]{20,}T3BlbkFJ[A-Za-z0-9_\-]{20,}\b"),
    ("Anthropic API key", ("sk-ant-",), r"\bsk-ant-[A-Za-z0-9_\-]{32,}\b"),
    ("npm token", ("npm_",), r"\bnpm_[A-Za-z0-9]{36}\b"),
    ("PyPI token", ("pypi-AgEI",), r"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_\-]{50,}\b"),
    ("JSON Web Token", ("eyJ",), r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    ("Slack webhook URL", ("hooks.slack.com/",),
     r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{20,}"),
    ("Discord webhook URL", ("discord.com/api/webhooks/", "discordapp.com/api/webhooks/"),
     r"https://(?:discord|discordapp)\.com/api/webhooks/[0-9]{10,}/[A-Za-z0-9_-]{30,}"),
    ("database URL with a password", ("://",),
     r"\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|amqps?|mssql|sqlserver|oracle)"
     r"://[^\s:/@'\"]{1,100}:[^\s@/'\"]{3,200}@[^\s/'\"]{1,200}"),
    ("npm registry auth token", ("_authToken=", "_auth="), r"(?:_authToken|_auth)\s*=\s*[A-Za-z0-9+/=_\-]{16,}"),
    ("Twilio API key", ("SK",), r"\bSK[0-9a-fA-F]{32}\b"),
    ("SendGrid API key", ("SG.",), r"\bSG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}\b"),
    ("Hugging Face token", ("hf_",), r"\bhf_[A-Za-z]{34}\b"),
    ("DigitalOcean token", ("dop_v1_", "doo_v1_"), r"\bdo[op]_v1_[a-f0-9]{64}\b"),
    ("Shopify token", ("shpat_", "shpss_", "shpca_", "shppa_"), r"\bshp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}\b"),
    ("Azure storage key", ("AccountKey=",), r"AccountKey=[A-Za-z0-9+/]{86}=="),
    ("GCP service account key", ("\"private_key_id\"",), r"\"private_key_id\"\s*:\s*\"[a-f0-9]{40}\""),
)
#: Invisible characters that split a key so no pattern sees it (removed before scanning).
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_COMPILED = [(name, needles, re.compile(rx)) for name, needles, rx in _CONTENT]
#: needles matched case-insensitively (the pattern itself is case-insensitive)
_FOLDED = frozenset({"AWS secret access key"})


#: Hosts that never hold a real service's data: loopback, and names reserved for examples and tests.
_LOCAL_HOST = re.compile(r"(?i)^(?:localhost|127(?:\.\d{1,3}){3}|\[?::1\]?|0\.0\.0\.0|(?:[\w-]+\.)*"
                         r"(?:example|invalid|test|localhost)|example(?:\.[\w-]+)+)$")
#: Passwords that are placeholders (as in every README and test fixture), or variables to be filled in.
_PLACEHOLDER_PASSWORD = re.compile(r"(?i)^(?:pass(?:word|wd)?|secret|changeme|change_me|postgres|mysql|root|admin|"
                                   r"test\w*|example\w*|dummy\w*|fake\w*|placeholder\w*|x{3,}|\*{3,}|your\w*)$"
                                   r"|[$%{<]")


def _placeholder_db_url(url: str) -> bool:
    """A database URL whose password is a placeholder or whose host is local or reserved for examples.

    Rule sets such as gitleaks' allow-list these shapes: they are the connection strings of
    READMEs, docker-compose files and test fixtures, not credentials of a service.
    """
    rest = url.split("://", 1)[1]
    userinfo, _, hostpart = rest.rpartition("@")
    password = userinfo.split(":", 1)[1] if ":" in userinfo else ""
    host = hostpart.split("/", 1)[0].rsplit(":", 1)[0] if not hostpart.startswith("[") else hostpart.split("]")[0] + "]"
    return bool(_PLACEHOLDER_PASSWORD.search(password) or _LOCAL_HOST.match(host))


_PLACEHOLDER_CHECKS = {"database URL with a password": _placeholder_db_url}


@dataclasses.dataclass(frozen=True, slots=True)
class SecretHit:
    """One secret-looking match: 1-based line and column, and what it looks like."""

    line: int
    col: int
    kind: str


def scan_text(text: str, *, limit: int = 20) -> list[SecretHit]:
    """Secret-looking matches in ``text``, in order, at most ``limit`` of them.

    Linear in the size of the text: a substring test per pattern, a regex pass
    only for the patterns whose needles occur, and incremental line counting.
    """
    if any(c in text for c in _INVISIBLE):
        # A key split by zero-width characters is still a key: scan the text without them
        # (lines are unchanged; a column may be off by the invisible characters before it).
        text = text.translate({ord(c): None for c in _INVISIBLE})
    starts: list[tuple[int, str]] = []
    folded: str | None = None
    for name, needles, rx in _COMPILED:
        haystack = text
        if name in _FOLDED:
            folded = text.lower() if folded is None else folded
            haystack = folded
        if not any(n in haystack for n in needles):
            continue
        for match in rx.finditer(text):
            if name in _PLACEHOLDER_CHECKS and _PLACEHOLDER_CHECKS[name](match.group(0)):
                continue
            starts.append((match.start(), name))
            if len(starts) >= limit * len(_COMPILED):
                break
    starts.sort()
    hits: list[SecretHit] = []
    line, last, line_start = 1, 0, 0
    for start, kind in starts[:limit]:
        nl = text.count("\n", last, start)
        if nl:
            line += nl
            line_start = text.rfind("\n", last, start) + 1
        last = start
        hits.append(SecretHit(line, start - line_start + 1, kind))
    return hits
