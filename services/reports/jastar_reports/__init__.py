"""Jastar Hub reports: reach, use, no-shows and waiting, built from events."""
