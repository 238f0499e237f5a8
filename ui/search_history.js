// One browser history entry per search, so that Back returns to the previous search in one step.
//
// Streamlit writes the URL of the widgets bound to it (`bind="query-params"`, ui/search_filters.py)
// with history.replaceState when the buyer changes a filter (NO entry: Back left the app), and with one
// history.pushState per widget when the server changes them ("Effacer les filtres" resets every filter:
// four entries, Back went through each). This script (injected with ui/french_ui.js, see
// ui/french_ui.py) makes it one entry per action of the buyer: the first change of the page's search
// after a click or a key adds an entry, the next ones of the same action update it; the URL tidying of a
// page load (no action) adds none. Back then finds the previous search's URL, and the page is loaded again
// from it, which restores every bound filter (as a shared link does). Other pages' URLs are untouched.
if (!window.__sourcingHistory) {
  window.__sourcingHistory = true;
  var lastAction = 0, pushed = false, ACTION_WINDOW_MS = 5000;
  ["pointerdown", "keydown", "change"].forEach(function (type) {
    document.addEventListener(type, function () { lastAction = Date.now(); pushed = false; }, true);
  });
  var nativePush = history.pushState.bind(history), nativeReplace = history.replaceState.bind(history);
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
