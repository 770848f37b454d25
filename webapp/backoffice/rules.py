"""Rules shared by the back-office desk's features (each feature keeps its own rules in
``backoffice/<feature>/rules.py``)."""
