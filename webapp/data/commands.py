"""CLI commands of the data package (filled by the data import/export/demo modules)."""
