/* HexaHype course site: the colour theme, set before the page is drawn (no flash).
 *
 * The reader's choice ("light" or "dark", from the toggle in the bar) is kept in localStorage
 * under "hexahype:theme"; without one the theme follows the system's prefers-color-scheme,
 * also when that changes while the page is open. site.js wires the toggle.
 */
(function () {
  "use strict";
  var KEY = "hexahype:theme";
  var media = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function stored() {
    try {
      var value = window.localStorage.getItem(KEY);
      return value === "light" || value === "dark" ? value : null;
    } catch (e) {
      return null;
    }
  }

  function apply() {
    var theme = stored() || (media && media.matches ? "dark" : "light");
    document.documentElement.setAttribute("data-theme", theme);
    return theme;
  }

  window.hexahypeTheme = {
    KEY: KEY,
    apply: apply,
    set: function (theme) {
      try {
        window.localStorage.setItem(KEY, theme);
      } catch (e) { /* kept for this page only */ }
      document.documentElement.setAttribute("data-theme", theme);
      return theme;
    },
    current: function () { return document.documentElement.getAttribute("data-theme") || apply(); },
  };
  apply();
  if (media && media.addEventListener) media.addEventListener("change", apply);
})();
