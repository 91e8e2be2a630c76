// The connector list's filter bar (templates/connectors_ui/connector_list.html).
//
// - A form sent without htmx (Enter, the Search button) leaves its empty fields out, as the
//   htmx requests do (app.js), so the URL says only what is applied. The server redirects an
//   URL with empty parameters anyway, for a browser without JavaScript.
// - In a filter's multiple select a plain click ticks or unticks one value (no Ctrl needed).
// - The facets are replaced (out of band) after each change, with new counts: the filter
//   whose menu was open stays open, with the same option focused.
(() => {
  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    // "Save this view": the query of the list as the address bar shows it now (htmx moved it).
    const saved = form.querySelector("[data-saved-view-query]");
    if (saved) saved.value = window.location.search.slice(1);
    if (!form.matches("[data-drop-empty-params]")) return;
    for (const field of Array.from(form.elements)) {
      if ((field instanceof HTMLInputElement && field.type !== "submit") || field instanceof HTMLSelectElement) {
        // A multiple select with nothing selected sends nothing already.
        const empty = field instanceof HTMLSelectElement ? !field.multiple && field.value === "" : field.value.trim() === "";
        if (empty && field.name) field.disabled = true;
      }
    }
    // Enabled again once the browser has read the form (a cancelled submit keeps the form usable).
    window.setTimeout(() => { for (const field of Array.from(form.elements)) field.disabled = false; }, 0);
  });

  document.addEventListener("mousedown", (event) => {
    const option = event.target instanceof HTMLOptionElement ? event.target : null;
    const select = option ? option.parentElement : null;
    if (!(select instanceof HTMLSelectElement) || !select.multiple || !select.closest("#filter-facets")) return;
    event.preventDefault();
    option.selected = !option.selected;
    select.focus();
    select.dispatchEvent(new Event("change", { bubbles: true }));
  });

  // The search box is sent as it is typed (its "input" trigger). Its "change", fired when it
  // loses the focus, would send the form again as someone clicks a chip, a sort or a page link,
  // and that request would replace theirs.
  document.addEventListener("change", (event) => {
    if (event.target instanceof Element && event.target.matches("[data-search-input]")) event.stopPropagation();
  }, true);

  let kept = null;
  document.addEventListener("htmx:oobBeforeSwap", (event) => {
    const facets = document.getElementById("filter-facets");
    if (!facets || !event.detail.target || event.detail.target.id !== "filter-facets") return;
    const focused = document.activeElement;
    kept = {
      open: Array.from(facets.querySelectorAll("details[open] > select, details[open] > .facet-menu"), (el) => el.getAttribute("name") || "more"),
      focus: focused instanceof HTMLSelectElement && facets.contains(focused) ? focused.name : null,
    };
  });
  document.addEventListener("htmx:oobAfterSwap", () => {
    const facets = document.getElementById("filter-facets");
    if (!facets || !kept) return;
    for (const name of kept.open) {
      const inner = name === "more" ? facets.querySelector(".more-filters > .facet-menu") : facets.querySelector(`select[name="${CSS.escape(name)}"]`);
      const details = inner ? inner.closest("details") : null;
      if (details) details.open = true;
      if (name !== "more" && details && details.closest(".more-filters")) details.closest(".more-filters").open = true;
    }
    if (kept.focus) {
      const select = facets.querySelector(`select[name="${CSS.escape(kept.focus)}"]`);
      if (select) select.focus();
    }
    kept = null;
  });

  // One filter menu open at a time, closed by Escape or a click elsewhere.
  document.addEventListener("toggle", (event) => {
    const details = event.target;
    if (!(details instanceof HTMLDetailsElement) || !details.open || !details.matches("#filter-facets > details, .saved-views")) return;
    for (const other of document.querySelectorAll("#filter-facets > details[open], .saved-views[open]")) {
      if (other !== details) other.open = false;
    }
  }, true);
  document.addEventListener("click", (event) => {
    if (!(event.target instanceof Element)) return;
    for (const open of document.querySelectorAll("#filter-facets > details[open], .saved-views[open]")) {
      if (!open.contains(event.target)) open.open = false;
    }
  });
  document.addEventListener("focusin", (event) => {
    if (!(event.target instanceof Element)) return;
    for (const open of document.querySelectorAll("#filter-facets > details[open], .saved-views[open]")) {
      if (!open.contains(event.target)) open.open = false;
    }
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || !(event.target instanceof Element)) return;
    const open = event.target.closest("#filter-facets > details[open], .saved-views[open]");
    if (!open) return;
    open.open = false;
    const summary = open.querySelector("summary");
    if (summary) summary.focus();
  });
})();
