"""Requests to the BO (slides 3 to 6): intake, queue and search, thread, workflow moves."""
