"""Periodic tasks inside the workers (retention purges, the notifications' outbox): no cron needed."""
