/* The door's check-in page (attendance/check_in.html): scan a QR code, find by name, add a
 * walk-in. Made for a venue whose network comes and goes: the Jam's list is kept in
 * localStorage, and every check-in or walk-in is applied here at once, queued with an id
 * made here, and sent to the sync endpoint now, on the `online` event and every
 * SYNC_EVERY_MS, until the server has answered it. The server counts an id once, so a
 * queue sent twice (an answer lost on the way) counts nobody twice. A service worker
 * (checkin_offline.js) keeps the page itself for a reload offline. */
/* global jsQR */
(function () {
  "use strict";

  const root = document.getElementById("check-in");
  if (!root) return;
  const SYNC_EVERY_MS = 30000;
  const SCAN_EVERY_MS = 150;
  // A code seen again within this of its last sighting is the same person still in front
  // of the camera: said once, not "already checked in" every moment they stay.
  const SAME_CODE_QUIET_MS = 3000;
  const SHOWN_AT_MOST = 50;
  const CACHE = "jamportal-check-in"; // the service worker's cache (checkin_offline.js)
  const MAX_PARTY = 10;  // each of adults and under-18s (attendance.models.MAX_PARTY)
  const KEEP_DAYS = 7;
  const listKey = root.dataset.storeKey + ":list";
  const queueKey = root.dataset.storeKey + ":queue";
  const maxItems = Number(root.dataset.maxItems) || 500;
  const formats = window.pageFormats;
  const $ = function (id) { return document.getElementById(id); };

  /* Stored state ------------------------------------------------------------------- */

  function load(key, fallback) {
    try {
      const value = JSON.parse(localStorage.getItem(key));
      return value === null ? fallback : value;
    } catch {
      return fallback;
    }
  }
  function save() {
    localStorage.setItem(listKey, JSON.stringify(state.list));
    localStorage.setItem(queueKey, JSON.stringify(state.queue));
  }

  const state = {
    list: load(listKey, null), // {people: [...], fetchedAt: ISO}
    queue: load(queueKey, []), // [{id, kind, code} | {id, kind, name, adults, children}]
    problems: [],
    sending: false,
    signedOut: false,
  };

  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, function (b) { return b.toString(16).padStart(2, "0"); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  function people() { return state.list ? state.list.people : []; }
  function personByCode(code) { return people().find(function (p) { return p.code === code; }); }

  /* The list from the server, with what this phone did that the server has not answered yet. */
  function takeList(data) {
    const list = { people: data.people, fetchedAt: new Date().toISOString() };
    state.list = list;
    state.queue.forEach(applyLocally);
    save();
  }
  function applyLocally(item) {
    if (item.kind === "check-in") {
      const person = personByCode(item.code);
      if (person) person.checked_in = true;
    } else if (item.kind === "walk-in" && !personByCode(item.id)) {
      people().push({ code: item.id, name: item.name, adults: item.adults, children: item.children,
        checked_in: true, walk_in: true, pending: true });
    }
  }

  /* Words ------------------------------------------------------------------------- */

  function number(value) { return formats.number(value); }
  function party(person) {
    const total = person.adults + person.children;
    const parts = [];
    if (person.adults) parts.push(interpolate(ngettext("%s adult", "%s adults", person.adults), [number(person.adults)]));
    if (person.children) parts.push(interpolate(ngettext("%s under-18", "%s under-18s", person.children), [number(person.children)]));
    const who = interpolate(ngettext("%s person", "%s people", total), [number(total)]);
    return parts.length > 1 ? who + " (" + new Intl.ListFormat(formats.locale).format(parts) + ")" : who;
  }
  function nameElement(name) {
    const bdi = document.createElement("bdi");
    bdi.textContent = name;
    return bdi;
  }

  /* Drawing -------------------------------------------------------------------------- */

  function drawCounts() {
    let checkedIn = 0, expected = 0, walkIns = 0;
    people().forEach(function (p) {
      const size = p.adults + p.children;
      expected += size;
      if (p.checked_in) checkedIn += size;
      if (p.walk_in) walkIns += size;
    });
    if (!state.list) return;
    let text = interpolate(
      ngettext("%(checked_in)s of %(expected)s person checked in", "%(checked_in)s of %(expected)s people checked in", expected),
      { checked_in: number(checkedIn), expected: number(expected) }, true);
    // On a line of its own: a "·" beside digits reads as a Persian zero (۲۱ · → ۲۱۰).
    if (walkIns) text += "\n" + interpolate(ngettext("%s walk-in", "%s walk-ins", walkIns), [number(walkIns)]);
    $("checkin-counts").textContent = text;
  }

  function drawSync() {
    const status = $("checkin-sync");
    const waiting = state.queue.length;
    status.replaceChildren();
    let text;
    if (state.signedOut) {
      text = gettext("You are signed out, so nothing can be sent.") + " ";
      const link = document.createElement("a");
      link.href = root.dataset.signInUrl;
      link.textContent = gettext("Sign in again");
      status.append(text, link);
      if (waiting) status.append(" " + interpolate(ngettext("%s check-in is waiting to be sent.", "%s check-ins are waiting to be sent.", waiting), [number(waiting)]));
      return;
    }
    if (!navigator.onLine) {
      text = gettext("Offline: the list kept on this phone is used.");
    } else if (state.sending) {
      text = gettext("Sending…");
    } else if (state.list) {
      const at = formats.dateTime({ hour: "numeric", minute: "2-digit" }).format(new Date(state.list.fetchedAt));
      text = interpolate(gettext("List updated at %s."), [at]);
    } else {
      text = gettext("Getting the list…");
    }
    if (waiting) {
      text += " " + interpolate(ngettext("%s check-in is waiting to be sent.", "%s check-ins are waiting to be sent.", waiting), [number(waiting)]);
    } else if (state.list) {
      text += " " + gettext("Everything is saved.");
    }
    status.textContent = text;
  }

  function drawProblems() {
    const box = $("checkin-problems");
    const list = box.querySelector("ul");
    list.replaceChildren();
    state.problems.forEach(function (problem) {
      const item = document.createElement("li");
      if (problem.name) item.append(nameElement(problem.name), ": ");
      item.append(problem.message);
      list.append(item);
    });
    box.hidden = !state.problems.length;
  }

  function fold(text) {
    return text.normalize("NFD").replace(/\p{M}/gu, "").toLocaleLowerCase();
  }

  function drawPeople() {
    const query = fold($("checkin-search").value.trim());
    const found = $("checkin-found");
    const list = $("checkin-people");
    list.replaceChildren();
    if (!query) {
      found.textContent = state.list ? gettext("Type a few letters of a name.") : "";
      return;
    }
    const matches = people().filter(function (p) {
      return fold(p.name).includes(query) || p.code.toLowerCase() === query;
    });
    found.textContent = matches.length
      ? interpolate(ngettext("%s match", "%s matches", matches.length), [number(matches.length)])
      : gettext("Nobody on the list has that name.");
    matches.slice(0, SHOWN_AT_MOST).forEach(function (person) {
      const item = document.createElement("li");
      const who = document.createElement("span");
      who.className = "who";
      const size = document.createElement("span");
      size.className = "meta";
      size.textContent = party(person) + (person.walk_in ? " · " + gettext("walk-in") : "");
      who.append(nameElement(person.name), size);
      item.append(who);
      if (person.checked_in) {
        const done = document.createElement("span");
        done.className = "done";
        done.textContent = gettext("Checked in");
        item.append(done);
      } else {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = gettext("Check in");
        button.addEventListener("click", function () { checkIn(person.code); });
        item.append(button);
      }
      list.append(item);
    });
  }

  function drawAll() {
    drawCounts();
    drawSync();
    drawPeople();
    drawProblems();
  }

  function showResult(kind, title, person, detail) {
    const box = $("checkin-result");
    box.className = "checkin-result " + kind;
    box.replaceChildren();
    const heading = document.createElement("strong");
    heading.textContent = title;
    box.append(heading);
    if (person) {
      const line = document.createElement("span");
      line.className = "checkin-who";
      line.append(nameElement(person.name), " · " + party(person));
      box.append(line);
    }
    if (detail) {
      const more = document.createElement("span");
      more.textContent = detail;
      box.append(more);
    }
    box.hidden = false;
  }

  /* Actions ------------------------------------------------------------------------ */

  function enqueue(item) {
    state.queue.push(item);
    applyLocally(item);
    save();
    drawAll();
    sync();
  }

  function checkIn(code) {
    const person = personByCode(code);
    if (person && person.checked_in) {
      showResult("already", gettext("Already checked in"), person);
      return;
    }
    if (person) {
      enqueue({ id: newId(), kind: "check-in", code: code });
      showResult("ok", gettext("Checked in"), person);
    } else if (navigator.onLine) {
      // Perhaps someone who signed up after the list came: the server knows.
      state.lookingUp = code;
      showResult("pending", gettext("Looking the code up…"), null);
      enqueue({ id: newId(), kind: "check-in", code: code });
    } else {
      showResult("unknown", gettext("Unknown code"), null,
        gettext("This code is not on the list kept on this phone.") + " " + code);
    }
  }

  function walkIn(event) {
    event.preventDefault();
    event.stopPropagation(); // sent by the queue, not as a form: no "busy" button (site.js)
    const form = event.target;
    const error = $("checkin-walk-in-error");
    const name = form.elements.name.value.trim();
    const adults = Number(form.elements.adults.value || 0);
    const children = Number(form.elements.children.value || 0);
    let problem = "";
    if (!name) problem = gettext("Please give their name.");
    else if (![adults, children].every(function (n) { return Number.isInteger(n) && n >= 0 && n <= MAX_PARTY; }))
      problem = interpolate(gettext("Adults and under-18s: from 0 to %s each."), [number(MAX_PARTY)]);
    else if (adults + children < 1) problem = gettext("Please say how many people are coming: at least one.");
    error.textContent = problem;
    error.hidden = !problem;
    if (problem) return;
    const item = { id: newId(), kind: "walk-in", name: name, adults: adults, children: children };
    enqueue(item);
    showResult("ok", gettext("Walk-in added and checked in"), personByCode(item.id));
    form.reset();
    form.elements.name.focus(); // ready for the next one
  }

  /* Talking to the server ------------------------------------------------------------ */

  function csrfToken() {
    const cookie = document.cookie.split("; ").find(function (c) { return c.startsWith("csrftoken="); });
    return cookie ? decodeURIComponent(cookie.slice("csrftoken=".length)) : root.dataset.csrfToken;
  }

  async function getJson(response) {
    if (response.redirected || response.status === 401 || response.url.includes("/accounts/login/")) {
      state.signedOut = true;
      return null;
    }
    state.signedOut = false;
    const type = response.headers.get("Content-Type") || "";
    return type.startsWith("application/json") ? response.json() : null;
  }

  async function refreshList() {
    if (!navigator.onLine) return;
    try {
      const response = await fetch(root.dataset.listUrl, { credentials: "same-origin", cache: "no-store" });
      const data = await getJson(response);
      if (response.ok && data) takeList(data);
    } catch {
      // The network went: the kept list stays.
    }
    drawAll();
  }

  function settle(results) {
    const answered = new Set();
    results.forEach(function (result) {
      const item = state.queue.find(function (i) { return i.id === result.id; });
      if (!item) return;
      answered.add(item.id);
      if (result.status === "unknown" || result.status === "invalid") {
        state.problems.push({ name: item.name || item.code, message: result.message });
        if (item.kind === "walk-in") state.list.people = people().filter(function (p) { return p.code !== item.id; });
        if (item.kind === "walk-in") {
          showResult("unknown", gettext("Walk-in not saved"), null, item.name + ": " + result.message);
        } else if (state.lookingUp === item.code) {
          showResult("unknown", gettext("Unknown code"), null, result.message + " " + item.code);
        }
      } else if (item.kind === "check-in" && state.lookingUp === item.code && result.person) {
        showResult(result.status === "already" ? "already" : "ok",
          result.status === "already" ? gettext("Already checked in") : gettext("Checked in"), result.person);
      }
      if (state.lookingUp === item.code) state.lookingUp = null;
    });
    state.queue = state.queue.filter(function (i) { return !answered.has(i.id); });
  }

  async function sync() {
    if (state.sending || !state.queue.length || !navigator.onLine) {
      drawSync();
      return;
    }
    state.sending = true;
    drawSync();
    const items = state.queue.slice(0, maxItems);
    try {
      const response = await fetch(root.dataset.syncUrl, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
        body: JSON.stringify({ items: items }),
      });
      const data = await getJson(response);
      if (response.ok && data) {
        settle(data.results);
        save();
        state.sending = false;
        if (state.queue.length) return sync();
        return refreshList();
      }
      if (data && data.error) state.problems.push({ message: data.error });
    } catch {
      // Offline or the answer was lost: the queue stays and is sent again.
    } finally {
      state.sending = false;
      drawAll();
    }
  }

  /* The camera ------------------------------------------------------------------------ */

  const camera = { stream: null, timer: null, lastCode: "", lastAt: 0 };
  const canvas = document.createElement("canvas");
  const context = canvas.getContext("2d", { willReadFrequently: true });

  function scan() {
    const video = $("checkin-video");
    if (video.readyState < video.HAVE_CURRENT_DATA || !video.videoWidth) return;
    const scale = Math.min(1, 640 / video.videoWidth);
    canvas.width = Math.round(video.videoWidth * scale);
    canvas.height = Math.round(video.videoHeight * scale);
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    const image = context.getImageData(0, 0, canvas.width, canvas.height);
    const found = jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
    if (!found || !found.data) return;
    const code = found.data.trim().toUpperCase();
    const now = Date.now();
    const stillThere = code === camera.lastCode && now - camera.lastAt < SAME_CODE_QUIET_MS;
    camera.lastCode = code;
    camera.lastAt = now;
    if (!stillThere) checkIn(code);
  }

  async function startCamera() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      showResult("unknown", gettext("This browser cannot use the camera here. Find people by name instead."), null);
      return;
    }
    try {
      camera.stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
    } catch (error) {
      const message = error.name === "NotAllowedError"
        ? gettext("The camera is not allowed. Allow it in the browser's settings, or find people by name.")
        : gettext("No camera could be started. Find people by name instead.");
      showResult("unknown", message, null);
      return;
    }
    const video = $("checkin-video");
    video.srcObject = camera.stream;
    $("checkin-camera").hidden = false;
    $("checkin-scan-start").hidden = true;
    $("checkin-scan-stop").hidden = false;
    await video.play().catch(function () {});
    camera.timer = setInterval(scan, SCAN_EVERY_MS);
  }

  function stopCamera() {
    clearInterval(camera.timer);
    if (camera.stream) camera.stream.getTracks().forEach(function (track) { track.stop(); });
    camera.stream = null;
    $("checkin-camera").hidden = true;
    $("checkin-scan-start").hidden = false;
    $("checkin-scan-stop").hidden = true;
    $("checkin-scan-start").focus();
  }

  /* Offline reloads ------------------------------------------------------------------- */

  async function keepPageOffline() {
    if (!("serviceWorker" in navigator) || !window.caches) return;
    try {
      await navigator.serviceWorker.register(root.dataset.workerUrl);
      // What a reload needs: this page, its scripts and styles (the service worker
      // answers from here when the network fails).
      const assets = Array.from(document.querySelectorAll("script[src], link[rel=stylesheet][href]"), function (el) {
        return el.src || el.href;
      }).filter(function (url) { return new URL(url).origin === location.origin; });
      const cache = await caches.open(CACHE);
      await cache.addAll([location.pathname].concat(assets));
      root.dataset.keptOffline = "yes"; // a reload offline works from here on
    } catch {
      // Without it the page still works while open; only a reload offline fails.
    }
  }

  /* Names are kept on the phone only as long as the door needs them: lists of other Jams
   * not opened for KEEP_DAYS, with nothing left to send, are forgotten. */
  function forgetOldLists() {
    const prefix = root.dataset.storeKey.replace(/[^:]*$/, "");
    const before = Date.now() - KEEP_DAYS * 24 * 3600 * 1000;
    Object.keys(localStorage).filter(function (key) { return key.startsWith(prefix) && key.endsWith(":list"); })
      .forEach(function (key) {
        const base = key.slice(0, -":list".length);
        const list = load(key, null);
        if (base === root.dataset.storeKey || load(base + ":queue", []).length) return;
        if (!list || !list.fetchedAt || Date.parse(list.fetchedAt) < before) {
          localStorage.removeItem(key);
          localStorage.removeItem(base + ":queue");
        }
      });
  }

  /* Start ----------------------------------------------------------------------------- */

  $("checkin-scan-start").addEventListener("click", startCamera);
  $("checkin-scan-stop").addEventListener("click", stopCamera);
  $("checkin-search").addEventListener("input", drawPeople);
  $("checkin-walk-in").addEventListener("submit", walkIn);
  window.addEventListener("online", sync);
  window.addEventListener("online", drawSync);
  window.addEventListener("offline", drawSync);
  setInterval(function () { if (state.queue.length) sync(); else refreshList(); }, SYNC_EVERY_MS);

  forgetOldLists();
  drawAll();
  if (state.queue.length) sync(); else refreshList();
  keepPageOffline();
})();
