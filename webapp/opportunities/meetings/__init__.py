"""Meetings booked from an opportunity (seed 003 « Création d'une réunion »)."""
