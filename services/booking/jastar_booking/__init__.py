"""Jastar Hub booking service."""
