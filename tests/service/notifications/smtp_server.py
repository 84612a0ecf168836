"""A real SMTP server (aiosmtpd) in its own process, so its asyncio loop runs
away from the tests' eventlet-patched one: every message received is written
to <dir>/<n>.eml. Usage: python smtp_server.py PORT DIR"""
import sys
import time
from pathlib import Path

from aiosmtpd.controller import Controller


class SaveToDirectory:
    def __init__(self, directory):
        self.directory = Path(directory)
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        tmp = self.directory / f"{self.count}.tmp"
        tmp.write_bytes(envelope.original_content)
        tmp.rename(self.directory / f"{self.count}.eml")
        return "250 Message accepted for delivery"


if __name__ == "__main__":
    port, directory = int(sys.argv[1]), sys.argv[2]
    controller = Controller(SaveToDirectory(directory), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()
