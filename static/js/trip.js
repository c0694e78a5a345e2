// Trip page: the schedule and the map work together (a stop's name opens its marker), copy link.
(function () {
  "use strict";
  var map = window.jinlvMap;
  var layers = window.jinlvLayers || {};

  document.querySelectorAll("[data-marker]").forEach(function (el) {
    el.addEventListener("click", function () {
      var marker = layers[el.dataset.marker];
      if (!map || !marker || !marker.getLatLng) return;
      map.setView(marker.getLatLng(), Math.max(map.getZoom(), 10));
      marker.openPopup();
      if (window.matchMedia("(max-width: 900px)").matches) {
        document.getElementById("trip-map").scrollIntoView({ behavior: "smooth" });
      }
    });
  });

  var copy = document.getElementById("copy-link");
  if (copy) {
    copy.addEventListener("click", function () {
      var url = copy.dataset.url;
      var done = function () {
        var old = copy.textContent;
        copy.textContent = copy.dataset.done;
        setTimeout(function () { copy.textContent = old; }, 1500);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(url).then(done, function () { window.prompt("", url); });
      } else {
        window.prompt("", url);
      }
    });
  }
  if (map) setTimeout(function () { map.invalidateSize(); }, 0);
})();
