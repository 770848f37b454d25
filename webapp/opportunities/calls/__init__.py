"""Calls scheduled from an opportunity (« Programmer un appel »)."""
