// Batch selection on the connector list (double-submit protection lives in app.js).
// Event delegation on document: the list's table is replaced by htmx as filters change.
(() => {
  const items = () => Array.from(document.querySelectorAll("[data-batch-item]"));

  const showCount = () => {
    const counter = document.querySelector("[data-selected-count]");
    const all = document.querySelector("[data-select-all-matching]");
    if (!counter) return;
    const selected = items().filter((box) => box.checked).length;
    if (all && all.checked) counter.textContent = "Every connector matching the filter is selected.";
    else counter.textContent = selected ? `${selected} selected on this page.` : "";
  };

  document.addEventListener("change", (event) => {
    const target = event.target;
    if (!(target instanceof HTMLInputElement)) return;
    if (target.matches("[data-select-page]")) {
      for (const box of items()) box.checked = target.checked;
    }
    if (target.matches("[data-select-page], [data-batch-item], [data-select-all-matching]")) showCount();
  });

  document.addEventListener("htmx:afterSettle", showCount);
})();
