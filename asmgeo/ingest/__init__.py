"""Read a survey file, map its columns to our fields and check every feature (→ a report)."""
