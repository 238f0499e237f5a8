// One browser history entry per search, so that Back returns to the previous search in one step.
//
// Streamlit writes the URL of the widgets bound to it (`bind="query-params"`, ui/search_filters.py)
// with history.replaceState when the buyer changes a filter (NO entry: Back left the app), and with one
// history.pushState per widget when the server changes them ("Effacer les filtres" writes the cleared
// address once itself, see `_clear_filters`, or Back would go through each filter). This script
// (injected with ui/french_ui.js, see ui/french_ui.py) makes it one entry per action of the buyer: the
// first change of the page's search after a click or a key adds an entry, the next ones of the same
// action update it; the URL tidying of a page load (no action) adds none. Back then finds the previous
// search's URL, and the page is loaded again from it, which restores every bound filter (as a shared
// link does). Other pages' URLs are untouched.
if (!window.__sourcingHistory) {
  window.__sourcingHistory = true;
  var lastAction = 0, pushed = false, ACTION_WINDOW_MS = 5000;
  ["pointerdown", "keydown", "change"].forEach(function (type) {
    document.addEventListener(type, function () { lastAction = Date.now(); pushed = false; }, true);
  });
  var nativePush = history.pushState.bind(history), nativeReplace = history.replaceState.bind(history);
  // This script comes with the page's first component: it runs up to seconds after the sidebar is usable.
  // A filter the buyer changed before then went through Streamlit's replaceState, over the entry of the
  // search the page was loaded with (Back then skipped it). Seen by the Navigation API: the buyer has acted
  // (sticky user activation), the address is no longer the loaded one, and no entry was added since the
  // load (the current entry is this document's first). The loaded search gets its entry back, and the
  // current one a new entry. Without these APIs (older browsers), as before: the entry stays lost.
  (function restoreTheLoadedEntry() {
    var nav = window.navigation, load = performance.getEntriesByType("navigation")[0];
    var acted = navigator.userActivation && navigator.userActivation.hasBeenActive;
    if (!nav || !nav.currentEntry || !load || !acted) { return; }
    var loaded = new URL(load.name);
    if (loaded.pathname !== location.pathname || loaded.search === location.search) { return; }
    var before = nav.entries().slice(0, nav.currentEntry.index);
    if (before.some(function (entry) { return entry.sameDocument; })) { return; }
    var now = location.href, state = history.state;
    nativeReplace(state, "", loaded.href);
    nativePush(state, "", now);
  })();
  var shownPath = location.pathname, shownSearch = location.search;
  var searchChange = function (url) {
    if (url === undefined || url === null) { return false; }
    var next = new URL(url, location.href);
    return next.pathname === location.pathname && next.search !== location.search;
  };
  var remember = function (result) {
    shownPath = location.pathname;
    shownSearch = location.search;
    return result;
  };
  history.replaceState = function (state, title, url) {
    if (searchChange(url) && !pushed && Date.now() - lastAction < ACTION_WINDOW_MS) {
      pushed = true;
      return remember(nativePush(state, title, url));
    }
    return remember(nativeReplace(state, title, url));
  };
  history.pushState = function (state, title, url) {
    if (searchChange(url)) {
      if (pushed) { return remember(nativeReplace(state, title, url)); }  // same action: same entry
      pushed = true;
    }
    return remember(nativePush(state, title, url));
  };
  window.addEventListener("popstate", function () {
    if (location.pathname === shownPath && location.search !== shownSearch) {
      location.reload();  // the same page with another search: load that search
    }
    remember();
  });
}
