// Small enhancements on top of pages that work without JavaScript.
document.documentElement.classList.add("js");

function enhance(root) {
  // An error summary takes the focus, so that keyboard and screen-reader users hear it first.
  var summary = root.querySelector("[data-focus-on-load]");
  if (summary) { summary.focus(); }
  root.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
}

// Once for the page, and again for every part htmx swaps in.
document.addEventListener("DOMContentLoaded", function () { enhance(document); });
document.addEventListener("htmx:afterSwap", function (event) { enhance(event.detail.target); });
