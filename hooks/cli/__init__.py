"""The ``govcell`` command: the only layer that parses argv, prints and writes files."""
