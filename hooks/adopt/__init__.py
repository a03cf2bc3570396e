"""``govcell init``: what an existing repository holds, and the governed cell that fits it."""
