/* secid-rdf site search: filters the home page's entries as one types, in the browser.
 * SECID_INDEX (above) holds one row per namespace and source:
 * [SecID, title, link from the home page, description]; an empty or missing link is the
 * SecID's path plus ".html", and missing fields at the end are empty.
 * Entries are built with textContent only, so no registry text is ever read as HTML. */
(function () {
  "use strict";
  var LIMIT = 500; /* entries shown at once when the page does not list them all */
  var input = document.getElementById("filter");
  var count = document.getElementById("filter-count");
  var list = document.getElementById("entries");
  var box = document.getElementById("search");
  if (!input || !count || !list) { return; }
  var listed = {};
  Array.prototype.forEach.call(list.querySelectorAll("li.entry"), function (item) {
    listed[item.getAttribute("data-secid")] = item;
  });
  var complete = list.querySelector("li.entry") !== null;
  var entries = SECID_INDEX.map(function (row) {
    var description = row[3] || "";
    return {
      secid: row[0], title: row[1] || row[0], description: description,
      href: row[2] || row[0].slice(row[0].indexOf(":") + 1) + ".html",
      text: (row[0] + "\n" + (row[1] || "") + "\n" + description).toLowerCase(),
      element: listed[row[0]] || null
    };
  });

  function build(entry) {
    var item = document.createElement("li");
    item.className = "entry";
    item.setAttribute("data-secid", entry.secid);
    var link = document.createElement("a");
    link.setAttribute("href", entry.href);
    link.textContent = entry.title;
    item.appendChild(link);
    item.appendChild(document.createTextNode(" "));
    var code = document.createElement("code");
    code.textContent = entry.secid;
    item.appendChild(code);
    if (entry.description) {
      var note = document.createElement("span");
      note.className = "muted";
      note.textContent = " " + entry.description;
      item.appendChild(note);
    }
    return item;
  }

  function update() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var matched = 0;
    var shown = document.createDocumentFragment();
    entries.forEach(function (entry) {
      var match = words.every(function (word) { return entry.text.indexOf(word) !== -1; });
      if (match) { matched += 1; }
      if (complete) {
        entry.element.hidden = !match;
      } else if (match && matched <= LIMIT) {
        entry.element = entry.element || build(entry);
        shown.appendChild(entry.element);
      }
    });
    if (!complete) {
      while (list.firstChild) { list.removeChild(list.firstChild); }
      list.appendChild(shown);
    }
    var message = matched + " of " + entries.length + " entries match";
    if (!complete && matched > LIMIT) { message += " (the first " + LIMIT + " are shown)"; }
    count.textContent = message + ".";
  }

  if (box) { box.hidden = false; }
  input.addEventListener("input", update);
  update();
}());
