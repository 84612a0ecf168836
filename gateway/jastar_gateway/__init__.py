"""Jastar Hub gateway: the public HTTP API."""
