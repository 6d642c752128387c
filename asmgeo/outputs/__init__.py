"""What leaves the app as a file: downloads, standalone and hand-out maps, briefings."""
