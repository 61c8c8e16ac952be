"""Pickups: a donor asks, a workshop is put in charge, collects, and both sign the custody receipt."""
