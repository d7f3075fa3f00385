"""What the apps above jams hear about a Jam (jams never imports them)."""

from django.dispatch import Signal

# A Jam was cancelled, in the transaction that cancels it: jam=, reason= (the organiser's
# words, for the people who were coming). Attendance tells everyone signed up.
jam_cancelled = Signal()

# --- alerts ---
# A Jam was approved (it is public now), in the transaction that approves it: jam=.
# Receivers enqueue their work, so it runs once the approval commits. Alerts emails
# the visitors waiting for a Jam near them.
jam_approved = Signal()

# --- series ---
# A Jam's day or hours changed (a date of a repeating Jam moved, or any Jam's times
# edited), in the transaction that changes them: jam= (as it is now), old_start=,
# old_end=. Attendance tells everyone signed up.
jam_moved = Signal()
# A repeating Jam's new dates were made (services.series_extend), in the transaction that
# makes them: series=, dates= (the new Jams). Attendance gives them sign-ups like the others'.
series_dates_made = Signal()
