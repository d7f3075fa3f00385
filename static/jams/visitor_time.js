/* Under a Jam's local time, the same hours in the visitor's own timezone when it differs:
 * "Sat, Mar 1, 7:00 – 11:00 PM GMT+9 your time": start and end, both days when they differ.
 * Uses the browser's timezone; nothing is sent anywhere. The page itself is the same for
 * every visitor (it is cached), so this is the browser's part. The digits and the hour
 * cycle are the server's (site.js pageFormats). */
(function () {
  "use strict";
  const visitorZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  document.querySelectorAll("[data-timezone][data-start]").forEach(function (element) {
    if (!visitorZone || element.dataset.timezone === visitorZone) return;
    const start = new Date(element.dataset.start);
    const end = element.dataset.end ? new Date(element.dataset.end) : null;
    const formats = window.pageFormats;
    const format = formats.dateTime({
      weekday: formats.hasNames ? "short" : undefined, month: "short", day: "numeric",
      hour: "numeric", minute: "2-digit", timeZoneName: "short",
    });
    const note = document.createElement("span");
    note.className = "visitor-time";
    note.textContent = interpolate(gettext("%s your time"), [end ? format.formatRange(start, end) : format.format(start)]);
    element.append(note);
  });
})();
