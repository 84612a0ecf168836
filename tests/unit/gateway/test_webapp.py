"""The gateway's serving of the web app: hashed asset URLs in an import map,
immutable caching for them, no-cache for the shell, gzip, 304s."""
import gzip
import json
import re

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from jastar_gateway.webapp import IMMUTABLE, WebApp, web_root


def request(path, **headers):
    return Request(EnvironBuilder(path=path, headers=headers).get_environ())


def shell_importmap(web):
    text = web.shell.body.decode()
    return json.loads(re.search(r'<script type="importmap">(.*?)</script>', text, re.S).group(1))["imports"]


def test_every_module_is_mapped_to_its_hashed_url_which_is_served_immutable():
    web = WebApp(web_root())
    imports = shell_importmap(web)
    assert "/assets/app/main.js" in imports and "/assets/messages/kk.json" in imports
    for plain, hashed in imports.items():
        assert re.fullmatch(r"/assets/.+\.[0-9a-f]{12}\.\w+", hashed), hashed
        response = web.response(request(hashed), web.assets[hashed], IMMUTABLE)
        assert response.status_code == 200 and "immutable" in response.headers["Cache-Control"]
    # nothing from the test kit or node_modules is served
    assert not [url for url in web.assets if "page_objects" in url or "node_modules" in url]


def test_the_shell_is_not_cached_allows_only_its_import_map_inline_and_gzips():
    web = WebApp(web_root())
    response = web.response(request("/", **{"Accept-Encoding": "gzip"}), web.shell, "no-cache")
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Content-Encoding"] == "gzip"
    html = gzip.decompress(response.get_data()).decode()
    assert "{{" not in html and 'type="module"' in html
    csp = response.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and f"'sha256-{web.importmap_hash}'" in csp
    again = web.response(request("/", **{"If-None-Match": response.headers["ETag"]}), web.shell, "no-cache")
    assert again.status_code == 304


def test_a_changed_file_gets_a_new_url(tmp_path):
    root = tmp_path
    (root / "app").mkdir()
    (root / "messages").mkdir()
    (root / "index.html").write_text('<script type="importmap">{{importmap}}</script>{{style}}{{main}}{{preload}}{{icon}}')
    (root / "style.css").write_text("body{}")
    (root / "favicon.svg").write_text("<svg/>")
    (root / "app/main.js").write_text("1")
    before = shell_importmap(WebApp(root))["/assets/app/main.js"]
    (root / "app/main.js").write_text("2")
    assert shell_importmap(WebApp(root))["/assets/app/main.js"] != before
