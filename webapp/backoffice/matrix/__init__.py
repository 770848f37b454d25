"""The routing matrix (slide 3) and the desk's designations, edited by the admin."""
