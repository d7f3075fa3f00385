/* Next to a Jam's local time, the visitor's own time when their timezone differs:
 * "10:00 (Asia/Tokyo) · 02:00 your time". Uses the browser's timezone; nothing is sent anywhere.
 * The digits and the hour cycle are the server's (site.js pageFormats). */
(function () {
  "use strict";
  const visitorZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  document.querySelectorAll("time[data-timezone]").forEach(function (element) {
    if (!visitorZone || element.dataset.timezone === visitorZone) return;
    const when = new Date(element.getAttribute("datetime"));
    const formats = window.pageFormats;
    const local = formats.dateTime({
      weekday: formats.hasNames ? "short" : undefined, hour: "numeric", minute: "2-digit", timeZoneName: "short",
    }).format(when);
    const note = document.createElement("span");
    note.className = "visitor-time";
    note.textContent = interpolate(gettext("%s your time"), [local]);
    element.after(" · ", note);
  });
})();
