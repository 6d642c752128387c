"""The domain: Pillar 6 model, practices, recommendations, ground figures and queries on plain frames."""
