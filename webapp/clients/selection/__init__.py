"""Requêtes: the client query builder, saved queries, actions on a result."""
