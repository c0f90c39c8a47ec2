"""A griffe extension that shows the library's Sphinx roles as code in the API reference.

The docstrings are written for readers of the source and of ``help()``, where
``:class:`Money``` is the usual way to name a class; Markdown has no such roles, so
mkdocstrings would print the role itself. This turns each role into a code span of the name it
names (the last part only, for a ``~`` target), so the docstrings stay as they are and the site
reads as prose. The site's build loads it (``mkdocs.yml``); nothing else imports it.
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:py:)?(?:class|meth|func|data|attr|exc|mod|obj|const):`(~?)([^`]+)`")


def plain_roles(text: str) -> str:
    """``text`` with every Sphinx role replaced by a code span of the name it names."""

    def code(match: re.Match[str]) -> str:
        target = match.group(2).strip()
        shown = target.rsplit(".", 1)[-1] if match.group(1) else target
        return f"`{shown}`"

    return _ROLE.sub(code, text)


class SphinxRoles(griffe.Extension):
    """Rewrites the roles of every docstring once the object tree is complete."""

    def on_object(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        """Replace the roles in ``obj``'s docstring, if it has one."""
        if obj.docstring is not None:
            obj.docstring.value = plain_roles(obj.docstring.value)
