/* The poster's page while it is drawn: it asks the poster's address, quietly, as
 * often as the answer's Retry-After says, and reloads only once the PDF is there
 * (the reload is the download). No timed refresh of the page itself: a reader is
 * never interrupted while the poster is not ready (WCAG 2.2.1; a <meta refresh>
 * reloaded it every ten seconds). */
(function () {
  "use strict";
  const address = window.location.href;
  function ask() {
    fetch(address, { method: "HEAD", cache: "no-store" }).then(
      function (answer) {
        if (answer.status === 200) {
          window.location.reload();
        } else if (answer.status === 202) {
          const seconds = Number(answer.headers.get("Retry-After")) || 10;
          window.setTimeout(ask, seconds * 1000);
        }
      },
      function () { window.setTimeout(ask, 30000); }  // offline for a moment: ask again later
    );
  }
  window.setTimeout(ask, 10000);
})();
