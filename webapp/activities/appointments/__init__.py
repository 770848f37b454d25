"""Appointments (événements) booked from the client's contact, their invitation and the
confirmation 24 h before, and the rep's agenda (seed 001, slides 26–27)."""
