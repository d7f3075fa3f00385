/* Boomerangs (a booth's looping animations) for visitors who ask for less motion.
 *
 * A boomerang is a <picture class="boomerang"> whose <source> shows its still first frame
 * under (prefers-reduced-motion: reduce); the <img> plays the animation for everyone
 * else. Under that preference the CSS shows a Play button beside it: pressing it plays
 * the animation (the <source> no longer matches), pressing again stops it on the still.
 * One listener on the document, so boomerangs the live gallery adds work too.
 */
(function () {
  "use strict";

  const CALM = "(prefers-reduced-motion: reduce)";

  document.addEventListener("click", function (event) {
    const button = event.target.closest(".boomerang-play");
    if (!button) return;
    const source = button.closest(".photo").querySelector("picture.boomerang source");
    if (!source) return;
    const playing = button.getAttribute("aria-pressed") === "true";
    source.media = playing ? CALM : "not all";
    button.setAttribute("aria-pressed", playing ? "false" : "true");
    button.textContent = playing ? pgettext("an animated photo", "Play") : pgettext("an animated photo", "Stop");
  });
})();
