"""/docs is Swagger UI from the installed package's files, never a CDN, and
its try-it calls the origin the page came from."""
import re
from types import SimpleNamespace

from jastar_gateway import docs_page
from jastar_gateway.service import MetaRoutes


def test_the_page_loads_only_its_own_files_and_each_is_there():
    page = docs_page.page()
    assert "http://" not in page and "https://" not in page and "//" not in page.replace("<!doctype", "")
    loaded = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert loaded and all(url.startswith("/docs/assets/") for url in loaded)
    for url in loaded:
        body, content_type = docs_page.asset(url.rsplit("/", 1)[1])
        assert body and content_type
    assert b"SwaggerUIBundle" in docs_page.asset("swagger-ui-bundle.js")[0]


def test_the_settings_read_this_gateways_document_with_try_it_on():
    settings = docs_page.asset("docs.js")[0].decode()
    assert 'url: "/openapi.json"' in settings and "tryItOutEnabled: true" in settings
    assert "http" not in settings


def test_no_other_file_is_served():
    assert docs_page.asset("../../../etc/passwd") is None
    assert docs_page.asset("swagger-editor-bundle.js") is None


def test_the_document_names_the_origin_it_was_read_from_as_its_server():
    document = MetaRoutes().openapi_json(SimpleNamespace(host_url="http://127.0.0.1:8000/"))
    assert document["servers"] == [{"url": "http://127.0.0.1:8000"}]  # + "/v1/..." makes one slash
