// The connector list's rows: each editor row's enable/disable control, and the keyboard.
//
// Row controls: the page sends each row's state cell without a form (fifty of them, each with
// its token and hidden fields, were most of the page's weight). Here every state cell of a
// connector that can change gets a "Disable…"/"Enable…" disclosure; opened, it gets the same
// form the server sends after a change (templatetags/row_html._row_toggle_html): the reason, posted
// by htmx to the row's URL (the table's data-row-url: a change request's where the domain
// needs approval), answered with the new cell.
//
// Keyboard, never while typing in a field: j / k move through the rows, Enter opens the
// current one, x ticks it for a batch (editors), ? lists the shortcuts.
(() => {
  const CELL = 'div[id^="row-state-"]';
  const table = () => document.querySelector("table.connector-table");
  const csrfToken = () => {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch {
      return "";
    }
  };
  const { element } = window.dashboardDom; // js/dom.js

  const addToggles = () => {
    const rows = table();
    if (!rows || !rows.dataset.rowUrl) return;
    for (const cell of rows.querySelectorAll(CELL)) {
      if (cell.querySelector("details, form")) continue; // after a change: the server's own
      const state = cell.querySelector('[data-state="enabled"], [data-state="hidden"]');
      if (!state) continue; // removed, or its state unknown
      const details = element("details", { class: "row-toggle" });
      details.append(element("summary", {}, state.dataset.state === "hidden" ? "Enable…" : "Disable…"));
      cell.append(details);
    }
  };

  const toggleForm = (cell) => {
    const uuid = cell.id.slice("row-state-".length);
    const enabling = Boolean(cell.querySelector('[data-state="hidden"]'));
    const link = cell.closest("tr").querySelector("a[href]");
    const name = link ? link.textContent.trim() : "this connector";
    const url = table().dataset.rowUrl.replace("%7Buuid%7D", encodeURIComponent(uuid));
    const form = element("form", {
      method: "post", action: url, "hx-post": url, "hx-target": `#row-state-${uuid}`,
      "hx-swap": "outerHTML", "hx-push-url": "false", "hx-disabled-elt": "find button",
    });
    const flag = enabling ? "1" : "0";
    for (const [field, value] of [["csrfmiddlewaretoken", csrfToken()], ["enabled", flag], ["seen_hidden", flag], ["next", location.pathname + location.search]]) {
      form.append(element("input", { type: "hidden", name: field, value }));
    }
    form.append(element("label", { class: "visually-hidden", for: `row-reason-${uuid}` }, `Reason for ${enabling ? "enabling" : "disabling"} ${name}`));
    form.append(element("input", { type: "text", id: `row-reason-${uuid}`, name: "reason", required: "", maxlength: "500", placeholder: "Reason (required)", autocomplete: "off" }));
    // A domain that needs approval: the row proposes a change request (words from the table).
    const words = table().dataset[enabling ? "rowEnable" : "rowDisable"] || (enabling ? "Enable" : "Disable");
    form.append(element("button", { type: "submit", class: `small-button${enabling ? "" : " danger"}` }, words));
    return form;
  };

  document.addEventListener("toggle", (event) => {
    const details = event.target;
    if (!(details instanceof HTMLDetailsElement) || !details.open || !details.matches(".row-toggle") || details.querySelector("form")) return;
    const cell = details.closest(CELL);
    if (!cell || !table()) return;
    const form = toggleForm(cell);
    details.append(form);
    if (window.htmx) window.htmx.process(form);
    form.querySelector("input[name=reason]").focus();
  }, true);

  // --- Keyboard ---
  const typing = (target) => target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement || (target instanceof HTMLElement && target.isContentEditable);
  const bodyRows = () => {
    const rows = table();
    return rows ? Array.from(rows.tBodies[0] ? rows.tBodies[0].rows : []) : [];
  };
  const current = () => document.querySelector("table.connector-table tr.is-current");
  const move = (step) => {
    const rows = bodyRows();
    if (!rows.length) return;
    const at = rows.indexOf(current());
    const next = rows[Math.max(0, Math.min(rows.length - 1, at < 0 ? (step > 0 ? 0 : rows.length - 1) : at + step))];
    for (const row of rows) row.classList.remove("is-current");
    next.classList.add("is-current");
    next.tabIndex = -1;
    next.focus({ preventScroll: true });
    next.scrollIntoView({ block: "nearest" });
  };

  let shortcuts = null;
  const showShortcuts = () => {
    if (!shortcuts) {
      shortcuts = element("dialog", { class: "shortcuts", "aria-labelledby": "shortcuts-title" });
      shortcuts.append(element("h2", { id: "shortcuts-title" }, "Keyboard shortcuts"));
      const list = element("dl");
      for (const [keys, what] of [
        ["Ctrl K / ⌘ K", "Jump to a connector or a page"],
        ["/", "Search the list"],
        ["j / k", "Next / previous row"],
        ["Enter", "Open the current row"],
        ["x", "Select the current row for a batch (editors)"],
        ["?", "This list"],
        ["Esc", "Close"],
      ]) {
        const term = element("dt");
        for (const [i, key] of keys.split(" / ").entries()) {
          if (i) term.append(" / ");
          term.append(element("kbd", {}, key));
        }
        list.append(term, element("dd", {}, what));
      }
      const close = element("button", { type: "button", class: "secondary" }, "Close");
      close.addEventListener("click", () => shortcuts.close());
      shortcuts.append(list, element("p", { class: "small muted" }, "Shortcuts never fire while you type in a field."), close);
      document.body.append(shortcuts);
    }
    if (!shortcuts.open) shortcuts.showModal();
  };

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    if (typing(event.target) || document.querySelector("dialog[open]")) return;
    if (event.key === "?") {
      event.preventDefault();
      showShortcuts();
      return;
    }
    if (event.key === "j" || event.key === "k") {
      if (!table()) return;
      event.preventDefault();
      move(event.key === "j" ? 1 : -1);
      return;
    }
    const row = current();
    if (!row || event.target !== row) return;
    if (event.key === "Enter") {
      const link = row.querySelector("a[href]");
      if (link) {
        event.preventDefault();
        link.click();
      }
    } else if (event.key === "x") {
      const box = row.querySelector("input[name=uuids]");
      if (box) {
        event.preventDefault();
        box.click();
      }
    }
  });

  const start = () => addToggles();
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  document.addEventListener("htmx:afterSettle", addToggles);
  window.addEventListener("pageshow", addToggles);
})();
