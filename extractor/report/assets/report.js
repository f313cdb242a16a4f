// The report's script: draws the events from the JSON data block. Every string from an
// article is set with textContent (never innerHTML), so markup in an article shows as text.
(function () {
  "use strict";
  var started = performance.now();
  var DATA = JSON.parse(document.getElementById("report-data").textContent);
  var EVENTS = DATA.events;
  var ARTICLES = DATA.articles;
  var STATUSES = ["held", "ongoing", "planned", "cancelled"];
  var KIND_WORDS = {
    leaders_summit: "leaders' summit", ministerial_meeting: "ministerial meeting",
    multilateral_summit: "multilateral summit", state_visit: "state visit", other_meeting: "meeting"
  };
  var FIELD_WORDS = { date: "date", city: "city", country: "country", kind: "kind of meeting",
    status: "status", participants: "participants", title: "title" };
  var evidenceOf = new WeakMap(); // button -> what it shows in the evidence panel
  var cards = [];                 // [{event, node, year section}]

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function words(id) { return String(id).replace(/_/g, " "); }
  function shown(value) {
    if (value === null || value === undefined) return "none";
    if (Array.isArray(value)) return value.length ? value.join(", ") : "none";
    return String(value);
  }
  function plural(n, one, many) { return n + " " + (n === 1 ? one : (many || one + "s")); }
  function articleName(id) {
    var a = ARTICLES[id] || {};
    if (a.outlet) return a.outlet;
    if (a.file) return a.file.split("/").pop();
    return a.title || id;
  }
  function mentionKind(event, articleId) {
    for (var i = 0; i < event.mentions.length; i++) {
      if (event.mentions[i].article === articleId && event.mentions[i].mention === "primary") return "primary";
    }
    return "background";
  }

  // A button that opens the evidence panel on one article's spans for a value.
  function sourceButton(event, field, value, source) {
    var button = el("button", "source");
    button.type = "button";
    button.appendChild(document.createTextNode(articleName(source.article)));
    if (mentionKind(event, source.article) === "background") button.appendChild(el("span", "passing", " (in passing)"));
    evidenceOf.set(button, { event: event, field: field, value: value, source: source });
    return button;
  }
  function valueButton(event, field, value, sources, label) {
    var button = el("button", "value", label === undefined ? shown(value) : label);
    button.type = "button";
    if (sources && sources.length) {
      evidenceOf.set(button, { event: event, field: field, value: value, source: sources[0] });
    } else {
      button.disabled = true;
    }
    return button;
  }
  function seenFor(event, field, value) {
    var f = event.fields[field];
    if (!f) return null;
    var key = JSON.stringify(value);
    for (var i = 0; i < f.values.length; i++) if (JSON.stringify(f.values[i].value) === key) return f.values[i];
    return null;
  }
  function chosenButton(event, field, label) {
    var f = event.fields[field];
    var seen = f ? seenFor(event, field, f.chosen) : null;
    return valueButton(event, field, f ? f.chosen : null, seen ? seen.sources : [], label);
  }

  // -- one event ------------------------------------------------------------------------------

  function conflictNode(event, conflict) {
    var box = el("section", "conflict");
    box.appendChild(el("h3", null, "Sources disagree on the " + (FIELD_WORDS[conflict.field] || words(conflict.field))));
    var list = el("ul");
    var f = event.fields[conflict.field];
    (f ? f.values : []).forEach(function (seen) {
      if (seen.value === null) return;
      var item = el("li", JSON.stringify(seen.value) === JSON.stringify(conflict.chosen) ? "chosen" : null);
      item.appendChild(valueButton(event, conflict.field, seen.value, seen.sources));
      item.appendChild(document.createTextNode(" said by "));
      seen.sources.forEach(function (s) { item.appendChild(sourceButton(event, conflict.field, seen.value, s)); });
      if (item.className === "chosen") item.appendChild(el("span", "chosen-mark", " \u2713 chosen"));
      list.appendChild(item);
    });
    box.appendChild(list);
    var rule = el("p", "rule");
    rule.appendChild(document.createTextNode(shown(conflict.chosen) + " was chosen because "));
    rule.appendChild(el("b", null, conflict.rule_words));
    rule.appendChild(document.createTextNode(" (rule: " + conflict.rule + ")."));
    box.appendChild(rule);
    var details = el("details");
    details.appendChild(el("summary", null, "the reconciler's reasoning"));
    details.appendChild(el("p", null, conflict.why));
    box.appendChild(details);
    return box;
  }

  function pledgesNode(event) {
    var byDomain = {};
    event.pledges.forEach(function (p) { (byDomain[p.domain] = byDomain[p.domain] || []).push(p); });
    var box = el("section", "pledges");
    Object.keys(byDomain).sort().forEach(function (domain) {
      box.appendChild(el("h3", null, words(domain)));
      var list = el("ul");
      byDomain[domain].forEach(function (p) {
        var item = el("li");
        item.appendChild(valueButton(event, "pledge", p.description, p.sources));
        if (p.certainty === "soft") item.appendChild(el("span", "soft", " (stated intent)"));
        item.appendChild(document.createTextNode(" "));
        p.sources.forEach(function (s) { item.appendChild(sourceButton(event, "pledge", p.description, s)); });
        list.appendChild(item);
      });
      box.appendChild(list);
    });
    return box;
  }

  function fact(list, term, content) {
    list.appendChild(el("dt", null, term));
    var dd = el("dd");
    content.forEach(function (c) { dd.appendChild(typeof c === "string" ? document.createTextNode(c) : c); });
    list.appendChild(dd);
  }

  // Built when first opened: 1,000 events draw fast, and few are looked at in such detail.
  function moreNode(event) {
    var details = el("details", "more");
    var dropped = [];
    var seenArticles = {};
    event.mentions.forEach(function (m) {
      if (seenArticles[m.article]) return;
      seenArticles[m.article] = true;
      ((ARTICLES[m.article] || {}).dropped || []).forEach(function (d) { dropped.push([m.article, d]); });
    });
    details.appendChild(el("summary", null, "How each field was settled; dropped values (" + dropped.length + ")"));
    details.addEventListener("toggle", function () {
      if (!details.open || details.dataset.built) return;
      details.dataset.built = "1";
      var table = el("table", "settled");
      var head = el("tr");
      ["field", "chosen", "rule", "confidence", "values seen (click a source for its words)"].forEach(function (h) { head.appendChild(el("th", null, h)); });
      table.appendChild(head);
      Object.keys(event.fields).forEach(function (name) {
        var f = event.fields[name];
        var row = el("tr");
        row.appendChild(el("td", null, FIELD_WORDS[name] || name));
        row.appendChild(el("td", null, shown(f.chosen)));
        var rule = el("td", null, f.rule_words);
        rule.title = f.rule;
        row.appendChild(rule);
        row.appendChild(el("td", null, Math.round(f.confidence * 100) + "%"));
        var cell = el("td");
        f.values.forEach(function (seen, i) {
          if (i) cell.appendChild(el("br"));
          cell.appendChild(valueButton(event, name, seen.value, seen.sources));
          cell.appendChild(document.createTextNode(": "));
          seen.sources.forEach(function (s) { cell.appendChild(sourceButton(event, name, seen.value, s)); });
        });
        row.appendChild(cell);
        table.appendChild(row);
      });
      details.appendChild(table);
      if (dropped.length) {
        details.appendChild(el("p", null, "Values the model gave that were left out, and why:"));
        var list = el("ul", "dropped");
        dropped.forEach(function (pair) {
          var item = el("li");
          item.appendChild(el("span", null, articleName(pair[0]) + " \u2014 " + pair[1][0] + ": \u201c" + pair[1][1] + "\u201d "));
          item.appendChild(el("span", "reason", pair[1][2]));
          list.appendChild(item);
        });
        details.appendChild(list);
      } else {
        details.appendChild(el("p", null, "No value was dropped from these articles."));
      }
    });
    return details;
  }

  function eventNode(event) {
    var item = el("li", "event st-" + event.status);
    item.id = "event-" + event.id;
    var card = el("div", "card");
    item.appendChild(card);
    var head = el("div", "head");
    var when = el("span", "when");
    when.appendChild(chosenButton(event, "date", event.date_label));
    when.appendChild(el("span", "precision", event.precision));
    head.appendChild(when);
    head.appendChild(el("h2", "title", event.title));
    head.appendChild(el("span", "badge st-" + event.status, event.status));
    head.appendChild(el("span", "kind", KIND_WORDS[event.kind] || words(event.kind)));
    card.appendChild(head);

    var facts = el("dl", "facts");
    var people = [];
    event.participants.forEach(function (name) {
      var actor = null;
      event.actors.forEach(function (a) { if (a.name === name) actor = a; });
      var label = name + (actor && (actor.role || actor.country) ? " (" + [actor.role, actor.country].filter(Boolean).join(", ") + ")" : "");
      if (people.length) people.push(", ");
      people.push(valueButton(event, "participants", name, actor ? actor.sources : [], label));
    });
    fact(facts, "Who", people.length ? people : ["not known"]);
    var place = [event.city, event.country].filter(Boolean).join(", ");
    fact(facts, "Where", [place ? chosenButton(event, "city", place) : "not known"]);
    var reporters = [plural(event.source_count, "article") + ", " + plural(event.outlet_count, "outlet") + ": "];
    var done = {};
    event.mentions.forEach(function (m) {
      if (done[m.article]) return;
      done[m.article] = true;
      reporters.push(sourceButton(event, "meeting", event.title, { article: m.article, spans: meetingSpans(event, m.article) }));
    });
    fact(facts, "Reported by", reporters);
    card.appendChild(facts);

    event.conflicts.forEach(function (c) { card.appendChild(conflictNode(event, c)); });
    if (event.pledges.length) card.appendChild(pledgesNode(event));
    card.appendChild(moreNode(event));
    return item;
  }
  function meetingSpans(event, articleId) {
    var f = event.fields.title;
    var found = [];
    (f ? f.values : []).forEach(function (seen) {
      seen.sources.forEach(function (s) { if (s.article === articleId) found = found.concat(s.spans); });
    });
    return found;
  }

  // -- the evidence panel ---------------------------------------------------------------------

  var panel = document.getElementById("evidence");
  function setPanel(open) {
    panel.hidden = !open;
    document.body.classList.toggle("panel-open", open); // the timeline makes room beside it
  }
  function showEvidence(what) {
    var article = ARTICLES[what.source.article] || {};
    var spans = (what.source.spans || []).slice().sort(function (a, b) { return a[0] - b[0]; });
    document.getElementById("ev-title").textContent = article.title || articleName(what.source.article);
    var meta = document.getElementById("ev-meta");
    meta.textContent = [article.outlet, article.published ? "published " + article.published : "publication date unknown",
      article.file, mentionKind(what.event, what.source.article) === "primary" ? "about this meeting" : "mentions it in passing"]
      .filter(Boolean).join(" \u00b7 ");
    if (article.url && /^https?:\/\//i.test(article.url)) {
      var link = el("a", "article-link", "open the article");
      link.href = article.url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      meta.appendChild(document.createTextNode(" \u00b7 "));
      meta.appendChild(link);
    }
    document.getElementById("ev-what").textContent =
      (FIELD_WORDS[what.field] || what.field) + ": " + shown(what.value) + " \u2014 in the article's words:";
    var quote = document.getElementById("ev-quote");
    quote.textContent = spans.length ? spans.map(function (s) { return s[2]; }).join(" \u2026 ") : "(no quote recorded for this value)";
    var text = document.getElementById("ev-text");
    text.textContent = "";
    if (typeof article.text === "string") {
      var at = 0;
      var first = null;
      spans.forEach(function (s) {
        if (s[0] < at || s[1] > article.text.length) return; // overlapping or out of range: the quote above still shows it
        text.appendChild(document.createTextNode(article.text.slice(at, s[0])));
        var mark = el("mark", null, article.text.slice(s[0], s[1]));
        if (!first) { first = mark; mark.className = "current"; }
        text.appendChild(mark);
        at = s[1];
      });
      text.appendChild(document.createTextNode(article.text.slice(at)));
      setPanel(true);
      if (first) first.scrollIntoView({ block: "center" });
    } else {
      text.appendChild(el("p", null, "The article's text is not in this report: give the articles to `summit-extract report --articles` to see the quote in context."));
      setPanel(true);
    }
  }
  document.getElementById("ev-close").addEventListener("click", function () { setPanel(false); });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") setPanel(false); });
  document.getElementById("timeline").addEventListener("click", function (e) {
    var button = e.target.closest ? e.target.closest("button") : null;
    var what = button ? evidenceOf.get(button) : null;
    if (what) showEvidence(what);
  });

  // -- the timeline and its filters -----------------------------------------------------------

  function draw() {
    var main = document.getElementById("timeline");
    var problems = DATA.problems || [];
    if (problems.length) {
      var box = document.getElementById("problems");
      box.appendChild(document.createTextNode(plural(problems.length, "input line") + " could not be read and " +
        (problems.length === 1 ? "is" : "are") + " left out:"));
      var list = el("ul");
      problems.forEach(function (p) { list.appendChild(el("li", null, p)); });
      box.appendChild(list);
      box.hidden = false;
    }
    var sources = {};
    EVENTS.forEach(function (e) { e.mentions.forEach(function (m) { sources[m.article] = true; }); });
    document.getElementById("summary").textContent = EVENTS.length
      ? plural(EVENTS.length, "event") + " from " + plural(Object.keys(sources).length, "article") + "; " +
        plural(DATA.conflict_count, "conflict") + " between sources, each shown where it arises. Click a value or a source to read the article's words."
      : "";
    if (!EVENTS.length) {
      main.appendChild(el("p", "empty", "No events: the events file holds none, so there is nothing to show."));
      document.getElementById("filters").hidden = true;
      return;
    }
    var fragment = document.createDocumentFragment();
    var section = null;
    var list = null;
    var year;
    EVENTS.forEach(function (event) {
      var label = event.year === null ? "Year not known" : String(event.year);
      if (label !== year) {
        year = label;
        section = el("section", "year");
        section.appendChild(el("h2", null, label));
        list = el("ol", "events");
        section.appendChild(list);
        fragment.appendChild(section);
      }
      var node = eventNode(event);
      list.appendChild(node);
      cards.push({ event: event, node: node, section: section,
        people: event.participants.join("\n").toLowerCase(),
        domains: event.pledges.map(function (p) { return p.domain; }) });
    });
    main.appendChild(fragment);
  }

  function options(select, values, label) {
    values.forEach(function (v) { var o = el("option", null, label ? label(v) : v); o.value = v; select.appendChild(o); });
  }
  function unique(pick) {
    var seen = {};
    EVENTS.forEach(function (e) { pick(e).forEach(function (v) { if (v) seen[v] = true; }); });
    return Object.keys(seen).sort();
  }

  var filters = {
    participant: document.getElementById("f-participant"),
    country: document.getElementById("f-country"),
    domain: document.getElementById("f-domain"),
    conflicts: document.getElementById("f-conflicts"),
    statuses: {}
  };
  function setUpFilters() {
    options(document.getElementById("participants"), unique(function (e) { return e.participants; }));
    options(filters.country, unique(function (e) { return e.countries; }));
    options(filters.domain, unique(function (e) { return e.pledges.map(function (p) { return p.domain; }); }), words);
    var box = document.getElementById("f-status");
    STATUSES.forEach(function (status) {
      var label = el("label");
      var input = el("input");
      input.type = "checkbox";
      input.checked = true;
      input.value = status;
      input.id = "f-status-" + status;
      filters.statuses[status] = input;
      label.appendChild(input);
      label.appendChild(document.createTextNode(status));
      box.appendChild(label);
    });
    var form = document.getElementById("filters");
    form.addEventListener("input", applyFilters);
    form.addEventListener("change", applyFilters);
    form.addEventListener("submit", function (e) { e.preventDefault(); });
  }

  function applyFilters() {
    var t0 = performance.now();
    var who = filters.participant.value.trim().toLowerCase();
    var country = filters.country.value;
    var domain = filters.domain.value;
    var onlyConflicts = filters.conflicts.checked;
    var visible = 0;
    var sectionsShown = new Set();
    cards.forEach(function (card) {
      var e = card.event;
      var show = filters.statuses[e.status] ? filters.statuses[e.status].checked : true;
      if (show && who) show = card.people.indexOf(who) >= 0;
      if (show && country) show = e.countries.indexOf(country) >= 0;
      if (show && domain) show = card.domains.indexOf(domain) >= 0;
      if (show && onlyConflicts) show = e.conflicts.length > 0;
      if (card.node.hidden === show) card.node.hidden = !show;
      if (show) { visible++; sectionsShown.add(card.section); }
    });
    cards.forEach(function (card) { card.section.hidden = !sectionsShown.has(card.section); });
    document.getElementById("shown").textContent = "showing " + visible + " of " + plural(EVENTS.length, "event");
    window.__reportTimings.filterMs = performance.now() - t0;
  }

  window.__reportTimings = {};
  draw();
  if (EVENTS.length) { setUpFilters(); applyFilters(); }
  window.__reportTimings.renderMs = performance.now() - started;
  window.__reportTimings.readyMs = performance.now(); // since navigation start
  requestAnimationFrame(function () { setTimeout(function () { window.__reportTimings.paintedMs = performance.now(); }, 0); });
  document.documentElement.setAttribute("data-ready", "1");
})();
