// Leaflet's files, loaded once per page: shared by the map component (ui/search_map.js) and the French
// texts component (ui/french_ui.py), which asks for them as soon as any page opens so that the search
// page's first map finds Leaflet ready (each component's module starts with this file; the registry is
// on window, so both see the same requests).
const leafletFiles = window.__supMapAssets || (window.__supMapAssets = {});

// Files the page's HTML already announced (ui/serve.py, `page_with_map_files`: what `make run` serves): a
// deferred script marked loaded once run, which the page runs before any component.
function announced(tag, attribute, url) {
  return [...document.querySelectorAll(tag + "[data-sup-early]")].find((e) => e.getAttribute(attribute) === url);
}

function loadStyle(href) {
  if (leafletFiles[href]) { return; }
  leafletFiles[href] = true;
  if (announced("link", "href", href)) { return; }
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  document.head.appendChild(link);
}

// A promise per script, with `done` set once it has run.
function loadScript(src) {
  const early = leafletFiles[src] ? null : announced("script", "src", src);
  if (early && early.dataset.loaded) {
    const ready = Promise.resolve();
    ready.done = true;
    leafletFiles[src] = ready;
  }
  if (!leafletFiles[src]) {  // not announced, or its announced copy failed: asked for here
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
