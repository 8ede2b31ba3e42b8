"""Container health check for an app server: /healthz answers 200 as nginx would ask it.

The request carries the first ALLOWED_HOSTS name and X-Forwarded-Proto: https, so that the
production settings (allowed hosts, the HTTPS redirect) are exercised, not bypassed.
"""

import http.client
import os
import sys

host = os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0].strip()
port = int(os.environ.get("GUNICORN_BIND", "0.0.0.0:8000").rsplit(":", 1)[1])
connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
try:
    connection.request("GET", "/healthz", headers={"Host": host, "X-Forwarded-Proto": "https"})
    status = connection.getresponse().status
except OSError as error:
    sys.exit(f"/healthz: {error}")
sys.exit(0 if status == 200 else f"/healthz answered {status}")
