"""The pipeline's settings, for admins: stages, types, lost reasons, SPEX rotation."""
