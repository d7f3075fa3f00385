"""Structured logs: one JSON object per line, for log collectors.

    {"time": "2031-03-01T10:00:00.123Z", "level": "ERROR", "logger": "django.request",
     "message": "Internal Server Error: /en/", "exception": "Traceback ..."}

Chosen with JAMPORTAL_LOG_FORMAT=json (the default when DEBUG is off).
"""

import json
import logging
import time

# Attributes every LogRecord has; anything else was passed in `extra=` and is kept.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, str | int | float | bool | None) else repr(value)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
