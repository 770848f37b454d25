"""Complaints (réclamations, seed 001 slide 44): filed from the client file, acknowledged
to the client at once, one open complaint per order, the « Réclamations » list."""
