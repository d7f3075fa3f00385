"""Posting to Mastodon with Mastodon.py: the photo with its description, the
caption, hashtags and the Jam's link, within the instance's own limit.

    publisher = MastodonPublisher({"instance": "https://mastodon.social", "access_token": "..."},
                                  hashtags=["#PiParty"], url="https://jams.example.org/jams/42/")
    publisher.check()              # "@ourjam@mastodon.social": the token works
    post_id = publisher.publish(job)

Mastodon honours an Idempotency-Key for an hour; for longer outages a retry
looks for a recent post of ours carrying the media we uploaded first.
"""

from mastodon import Mastodon, MastodonError

from . import fit, http_session, post_tail, url_aware

DEFAULT_LIMIT = 500
TIMEOUT_S = 60


class MastodonPublisherError(Exception):
    """The instance refused a request; the message says why."""


class MastodonPublisher:
    def __init__(self, credentials: dict, *, hashtags=(), url="", session=None):
        missing = [name for name in ("instance", "access_token") if not credentials.get(name)]
        if missing:
            raise MastodonPublisherError(f"Mastodon settings are missing: {', '.join(missing)}")
        self.api = Mastodon(
            access_token=credentials["access_token"],
            api_base_url=credentials["instance"],
            request_timeout=TIMEOUT_S,
            ratelimit_method="throw",
            session=http_session(session),
        )
        self.tail = post_tail(hashtags, url)
        self._account = self._limit = None

    def check(self) -> str:
        return f"@{self._me().acct}"

    def publish(self, job, on_remote_id=None) -> str:
        on_remote_id = on_remote_id or (lambda remote_id: None)
        if job.remote_id.startswith("media:"):
            media_id = job.remote_id.removeprefix("media:")
            posted = self._post_carrying(media_id)
            if posted:
                return posted
        elif job.remote_id:
            return job.remote_id
        else:
            media = self._call(self.api.media_post, str(job.photo), mime_type="image/jpeg", description=job.alt_text)
            media_id = str(media.id)
            on_remote_id(f"media:{media_id}")
        text = fit(job.caption, self.tail, limit=self.limit(), length=url_aware(len))
        status = self._call(
            self.api.status_post,
            text,
            media_ids=[media_id],
            language=job.language.split("-")[0] or None,
            idempotency_key=job.idempotency_key,
        )
        post_id = str(status.id)
        on_remote_id(post_id)
        return post_id

    def limit(self) -> int:
        """The instance's longest post, asked once (many allow more than 500)."""
        if self._limit is None:
            instance = self._call(self.api.instance)
            try:
                self._limit = int(instance.configuration.statuses.max_characters)
            except (AttributeError, KeyError, TypeError, ValueError):
                self._limit = DEFAULT_LIMIT
        return self._limit

    def _post_carrying(self, media_id):
        for status in self._call(self.api.account_statuses, self._me().id, only_media=True, limit=20):
            if any(str(media.id) == media_id for media in status.media_attachments):
                return str(status.id)
        return None

    def _me(self):
        if self._account is None:
            self._account = self._call(self.api.account_verify_credentials)
        return self._account

    @staticmethod
    def _call(method, *args, **kwargs):
        try:
            return method(*args, **kwargs)
        except MastodonError as error:
            raise MastodonPublisherError(str(error)) from error
