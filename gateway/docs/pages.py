"""The HTML pages of the documentation: Swagger UI over the merged document, and the
problem types. Swagger UI's files come from the `swagger-ui-py` package, served by the
gateway itself: the pages fetch nothing from the internet."""

import functools
import html
import importlib.util
from collections.abc import Iterable
from pathlib import Path

from shared.errors import ProblemType

# The Swagger UI files the page uses, the only ones served.
SWAGGER_FILES = frozenset({"swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png"})


@functools.cache
def swagger_static_dir() -> Path:
    # Located without importing the package, whose own code (web-framework glue) we don't use.
    spec = importlib.util.find_spec("swagger_ui")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the swagger-ui-py package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def swagger_page(document_url: str, static_prefix: str) -> str:
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>NIRM API</title>
<link rel="stylesheet" href="{static_prefix}/swagger-ui.css">
<link rel="icon" type="image/png" href="{static_prefix}/favicon-32x32.png">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{static_prefix}/swagger-ui-bundle.js"></script>
<script>
window.onload = function () {{
  window.ui = SwaggerUIBundle({{
    url: "{document_url}",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    validatorUrl: null
  }});
}};
</script>
</body>
</html>
"""


def _page(title: str, body: str) -> str:
    return f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>body{{font-family:sans-serif;max-width:48rem;margin:2rem auto;line-height:1.5}}
code{{background:#eee;padding:0 .2rem}}</style></head>
<body>{body}</body>
</html>
"""


def problem_page(problem: ProblemType) -> str:
    return _page(
        problem.title,
        f"<h1>{html.escape(problem.title)}</h1>"
        f"<p>Type <code>{html.escape(problem.uri)}</code>, HTTP status {problem.status}.</p>"
        f"<p>{html.escape(problem.description)}</p>"
        '<p><a href="/problems">All problem types</a></p>',
    )


def problem_index_page(problems: Iterable[ProblemType]) -> str:
    items = "".join(
        f'<li><a href="{html.escape(p.uri)}">{html.escape(p.title)}</a> ({p.status}) — '
        f"{html.escape(p.description)}</li>"
        for p in problems
    )
    return _page(
        "Problem types",
        "<h1>Problem types</h1><p>Every error of the API is <code>application/problem+json"
        "</code> (RFC 9457) with one of these types.</p>"
        f"<ul>{items}</ul>",
    )
