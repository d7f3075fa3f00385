/* A photo's own page (the QR code on the booth's screen): while the photo is on its way
 * or waiting for the organisers' check, it asks the page's data-takehome-url every few
 * seconds how things stand, and shows the words for the new state; once the photo is
 * there, it fills in the picture, the download and the links (attributes and text set
 * through the DOM, never HTML strings, so a caption cannot inject markup).
 */
(function () {
  "use strict";

  const EVERY_MS = 4000;
  const WAITING = ["coming", "pending"];

  function fill(page, photo) {
    page.querySelectorAll("[data-fill-src]").forEach(function (el) {
      el.src = photo[el.dataset.fillSrc];
      el.hidden = false;
    });
    page.querySelectorAll("[data-fill-alt]").forEach(function (el) { el.alt = photo[el.dataset.fillAlt] || ""; });
    page.querySelectorAll("[data-fill-href]").forEach(function (el) { el.href = photo[el.dataset.fillHref]; });
    page.querySelectorAll("[data-fill-text]").forEach(function (el) {
      el.textContent = photo[el.dataset.fillText] || "";
    });
    if (photo.still) calm(page.querySelector("[data-fill-src]"), photo.still);
  }

  /* A boomerang, as the gallery shows one (feed/_picture.html, feed/_play.html): its still
   * first frame for visitors who ask for less motion, and a Play button (feed/boomerang.js). */
  function calm(img, still) {
    const picture = document.createElement("picture");
    const source = document.createElement("source");
    const play = document.createElement("button");
    picture.className = "boomerang";
    source.media = "(prefers-reduced-motion: reduce)";
    source.srcset = still;
    play.type = "button";
    play.className = "secondary boomerang-play";
    play.setAttribute("aria-pressed", "false");
    play.textContent = pgettext("an animated photo", "Play");
    img.replaceWith(picture);
    picture.append(source, img);
    picture.after(play);
  }

  function show(page, answer) {
    if (answer.state === page.dataset.state) return;
    if (answer.state === "visible") fill(page, answer);
    page.querySelectorAll("[data-takehome-state]").forEach(function (el) {
      el.hidden = el.dataset.takehomeState !== answer.state;
    });
    page.dataset.state = answer.state;
  }

  function follow(page) {
    function poll() {
      fetch(page.dataset.takehomeUrl, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (answer) { if (answer) show(page, answer); })
        .catch(function () { /* the network, for a moment: the next poll tries again */ })
        .then(function () {
          if (WAITING.indexOf(page.dataset.state) !== -1) setTimeout(poll, EVERY_MS);
        });
    }
    if (WAITING.indexOf(page.dataset.state) !== -1) setTimeout(poll, EVERY_MS);
  }

  document.querySelectorAll("[data-takehome-url]").forEach(follow);
})();
