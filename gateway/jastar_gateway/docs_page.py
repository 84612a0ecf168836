"""/docs: the interactive API reference, Swagger UI from the swagger-ui-py
package's own files (served here: no CDN, so it works offline and behind any
firewall). It reads /openapi.json, whose server is the address the page came
from, so "Try it out" calls this same gateway."""
from importlib import resources

ASSETS = {  # the only files served, with their types
    "swagger-ui.css": "text/css; charset=utf-8",
    "index.css": "text/css; charset=utf-8",
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui-standalone-preset.js": "text/javascript; charset=utf-8",
    "docs.js": "text/javascript; charset=utf-8",
    "favicon-32x32.png": "image/png",
    "favicon-16x16.png": "image/png",
}

PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Jastar Hub API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="stylesheet" href="/docs/assets/index.css">
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png" sizes="32x32">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js" charset="UTF-8"></script>
  <script src="/docs/assets/swagger-ui-standalone-preset.js" charset="UTF-8"></script>
  <script src="/docs/assets/docs.js" charset="UTF-8"></script>
</body>
</html>
"""

# the page's settings, kept out of the HTML so a strict Content-Security-Policy can forbid inline scripts
SETTINGS = """window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    tryItOutEnabled: true,
    displayRequestDuration: true,
    showExtensions: true,
    defaultModelsExpandDepth: 1,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "BaseLayout"
  });
};
"""


def page():
    return PAGE


def asset(name):
    """(bytes, content type) of a file of the page, or None."""
    if name not in ASSETS:
        return None
    if name == "docs.js":
        return SETTINGS.encode(), ASSETS[name]
    return resources.files("swagger_ui").joinpath("static", name).read_bytes(), ASSETS[name]
