/* Keyboard and focus for the header search box's suggestions, which htmx fills as one types
   (#site-search-suggestions: a list of links). The down arrow moves into the list, up and down
   move between links, Escape closes it and returns to the box, and it closes when the focus
   leaves the search form. Without this script the links are still reached with Tab. */
(function () {
  "use strict";

  function searchForm(node) {
    return node && node.closest ? node.closest(".site-search") : null;
  }

  function close(form) {
    form.querySelector(".site-search__suggestions").replaceChildren();
    form.querySelector("#site-search-status").textContent = "";
  }

  document.addEventListener("keydown", function (event) {
    var form = searchForm(event.target);
    if (!form) return;
    var input = form.querySelector(".site-search__input");
    var links = Array.prototype.slice.call(form.querySelectorAll(".site-search__suggestions a"));
    var index = links.indexOf(document.activeElement);
    if (event.key === "Escape" && links.length) {
      event.preventDefault();
      close(form);
      input.focus();
    } else if (event.key === "ArrowDown" && links.length) {
      event.preventDefault();
      links[Math.min(index + 1, links.length - 1)].focus();
    } else if (event.key === "ArrowUp" && index >= 0) {
      event.preventDefault();
      (index === 0 ? input : links[index - 1]).focus();
    }
  });

  document.addEventListener("focusout", function (event) {
    var form = searchForm(event.target);
    if (form && !form.contains(event.relatedTarget)) close(form);
  });

  // A click on a suggestion keeps the focus in the box until the link is followed (browsers
  // that do not focus links on click would otherwise close the list first).
  document.addEventListener("mousedown", function (event) {
    if (event.target.closest && event.target.closest(".site-search__suggestions a")) {
      event.preventDefault();
    }
  });

  // An answer arriving after the visitor left the box would open a list nobody is looking at.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var form = searchForm(event.detail.target);
    if (form && !form.contains(document.activeElement)) event.detail.shouldSwap = false;
  });
})();
