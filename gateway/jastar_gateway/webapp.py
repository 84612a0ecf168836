"""The web app (web/ at the repository's root) served at /, same origin as the
API. Every asset is hashed once at start and served as
/assets/<path>.<hash>.<ext> with a year's immutable caching; the HTML shell
(no-cache) carries an import map from each module's plain URL to its hashed
one, so the modules import each other by plain relative paths. Gzip is done
once at start too. No build step, no CDN: it works offline."""
import base64
import gzip
import hashlib
import json
import logging
import mimetypes
import time
from pathlib import Path

from nameko.web.handlers import HttpRequestHandler
from werkzeug.wrappers import Response

from jastar_common.metrics import HTTP_LATENCY, HTTP_REQUESTS

from .http import ProblemWebServer, request_id_of
from .settings import WEB_DEFAULT

log = logging.getLogger("jastar.access")
SERVED = ("app", "messages", "style.css", "favicon.svg")  # what of web/ a browser may fetch (not the test kit)
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".json": "application/json; charset=utf-8", ".svg": "image/svg+xml"}
IMMUTABLE = "public, max-age=31536000, immutable"


def web_root(settings=None):
    """web/ of this checkout, unless the settings say where (WEB_ROOT)."""
    return Path(settings.web_root if settings else WEB_DEFAULT)


class Asset:
    def __init__(self, name, body):
        self.name = name  # "app/main.js"
        digest = hashlib.sha256(body).hexdigest()[:12]
        stem, dot, ext = name.rpartition(".")
        self.url = f"/assets/{stem}.{digest}.{ext}"
        self.plain_url = f"/assets/{name}"
        self.etag = f'"{digest}"'
        self.type = TYPES.get("." + ext) or mimetypes.guess_type(name)[0] or "application/octet-stream"
        self.body, self.gzipped = body, gzip.compress(body, 9, mtime=0)


class WebApp:
    """The files, hashed and compressed, and the shell that names them."""

    def __init__(self, root):
        self.assets = {}
        for top in SERVED:
            path = root / top
            files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
            for file in files:
                if file.exists() and not file.name.startswith("."):
                    asset = Asset(file.relative_to(root).as_posix(), file.read_bytes())
                    self.assets[asset.url] = self.assets[asset.plain_url] = asset
        by_name = {a.name: a for a in self.assets.values()}
        imports = {a.plain_url: a.url for a in by_name.values()}
        # the core modules load at once; pages (app/<folder>/) when first visited
        modules = sorted(a.url for a in by_name.values() if a.name.endswith(".js") and a.name.count("/") == 1)
        shell = (root / "index.html").read_text(encoding="utf-8")
        importmap = json.dumps({"imports": imports})
        shell = shell.replace("{{importmap}}", importmap)
        # the one inline script is allowed by its hash, nothing else inline
        self.importmap_hash = base64.b64encode(hashlib.sha256(importmap.encode()).digest()).decode()
        shell = shell.replace("{{style}}", by_name["style.css"].url)
        shell = shell.replace("{{main}}", by_name["app/main.js"].url)
        shell = shell.replace("{{icon}}", by_name["favicon.svg"].url)
        self.icon = by_name["favicon.svg"]
        shell = shell.replace("{{preload}}", "".join(
            f'<link rel="modulepreload" href="{url}">' for url in modules))
        self.shell = Asset("index.html", shell.encode())
        self.shell.type = "text/html; charset=utf-8"

    def response(self, request, asset, cache):
        headers = {"Cache-Control": cache, "ETag": asset.etag, "Vary": "Accept-Encoding",
                   "X-Content-Type-Options": "nosniff"}
        if asset is self.shell:
            headers["Content-Security-Policy"] = (
                "default-src 'self'; script-src 'self' 'sha256-" + self.importmap_hash + "'; style-src 'self'; "
                "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'")
            headers["Referrer-Policy"] = "no-referrer"
        if asset.etag in request.headers.get("If-None-Match", ""):
            return Response(status=304, headers=headers)
        body = asset.body
        if "gzip" in request.headers.get("Accept-Encoding", ""):
            body, headers["Content-Encoding"] = asset.gzipped, "gzip"
        return Response(body, headers=headers, content_type=asset.type)


_APP = {}


def app(settings):
    """Built once per process, on first use (the gateway may start without web/)."""
    if "app" not in _APP:
        _APP["app"] = WebApp(web_root(settings))
    return _APP["app"]


class WebRoute(HttpRequestHandler):
    """Files, not the API: no caller, no rate limit, not in OpenAPI; in the
    access log and the metrics like every request."""
    server = ProblemWebServer()

    def handle_request(self, request):
        started = time.monotonic()
        request.environ["jastar.request_id"] = request_id_of(request)
        response = self.serve(request, request.path_values, app(self.server.settings))
        elapsed = time.monotonic() - started
        HTTP_REQUESTS.labels(self.url, request.method, str(response.status_code)).inc()
        HTTP_LATENCY.labels(self.url).observe(elapsed)
        log.info("%s %s %s", request.method, request.path, response.status_code, extra={
            "correlation_id": request.environ["jastar.request_id"], "route": self.url,
            "status": response.status_code, "ms": round(elapsed * 1000, 1)})
        return response

    @staticmethod
    def serve(request, values, web):
        if request.path == "/favicon.ico":  # asked for by browsers whatever the page says
            return web.response(request, web.icon, "public, max-age=86400")
        if "name" not in values:
            return web.response(request, web.shell, "no-cache")
        asset = web.assets.get(request.path)
        if asset is None:
            return Response("not found", status=404, content_type="text/plain")
        return web.response(request, asset, IMMUTABLE if request.path == asset.url else "no-cache")


web_route = WebRoute.decorator


class WebAppRoutes:
    @web_route("GET", "/")
    def web_shell(self, request):
        pass  # WebRoute.handle_request answers

    @web_route("GET", "/favicon.ico")
    def web_icon(self, request):
        pass

    @web_route("GET", "/assets/<path:name>")
    def web_asset(self, request, name):
        pass
