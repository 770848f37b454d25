"""The clients of an operation (its targets) and the client file's operations."""
