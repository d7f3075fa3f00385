/* Inside an embed (jamportal/embeds): tells the page framing it how tall the
 * content is and what it is called, so that static/embeds/jamportal-embed.js
 * sizes the frame to it and names it for screen readers. The message holds
 * nothing private, so it may go to whichever site frames us ("*"); the
 * receiving script checks that it comes from the portal. */
(function () {
  "use strict";

  if (window.parent === window) return;
  let last = 0;

  function tell() {
    const height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: "jamportal-embed:size", height: height, title: document.title }, "*");
  }

  new ResizeObserver(tell).observe(document.documentElement);
  window.addEventListener("load", tell);
})();
