// Reads an iCalendar file on standard input with ical.js (the parser of Thunderbird
// and many web calendars) and prints each event's UID with its start and end as UTC
// seconds, as JSON: the feeds' tests compare them with what other parsers read.
import { readFileSync } from "node:fs";
import process from "node:process";
import ICAL from "ical.js";

const calendar = new ICAL.Component(ICAL.parse(readFileSync(0, "utf8")));
// Times are read in the zones the file itself defines, not in ical.js's own.
for (const zone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(zone);
}
const times = {};
for (const component of calendar.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(component);
  times[event.uid] = [event.startDate.toUnixTime(), event.endDate.toUnixTime()];
}
process.stdout.write(JSON.stringify(times));
