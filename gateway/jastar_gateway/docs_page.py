"""/docs: the API as a readable page, rendered from the OpenAPI document
(no scripts from elsewhere: it works offline and behind any firewall)."""
from html import escape

STYLE = """body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;color:#222}
h1{margin-bottom:.2em}h2{border-bottom:1px solid #ddd;padding-top:1em}
.op{margin:.6em 0;padding:.5em .8em;border-left:4px solid #4a7;background:#f7f9f8}
.m{font-weight:bold;display:inline-block;width:4.5em}.p{font-family:monospace}
.who{color:#666;font-size:.9em}code{background:#eee;padding:0 .2em}"""


def render(openapi):
    out = [f"<!doctype html><html lang='en'><meta charset='utf-8'><title>{escape(openapi['info']['title'])}"
           f"</title><style>{STYLE}</style><h1>{escape(openapi['info']['title'])}</h1>",
           f"<p>{escape(openapi['info'].get('description', ''))}</p>",
           "<p>Machine-readable: <a href='/openapi.json'>/openapi.json</a> (HTTP), "
           "<a href='/asyncapi.yaml'>/asyncapi.yaml</a> (events on RabbitMQ exchange "
           "<code>jastar.events</code>). Sign in: <code>POST /v1/auth/otp</code>, then "
           "<code>POST /v1/auth/token</code>, then <code>Authorization: Bearer &lt;token&gt;</code>. "
           "Integrators send <code>X-Api-Key</code>. Errors are <code>application/problem+json</code>."
           "</p>"]
    by_tag = {}
    for path, operations in openapi["paths"].items():
        for method, op in operations.items():
            by_tag.setdefault(op["tags"][0], []).append((path, method, op))
    for tag, ops in by_tag.items():
        out.append(f"<h2>{escape(tag)}</h2>")
        for path, method, op in ops:
            who = "anyone" if {} in op.get("security", []) else \
                ", ".join(next(iter(s)) for s in op.get("security", []))
            out.append(f"<div class='op'><span class='m'>{method.upper()}</span>"
                       f"<span class='p'>{escape(path)}</span><br>{escape(op['summary'])} "
                       f"<span class='who'>({escape(who)})</span></div>")
    out.append("</html>")
    return "\n".join(out)
