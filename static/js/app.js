// Small progressive enhancements. No inline scripts anywhere: the CSP forbids them.
document.addEventListener("keydown", (event) => {
  // "/" focuses the page's search box, like most dashboards.
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target.isContentEditable) return;
  const search = document.querySelector("[data-search-input]");
  if (search) {
    event.preventDefault();
    search.focus();
    search.select();
  }
});
