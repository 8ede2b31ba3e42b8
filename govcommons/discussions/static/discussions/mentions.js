/* @mention suggestions for comment textareas (textarea[data-mentions="<suggestions URL>"]).
   Typing "@" and a letter or more lists up to eight members; arrows move, Enter picks, Escape
   closes, a click picks. Without this script members type the handle themselves.
   Also: "Reply" on a reply opens its thread's reply form with "@handle " in it. */
(function () {
  "use strict";

  // The "@partial" just before the caret, not inside a word, an email address or a path.
  var MENTION_BEFORE_CARET = /(?:^|[^\w@\/.])@([A-Za-z0-9][A-Za-z0-9_-]{0,59})$/;
  var state = null; // { textarea, list, status, members, active, start }
  var pending = 0;
  var timer = null;

  function partialAtCaret(textarea) {
    var before = textarea.value.slice(0, textarea.selectionStart);
    var match = MENTION_BEFORE_CARET.exec(before);
    if (!match || textarea.selectionStart !== textarea.selectionEnd) return null;
    return { query: match[1], start: before.length - match[1].length - 1 };
  }

  function parts(textarea) {
    var id = textarea.id + "-mentions";
    var list = document.getElementById(id);
    if (!list) {
      list = document.createElement("ul");
      list.id = id;
      list.className = "mention-list";
      list.setAttribute("role", "listbox");
      list.setAttribute("aria-label", "Members to mention");
      list.hidden = true;
      var status = document.createElement("span");
      status.id = id + "-status";
      status.className = "visually-hidden";
      status.setAttribute("role", "status");
      textarea.insertAdjacentElement("afterend", status);
      textarea.insertAdjacentElement("afterend", list);
      textarea.setAttribute("aria-autocomplete", "list");
      textarea.setAttribute("aria-controls", id);
      list.addEventListener("mousedown", function (event) {
        var option = event.target.closest("[role=option]");
        if (!option) return;
        event.preventDefault(); // keep the focus (and the caret) in the textarea
        pick(Number(option.dataset.index));
      });
    }
    return { list: list, status: document.getElementById(id + "-status") };
  }

  function close() {
    if (!state) return;
    state.list.hidden = true;
    state.list.replaceChildren();
    state.textarea.removeAttribute("aria-activedescendant");
    state = null;
  }

  function show(textarea, found, members) {
    var p = parts(textarea);
    p.list.replaceChildren();
    members.forEach(function (member, index) {
      var option = document.createElement("li");
      option.id = p.list.id + "-" + index;
      option.setAttribute("role", "option");
      option.dataset.index = String(index);
      var handle = document.createElement("span");
      handle.className = "mention-list__handle";
      handle.textContent = "@" + member.handle;
      var who = document.createElement("span");
      who.className = "mention-list__who";
      who.textContent = member.name + (member.organisation ? " · " + member.organisation : "");
      option.append(handle, who);
      p.list.append(option);
    });
    if (!members.length) {
      close();
      p.status.textContent = "No member found";
      return;
    }
    state = { textarea: textarea, list: p.list, members: members, active: 0, start: found.start };
    p.list.hidden = false;
    p.status.textContent =
      members.length + (members.length === 1 ? " member" : " members") +
      " found: up and down arrows to choose, Enter to insert";
    highlight(0);
  }

  function highlight(index) {
    var options = state.list.querySelectorAll("[role=option]");
    state.active = (index + options.length) % options.length;
    options.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === state.active ? "true" : "false");
    });
    var current = options[state.active];
    state.textarea.setAttribute("aria-activedescendant", current.id);
    current.scrollIntoView({ block: "nearest" });
  }

  function pick(index) {
    var textarea = state.textarea;
    var text = "@" + state.members[index].handle + " ";
    var end = textarea.selectionStart;
    textarea.setRangeText(text, state.start, end, "end");
    close();
    textarea.focus();
  }

  function suggest(textarea) {
    var found = partialAtCaret(textarea);
    if (!found) return close();
    var ticket = ++pending;
    var url = textarea.dataset.mentions + "?q=" + encodeURIComponent(found.query);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : { members: [] };
      })
      .then(function (data) {
        // A slower answer to an earlier keystroke never replaces a newer one.
        if (ticket === pending && document.activeElement === textarea) {
          show(textarea, found, data.members || []);
        }
      })
      .catch(close);
  }

  document.addEventListener("input", function (event) {
    var textarea = event.target;
    if (!textarea.matches || !textarea.matches("textarea[data-mentions]")) return;
    clearTimeout(timer);
    timer = setTimeout(function () { suggest(textarea); }, 150);
  });

  document.addEventListener("keydown", function (event) {
    if (!state || event.target !== state.textarea) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      highlight(state.active + (event.key === "ArrowDown" ? 1 : -1));
    } else if (event.key === "Enter") {
      event.preventDefault();
      pick(state.active);
    } else if (event.key === "Tab") {
      close(); // Tab still moves on: the list never traps the keyboard
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });

  document.addEventListener("focusout", function (event) {
    if (state && event.target === state.textarea) close();
  });

  // "Reply" under a reply: open the thread's form here instead of loading the discussion page.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-reply-thread]");
    if (!link) return;
    var details = document.getElementById(link.dataset.replyThread);
    var textarea = details && details.querySelector("textarea");
    if (!textarea) return; // follow the link
    event.preventDefault();
    details.open = true;
    var handle = link.dataset.handle ? "@" + link.dataset.handle + " " : "";
    if (handle && textarea.value.indexOf(handle) === -1) {
      textarea.value = handle + textarea.value;
    }
    textarea.focus();
    textarea.setSelectionRange(textarea.value.length, textarea.value.length);
  });
})();
