"""``make soak``: minutes of concurrent traffic through several gunicorn workers (see run.py)."""
