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

// Filter forms marked data-drop-empty-params send only the fields that are set, so the URL
// htmx pushes stays short and shareable (?country=fr&beta=yes, not ?q=&country=fr&product=…).
document.addEventListener("htmx:configRequest", (event) => {
  const source = event.detail.elt;
  const form = source && source.closest ? source.closest("[data-drop-empty-params]") : null;
  if (!form || event.detail.verb !== "get") return;
  const params = event.detail.parameters; // htmx 2: FormData behind a proxy
  for (const key of Array.from(params.keys())) {
    if (params.get(key) === "") params.delete(key);
  }
});

// Back pressed twice quickly: htmx fetches each history entry from the server (no history
// cache) and swaps whichever answer arrives last, which can be the older entry's, leaving a
// page that contradicts its URL. Only the newest history restore may land.
let pendingHistoryRestore = null;
document.addEventListener("htmx:historyCacheMiss", (event) => {
  if (pendingHistoryRestore) pendingHistoryRestore.abort();
  pendingHistoryRestore = event.detail.xhr;
});
document.addEventListener("htmx:historyRestore", () => { pendingHistoryRestore = null; });

// Copy buttons: data-copy-target="#element-id" copies that element's text.
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-copy-target]") : null;
  if (!button) return;
  const source = document.querySelector(button.getAttribute("data-copy-target"));
  const status = button.parentElement ? button.parentElement.querySelector(".copy-status") : null;
  if (!source || !navigator.clipboard) {
    if (status) status.textContent = "Select the text and copy it (clipboard not available).";
    return;
  }
  navigator.clipboard.writeText(source.textContent).then(
    () => { if (status) status.textContent = "Copied."; },
    () => { if (status) status.textContent = "Copy failed: select the text and copy it."; },
  );
});

// Plain forms cannot be sent twice. A button with data-busy-label says what is happening and
// is disabled; a form marked data-disable-on-submit disables all its submit buttons. Disabled
// after the event: a submitter disabled during it would be left out of the form's data.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  const busy = form.querySelector("[data-busy-label]");
  if (busy) busy.textContent = busy.getAttribute("data-busy-label");
  const buttons = form.matches("[data-disable-on-submit]") ? Array.from(form.querySelectorAll("button[type=submit]")) : [busy];
  window.setTimeout(() => { for (const button of buttons) if (button) button.disabled = true; }, 0);
});

// Enter on an exact id or UUID opens that connector. The list's URL for it was pushed while
// typing, and loaded as a full page it redirects to the connector: going there by a new
// history entry would make Back land on that URL and redirect again, so Back could never
// leave the connector. Replacing the entry makes Back return to the list as it was before.
document.addEventListener("keydown", (event) => {
  const search = event.target;
  if (event.key !== "Enter" || !(search instanceof HTMLInputElement) || !search.matches("[data-search-input]")) return;
  const exact = document.querySelector(".exact-match[data-exact-query]");
  const open = exact ? exact.querySelector("a[href]") : null;
  if (!open || exact.getAttribute("data-exact-query") !== search.value.trim()) return;
  event.preventDefault();
  window.location.replace(open.href);
});
