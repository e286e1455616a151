"""Notebook display of generated source: syntax-highlighted HTML (pygments if present)."""

from __future__ import annotations

import html as _html


def html(source: str) -> str:
    try:
        from pygments import highlight
        from pygments.formatters import HtmlFormatter
        from pygments.lexers import PythonLexer
    except ImportError:
        return f"<pre>{_html.escape(source)}</pre>"
    formatter = HtmlFormatter(noclasses=True, nowrap=False)
    return highlight(source, PythonLexer(), formatter)
