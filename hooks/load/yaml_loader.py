"""The YAML loader govcell parses with, and the tags its files may hold.

One loader for every YAML file (libyaml's safe loader when present, with a
cheaper implicit-tag resolver that gives exactly PyYAML's tags), the tag names
the converters compare against, and the nesting limit both builders enforce
(:mod:`govcell.load.yamlio` composes, :mod:`govcell.load.yaml_events` builds
from events).
"""

from __future__ import annotations

import functools
from typing import Any

#: The deepest nesting of mappings and sequences a govcell file may have.
MAX_DEPTH = 200

MERGE = "tag:yaml.org,2002:merge"
STR = "tag:yaml.org,2002:str"
TIMESTAMP = "tag:yaml.org,2002:timestamp"
COLLECTION_TAGS = frozenset({"tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"})
#: Scalar types a govcell file may hold; ``!!binary`` (bytes) and the rest are refused as ``yaml.tag``.
SCALAR_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp"))
#: Every plain scalar starting with a letter that YAML 1.1 (PyYAML's resolver) reads as a bool or null.
WORD_SCALARS = frozenset(
    f(w) for w in ("yes", "no", "true", "false", "on", "off", "null") for f in (str.lower, str.capitalize, str.upper))
WORD_TAGS = frozenset({"tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"})
PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("int", "float", "bool", "null"))


@functools.cache
def fast_loader() -> type:
    """The safe loader (libyaml's when present) with a cheaper implicit-tag resolver.

    libyaml composes nodes in C but asks PyYAML's Python resolver for the tag of
    every scalar, and that resolver runs regular expressions on each plain
    scalar; on a ledger, which is mostly IDs and prose, that was a third of the
    load time.  Only a plain scalar whose first character can start an implicit
    type (a digit, sign, dot, ``~``, the first letter of true/false/yes/no/on/
    off/null, ``<<``, ``=``) or an empty one can resolve to anything but a
    string, so every other scalar is a string at once and the rest go through
    PyYAML's own resolver: the tags are exactly PyYAML's.  Of those, a scalar
    that starts with a letter can only be one of YAML 1.1's boolean and null
    words (:data:`WORD_SCALARS`; the letters' resolvers are bool and null only,
    and both match whole words), so ``title`` or ``features/x.feature`` -- keys
    and paths, half the scalars of a ledger -- skip the regular expressions too.
    """
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    first = frozenset(k for k in base.yaml_implicit_resolvers if k)
    words_only = frozenset(k for k, found in base.yaml_implicit_resolvers.items()
                           if k.isalpha() and {tag for tag, _ in found} <= WORD_TAGS)
    resolve_exact = base.resolve
    scalar, sequence = yaml.ScalarNode, yaml.SequenceNode
    seq_tag, map_tag = base.DEFAULT_SEQUENCE_TAG, base.DEFAULT_MAPPING_TAG

    def resolve(self: Any, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is scalar:
            if implicit[0] and (not value or value[0] in first):
                if value and value[0] in words_only and value not in WORD_SCALARS:
                    return STR
                tag: str = resolve_exact(self, kind, value, implicit)
                return tag
            return STR
        return seq_tag if kind is sequence else map_tag

    def ignore_path(self: Any, *args: Any) -> None:
        """The safe loader has no path resolvers: nothing to track per node."""

    assert not base.yaml_path_resolvers
    return type("GovcellLoader", (base,), {"resolve": resolve, "descend_resolver": ignore_path,
                                            "ascend_resolver": ignore_path, "implicit_first": first})
