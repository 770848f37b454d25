"""Tasks on a client (or an opportunity), rejets included (seed 001, slides 26 and 43)."""
