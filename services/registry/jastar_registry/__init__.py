"""Jastar Hub registry service."""
