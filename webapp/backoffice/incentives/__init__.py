"""Incentives (slide 9): sales entered or imported, rounded per seller, exported."""
