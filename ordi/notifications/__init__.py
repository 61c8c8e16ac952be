"""Notifications: what concerns a person, written with the event, listed in the API, sent by e-mail."""
