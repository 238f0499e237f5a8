// The supplier layer of the search map: département outlines and labels, buyer point and distance
// circle, supplier markers clustered on a grid, with lazy tooltips and popups, legend and view.
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

// --- Supplier markers, clustered on a grid for the current zoom and view -------------------------
// Leaflet.markercluster built the clusters of every zoom level at once, one marker object per supplier:
// for 20,000 results about a second of the page's only thread, in slices that a buyer's first click
// waited behind. Here the suppliers are counted in square cells of 64 pixels for the current zoom only,
// and only the cells in view (plus one cell around) get a marker: one pass over the points per view, and
// a few hundred markers at most (bench/map_browser.py: the page's busy time at 20,000 results ×0.41). A
// cell is split in four at the next zoom, so a cluster breaks up as the buyer zooms in (neighbours closer
// than a marker's width are merged first: mergeNeighbours).
// Invariant (tested, tests/browser/test_map_offline.py): every supplier in view is counted by exactly one
// marker drawn (markers reach one cell beyond the view); a cluster of suppliers at one point opens as a
// spiral at its click.
var CELL_PX = 64, CELL_BITS = 2;  // 256-pixel tiles hold 2^2 cells across
var n = D.lat.length;
var WX = new Float64Array(n), WY = new Float64Array(n);  // Web Mercator, the world as the unit square
for (var i = 0; i < n; i++) {
  var sin = Math.max(Math.min(Math.sin(D.lat[i] * Math.PI / 180), 0.9999), -0.9999);
  WX[i] = (D.lon[i] + 180) / 360;
  WY[i] = 0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI);
}
var supplierLayer = L.featureGroup();
var drawn = new Map(), spider = null;  // markers by cell key, for supplierLayer.drawnZoom
var legRenderer = L.svg();  // the map draws on a canvas; legs as SVG keep their class (tests find them)

function clusterIcon(count) {
  var size = count < 10 ? "small" : (count < 100 ? "medium" : (count < 1000 ? "large" : "huge"));
  var side = count < 1000 ? 40 : 52;  // « 12 345 » needs a wider disc
  return L.divIcon({
    html: "<div><span>" + count.toLocaleString("fr-FR") + "</span></div>",
    className: "marker-cluster sup-cluster sup-cluster-" + size, iconSize: L.point(side, side)
  });
}
function supplierMarker(k, latlng) {
  return L.marker(latlng || [D.lat[k], D.lon[k]], {icon: icons[D.f[k]], supIndex: k, supplierId: D.id[k]});
}
// The key of supplier k's grid cell, scale cells across the world: the one rule cellsInView and
// cellMembers share.
function cellKey(k, scale) {
  return Math.floor(WX[k] * scale) * scale + Math.floor(WY[k] * scale);
}
// The cells of the view at zoom z: {key: cell} where a cell holds its count, its first supplier, the sums
// of its points (its marker sits at their mean, as Leaflet.markercluster's did), their bounds and the
// keys of the grid cells it covers.
function cellsInView(z) {
  var scale = Math.pow(2, z + CELL_BITS), view = map.getPixelBounds();
  var x0 = Math.floor(view.min.x / CELL_PX) - 1, x1 = Math.floor(view.max.x / CELL_PX) + 1;
  var y0 = Math.floor(view.min.y / CELL_PX) - 1, y1 = Math.floor(view.max.y / CELL_PX) + 1;
  var cells = new Map();
  for (var k = 0; k < n; k++) {
    var cx = Math.floor(WX[k] * scale), cy = Math.floor(WY[k] * scale);
    if (cx < x0 || cx > x1 || cy < y0 || cy > y1) { continue; }
    var key = cellKey(k, scale), c = cells.get(key);
    if (c === undefined) {
      cells.set(key, {key: key, cx: cx, cy: cy, keys: [key], count: 1, first: k, lat: D.lat[k], lon: D.lon[k],
                      wx: WX[k], wy: WY[k], south: D.lat[k], north: D.lat[k], west: D.lon[k], east: D.lon[k]});
    } else {
      c.count++; c.lat += D.lat[k]; c.lon += D.lon[k]; c.wx += WX[k]; c.wy += WY[k];
      if (D.lat[k] < c.south) { c.south = D.lat[k]; } else if (D.lat[k] > c.north) { c.north = D.lat[k]; }
      if (D.lon[k] < c.west) { c.west = D.lon[k]; } else if (D.lon[k] > c.east) { c.east = D.lon[k]; }
    }
  }
  mergeNeighbours(cells, scale, 256 * Math.pow(2, z));
  return cells;
}
// Two cells side by side may hold points near their shared edge, and their 40-pixel markers would overlap:
// a cell takes in each neighbour whose points' mean is closer than a marker's width to its own, the
// fullest cells first.
var MERGE_PX = 40;
function mergeNeighbours(cells, scale, worldPx) {
  var order = Array.from(cells.values()).sort(function (a, b) { return b.count - a.count; });
  for (var i = 0; i < order.length; i++) {
    var a = order[i];
    if (a.merged) { continue; }
    for (var dx = -1; dx <= 1; dx++) {
      for (var dy = -1; dy <= 1; dy++) {
        var b = cells.get((a.cx + dx) * scale + a.cy + dy);
        if (b === undefined || b === a || b.merged) { continue; }
        var ex = (a.wx / a.count - b.wx / b.count) * worldPx, ey = (a.wy / a.count - b.wy / b.count) * worldPx;
        if (ex * ex + ey * ey >= MERGE_PX * MERGE_PX) { continue; }
        a.count += b.count; a.lat += b.lat; a.lon += b.lon; a.wx += b.wx; a.wy += b.wy;
        a.south = Math.min(a.south, b.south); a.north = Math.max(a.north, b.north);
        a.west = Math.min(a.west, b.west); a.east = Math.max(a.east, b.east);
        a.keys = a.keys.concat(b.keys);
        b.merged = true;
        cells.delete(b.key);
      }
    }
  }
}
// The suppliers of the grid cells keys at zoom z, in the payload's order.
function cellMembers(keys, z) {
  var scale = Math.pow(2, z + CELL_BITS), members = [];
  for (var k = 0; k < n; k++) {
    if (keys.indexOf(cellKey(k, scale)) >= 0) { members.push(k); }
  }
  return members;
}
// Draw the markers of the current view: a marker already drawn for the same cells at the same zoom stays
// (an open popup or tooltip stays with it), the others come and go.
function drawMarkers() {
  var z = Math.round(map.getZoom());
  if (z !== supplierLayer.drawnZoom) {
    unspiderfy();
    supplierLayer.clearLayers();
    drawn = new Map();
    supplierLayer.drawnZoom = z;  // the zoom the markers are drawn for (tests wait on it)
  }
  var cells = cellsInView(z), kept = new Map();
  cells.forEach(function (c, key) {
    var m = drawn.get(key);
    if (m !== undefined && (m.options.supCount || 1) !== c.count) {  // its neighbours merged otherwise
      if (spider && spider.cluster === m) { unspiderfy(); }
      supplierLayer.removeLayer(m);
      m = undefined;
    }
    if (m === undefined) {
      if (c.count === 1) {
        m = supplierMarker(c.first);
      } else {
        m = L.marker([c.lat / c.count, c.lon / c.count], {
          icon: clusterIcon(c.count), supCells: c.keys, supCount: c.count,
          supBounds: [[c.south, c.west], [c.north, c.east]]
        });
      }
      supplierLayer.addLayer(m);
    }
    kept.set(key, m);
  });
  drawn.forEach(function (m, key) {
    if (kept.get(key) !== m) {
      if (spider && spider.cluster === m) { unspiderfy(); }
      supplierLayer.removeLayer(m);
    }
  });
  drawn = kept;
}

// Spiral (from 9 suppliers) or circle of a cluster's suppliers around it, with legs, as
// Leaflet.markercluster spread them: the only way to reach suppliers placed at one point.
function spiderPositions(count, center) {
  var res = [], angle, legLength, k;
  if (count >= 9) {
    legLength = 11; angle = 0;
    for (k = count; k >= 0; k--) {
      if (k < count) { res[k] = L.point(center.x + legLength * Math.cos(angle), center.y + legLength * Math.sin(angle)); }
      angle += 28 / legLength + k * 0.0005;
      legLength += 5 * 2 * Math.PI / angle;
    }
    return res;
  }
  legLength = Math.max(25 * (2 + count) / (2 * Math.PI), 35);
  for (k = 0; k < count; k++) {
    angle = k * 2 * Math.PI / count;
    res.push(L.point(center.x + legLength * Math.cos(angle), center.y + 10 + legLength * Math.sin(angle)));
  }
  return res;
}
function spiderfy(cluster) {
  unspiderfy();
  var members = cellMembers(cluster.options.supCells, supplierLayer.drawnZoom), at = cluster.getLatLng();
  var positions = spiderPositions(members.length, map.latLngToLayerPoint(at));
  spider = {cluster: cluster, legs: [], markers: []};
  for (var k = 0; k < members.length; k++) {
    var spot = map.layerPointToLatLng(positions[k]);
    var leg = L.polyline([at, spot], {color: "#222", weight: 1.5, opacity: 0.5, interactive: false,
                                      className: "sup-spider-leg", renderer: legRenderer});
    var m = supplierMarker(members[k], spot);
    spider.legs.push(leg);
    spider.markers.push(m);
    map.addLayer(leg);
    supplierLayer.addLayer(m);
  }
  cluster.setOpacity(0.3);
}
function unspiderfy() {
  if (!spider) { return; }
  spider.legs.forEach(function (leg) { map.removeLayer(leg); });
  spider.markers.forEach(function (m) { supplierLayer.removeLayer(m); });
  spider.cluster.setOpacity(1);
  spider = null;
}
// A cluster's click zooms to its suppliers, or spreads them when no zoom would (one point, or the
// map's last zoom).
function openCluster(cluster) {
  var bounds = L.latLngBounds(cluster.options.supBounds), zoom = map.getZoom(), maxZoom = map.getMaxZoom();
  if (zoom >= maxZoom || bounds.getNorthEast().equals(bounds.getSouthWest())) {
    if (spider && spider.cluster === cluster) { unspiderfy(); } else { spiderfy(cluster); }
    return;
  }
  if (map.getBoundsZoom(bounds) > zoom) { map.fitBounds(bounds); } else { map.setView(cluster.getLatLng(), zoom + 1); }
}
map.on("zoomstart", unspiderfy);
map.on("click", unspiderfy);

// Tooltips and popups are bound on first use: markers cost no tooltip or popup DOM until touched. The
// click handler runs before the search page's (ui/search_map.js, bound later), which sends the marker's id.
supplierLayer.on("mouseover", function (e) {
  var m = e.propagatedFrom;
  if (!m || m.options.supIndex === undefined || m.getTooltip()) { return; }
  m.bindTooltip(tooltipHtml(m.options.supIndex), {direction: "top"});
  m.openTooltip();
});
// Keep popups clear of the legend (controls are drawn above popups); it may have been folded.
function legendPadding() {
  return L.point((legendDiv ? legendDiv.offsetWidth : 0) + 15, 15);
}
supplierLayer.on("preclick", function (e) {
  var m = e.propagatedFrom;
  if (m && m.getPopup && m.getPopup()) { m.getPopup().options.autoPanPaddingBottomRight = legendPadding(); }
});
supplierLayer.on("click", function (e) {
  var m = e.propagatedFrom;
  if (!m) { return; }
  if (m.options.supCells !== undefined) { openCluster(m); return; }
  if (m.options.supIndex === undefined || m.getPopup()) { return; }
  var options = {maxWidth: 320, autoPanPaddingBottomRight: legendPadding()};
  m.bindPopup(popupElement(m.options.supIndex), options);
  m.openPopup();
});
supplierLayer.total = n;
map.addLayer(supplierLayer);
map.on("moveend", drawMarkers);

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
drawMarkers();  // frameView's fitBounds without animation may leave the view as it was: no moveend
window.supplierLayer = supplierLayer;
window.supplierMap = map;
