"""govcell's renderer: turns the loaded cell and its derived results into pages.

It never re-implements a check; it renders what ``hooks`` computed.
"""
