"""The Raspberry Pi photobooth: press the button, get a branded photo, posted
to the Jam's feed. It talks to the portal over HTTP only and never imports Django."""
