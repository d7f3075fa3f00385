/* A Jam's page: the share button, and the maps link for Apple's devices.
 * Without JavaScript the share link is a plain link to the page, and the maps link a geo: URI. */
(function () {
  "use strict";
  // iPhones, iPads and Macs open maps.apple.com in their Maps app, and no geo: URI.
  if (/iPhone|iPad|Macintosh/.test(navigator.userAgent)) {
    document.querySelectorAll("a.maps-app[data-apple-href]").forEach(function (link) {
      link.href = link.dataset.appleHref;
    });
  }

  const link = document.querySelector("a.share");
  const status = document.querySelector(".share-status");
  if (!link || !status) return;
  const url = link.href;
  const title = link.dataset.title;
  const canShare = typeof navigator.share === "function";
  const canCopy = Boolean(navigator.clipboard && window.isSecureContext);
  if (!canShare && !canCopy) return; // the plain link stays

  const button = document.createElement("button");
  button.type = "button";
  button.className = "secondary share";
  button.textContent = canShare ? link.textContent : gettext("Copy link");
  link.replaceWith(button);

  function showLink() {
    // The clipboard refused (a permission, an old browser): the link, selected, to copy by hand.
    const label = document.createElement("label");
    const field = document.createElement("input");
    field.readOnly = true;
    field.value = url;
    label.append(gettext("Copy this link:"), " ", field);
    status.replaceChildren(label);
    field.select();
  }

  button.addEventListener("click", function () {
    if (canShare) {
      navigator.share({ title: title, url: url }).catch(function () { /* closed by the visitor */ });
      return;
    }
    navigator.clipboard.writeText(url).then(function () {
      status.textContent = gettext("Link copied.");
    }, showLink);
  });
})();
