"""Set-up of an operation: the list, the operation form, the objective split, the steps."""
