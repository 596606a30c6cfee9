"""The worker's web port: operator's page, JSON API, /health and /metrics (see ``monitor.web.app``)."""
