"""Formats: the pydantic models of every file govcell reads or writes; no I/O."""
