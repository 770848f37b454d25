"""Discovery (la découverte): structured notes by theme, three at least (seed 001,
slide 26), and the client's right of access (CNIL)."""
