"""Quotes (devis, seed 001 slide 27): catalogue lines, HT/TTC, a validity date, a PDF
sent to the client through the outbox; an accepted quote becomes an opportunity."""
