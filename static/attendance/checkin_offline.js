/* The check-in page's service worker, served beside the page (attendance:check-in-worker)
 * so that it looks after that page only. Network first, always: online, the page and
 * its files come fresh and are kept; offline (the venue's network dropped), a reload
 * gets the kept copies. The Jam's list and the queue are the page's own (localStorage):
 * their requests are left alone. */
(function () {
  "use strict";

  const CACHE = "jamportal-check-in"; // the page fills it too (checkin.js, keepPageOffline)

  self.addEventListener("install", function () { self.skipWaiting(); });
  self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

  self.addEventListener("fetch", function (event) {
    const request = event.request;
    const url = new URL(request.url);
    if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.endsWith("/list.json")) return;
    event.respondWith(
      fetch(request).then(function (response) {
        if (response.ok && response.type === "basic") {
          const copy = response.clone();
          event.waitUntil(caches.open(CACHE).then(function (cache) { return cache.put(request, copy); }));
        }
        return response;
      }).catch(function () {
        return caches.match(request, { ignoreVary: true }).then(function (kept) { return kept || Response.error(); });
      })
    );
  });
})();
