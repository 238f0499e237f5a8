// The search page's map as a Streamlit component (st.components.v2), drawn in the page itself.
//
// streamlit-folium drew each search's map in a new frame: a new document, its React bundle, Leaflet's
// scripts fetched one after the other, then the map; on the demo that was a second of the browser's only
// busy thread before the first marker, and again at every filter change. Here Leaflet is loaded once per
// page (ui/leaflet_files.js: fetched in parallel, run in order, asked for as soon as a page opens) and a
// new search only replaces the map inside the same element.
//
// ui/search_map.py mounts this module with `data`:
//   id         the folium map's name: the element id its script draws into, and its variable
//   script     folium's script for that map (the Leaflet map, then ui/map/map.js with its safe JSON data)
//   css        the map's own styles (ui/map/map.css and the map element's size)
//   js_links, css_links  Leaflet (local files by default)
//   key        a digest of the script: the same key is the same map, kept as it is
//   height     in pixels
//   center, zoom  the view asked by « Voir sur la carte » (or null): applied once per new value
// and reads one trigger back: `clicked`, the supplier id of a marker the buyer clicked.
// Safety rule: directory text only arrives inside `script`, HTML-escaped and JSON-escaped by the server
// (ui/map/payload.py); nothing here puts data into HTML.

function removeMap(host) {
  if (host.supMap) {
    host.supMap.remove();
    host.supMap = null;
  }
}

function build(host, data, setTriggerValue) {
  removeMap(host);
  host.textContent = "";
  const style = document.createElement("style");
  style.textContent = data.css;
  host.appendChild(style);
  const div = document.createElement("div");
  div.id = data.id;
  div.className = "sup-map";
  host.appendChild(div);
  // The script's top-level variables stay local to this function (a new map per search, no globals left).
  host.supMap = new Function(data.script + "\nreturn " + data.id + ";")();
  window.supplierLayer.on("click", (e) => {
    const id = e.propagatedFrom && e.propagatedFrom.options ? e.propagatedFrom.options.supplierId : undefined;
    if (id !== undefined) { setTriggerValue("clicked", String(id)); }
  });
}

function applyFocus(host, data) {
  const focus = data.center ? JSON.stringify([data.center, data.zoom]) : "";
  if (focus === (host.dataset.focus || "") || !host.supMap) { return; }
  host.dataset.focus = focus;
  if (data.center) { host.supMap.setView(data.center, data.zoom || host.supMap.getZoom()); }
}

// The data comes as the UTF-8 bytes of its JSON (ui/search_map.py, `with_view`): parsed once per payload, the
// same object for a rerun that sends the same bytes.
function decoded(host, raw) {
  if (!(raw instanceof Uint8Array || raw instanceof ArrayBuffer)) { return raw; }
  if (host.raw !== raw) {
    host.raw = raw;
    host.parsed = JSON.parse(new TextDecoder().decode(raw));
  }
  return host.parsed;
}

export default function (component) {
  const { parentElement, setTriggerValue } = component;
  let host = parentElement.querySelector(".sup-map-host");
  if (!host) {
    host = document.createElement("div");
    host.className = "sup-map-host";
    parentElement.appendChild(host);
  }
  const data = decoded(host, component.data);
  host.style.height = data.height + "px";
  host.latest = data;
  data.css_links.forEach(loadStyle);
  // Building a map holds the page's thread for a while (20,000 suppliers: reading their data). The page's first
  // map is built as soon as Leaflet is there (the count is already shown; the table comes after it);
  // a new search's map starts after the next paint, so that its count and table show first.
  const draw = () => {
    if (host.latest !== data) { return; }  // a newer search arrived meanwhile: it draws its own map
    if (host.dataset.key !== data.key) {
      host.dataset.key = data.key;
      host.dataset.focus = "";
      build(host, data, setTriggerValue);
    }
    applyFocus(host, data);
  };
  const scripts = data.js_links.map(loadScript);
  const first = !window.__supMapShown;
  window.__supMapShown = true;
  if (first && scripts.every((s) => s.done)) {
    draw();
  } else {
    Promise.all(scripts).then(() => (first ? draw() : requestAnimationFrame(() => setTimeout(draw, 0))));
  }
  // Unmounted (no results, another page): the map and its listeners go with it.
  return () => setTimeout(() => { if (!host.isConnected) { removeMap(host); } }, 0);
}
