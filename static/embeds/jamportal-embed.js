/* JamPortal's embeds as HTML elements, for other sites (a school, a library, a club):
 *
 *   <script src="https://portal.example/static/embeds/jamportal-embed.js" defer></script>
 *   <jamportal-jams near="Douala" lang="fr"></jamportal-jams>
 *
 * <jamportal-jams> shows a list: near="place" or around="latitude,longitude" (with
 * radius="km" and nearest="how many at least"), country="CM", campaign="slug"; or jam="slug" for one Jam, with
 * `ours` for that Jam's organiser's upcoming Jams; or series="id" for a repeating Jam's
 * next and past dates (the number in its page's address). <jamportal-map campaign="slug">
 * shows a campaign's map. lang="fr" picks the language; without it, the visitor's.
 *
 * Each element holds a frame of the portal's embed page (jamportal/embeds), sized to
 * its content by the page's messages: only those from the portal's origin and from
 * the element's own frame count. The portal is where this script comes from.
 */
(function () {
  "use strict";

  const script = document.currentScript;
  const portal = new URL(script ? script.src : window.location.href).origin;
  const LIST_FILTERS = {
    near: "q", around: "around", radius: "radius", nearest: "nearest", country: "country", campaign: "campaign",
  };
  const MIN_HEIGHT = 60, MAX_HEIGHT = 5000;

  /* The embed page's address: a path under /embed/ and its query, the language last. */
  function embedUrl(element) {
    const query = new URLSearchParams();
    let path;
    if (element.localName === "jamportal-map") {
      path = "campaigns/" + encodeURIComponent(element.getAttribute("campaign") || "") + "/map/";
    } else if (element.hasAttribute("series")) {
      path = "series/" + encodeURIComponent(element.getAttribute("series")) + "/";
    } else if (element.hasAttribute("jam")) {
      path = "jams/" + encodeURIComponent(element.getAttribute("jam")) + "/" + (element.hasAttribute("ours") ? "ours/" : "");
    } else {
      path = "jams/";
      Object.keys(LIST_FILTERS).forEach(function (name) {
        const value = element.getAttribute(name);
        if (value) query.set(LIST_FILTERS[name], value);
      });
    }
    const language = element.getAttribute("lang");
    if (language) query.set("lang", language);
    const search = query.toString();
    return portal + "/embed/" + path + (search ? "?" + search : "");
  }

  class JamPortalEmbed extends HTMLElement {
    static get observedAttributes() {
      return ["jam", "ours", "series", "near", "around", "radius", "nearest", "country", "campaign", "lang"];
    }

    constructor() {
      super();
      this.frame = document.createElement("iframe");
      this.frame.title = "JamPortal";
      this.frame.loading = "lazy";
      this.frame.style.cssText = "display:block;width:100%;border:0;height:" + (this.localName === "jamportal-map" ? 560 : 320) + "px";
      this.attachShadow({ mode: "open" }).append(this.frame);
      this.onMessage = this.onMessage.bind(this);
    }

    connectedCallback() {
      window.addEventListener("message", this.onMessage);
      this.update();
    }

    disconnectedCallback() {
      window.removeEventListener("message", this.onMessage);
    }

    attributeChangedCallback() {
      if (this.isConnected) this.update();
    }

    update() {
      const url = embedUrl(this);
      if (this.frame.src !== url) this.frame.src = url;
    }

    onMessage(event) {
      if (event.origin !== portal || event.source !== this.frame.contentWindow) return;
      const data = event.data;
      if (!data || data.type !== "jamportal-embed:size" || !Number.isFinite(data.height)) return;
      this.frame.style.height = Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, data.height)) + "px";
      if (typeof data.title === "string" && data.title) this.frame.title = data.title;
    }
  }

  if (!customElements.get("jamportal-jams")) customElements.define("jamportal-jams", class extends JamPortalEmbed {});
  if (!customElements.get("jamportal-map")) customElements.define("jamportal-map", class extends JamPortalEmbed {});
})();
