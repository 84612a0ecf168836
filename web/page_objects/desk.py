"""Centre staff and admins through the app: sign in, the day list, walk-ins,
administration and reports."""
from selenium.webdriver.common.by import By

TABLET = {"width": 820, "height": 1180, "mobile": True}


class Staff:
    def __init__(self, app, phone):
        self.app, self.phone = app, phone

    def sign_in(self, path="/desk"):
        """Open a desk page: the app asks a staff sign-in first, then comes back."""
        app = self.app
        app.open(path)
        assert "role=staff" in app.hash, app.hash
        assert app.heading() == app.t("auth.title_staff")
        app.fill(app.t("auth.phone"), self.phone)
        app.press(app.t("auth.send_code"))
        code = app.wait(lambda: app.find(".dev-code").get_attribute("data-code"), message="no code shown")
        app.fill(app.t("auth.code"), code)
        app.press(app.t("auth.sign_in"))
        app.wait(lambda: "signin" not in app.hash, message="not signed in")
        arrived(app, app.t("auth.title_staff"))

    def row(self, booking_id):
        return self.app.wait(lambda: self.app.find(f"tr[data-booking='{booking_id}']"),
                             message=f"booking {booking_id} not in the day list")

    def state(self, booking_id):
        return self.row(booking_id).get_attribute("data-state")

    def act(self, booking_id, label_key, confirm=False):
        app = self.app
        app.click(app.button(app.t(label_key), self.row(booking_id)))
        if confirm:
            dialog = app.wait(lambda: app.find("dialog[open]"))
            app.click(app.button(app.t(label_key), dialog))
        app.settle()


class Admin:
    def __init__(self, app, key):
        self.app, self.key = app, key

    def sign_in(self, path="/admin"):
        app = self.app
        app.open(path)
        assert "admin/signin" in app.hash, app.hash
        app.fill(app.t("admin.key"), self.key)
        app.press(app.t("admin.sign_in"))
        app.wait(lambda: "signin" not in app.hash, message="admin not signed in")
        arrived(app, app.t("admin.signin_title"))

    def secret_shown(self, kind):
        return self.app.wait(lambda: self.app.find(f"[data-secret='{kind}']").text, message=f"no {kind} shown")


def arrived(app, left_heading):
    """The page after sign-in has drawn itself (not the sign-in page any more)."""
    app.wait(lambda: app.find_all("main h1") and app.heading() != left_heading
             and not app.find_all("main .loading"), message="the page after sign-in did not come")


def chart_kinds(app):
    """The charts on the page, each with its drawn marks: {"line": n points, "bar": n bars}."""
    app.wait(lambda: app.find_all("figure[data-chart]"), message="no charts")
    found = {}
    for figure in app.find_all("figure[data-chart]"):
        svg = figure.find_element(By.CSS_SELECTOR, "svg[role='img']")
        marks = svg.find_elements(By.CSS_SELECTOR, "circle, rect.bar")
        found[figure.get_attribute("data-chart")] = len(marks)
    return found
