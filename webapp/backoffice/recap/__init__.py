"""The R1 recap per sales rep (slide 12)."""
