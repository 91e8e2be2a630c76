// Ctrl+K / ⌘K on every page: jump to a connector (name, slug, bank code, id, UUID), a saved
// view or a page. The choices come from the palette URL (connectors_ui.catalogue.palette);
// the ones opened lately come first (localStorage, this browser only).
//
// An accessible combobox (WAI-ARIA APG "combobox with listbox popup") in a modal dialog: the
// input keeps the focus, ArrowDown / ArrowUp move the active option (aria-activedescendant),
// Enter opens it, Escape closes the palette and gives the focus back.
(() => {
  const RECENT_KEY = "palette-recent";
  const RECENT_MAX = 8;
  let dialog = null;
  let input = null;
  let list = null;
  let status = null;
  let items = [];
  let active = -1;
  let pending = null;
  let timer = 0;
  let opener = null;

  const trigger = () => document.querySelector("[data-palette]");
  const recent = () => {
    try {
      const stored = JSON.parse(window.localStorage.getItem(RECENT_KEY) || "[]");
      return Array.isArray(stored) ? stored.filter((item) => item && typeof item.url === "string" && item.url.startsWith("/")) : [];
    } catch {
      return [];
    }
  };
  const remember = (item) => {
    const kept = [{ kind: item.kind.startsWith("Did you mean") ? "Connector" : item.kind, label: item.label, detail: item.detail, url: item.url }, ...recent().filter((r) => r.url !== item.url)];
    try {
      window.localStorage.setItem(RECENT_KEY, JSON.stringify(kept.slice(0, RECENT_MAX)));
    } catch {
      // Storage refused: the palette simply has no recent items.
    }
  };

  const { element } = window.dashboardDom; // js/dom.js

  const build = () => {
    dialog = element("dialog", { class: "palette", "aria-label": "Jump to" });
    const label = element("label", { for: "palette-input", class: "visually-hidden" }, "Jump to a connector (name, slug, bank code, id or UUID), a saved view or a page");
    input = element("input", {
      type: "text", id: "palette-input", role: "combobox", "aria-autocomplete": "list",
      "aria-expanded": "false", "aria-controls": "palette-list", autocomplete: "off", spellcheck: "false",
      placeholder: "Jump to a connector, a saved view or a page…",
    });
    list = element("ul", { id: "palette-list", role: "listbox", "aria-label": "Choices" });
    status = element("p", { class: "visually-hidden", role: "status" });
    const hint = element("p", { class: "palette-hint" }, "↑ ↓ to choose · Enter to open · Esc to close");
    dialog.append(label, input, list, status, hint);
    document.body.append(dialog);
    input.addEventListener("input", () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(load, 60);
    });
    input.addEventListener("keydown", onKey);
    list.addEventListener("mousedown", (event) => event.preventDefault()); // the input keeps the focus
    list.addEventListener("click", (event) => {
      const option = event.target instanceof Element ? event.target.closest("[role=option]") : null;
      if (option) go(Number(option.dataset.index));
    });
    dialog.addEventListener("close", () => {
      if (pending) pending.abort();
      if (opener && document.contains(opener)) opener.focus();
    });
  };

  const setActive = (index) => {
    active = items.length ? (index + items.length) % items.length : -1;
    for (const option of list.children) {
      const on = Number(option.dataset.index) === active;
      option.setAttribute("aria-selected", on ? "true" : "false");
      if (on) option.scrollIntoView({ block: "nearest" });
    }
    if (active >= 0) input.setAttribute("aria-activedescendant", `palette-option-${active}`);
    else input.removeAttribute("aria-activedescendant");
  };

  const render = (choices) => {
    items = choices;
    list.replaceChildren();
    choices.forEach((item, index) => {
      const option = element("li", { id: `palette-option-${index}`, role: "option", "aria-selected": "false", "data-index": String(index) });
      option.append(element("span", { class: "kind" }, item.kind), element("span", { class: "label" }, item.label));
      if (item.detail) option.append(element("span", { class: "detail" }, item.detail));
      list.append(option);
    });
    if (!choices.length) list.append(element("li", { class: "palette-empty", role: "presentation" }, input.value.trim() ? "Nothing found. Try a bank code, an id or another spelling." : "Type a name, slug, bank code, id or UUID."));
    input.setAttribute("aria-expanded", choices.length ? "true" : "false");
    status.textContent = choices.length ? `${choices.length} choice${choices.length === 1 ? "" : "s"}` : "No choice";
    setActive(0);
  };

  const merge = (q, answered) => {
    const words = q.toLowerCase().split(/\s+/).filter(Boolean);
    const matches = (item) => words.every((word) => `${item.label} ${item.detail}`.toLowerCase().includes(word));
    const urls = new Set(answered.map((item) => item.url));
    // Recent first: those the server found again, then (for an empty box or a loose match) the others.
    const seen = recent().filter((item) => urls.has(item.url) || matches(item)).map((item) => ({ ...item, kind: "Recent" }));
    const recentUrls = new Set(seen.map((item) => item.url));
    return [...seen, ...answered.filter((item) => !recentUrls.has(item.url))];
  };

  const load = () => {
    const q = input.value.trim();
    if (pending) pending.abort();
    pending = new AbortController();
    const url = `${trigger().dataset.palette}?q=${encodeURIComponent(q)}`;
    fetch(url, { headers: { Accept: "application/json" }, signal: pending.signal, credentials: "same-origin" })
      .then((response) => (response.ok ? response.json() : { items: [] }))
      .then((answer) => {
        if (input.value.trim() === q) render(merge(q, Array.isArray(answer.items) ? answer.items : []));
      })
      .catch((error) => {
        if (error.name !== "AbortError") render(merge(q, []));
      });
  };

  const go = (index) => {
    const item = items[index];
    if (!item) return;
    remember(item);
    window.location.assign(item.url);
  };

  const onKey = (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      setActive(active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter") {
      event.preventDefault();
      go(active < 0 ? 0 : active);
    }
  };

  const open = () => {
    if (!trigger()) return;
    if (!dialog) build();
    if (dialog.open) {
      input.select();
      return;
    }
    opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    for (const other of document.querySelectorAll("dialog[open]")) other.close();
    input.value = "";
    render(merge("", []));
    dialog.showModal();
    input.focus();
    load();
  };

  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && !event.shiftKey && event.key.toLowerCase() === "k") {
      if (!trigger()) return;
      event.preventDefault();
      open();
    }
  });
  // The topbar's button, for the mouse and to say the palette exists (it needs this script).
  const addButton = () => {
    const nav = document.querySelector(".topbar nav");
    if (!trigger() || !nav || document.querySelector(".palette-button")) return;
    const button = element("button", { type: "button", class: "palette-button", "aria-keyshortcuts": "Control+K Meta+K" }, "Jump to… ");
    button.append(element("kbd", {}, /Mac|iPhone|iPad/.test(navigator.platform) ? "⌘ K" : "Ctrl K"));
    button.addEventListener("click", open);
    nav.after(button);
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", addButton);
  else addButton();
})();
