// The vector basemap under every jinlv map: province/city boundaries and the road network from
// jinlv's own data (/api/basemap/*.geojson), drawn in a pane below the overlays. The network is
// fetched when its layer is shown; it is shown by itself when the raster tiles are off or fail.
/* exported jinlvBasemap */
function jinlvBasemap(map, cfg) {
  "use strict";
  // milestones since navigation start, read by benchmarks/page.py
  var timings = (window.jinlvTimings = window.jinlvTimings || {});
  timings.map = performance.now();
  map.attributionControl.addAttribution(cfg.credit);
  var pane = map.createPane("basemap");
  pane.style.zIndex = 350;
  pane.style.pointerEvents = "none";

  function load(url, group, style) {
    return fetch(url, { credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) throw new Error(url + ": HTTP " + r.status);
        return r.json();
      })
      .then(function (data) {
        L.geoJSON(data, { pane: "basemap", interactive: false, style: style }).addTo(group);
        timings[url.indexOf("network") >= 0 ? "network" : "boundaries"] = performance.now();
      })
      .catch(function (err) {
        if (window.console) console.warn("basemap:", err);
      });
  }

  var network = window[cfg.network];
  var networkLoading = null;
  function loadNetwork() {
    if (!networkLoading) {
      networkLoading = load(cfg.networkUrl, network, function () {
        return { color: "#a39b8b", weight: 1.1, opacity: 0.85 };
      });
    }
    return networkLoading;
  }
  network.on("add", loadNetwork);
  if (map.hasLayer(network)) loadNetwork();

  if (cfg.boundaries) {
    load(cfg.boundariesUrl, window[cfg.boundaries], function (f) {
      return f.properties.level === "province"
        ? { color: "#6d4c41", weight: 2.5, opacity: 0.8, fill: false }
        : { color: "#8d6e63", weight: 1, opacity: 0.7, dashArray: "5 4", fill: false };
    });
  }

  if (cfg.tiles) {
    var tiles = window[cfg.tiles];
    var loadedTile = false;
    tiles.on("tileload", function () {
      loadedTile = true;
    });
    tiles.on("tileerror", function () {
      if (!loadedTile && !map.hasLayer(network)) {
        map.addLayer(network);
        map.getContainer().classList.add("tiles-failed");
      }
    });
  } else {
    map.getContainer().classList.add("no-tiles");
  }
  window.jinlvMap = map;
  document.dispatchEvent(new CustomEvent("jinlv:map", { detail: map }));
}
