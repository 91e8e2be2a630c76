// Batch selection on the connector list (double-submit protection lives in app.js).
//
// The ticked rows are kept per tab, across pages and filters: sessionStorage (one tab's
// selection never shows in another; a tab opened from this one may start with a copy, which
// the count shows), or this page's memory where storage is refused. Every tick is sent in
// the batch form's "selection" field, so the preview lists exactly the selected connectors,
// on this page or not. A finished batch (its result page) clears the selection.
// Each domain has its own (body[data-domain]): a connector has the same uuid on every domain,
// and rows ticked on the sandbox must not become a production batch after a switch.
// Event delegation on document: the list's table is replaced by htmx as filters change.
(() => {
  const KEY = `connectors-batch-selection:${document.body.dataset.domain || ""}`;
  let fallback = [];

  const load = () => {
    try {
      const stored = JSON.parse(window.sessionStorage.getItem(KEY) || "[]");
      return new Set(Array.isArray(stored) ? stored.filter((value) => typeof value === "string") : []);
    } catch {
      return new Set(fallback);
    }
  };
  const save = (selected) => {
    fallback = Array.from(selected);
    try {
      window.sessionStorage.setItem(KEY, JSON.stringify(fallback));
    } catch {
      // Storage refused (private mode, quota): the selection lasts as long as this page.
    }
  };
  const items = () => Array.from(document.querySelectorAll("input[name=uuids][form=batch-form]"));
  const plural = (count, word) => `${count} ${word}${count === 1 ? "" : "s"}`;

  const countText = (selected, onPage, allMatching) => {
    if (allMatching) {
      return selected.size
        ? `Every connector matching this filter is selected; the ${plural(selected.size, "ticked connector")} ${selected.size === 1 ? "is" : "are"} not used while this is checked.`
        : "Every connector matching this filter is selected.";
    }
    if (!selected.size) return "";
    const elsewhere = selected.size - onPage;
    if (!elsewhere) return `${selected.size} selected on this page.`;
    return `${selected.size} selected: ${onPage} on this page, ${elsewhere} on other pages or filters.`;
  };

  // Draw the stored selection: the ticks, the page box, the count, the form field.
  const show = () => {
    const selected = load();
    const boxes = items();
    for (const box of boxes) box.checked = selected.has(box.value);
    const onPage = boxes.filter((box) => box.checked).length;
    const pageBox = document.querySelector("[data-select-page]");
    if (pageBox) {
      pageBox.checked = boxes.length > 0 && onPage === boxes.length;
      pageBox.indeterminate = onPage > 0 && onPage < boxes.length;
    }
    const field = document.querySelector("[data-batch-selection]");
    if (field) field.value = Array.from(selected).join(",");
    const all = document.querySelector("[data-select-all-matching]");
    const counter = document.querySelector("[data-selected-count]");
    if (counter) counter.textContent = countText(selected, onPage, Boolean(all && all.checked));
    const clear = document.querySelector("[data-clear-selection]");
    if (clear) clear.hidden = selected.size === 0;
  };

  const tick = (boxes, checked) => {
    const selected = load();
    for (const box of boxes) {
      if (checked) selected.add(box.value);
      else selected.delete(box.value);
    }
    save(selected);
  };

  document.addEventListener("change", (event) => {
    const target = event.target;
    if (!(target instanceof HTMLInputElement)) return;
    if (target.matches("[data-select-page]")) tick(items(), target.checked);
    else if (target.matches("input[name=uuids][form=batch-form]")) tick([target], target.checked);
    else if (!target.matches("[data-select-all-matching]")) return;
    show();
  });

  document.addEventListener("click", (event) => {
    if (!(event.target instanceof Element) || !event.target.closest("[data-clear-selection]")) return;
    save(new Set());
    show();
  });

  const start = () => {
    if (document.querySelector("[data-batch-done]")) save(new Set());
    show();
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  // Back/forward cache and htmx swaps (page, filter, history restore) bring other rows.
  window.addEventListener("pageshow", show);
  document.addEventListener("htmx:afterSettle", show);
  document.addEventListener("htmx:historyRestore", show);
})();
