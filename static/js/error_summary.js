/* A form's error summary (includes/error_summary.html): it takes the focus when
 * the page loads, so that a screen reader reads it first, and each of its links
 * puts the focus in its field (following a link to an input only scrolls to it). */
(function () {
  "use strict";
  const summary = document.querySelector(".error-summary");
  if (!summary) return;
  summary.focus();
  summary.addEventListener("click", function (event) {
    const link = event.target.closest("a[href^='#']");
    if (!link) return;
    const field = document.getElementById(decodeURIComponent(link.hash.slice(1)));
    if (!field) return;
    event.preventDefault();
    const details = field.closest("details");
    if (details) details.open = true;
    field.scrollIntoView({ block: "center" });
    field.focus();
  });
})();
