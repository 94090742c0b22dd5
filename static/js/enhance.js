// Small enhancements on top of pages that work without JavaScript.
document.documentElement.classList.add("js");

// Print buttons already given their click handler: a part may be enhanced twice (htmx fires its
// events for a history restore too), and a second handler would open the print dialog twice.
var printButtons = new WeakSet();

function enhance(root) {
  // An error summary takes the focus, so that keyboard and screen-reader users hear it first.
  var summary = root.querySelector("[data-focus-on-load]");
  if (summary) { summary.focus(); }
  root.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    if (printButtons.has(button)) { return; }
    printButtons.add(button);
    button.addEventListener("click", function () { window.print(); });
  });
}

// The choices form shows what the address says. After a "your choices" chip or a page link has
// updated the results in place, or after Back or Forward, a box ticked earlier may still be ticked
// (htmx's copy of a page keeps the HTML, not what was clicked since): pressing "Show activities"
// would then bring back a choice the person removed. Controls outside the form that belong to it
// (form="filters", the search words) are in form.elements too.
function syncChoices() {
  var form = document.getElementById("filters");
  if (!form) { return; }
  var params = new URLSearchParams(window.location.search);
  Array.prototype.forEach.call(form.elements, function (control) {
    // Hidden fields and buttons are the form's own, not choices the address can undo.
    if (!control.name || ["submit", "button", "hidden", "reset"].indexOf(control.type) !== -1) { return; }
    var values = params.getAll(control.name);
    if (control.type === "checkbox" || control.type === "radio") {
      control.checked = values.indexOf(control.value) !== -1;
    } else if (control.tagName === "SELECT") {
      var wanted = values.length ? values[0] : "";
      var option = Array.prototype.find.call(control.options, function (o) { return o.value === wanted; });
      control.value = option ? wanted : control.options.length ? control.options[0].value : "";
    } else if (control.value !== (values[0] || "")) {
      control.value = values[0] || "";
    }
  });
}

// Once for the page, and again for every part htmx swaps in.
document.addEventListener("DOMContentLoaded", function () { enhance(document); });
document.addEventListener("htmx:afterSwap", function (event) { enhance(event.detail.target || document.body); });

// After the results change in place: a link in the results (a chip, the next page) is gone with the
// old results, and "Show activities" was pressed to see them, so the focus goes to the new count,
// where reading continues. A box ticked in the form keeps the focus where it is: the person may
// tick the next one, and the count is announced by the role=status line anyway.
document.addEventListener("htmx:afterSettle", function (event) {
  var results = document.getElementById("results");
  var config = event.detail.requestConfig;
  if (!results || event.detail.target !== results || !config) { return; }
  var source = config.elt;
  var fromResults = source && (!source.isConnected || results.contains(source));
  var submitted = config.triggeringEvent && config.triggeringEvent.type === "submit";
  if (fromResults) { syncChoices(); }
  if (fromResults || submitted) {
    var heading = document.getElementById("result-count");
    if (heading) { heading.focus(); }
  }
});

// Back and Forward between addresses htmx pushed: the page shown is htmx's copy, or (without its
// cache) the whole page fetched again, put in place of the body.
document.addEventListener("htmx:historyRestore", function () {
  enhance(document.body);
  syncChoices();
});
