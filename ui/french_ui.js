// Streamlit's own texts in French, in the page itself (ui/french_ui.py injects this file once).
//
// Streamlit 1.67 has no locale option: "Browse files", "Choose an option", "Running...", the main menu
// and the others are English literals inside its JavaScript bundle. This script translates them where
// the buyer sees them: a MutationObserver on the whole document (menus and popovers are portals outside
// the app's tree) rewrites a text node, placeholder, aria-label or title whose WHOLE text is one of the
// known English texts (TEXTS) or matches one of the known patterns (PATTERNS, e.g. "Add: …").
// Directory and buyer text is never touched: Markdown, code and the options of a list are skipped for
// exact texts, and nothing is ever parsed as HTML (only nodeValue and attributes are set).
//
// It also makes the browser's number and date formatting French (navigator.languages = fr-FR) whatever
// the buyer's browser language: st.dataframe's "localized" number columns read navigator.languages.
//
// ui/french_ui.py declares before this file: TEXTS (English -> French), PATTERNS ([regex, replacement]).
/* global TEXTS, PATTERNS */

if (!window.__sourcingFrenchUi) {
  window.__sourcingFrenchUi = true;
  try {
    Object.defineProperty(Navigator.prototype, "languages", {get: function () { return ["fr-FR", "fr"]; }});
    Object.defineProperty(Navigator.prototype, "language", {get: function () { return "fr-FR"; }});
  } catch (e) { /* formatting then follows the browser's own language */ }

  var patterns = PATTERNS.map(function (p) { return [new RegExp(p[0], "s"), p[1]]; });
  var ATTRIBUTES = ["placeholder", "aria-label", "title"];
  var USER_TEXT = '[data-testid="stMarkdown"], [data-testid="stCaptionContainer"], [data-testid="stHeading"], ' +
    '[data-testid="stCode"], code, pre, .leaflet-container';
  var USER_ATTRIBUTES = 'code, pre, .leaflet-container';
  // The options of a list are the app's (or the directory's) words, except the empty list's message.
  var OPTION = '[role="listbox"]:not([data-empty="true"]) [role="option"]';

  var translate = function (text, exactAllowed) {
    var key = text.trim();
    if (!key) { return null; }
    if (exactAllowed && Object.prototype.hasOwnProperty.call(TEXTS, key)) { return TEXTS[key]; }
    for (var i = 0; i < patterns.length; i++) {
      if (patterns[i][0].test(key)) { return key.replace(patterns[i][0], patterns[i][1]); }
    }
    return null;
  };
  var isUserText = function (el) { return !el || !!el.closest(USER_TEXT); };
  var fixText = function (node) {
    var el = node.parentElement;
    if (isUserText(el) || el.tagName === "SCRIPT" || el.tagName === "STYLE") { return; }
    var french = translate(node.nodeValue, !el.closest(OPTION));
    if (french !== null && french !== node.nodeValue) { node.nodeValue = french; }
  };
  var fixAttributes = function (el) {
    if (el.nodeType !== 1 || el.closest(USER_ATTRIBUTES)) { return; }
    for (var i = 0; i < ATTRIBUTES.length; i++) {
      var value = el.getAttribute(ATTRIBUTES[i]);
      if (value) {
        var french = translate(value, true);
        if (french !== null && french !== value) { el.setAttribute(ATTRIBUTES[i], french); }
      }
    }
  };
  var walk = function (root) {
    if (root.nodeType === 3) { fixText(root); return; }
    if (root.nodeType !== 1) { return; }
    fixAttributes(root);
    var it = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (var node = it.nextNode(); node; node = it.nextNode()) {
      if (node.nodeType === 3) { fixText(node); } else { fixAttributes(node); }
    }
  };
  var observer = new MutationObserver(function (mutations) {
    for (var i = 0; i < mutations.length; i++) {
      var m = mutations[i];
      if (m.type === "characterData") { fixText(m.target); }
      else if (m.type === "attributes") { fixAttributes(m.target); }
      else { for (var j = 0; j < m.addedNodes.length; j++) { walk(m.addedNodes[j]); } }
    }
  });
  observer.observe(document.body, {
    subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ATTRIBUTES
  });
  walk(document.body);
  document.documentElement.lang = "fr";
}
