// Leaflet's files, loaded once per page: shared by the map component (ui/search_map.js) and the French
// texts component (ui/french_ui.py), which asks for them as soon as any page opens so that the search
// page's first map finds Leaflet ready (each component's module starts with this file; the registry is
// on window, so both see the same requests).
const leafletFiles = window.__supMapAssets || (window.__supMapAssets = {});

function loadStyle(href) {
  if (leafletFiles[href]) { return; }
  leafletFiles[href] = true;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  document.head.appendChild(link);
}

// A promise per script, with `done` set once it has run.
function loadScript(src) {
  if (!leafletFiles[src]) {
    const loaded = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.async = false;  // fetched in parallel, run in the order asked (Leaflet before its plugin)
      script.onload = () => { loaded.done = true; resolve(); };
      script.onerror = reject;
      document.head.appendChild(script);
    });
    leafletFiles[src] = loaded;
  }
  return leafletFiles[src];
}
