"""Page objects of the web app for the browser tests (tests/browser/): they
find controls the way people do, by their visible label in the chosen
language (the message catalogues), so a control without a label fails."""
from .app import PHONE, DESKTOP, WebApp  # noqa: F401
