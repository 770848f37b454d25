"""The new-contract checklist of a request (slide 7)."""
