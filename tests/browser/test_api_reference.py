"""/docs in a browser: Swagger UI renders the API from /openapi.json with
nothing loaded from elsewhere, shows an operation's parameters and example,
and its try-it calls this same gateway and shows the answer."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import WebDriverWait


def test_try_it_out_calls_this_gateway_and_shows_the_answer(chromium, seeded):
    chromium.get(seeded.url + "/docs#/catalogue/get_districts")
    wait = WebDriverWait(chromium, 30)
    operation = wait.until(ready.visibility_of_element_located((By.ID, "operations-catalogue-get_districts")))
    assert "limit" in operation.text and "offset" in operation.text  # the paging parameters
    assert "karasai" in operation.text or "balkhash" in operation.text  # the example answer
    operation.find_element(By.CSS_SELECTOR, "button.execute").click()

    answer = "#operations-catalogue-get_districts .live-responses-table tr.response "
    status = wait.until(ready.visibility_of_element_located((By.CSS_SELECTOR, answer + ".response-col_status")))
    assert status.text.strip().startswith("200")
    request_url = chromium.find_element(By.CSS_SELECTOR, "#operations-catalogue-get_districts .request-url pre")
    assert request_url.text.startswith(seeded.url + "/v1/districts")
    body = chromium.find_element(By.CSS_SELECTOR, answer + ".response-col_description pre")
    assert '"total"' in body.text and '"items"' in body.text

    loaded = chromium.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert loaded and all(url.startswith(seeded.url + "/") for url in loaded), loaded
