"""Posting to the Jam's page on the portal, through its booth API.

    publisher = PortalPublisher("https://jams.example.org", token)
    config = publisher.config()          # the Jam, its languages, hashtag, caption template
    remote_id = publisher.publish(job)   # the photo's id on the portal

The portal stores one photo per idempotency key and answers a repeated key
with the same photo, so a retry after a lost answer never posts twice.
"""

from . import http_session


class PortalError(Exception):
    """The portal refused the photo for good (bad token, not an image...)."""


class PortalPublisher:
    def __init__(self, base_url: str, token: str, *, session=None):
        self.base_url = base_url.rstrip("/")
        self.session = http_session(session)
        self.session.headers["Authorization"] = f"Bearer {token}"

    def config(self) -> dict:
        response = self.session.get(f"{self.base_url}/api/booth/config")
        self._raise_for(response)
        return response.json()

    def heartbeat(self, *, backlog: int) -> None:
        """The booth is alive, with this many photos still to post."""
        response = self.session.post(f"{self.base_url}/api/booth/heartbeat", json={"backlog": backlog})
        self._raise_for(response)

    def publish(self, job, on_remote_id=None) -> str:
        with open(job.photo, "rb") as photo:
            response = self.session.post(
                f"{self.base_url}/api/booth/photos",
                data={
                    "idempotency_key": job.idempotency_key,
                    "taken_at": job.taken_at,
                    "caption": job.caption,
                    "alt_text": job.alt_text,
                    "language": job.language,
                },
                files={"image": (job.photo.name, photo, "image/jpeg")},
            )
        self._raise_for(response)
        remote_id = str(response.json()["id"])
        if on_remote_id:
            on_remote_id(remote_id)
        return remote_id

    @staticmethod
    def _raise_for(response):
        if response.status_code >= 500 or response.status_code == 429:
            response.raise_for_status()  # worth retrying later
        if response.status_code >= 400:
            try:
                detail = response.json().get("message", "")
            except ValueError:
                detail = response.text[:200]
            raise PortalError(f"{response.status_code}: {detail}")
