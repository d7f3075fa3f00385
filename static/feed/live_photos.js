/* Keeps a photo gallery (a Jam's page, a campaign's wall) up to date while it is open.
 *
 * Every few seconds it asks the container's data-photos-url for photos newer than
 * the newest shown, and adds them at the front; the answer also names the photos
 * shown that were taken down since (hidden, reported, deleted), which go at once. Nodes are built from DOM calls,
 * never HTML strings, so captions cannot inject markup. The wall also offers a
 * full-screen button for projectors.
 */
(function () {
  "use strict";

  function shownIds(grid) {
    return Array.prototype.map.call(grid.querySelectorAll("[data-photo-id]"), function (el) {
      return parseInt(el.dataset.photoId, 10);
    });
  }

  // A caption keeps its own direction inside a page of another (like dir="auto" in _photo.html).
  function isolated(text) {
    const span = document.createElement("span");
    span.dir = "auto";
    span.textContent = text;
    return span;
  }

  // A boomerang as feed/_picture.html and _play.html draw it: [its <picture>, its Play button].
  function boomerang(photo, img) {
    const picture = document.createElement("picture");
    picture.className = "boomerang";
    const still = document.createElement("source");
    still.media = "(prefers-reduced-motion: reduce)";
    still.srcset = photo.still;
    picture.append(still, img);
    const play = document.createElement("button");
    play.type = "button";
    play.className = "secondary boomerang-play";
    play.setAttribute("aria-pressed", "false");
    play.textContent = pgettext("an animated photo", "Play");
    return [picture, play];
  }

  function figure(photo, onWall) {
    const fig = document.createElement("figure");
    fig.className = "photo";
    fig.dataset.photoId = photo.id;
    const img = document.createElement("img");
    img.src = onWall ? photo.url : photo.thumbnail;
    img.alt = photo.alt || photo.caption || "";
    const shown = photo.still ? boomerang(photo, img) : [img];
    const caption = document.createElement("figcaption");
    if (onWall) {
      const jam = document.createElement("strong");
      jam.dir = "auto";
      jam.textContent = photo.jam;
      caption.append(jam);
      if (photo.caption) caption.append(" · ", isolated(photo.caption));
    } else {
      if (photo.caption) {
        caption.append(isolated(photo.caption), document.createElement("br"));
      }
      const time = document.createElement("time");
      time.dateTime = photo.taken_at;
      time.textContent = photo.taken_at_text;
      const report = document.createElement("a");
      report.href = photo.report_url;
      report.textContent = gettext("Report / ask for removal");
      caption.append(time, " · ", report);
    }
    if (onWall) {
      fig.append(...shown, caption);
    } else {
      const link = document.createElement("a");
      link.href = photo.url;
      link.append(shown[0]);
      fig.append(link, ...shown.slice(1), caption);
    }
    return fig;
  }

  function follow(container) {
    const grid = container.querySelector(".photo-grid");
    const onWall = container.classList.contains("wall");
    const every = onWall ? 8000 : 15000;
    function poll() {
      const ids = shownIds(grid).slice(0, 100);
      const newest = ids.length ? Math.max.apply(null, ids) : 0;
      const query = "?after=" + newest + (ids.length ? "&shown=" + ids.join(",") : "");
      fetch(container.dataset.photosUrl + query, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : { photos: [], gone: [] }; })
        .then(function (data) {
          (data.gone || []).forEach(function (id) {
            const gone = grid.querySelector('[data-photo-id="' + id + '"]');
            if (gone) gone.remove();
          });
          if (!data.photos.length) return;
          const empty = grid.querySelector(".no-photos");
          if (empty) empty.remove();
          data.photos.slice().reverse().forEach(function (photo) { grid.prepend(figure(photo, onWall)); });
          if (onWall) {
            const figures = grid.querySelectorAll("figure");
            for (let i = 60; i < figures.length; i++) figures[i].remove();
          }
        })
        .catch(function () { /* offline for a moment: the next poll tries again */ })
        .finally(function () { setTimeout(poll, every); });
    }
    setTimeout(poll, every);

    const fullscreen = container.querySelector("button.fullscreen");
    if (fullscreen && document.fullscreenEnabled) {
      fullscreen.hidden = false;
      fullscreen.addEventListener("click", function () { container.requestFullscreen(); });
    }
  }

  document.querySelectorAll("[data-photos-url]").forEach(follow);
})();
