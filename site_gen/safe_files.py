"""The repository's own docs files, as the site may take them.

MkDocs reads every file of ``docs_dir`` and copies the ones that are not pages,
following symlinks: a link to a file outside the repository would be published,
a FIFO would hang the build, a page that is not UTF-8 or a symlink loop would end
it with a traceback.  :func:`drop_unsafe` removes such files from the build, each
with one warning that names it and says why (``--strict`` makes that fatal).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from typing import Any


def problem(abs_path: str, allowed: list[str], *, page: bool, max_bytes: int) -> str | None:
    """Why the file at ``abs_path`` may not reach the site, or None when it may."""
    try:
        real = os.path.realpath(abs_path, strict=True)
        st = os.stat(real)
    except (OSError, RuntimeError) as exc:
        return f"cannot be read ({getattr(exc, 'strerror', None) or exc})"
    if not any(os.path.commonpath([real, base]) == base for base in allowed):
        return "resolves outside the repository"
    if not stat.S_ISREG(st.st_mode):
        return "is not a regular file (a FIFO or device)"
    if st.st_size > max_bytes:
        return f"is {st.st_size} bytes, over the {max_bytes}-byte limit"
    if page:
        try:
            with open(real, "rb") as fh:
                fh.read().decode("utf-8")
        except OSError as exc:
            return f"cannot be read ({exc.strerror or exc})"
        except UnicodeDecodeError as exc:
            return f"is not valid UTF-8 (byte offset {exc.start})"
    return None


def drop_unsafe(files: Any, config: Any, cell_root: str, max_bytes: int, warn: Callable[[str], None]) -> None:
    """Remove from mkdocs ``files`` every file of ``docs_dir`` the site may not take (see the module)."""
    docs_dir = os.path.abspath(config.docs_dir)
    allowed = [os.path.realpath(cell_root), os.path.realpath(docs_dir)]
    for file in list(files):
        if file.generated_by is not None or not file.abs_src_path:
            continue
        if os.path.commonpath([os.path.abspath(file.abs_src_path), docs_dir]) != docs_dir:
            continue  # the theme's own files
        why = problem(file.abs_src_path, allowed, page=file.is_documentation_page(), max_bytes=max_bytes)
        if why is not None:
            from govcell.diagnostics import printable

            rel = os.path.relpath(os.path.abspath(file.abs_src_path), os.path.abspath(cell_root))
            shown = file.src_uri if rel.startswith("..") else rel.replace(os.sep, "/")
            warn(f"govcell: {printable(shown)} {why}; left out of the site")
            files.remove(file)
