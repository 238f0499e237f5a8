// The supplier layer of the search map: département outlines and labels, buyer point and distance
// circle, clustered supplier markers with lazy tooltips and popups, legend and view.
//
// ui/map/layer.py runs this file inside a function, after declaring (all JSON, made safe by safe_json):
//   map                   the Leaflet map
//   D                     the markers, columnar: lat, lon, f (family), id, n, t, k, c, s (HTML-escaped), d (km)
//   FAM                   per family index: {key, letter, label (HTML-escaped)}
//   OUTLINES, LABELS      the offline basemap (GeoJSON; département codes, names and points), or null
//   PLACES                communes to name offline: name, pop, lat, lon, largest first (or null)
//   TILES                 {url, attribution, max_zoom} of the online plan tiles, or null (offline only)
//   OFFLINE_MAX_ZOOM      the zoom beyond which the offline basemap has nothing more to show
//   OUTLINES_ATTRIBUTION  the basemap's attribution text
//   CENTER                {latlng, radius_m?} of the buyer's search point, or null
//   LEGEND                the legend's HTML (built and escaped by the server)
//   BOUNDS                the view to frame, or null
// Safety rule: directory text reaches this file only inside D, already HTML-escaped. It is only joined
// into element content or double-quoted attributes, never evaluated, never put in a template literal.
/* global map, D, FAM, OUTLINES, LABELS, PLACES, TILES, OFFLINE_MAX_ZOOM, OUTLINES_ATTRIBUTION, CENTER, LEGEND,
   BOUNDS, L */

function fmtKm(d) {
  return d.toLocaleString("fr-FR", {maximumFractionDigits: 1}) + " km";
}
// Every D string is already HTML-escaped by the server: they are only joined into element
// content or double-quoted attributes, never evaluated.
function tooltipHtml(i) {
  // The hidden dash separates the lines when the tooltip is read as plain text (screen readers).
  var s = "<strong>" + D.n[i] + '</strong><span class="sup-sr"> — </span><br>' +
    (D.k[i] ? D.k[i] + " · " : "") + D.c[i];
  if (D.d[i] !== null) { s += " · " + fmtKm(D.d[i]); }
  return s;
}
function popupElement(i) {
  var s = '<strong class="sup-name">' + D.n[i] + "</strong>";
  if (D.t[i]) { s += '<div class="sup-muted">' + D.t[i] + "</div>"; }
  s += "<div>" + FAM[D.f[i]].label + (D.k[i] ? " : " + D.k[i] : "") + "</div>";
  if (D.c[i]) { s += "<div>" + D.c[i] + "</div>"; }
  if (D.d[i] !== null) { s += "<div>Distance : " + fmtKm(D.d[i]) + "</div>"; }
  if (D.s[i]) { s += "<div>SIRET : " + D.s[i] + "</div>"; }
  s += '<div class="sup-ref">Réf. : ' + D.id[i] + "</div>";
  var wrap = document.createElement("div");
  wrap.innerHTML = '<div class="sup-popup" data-supplier-id="' + D.id[i] + '">' + s + "</div>";
  return wrap.firstChild;
}

// Leaflet focuses the map on every press (for its keyboard controls) with a plain focus(), which scrolls
// the page around the map's frame to show it: between the press and the release on a marker the map
// moved under the pointer, the click landed on the map pane and no popup opened. Focus without scrolling.
if (map.keyboard) {
  map.keyboard.disable();  // its listener holds the old function: swap it while unbound
  map.keyboard._onMouseDown = function () {
    if (!this._focused) { this._map.getContainer().focus({preventScroll: true}); }
  };
  map.keyboard.enable();
}

// --- Basemap: the IGN plan tiles when asked, else (or when they do not load) the offline one ---------
var offlineLayers = [];
if (OUTLINES) {
  offlineLayers.push(L.geoJSON(OUTLINES, {
    interactive: false,
    attribution: OUTLINES_ATTRIBUTION,
    style: {color: "#8c8c8c", weight: 0.8, fillColor: "#f8f6f1", fillOpacity: 1}
  }));
}
if (LABELS) {
  var labels = L.layerGroup();
  for (var j = 0; j < LABELS.code.length; j++) {
    var el = document.createElement("span");
    el.textContent = LABELS.code[j];
    el.title = LABELS.name[j];
    labels.addLayer(L.marker([LABELS.lat[j], LABELS.lon[j]], {
      icon: L.divIcon({className: "sup-dept-label", html: el, iconSize: [40, 14]}),
      interactive: false, keyboard: false, pane: "supPlaces"
    }));
  }
}
map.createPane("supPlaces");  // above the outlines, under the markers, never clickable
// Commune names, the largest first (PLACES is sorted by population): a town needs more inhabitants
// to be named at a low zoom; labels that would overlap an already placed one are skipped.
var PLACE_MIN_POP = {5: 150000, 6: 100000, 7: 40000, 8: 15000, 9: 8000, 10: 4000, 11: 2500};
var places = L.layerGroup();
function drawPlaces() {
  places.clearLayers();
  if (!PLACES) { return; }
  var zoom = map.getZoom(), minPop = zoom < 5 ? Infinity : (PLACE_MIN_POP[zoom] || 0);
  var view = map.getBounds().pad(0.05), taken = [], shown = 0;
  for (var k = 0; k < PLACES.name.length && shown < 250; k++) {
    if (PLACES.pop[k] < minPop) { break; }
    var at = L.latLng(PLACES.lat[k], PLACES.lon[k]);
    if (!view.contains(at)) { continue; }
    var p = map.latLngToContainerPoint(at), w = 7 * PLACES.name[k].length + 8, clear = true;
    for (var q = 0; q < taken.length && clear; q++) {
      clear = Math.abs(taken[q][0] - p.x) * 2 > w + taken[q][2] || Math.abs(taken[q][1] - p.y) > 16;
    }
    if (!clear) { continue; }
    taken.push([p.x, p.y, w]);
    var name = document.createElement("span");
    name.textContent = PLACES.name[k];  // text, never HTML
    places.addLayer(L.marker(at, {
      icon: L.divIcon({className: "sup-place" + (PLACES.pop[k] >= 100000 ? " sup-place-big" : ""), html: name,
                       iconSize: null}),
      interactive: false, keyboard: false, pane: "supPlaces"
    }));
    shown++;
  }
}
function showLabels() {
  if (!labels) { return; }
  var z = map.getZoom();
  if (z >= 7 && z <= 8) { map.addLayer(labels); } else { map.removeLayer(labels); }
}
var offline = false;
function showOffline() {
  if (offline) { return; }
  offline = true;
  L.DomUtil.addClass(map.getContainer(), "sup-offline");
  map.getContainer().setAttribute("data-basemap", "offline");
  map.setMaxZoom(OFFLINE_MAX_ZOOM);  // beyond it the offline basemap has nothing more to show
  for (var o = 0; o < offlineLayers.length; o++) { offlineLayers[o].addTo(map); offlineLayers[o].bringToBack(); }
  map.addLayer(places);
  map.on("zoomend", showLabels);
  map.on("moveend", drawPlaces);
  map.whenReady(function () { showLabels(); drawPlaces(); });
}
if (TILES) {
  // Online: the plan tiles. With no network (or a blocked host) the first tile fails, or none arrives
  // within a few seconds: the page then switches to the offline basemap by itself.
  var tiles = L.tileLayer(TILES.url, {attribution: TILES.attribution, maxZoom: TILES.max_zoom});
  var tileLoaded = false, removed = false;
  map.on("unload", function () { removed = true; });  // the search page replaced this map (a new search)
  var fallBack = function () {
    if (tileLoaded || offline || removed) { return; }
    map.removeLayer(tiles);
    showOffline();
  };
  tiles.on("tileload", function () {
    if (!offline) { tileLoaded = true; map.getContainer().setAttribute("data-basemap", "tiles"); }
  });
  tiles.on("tileerror", fallBack);
  setTimeout(fallBack, 8000);
  tiles.addTo(map);
} else {
  showOffline();
}
if (CENTER) {
  if (CENTER.radius_m) {
    L.circle(CENTER.latlng, {
      radius: CENTER.radius_m, interactive: false, color: "#000091", weight: 2, dashArray: "6 5",
      fillColor: "#000091", fillOpacity: 0.04
    }).addTo(map);
  }
  L.marker(CENTER.latlng, {
    icon: L.divIcon({className: "sup-icon", html: '<span class="sup-buyer"></span>', iconSize: [20, 20]}),
    interactive: false, keyboard: false, zIndexOffset: -1000
  }).addTo(map);
}

var icons = FAM.map(function (f) {
  return L.divIcon({
    className: "sup-icon", iconSize: [22, 22], iconAnchor: [11, 11], popupAnchor: [0, -10],
    tooltipAnchor: [0, -10], html: '<span class="sup-m sup-' + f.key + '"><b>' + f.letter + "</b></span>"
  });
});
var n = D.lat.length, markers = new Array(n);
for (var i = 0; i < n; i++) {
  markers[i] = L.marker([D.lat[i], D.lon[i]], {icon: icons[D.f[i]], supIndex: i, supplierId: D.id[i]});
}
// Clustering 20,000 markers takes the browser a second or more, in the page's own thread: it is done in
// slices of 50 ms with a bare yield between them (the defaults, 200 ms slices 50 ms apart, held a click
// on a filter for up to 200 ms and added idle time), so the buyer's next filter change reaches the
// server while the map is still being clustered.
var cluster = L.markerClusterGroup({
  chunkedLoading: true, chunkInterval: 50, chunkDelay: 0,
  showCoverageOnHover: false, maxClusterRadius: 50, spiderfyOnMaxZoom: true,
  iconCreateFunction: function (c) {
    var count = c.getChildCount();
    var size = count < 10 ? "small" : (count < 100 ? "medium" : "large");
    return L.divIcon({
      html: "<div><span>" + count.toLocaleString("fr-FR") + "</span></div>",
      className: "marker-cluster sup-cluster sup-cluster-" + size, iconSize: L.point(40, 40)
    });
  }
});
// Tooltips and popups are bound on first use: 20,000 markers cost no DOM until touched. The click
// handler runs before the search page's (ui/search_map.js, bound later), which sends the marker's id.
cluster.on("mouseover", function (e) {
  var m = e.layer;
  if (!m || m.options.supIndex === undefined || m.getTooltip()) { return; }
  m.bindTooltip(tooltipHtml(m.options.supIndex), {direction: "top"});
  m.openTooltip();
});
// Keep popups clear of the legend (controls are drawn above popups); it may have been folded.
function legendPadding() {
  return L.point((legendDiv ? legendDiv.offsetWidth : 0) + 15, 15);
}
cluster.on("preclick", function (e) {
  if (e.layer && e.layer.getPopup && e.layer.getPopup()) {
    e.layer.getPopup().options.autoPanPaddingBottomRight = legendPadding();
  }
});
cluster.on("click", function (e) {
  var m = e.layer;
  if (!m || m.options.supIndex === undefined || m.getPopup()) { return; }
  var options = {maxWidth: 320, autoPanPaddingBottomRight: legendPadding()};
  m.bindPopup(popupElement(m.options.supIndex), options);
  m.openPopup();
});
// On the map first, then the markers: Leaflet.markercluster's addLayers on a group not yet on a map
// checks each marker against every one already queued (quadratic: 0.19 s for 20,000, all in one task);
// on the map, the markers are clustered at once, in the slices above.
map.addLayer(cluster);
cluster.addLayers(markers);

var legendDiv = null;
L.control.scale({imperial: false}).addTo(map);
var legend = L.control({position: "bottomright"});
legend.onAdd = function () {
  var div = legendDiv = L.DomUtil.create("div", "sup-legend");
  div.innerHTML = LEGEND;
  L.DomEvent.disableClickPropagation(div);
  L.DomEvent.disableScrollPropagation(div);
  return div;
};
legend.addTo(map);

// Frame the view; when the legend (folded or open) would hide part of the search circle, frame it
// again clear of the legend.
function legendHidesCircle() {
  if (!CENTER || !legendDiv) { return false; }
  var c = map.latLngToContainerPoint(CENTER.latlng);
  var north = L.latLng(CENTER.latlng[0] + (CENTER.radius_m || 0) / 111320, CENTER.latlng[1]);
  var r = Math.max(c.distanceTo(map.latLngToContainerPoint(north)), 10);
  var box = map.getContainer().getBoundingClientRect(), leg = legendDiv.getBoundingClientRect();
  var x = Math.max(leg.left - box.left, Math.min(c.x, leg.right - box.left));
  var y = Math.max(leg.top - box.top, Math.min(c.y, leg.bottom - box.top));
  return Math.sqrt((x - c.x) * (x - c.x) + (y - c.y) * (y - c.y)) < r;
}
function frameView() {
  if (!BOUNDS) { return; }
  var maxZoom = Math.min(13, map.getMaxZoom());
  map.fitBounds(BOUNDS, {padding: [24, 24], maxZoom: maxZoom, animate: false});
  if (legendHidesCircle()) {
    map.fitBounds(BOUNDS, {
      paddingTopLeft: [24, 24], paddingBottomRight: [legendDiv.offsetWidth + 24, legendDiv.offsetHeight + 24],
      maxZoom: maxZoom, animate: false
    });
  }
}
var legendBox = legendDiv.querySelector("details");
if (legendBox) {
  legendBox.addEventListener("toggle", function () {
    if (legendBox.open && legendHidesCircle()) { frameView(); }
  });
}
frameView();
window.supplierCluster = cluster;
window.supplierMap = map;
