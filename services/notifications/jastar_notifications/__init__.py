"""Jastar Hub notifications service."""
