// Small DOM helpers shared by the page scripts (loaded first, deferred like them, so they run
// in order). No framework: the scripts build a few elements each, always as text, never HTML.
(() => {
  // A new element with its attributes and, when given, its text (textContent: never parsed).
  const element = (tag, attributes = {}, text = "") => {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    if (text) node.textContent = text;
    return node;
  };

  window.dashboardDom = Object.freeze({ element });
})();
