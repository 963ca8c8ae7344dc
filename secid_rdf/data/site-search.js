/* secid-rdf site search: filters the home page's entries as one types, in the browser.
 * SECID_INDEX (above) holds one row per namespace and source:
 * [SecID, title, link from the home page, description]; an empty or missing link is the
 * SecID's path plus ".html", and missing fields at the end are empty.
 * Entries are built with textContent only, so no registry text is ever read as HTML. */
(function () {
  "use strict";
  var LIMIT = 500; /* entries shown at once when the page does not list them all; none
                     * before a word is typed, so that the page stays short */
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

  /* A SecID pasted whole finds its source: a word with a "/" loses its @version, ?qualifiers
   * and #item (secid:advisory/mitre.org/cve#CVE-2024-1 is found as .../cve). */
  function searchWords(typed) {
    return typed.toLowerCase().split(/\s+/).map(function (word) {
      return word.indexOf("/") === -1 ? word : word.replace(/[@?#].*$/, "");
    }).filter(Boolean);
  }

  function number(n) { return n.toLocaleString("en-US"); }

  function update() {
    var words = searchWords(input.value);
    var matched = 0;
    var shown = document.createDocumentFragment();
    entries.forEach(function (entry) {
      var match = words.every(function (word) { return entry.text.indexOf(word) !== -1; });
      if (match) { matched += 1; }
      if (complete) {
        entry.element.hidden = !match;
      } else if (match && words.length && matched <= LIMIT) {
        entry.element = entry.element || build(entry);
        shown.appendChild(entry.element);
      }
    });
    if (!complete) {
      while (list.firstChild) { list.removeChild(list.firstChild); }
      list.appendChild(shown);
    }
    var total = number(entries.length);
    if (!complete && !words.length) {
      count.textContent = "Type to find one of the " + total + " entries.";
      return;
    }
    var message = number(matched) + " of " + total + " entries match";
    if (!complete && matched > LIMIT) { message += " (the first " + number(LIMIT) + " are shown)"; }
    count.textContent = message + ".";
  }

  if (box) { box.hidden = false; }
  input.addEventListener("input", update);
  update();
}());
