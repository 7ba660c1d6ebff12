"""Tools around the crawler (`python -m crawler …`): cli, cron, report, key migration, new-site scaffold."""
