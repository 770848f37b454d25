"""The per-client timeline of an operation: records, events, attachments, conclusion."""
