"""The `ping` every service answers: process up, broker reached (the call came
over it), and its database answering."""
import time

from sqlalchemy import text


def ping(service, engine):
    started = time.monotonic()
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return {"service": service, "status": "ok",
            "database_ms": round((time.monotonic() - started) * 1000, 1)}
