"""Django's PostgreSQL backend, checking a kept connection without asking the server.

Each web process keeps its connection between requests (CONN_MAX_AGE), and Django checks
it before a request uses it (CONN_HEALTH_CHECKS) with a `SELECT 1`: one round trip more
for every request, a twentieth of a near-me search (make load). Between requests nothing is
in flight, so a healthy server has nothing to say: the socket has nothing to read. A server
that restarted, or ended the connection, has said so (a closing message, then end of file),
and only then is the round trip worth making.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        try:
            readable, _, _ = select.select([self.connection.fileno()], [], [], 0)
        except (OSError, self.Database.Error):  # closed, or known to be lost
            return False
        # Something to read: an ended connection, or a message such as a changed setting
        # that Django's own check (a query) reads and answers.
        return not readable or super().is_usable()
