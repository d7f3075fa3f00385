/* In right-to-left languages the zoom buttons move to the top right, where
 * the page starts. (The scale and attribution keep their bottom corners.) */
(function () {
  "use strict";
  if (document.documentElement.dir !== "rtl") return;
  window.addEventListener("map:init", function (event) {
    var map = event.detail.map;
    if (map.zoomControl) map.zoomControl.setPosition("topright");
  });
})();
