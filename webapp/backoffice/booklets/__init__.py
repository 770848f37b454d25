"""Booklets for the agencies (slide 8): quotas and orders, on Logimail or through the BO."""
