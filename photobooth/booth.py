"""The booth's flow, as a state machine that fits on one screen:

    idle --short press--> countdown (3, 2, 1; LED blinking)
         --> capture, brand, save to disk (fsync; held in the outbox) --> consent
             (5 s: show the photo; a press now means "do not post it": declined at once)
         --> enqueue for every target (or not) --> idle
             (a posted photo's own page as a QR code, `takehome`, until a press or TAKEHOME_S)
    idle --long press--> next caption language;   any state --exit hold--> stopped

With `shots=4` the countdown runs four times and the four frames become one
2x2 collage before branding. With `burst` (boomerang mode, `[boomerang] enabled`)
the countdown ends in a burst of frames instead: each is branded, and they are
saved as one loop, forward then backward (`save` is given the list of frames).

It has no threads and no timers: the display loop calls `tick(now)` and the
controls call `press(kind, now)`, so tests drive it with a fake clock.

    >>> from photobooth.camera import FakeCamera
    >>> saved, queued = [], []
    >>> booth = Booth(camera=FakeCamera((64, 36)), brand=lambda image, caption, language: image,
    ...               save=lambda image, caption, language: saved.append(image) or f"photo-{len(saved)}.jpg",
    ...               enqueue=lambda path, caption, language: queued.append(path),
    ...               caption=lambda language: "Hello", languages=["en", "cy"])
    >>> booth.press("short", now=0); booth.tick(now=3); booth.tick(now=8)
    >>> (booth.state, queued)
    ('idle', ['photo-1.jpg'])
"""

import math

from .boomerang import loop

IDLE, COUNTDOWN, CONSENT, STOPPED = "idle", "countdown", "consent", "stopped"
COUNTDOWN_S = 3
BETWEEN_SHOTS_S = 2
CONSENT_S = 5
TAKEHOME_S = 20  # photobooth/takehome.py: the QR code of the photo's page, after its consent window


class Booth:
    def __init__(
        self,
        *,
        camera,
        brand,
        save,
        enqueue,
        caption,
        languages,
        decline=None,
        led=None,
        shots=1,
        collage=None,
        takehome_address=None,
        burst=None,
        loop_frame_s=0.15,
    ):
        self.camera = camera
        self.brand = brand  # (image, caption, language) -> branded image
        self.save = save  # (image, caption, language) -> path on disk, written durably
        self.enqueue = enqueue  # (path, caption, language) -> None: nobody said no, post it
        self.decline = decline  # path -> None: "do not post it", kept at once
        self.caption = caption  # language -> caption text
        self.languages = list(languages) or ["en"]
        self.language = self.languages[0]
        self.led = led
        self.shots = shots
        self.collage = collage  # [frames] -> one image, when shots > 1
        self.burst = burst  # () -> [frames]: a boomerang's burst, instead of a photo
        self.loop_frame_s = loop_frame_s  # how long the screen shows each frame of a boomerang
        self.last_loop = None  # a boomerang's frames, looped, for the screen
        self.frames = []
        self.state = IDLE
        self.deadline = None
        self.last_photo = None  # (path, branded image), for the screen
        self.vetoed = False
        self.takehome_address = takehome_address  # path -> its page's address, or None: not to the portal
        self.takehome = None  # (address, until when): a posted photo's page, shown while idle
        self.countdown_s = COUNTDOWN_S  # the panel may change it while the booth runs

    def press(self, kind, *, now):
        self.takehome = None  # the next press ends it
        if kind == "exit":
            self.state = STOPPED
        elif self.state == IDLE and kind == "short":
            self.state, self.deadline = COUNTDOWN, now + self.countdown_s
            if self.led:
                self.led.blink()
        elif self.state == IDLE and kind == "long":
            self.language = self.languages[(self.languages.index(self.language) + 1) % len(self.languages)]
        elif self.state == CONSENT and not self.vetoed:
            self.vetoed = True  # "press again if you do NOT want this posted"
            if self.decline:
                self.decline(self.last_photo[0])

    def tick(self, *, now):
        if self.state == COUNTDOWN and now >= self.deadline and self.burst:
            self._keep_boomerang()
            self.state, self.deadline, self.vetoed = CONSENT, now + CONSENT_S, False
        elif self.state == COUNTDOWN and now >= self.deadline:
            self.frames.append(self.camera.capture())
            if len(self.frames) < self.shots:
                self.deadline = now + BETWEEN_SHOTS_S
                return
            self._keep_photo()
            self.state, self.deadline, self.vetoed = CONSENT, now + CONSENT_S, False
        elif self.state == CONSENT and now >= self.deadline:
            path, _image = self.last_photo
            if not self.vetoed:
                self.enqueue(path, self.caption(self.language), self.language)
                address = self.takehome_address(path) if self.takehome_address else None
                self.takehome = (address, now + TAKEHOME_S) if address else None
            self.state, self.deadline = IDLE, None
        elif self.takehome and now >= self.takehome[1]:
            self.takehome = None

    def countdown(self, *, now):
        """The number to show during the countdown (3, 2, 1)."""
        return max(1, math.ceil(self.deadline - now)) if self.state == COUNTDOWN else None

    def _keep_photo(self):
        if self.led:
            self.led.light(True)
        frames, self.frames = self.frames, []
        photo = self.collage(frames) if len(frames) > 1 else frames[0]
        caption = self.caption(self.language)
        branded = self.brand(photo, caption, self.language)
        path = self.save(branded, caption, self.language)  # on disk before anything else happens to it
        self.last_photo, self.last_loop = (path, branded), None
        if self.led:
            self.led.light(False)

    # --- Boomerang ---
    def _keep_boomerang(self):
        """The burst, each frame branded, saved as one loop; the screen shows its first frame."""
        if self.led:
            self.led.light(True)
        caption = self.caption(self.language)
        branded = [self.brand(frame, caption, self.language) for frame in self.burst()]
        looped = loop(branded)
        path = self.save(looped, caption, self.language)  # on disk before anything else happens to it
        self.last_photo, self.last_loop = (path, branded[0]), looped
        if self.led:
            self.led.light(False)

    def shown(self, *, now):
        """What the screen shows in the consent window: the photo, or the boomerang playing
        (its frame for this moment, from the window's start)."""
        if not self.last_loop or self.deadline is None:
            return self.last_photo[1]
        since = max(0.0, now - (self.deadline - CONSENT_S))
        return self.last_loop[int(since / self.loop_frame_s) % len(self.last_loop)]
