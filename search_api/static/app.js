/* styrdok staff page: draws search results and cross-checks from the JSON API.
   No dependencies; every text comes from the server-rendered #i18n block; nothing is
   inserted as HTML (all text goes through textContent). */
(function () {
  "use strict";

  var T = JSON.parse(document.getElementById("i18n").textContent);
  var ROOT = document.body.getAttribute("data-root") || "";
  var UI = document.body.getAttribute("data-ui") || "sv";

  function t(key, vars) {
    var s = T[key] !== undefined ? T[key] : key;
    if (vars) {
      Object.keys(vars).forEach(function (k) {
        s = s.split("{" + k + "}").join(String(vars[k]));
      });
    }
    return s;
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        if (attrs[k] === null || attrs[k] === undefined || attrs[k] === false) return;
        if (k === "text") node.textContent = attrs[k];
        else if (k === "className") node.className = attrs[k];
        else node.setAttribute(k, attrs[k]);
      });
    }
    (children || []).forEach(function (c) {
      if (c === null || c === undefined) return;
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  /* How staff cite a page: "s. 34", or "s. 34 (PDF-sida 36)" when the printed number differs. */
  function cite(page, label) {
    if (page === null || page === undefined) return t("web_page");
    if (label === null || label === undefined || label === "") return t("pdf_page", { page: page });
    if (String(label) === String(page)) return t("page_cite", { label: label });
    return t("page_cite_pdf", { label: label, page: page });
  }

  function href(link) {
    return link && link.charAt(0) === "/" ? ROOT + link : link;
  }

  function absolute(link) {
    return link ? new URL(href(link), window.location.href).href : "";
  }

  function sourceLink(link, page, label) {
    var isPage = page !== null && page !== undefined && /#page=\d+/.test(link || "");
    return el("a", { href: href(link), className: "source-link", target: "_blank", rel: "noopener" }, [
      isPage ? t("open_pdf", { cite: cite(page, label) }) : t("open_file"),
    ]);
  }

  function languageName(code) {
    return T["lang_" + code] || code;
  }

  /* Text [start, end) of `text` with the highlight spans that fall in it marked. */
  function highlighted(text, spans, start, end) {
    var frag = document.createDocumentFragment();
    var pos = start;
    (spans || [])
      .slice()
      .sort(function (a, b) { return a[0] - b[0]; })
      .forEach(function (span) {
        var a = Math.max(span[0], pos), b = Math.min(span[1], end);
        if (b <= a) return;
        if (a > pos) frag.appendChild(document.createTextNode(text.slice(pos, a)));
        frag.appendChild(el("mark", { text: text.slice(a, b) }));
        pos = b;
      });
    if (pos < end) frag.appendChild(document.createTextNode(text.slice(pos, end)));
    return frag;
  }

  var SNIPPET = 600;

  /* A window of a long passage around its first highlight, on word boundaries. */
  function snippet(text, spans) {
    if (text.length <= SNIPPET + 100) return { start: 0, end: text.length };
    var first = spans && spans.length ? Math.min.apply(null, spans.map(function (s) { return s[0]; })) : 0;
    var start = Math.max(0, first - 150);
    if (start > 0) {
      var space = text.indexOf(" ", start);
      start = space >= 0 && space < first ? space + 1 : start;
    }
    var end = Math.min(text.length, start + SNIPPET);
    if (end < text.length) {
      var back = text.lastIndexOf(" ", end);
      if (back > start + SNIPPET / 2) end = back;
    }
    return { start: start, end: end };
  }

  function snippetNode(text, spans, answer) {
    var w = snippet(text, answer ? [[answer.start, answer.end]] : spans);
    var p = el("p", { className: "snippet" });
    if (w.start > 0) p.appendChild(document.createTextNode("… "));
    if (answer && answer.start >= w.start && answer.end <= w.end) {
      /* the best sentence is marked as a whole; query words inside it keep their marks */
      p.appendChild(highlighted(text, spans, w.start, answer.start));
      p.appendChild(el("span", { className: "answer", title: t("answer_label") }, [highlighted(text, spans, answer.start, answer.end)]));
      p.appendChild(highlighted(text, spans, answer.end, w.end));
    } else {
      p.appendChild(highlighted(text, spans, w.start, w.end));
    }
    if (w.end < text.length) p.appendChild(document.createTextNode(" …"));
    return p;
  }

  /* A table row's text is "caption — row — header: value; header: value". Returns a small
     definition list, keeping the highlight offsets, or null when the text has another shape. */
  function tableNode(text, spans, answer) {
    var SEP = " — ";
    var parts = [], from = 0, i;
    while ((i = text.indexOf(SEP, from)) >= 0) {
      parts.push([from, i]);
      from = i + SEP.length;
    }
    parts.push([from, text.length]);
    var cells = parts[parts.length - 1];
    var pairs = [], at = cells[0];
    text.slice(cells[0], cells[1]).split("; ").forEach(function (chunk) {
      var colon = chunk.indexOf(": ");
      if (colon > 0) pairs.push({ key: [at, at + colon], value: [at + colon + 2, at + chunk.length] });
      at += chunk.length + 2;
    });
    if (!pairs.length) return null;
    var box = el("div", { className: "table-hit" });
    var heads = parts.slice(0, -1);
    if (heads.length >= 1) {
      var caption = heads.length >= 2 ? heads.slice(0, -1) : heads;
      var cap = el("p", { className: "table-caption" });
      caption.forEach(function (range, n) {
        if (n) cap.appendChild(document.createTextNode(SEP));
        cap.appendChild(highlighted(text, spans, range[0], range[1]));
      });
      box.appendChild(cap);
    }
    var dl = el("dl", { className: "table-cells" });
    if (heads.length >= 2) {
      var row = heads[heads.length - 1];
      dl.appendChild(el("dt", { text: t("table_row") }));
      dl.appendChild(el("dd", null, [highlighted(text, spans, row[0], row[1])]));
    }
    pairs.forEach(function (pair) {
      var best = answer && pair.key[0] >= answer.start && pair.value[1] <= answer.end;
      var cls = best ? { className: "answer" } : null;
      dl.appendChild(el("dt", cls, [highlighted(text, spans, pair.key[0], pair.key[1])]));
      dl.appendChild(el("dd", cls, [highlighted(text, spans, pair.value[0], pair.value[1])]));
    });
    box.appendChild(dl);
    return box;
  }

  function errorMessage(status, detail) {
    if (status === 0) return t("err_network");
    if (status === 503) return t("err_503");
    if (status === 422) return t("err_422");
    if (status === 404) return t("err_404");
    return t("err_other", { status: status });
  }

  function detailText(body) {
    if (!body || body.detail === undefined) return "";
    if (typeof body.detail === "string") return body.detail;
    if (Array.isArray(body.detail)) {
      return body.detail
        .map(function (d) { return (d.loc ? d.loc.join(".") + ": " : "") + (d.msg || ""); })
        .join("; ");
    }
    return JSON.stringify(body.detail);
  }

  function showError(status, message, detail) {
    clear(status);
    var box = el("div", { className: "notice error", role: "alert" }, [el("p", { text: message })]);
    if (detail) {
      box.appendChild(el("details", null, [el("summary", { text: t("err_details") }), el("p", null, [el("code", { text: detail })])]));
    }
    status.appendChild(box);
  }

  /* fetch → {status, body}; status 0 when the server could not be reached. */
  function api(path, options) {
    return fetch(ROOT + path, options).then(
      function (response) {
        return response.json().then(
          function (body) { return { status: response.status, body: body }; },
          function () { return { status: response.status, body: null }; }
        );
      },
      function () { return { status: 0, body: null }; }
    );
  }

  function setToggle(params) {
    var toggle = document.getElementById("lang-toggle");
    if (!toggle) return;
    var p = new URLSearchParams(params);
    p.set("ui", toggle.getAttribute("data-ui"));
    toggle.setAttribute("href", window.location.pathname + "?" + p.toString());
  }

  /* ---------- search ---------- */

  function initSearch() {
    var form = document.getElementById("search-form");
    var input = document.getElementById("q");
    var status = document.getElementById("status");
    var results = document.getElementById("results");
    var selects = { doc: "filter-doc", kind: "filter-kind", lang: "filter-lang", year: "filter-year" };
    var seq = 0;
    var PAGE = 10, MAX_K = 100;
    var shown = PAGE;  /* "Visa fler" asks for the next ten; a new search starts again at ten */

    function params() {
      var p = new URLSearchParams();
      var q = input.value.trim();
      if (q) p.set("q", q);
      Object.keys(selects).forEach(function (name) {
        var v = document.getElementById(selects[name]).value;
        if (v) p.set(name, v);
      });
      return p;
    }

    function filtered() {
      return Object.keys(selects).some(function (name) { return document.getElementById(selects[name]).value; });
    }

    function fromUrl() {
      var p = new URLSearchParams(window.location.search);
      input.value = p.get("q") || "";
      Object.keys(selects).forEach(function (name) {
        var select = document.getElementById(selects[name]);
        var v = p.get(name) || "";
        var ok = Array.prototype.some.call(select.options, function (o) { return o.value === v; });
        select.value = ok ? v : "";
      });
    }

    function clearFiltersButton() {
      var button = el("button", { type: "button", className: "secondary", id: "clear-filters", text: t("clear_filters") });
      button.addEventListener("click", function () {
        Object.keys(selects).forEach(function (name) { document.getElementById(selects[name]).value = ""; });
        submit(true);
      });
      return button;
    }

    /* Text read by OCR from a scanned page may hold misread characters: say so on the hit. */
    function ocrBadge(hit) {
      return hit.ocr ? el("span", { className: "badge ocr", title: t("ocr_title"), text: t("ocr_badge") }) : null;
    }

    function renderHit(hit) {
      var kindTable = hit.kind === "table";
      var head = el("div", { className: "hit-head" }, [
        el("h2", { className: "hit-title", text: hit.document.title }),
        kindTable ? el("span", { className: "badge kind-table", text: t("kind_table") }) : null,
        ocrBadge(hit),
      ]);
      var meta = el("p", { className: "hit-meta" });
      if (hit.section_path && hit.section_path.length) {
        meta.appendChild(el("span", { className: "section-path" }, [
          el("span", { className: "visually-hidden", text: t("section") + ": " }),
          hit.section_path.join(" › "),
        ]));
      }
      meta.appendChild(el("span", { className: "page-cite", text: cite(hit.page, hit.page_label) }));
      meta.appendChild(el("span", { className: "hit-lang", lang: hit.lang }, [
        el("span", { className: "visually-hidden", text: t("language") + ": " }),
        languageName(hit.lang),
      ]));
      meta.appendChild(el("span", { className: "hit-confidence", text: t("confidence", { p: Math.round((hit.confidence || 0) * 100) }) }));
      var body = (kindTable && tableNode(hit.text, hit.highlights, hit.answer)) || snippetNode(hit.text, hit.highlights, hit.answer);
      if (hit.lang) body.setAttribute("lang", hit.lang);
      var foot = el("p", { className: "hit-links" }, [sourceLink(hit.link, hit.page, hit.page_label)]);
      if (hit.also_at && hit.also_at.length) {
        var also = el("span", { className: "also-at" }, [t("also_at") + " "]);
        hit.also_at.forEach(function (c, n) {
          if (n) also.appendChild(document.createTextNode(", "));
          var link = "/documents/" + encodeURIComponent(c.document_id) + "/file" + (c.page ? "#page=" + c.page : "");
          also.appendChild(el("a", { href: href(link), target: "_blank", rel: "noopener", text: cite(c.page, c.page_label) }));
        });
        foot.appendChild(also);
      }
      var item = el("li", { className: "hit kind-" + hit.kind, "data-doc": hit.document.id, "data-page": hit.page }, [head, meta, body, foot]);
      addPageFeatures(item, foot, hit);
      return item;
    }

    /* The documents and years read out of the question, as chips; removing one searches
       again without it (a document chip: without the words that named it). */
    function chipsNode(understood, q) {
      if (!understood || (!understood.documents.length && !understood.years.length)) return null;
      var box = el("ul", { className: "chips", "aria-label": t("chips_label") });
      function chip(label, without) {
        var button = el("button", { type: "button", className: "chip-remove", "aria-label": t("chip_remove") + ": " + label, text: "×" });
        button.addEventListener("click", function () { input.value = without; submit(true); });
        box.appendChild(el("li", { className: "chip" }, [el("span", { text: label }), button]));
      }
      understood.documents.forEach(function (d) { chip(t("chip_doc", { title: d.title }), understood.content); });
      understood.years.forEach(function (y) { chip(t("chip_year", { year: y }), q.split(String(y)).join(" ").replace(/\s+/g, " ").trim()); });
      return box;
    }

    function run() {
      var p = params();
      var q = p.get("q");
      clear(results);
      clear(status);
      if (!q) return;
      var mine = ++seq;
      status.appendChild(el("p", { className: "searching", text: t("searching") }));
      results.setAttribute("aria-busy", "true");
      var query = new URLSearchParams(p);
      query.set("k", String(shown));
      api("/search?" + query.toString()).then(function (r) {
        if (mine !== seq) return;
        results.removeAttribute("aria-busy");
        clear(status);
        if (r.status !== 200) {
          showError(status, errorMessage(r.status), detailText(r.body));
          return;
        }
        var hits = r.body.results || [];
        if (!hits.length) {
          var fix = didYouMean(r.body, function (corrected) { input.value = corrected; submit(true); });
          if (fix) status.appendChild(fix);
          var box = el("div", { className: "notice empty", id: "empty" }, [
            el("p", { text: filtered() ? t("empty") : t("empty_no_filter") }),
          ]);
          if (filtered()) box.appendChild(clearFiltersButton());
          status.appendChild(box);
          return;
        }
        var suggestion = didYouMean(r.body, function (corrected) { input.value = corrected; submit(true); });
        if (suggestion) status.appendChild(suggestion);
        var chips = chipsNode(r.body.understood, q);
        if (r.body.answerable === false) {
          status.appendChild(el("p", { className: "notice not-sure", id: "not-sure", text: t("not_sure", { q: q }) }));
          if (chips) status.appendChild(chips);
          var fold = el("details", { className: "nearest" }, [el("summary", { text: t("nearest", { n: hits.length }) })]);
          var list = el("ol", { className: "results" });
          hits.forEach(function (hit) { list.appendChild(renderHit(hit)); });
          fold.appendChild(list);
          status.appendChild(fold);
          return;
        }
        status.appendChild(el("p", { className: "count", text: hits.length === 1 ? t("results_count_one", { q: q }) : t("results_count", { n: hits.length, q: q }) }));
        if (chips) status.appendChild(chips);
        hits.forEach(function (hit) { results.appendChild(renderHit(hit)); });
        if (hits.length === shown && shown < MAX_K) {
          var more = el("button", { type: "button", className: "secondary", id: "more", text: t("more") });
          more.addEventListener("click", function () { shown += PAGE; run(); });
          results.appendChild(el("li", { className: "more" }, [more]));
        }
      });
    }

    function submit(push) {
      shown = PAGE;
      var p = params();
      var url = window.location.pathname + (p.toString() ? "?" + p.toString() : "");
      if (push) window.history.pushState(null, "", url);
      setToggle(p);
      run();
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (!input.value.trim()) { input.focus(); return; }
      submit(true);
    });
    Object.keys(selects).forEach(function (name) {
      document.getElementById(selects[name]).addEventListener("change", function () {
        if (input.value.trim()) submit(true);
      });
    });
    window.addEventListener("popstate", function () { fromUrl(); setToggle(params()); run(); });
    if (input.value.trim()) run();
  }

  /* ---------- page features: preview, document page, "Menade du …" ---------- */

  /* "Menade du <corrected query>?" as a link that searches it; null when every word is known. */
  function didYouMean(body, onChoose) {
    if (!body || !body.suggested_query) return null;
    var p = new URLSearchParams(window.location.search);
    p.set("q", body.suggested_query);
    var link = el("a", { href: window.location.pathname + "?" + p.toString(), id: "suggested-query",
      "aria-label": t("did_you_mean_label", { q: body.suggested_query }) });
    var at = 0, q = body.query;
    (body.suggestions || []).slice().sort(function (a, b) { return a.start - b.start; }).forEach(function (s) {
      if (s.start > at) link.appendChild(document.createTextNode(q.slice(at, s.start)));
      link.appendChild(el("strong", { text: s.suggestion }));
      at = s.end;
    });
    if (at < q.length) link.appendChild(document.createTextNode(q.slice(at)));
    link.addEventListener("click", function (event) { event.preventDefault(); onChoose(body.suggested_query); });
    return el("p", { className: "did-you-mean", id: "did-you-mean" }, [t("did_you_mean") + " ", link, "?"]);
  }

  /* The document page link and, for a PDF page, a button that shows the page beside the hit
     with the passage highlighted (the image is fetched only when asked for). */
  function addPageFeatures(item, foot, hit) {
    foot.appendChild(el("a", { href: href("/dokument/" + encodeURIComponent(hit.document.id)), className: "doc-page-link", text: t("doc_page") }));
    if (!hit.preview) return;
    var figure = null;
    var button = el("button", { type: "button", className: "secondary preview-toggle", "aria-expanded": "false", text: t("show_preview") });
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-expanded") === "true";
      if (!figure) {
        var image = el("img", { src: href(hit.preview), className: "page-preview-image", width: "800",
          alt: t("preview_alt", { title: hit.document.title, cite: cite(hit.page, hit.page_label) }) });
        figure = el("figure", { className: "page-preview" }, [
          el("a", { href: href(hit.link), target: "_blank", rel: "noopener" }, [image]),
          el("figcaption", null, [cite(hit.page, hit.page_label)]),
        ]);
        image.addEventListener("error", function () {
          figure.replaceChild(el("p", { className: "muted", text: t("preview_failed") }), figure.firstChild);
        });
        item.appendChild(figure);
      }
      figure.hidden = open;
      item.classList.toggle("has-preview", !open);
      button.setAttribute("aria-expanded", String(!open));
      button.textContent = open ? t("show_preview") : t("hide_preview");
    });
    foot.appendChild(button);
  }

  /* ---------- cross-check ---------- */

  var RELATIONS = ["agrees", "partial", "conflicts", "absent"];
  var ICONS = { agrees: "✓", partial: "≈", conflicts: "✗", absent: "–" };

  function relationBadge(relation) {
    return el("span", { className: "relation rel-" + relation }, [
      el("span", { className: "rel-icon", "aria-hidden": "true", text: ICONS[relation] || "?" }),
      " " + t("rel_" + relation),
    ]);
  }

  function csvCell(value) {
    var s = value === null || value === undefined ? "" : String(value);
    return /[";\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  function buildCsv(data) {
    var header = ["csv_goal", "csv_goal_section", "csv_goal_page", "csv_goal_link", "csv_relation", "csv_relation_code",
      "csv_numbers", "csv_evidence", "csv_evidence_doc", "csv_evidence_section", "csv_evidence_page",
      "csv_evidence_link", "csv_note"].map(function (k) { return t(k); });
    var lines = [header];
    data.rows.forEach(function (row) {
      var g = row.goal, e = row.evidence;
      lines.push([
        g.text, (g.section_path || []).join(" › "), cite(g.page, g.page_label), absolute(g.link),
        t("rel_" + row.relation), row.relation,
        (row.compared || []).map(function (c) { return c.goal + " → " + c.target + (c.same ? " (=)" : " (≠)"); }).join(" | "),
        e ? e.text : "", e ? e.document.title : "", e ? (e.section_path || []).join(" › ") : "",
        e ? cite(e.page, e.page_label) : "", e ? absolute(e.link) : "", row.note,
      ]);
    });
    // semicolons: Swedish spreadsheets read them as the separator (commas are decimals); BOM for Excel
    return "\ufeff" + lines.map(function (line) { return line.map(csvCell).join(";"); }).join("\r\n") + "\r\n";
  }

  function citation(text, sectionPath, page, label, link, docTitle) {
    var box = el("div", { className: "cited" }, [el("p", { className: "cited-text", text: text })]);
    var meta = el("p", { className: "hit-meta" });
    if (docTitle) meta.appendChild(el("span", { className: "doc-title", text: docTitle }));
    if (sectionPath && sectionPath.length) meta.appendChild(el("span", { className: "section-path", text: sectionPath.join(" › ") }));
    meta.appendChild(el("span", { className: "page-cite" }, [
      el("a", { href: href(link), target: "_blank", rel: "noopener", text: cite(page, label) }),
    ]));
    box.appendChild(meta);
    return box;
  }

  function numbersNode(compared) {
    if (!compared || !compared.length) return el("p", { className: "muted", text: t("no_numbers") });
    var table = el("table", { className: "numbers" }, [
      el("thead", null, [el("tr", null, [
        el("th", { scope: "col", text: t("num_source") }),
        el("th", { scope: "col", text: t("num_target") }),
        el("th", { scope: "col" }, [el("span", { className: "visually-hidden", text: "=" })]),
      ])]),
    ]);
    var tbody = el("tbody");
    compared.forEach(function (c) {
      tbody.appendChild(el("tr", { className: c.same ? "same" : "differs" }, [
        el("td", { text: c.goal }),
        el("td", { text: c.target }),
        el("td", { className: "same-mark" }, [
          el("span", { "aria-hidden": "true", text: c.same ? "=" : "≠" }),
          el("span", { className: "visually-hidden", text: c.same ? t("num_same") : t("num_differs") }),
        ]),
      ]));
    });
    table.appendChild(tbody);
    return table;
  }

  function fileStem(doc) {
    return (doc.file || doc.id).replace(/\.[a-z0-9]+$/i, "").replace(/[^A-Za-z0-9._-]+/g, "-");
  }

  /* ---------- cross-check: confidence filter and matrix view ---------- */

  function applyConfidence(tbody, select, note) {
    var min = Number(select.value) || 0, hidden = 0;
    Array.prototype.forEach.call(tbody.rows, function (tr) {
      var below = Number(tr.getAttribute("data-confidence")) < min;
      tr.classList.toggle("below-confidence", below);
      if (below) hidden += 1;
    });
    note.textContent = hidden ? t("confidence_hidden", { n: hidden }) : "";
  }

  function matrixCell(cell) {
    var e = cell.evidence;
    var children = [
      relationBadge(cell.relation),
      el("span", { className: "muted confidence", text: " " + Math.round((cell.confidence || 0) * 100) + " %" }),
    ];
    if (e && e.page) {
      children.push(" ", el("a", { href: href(e.link), target: "_blank", rel: "noopener", text: cite(e.page, e.page_label) }));
    }
    return el("td", { "data-relation": cell.relation, "data-target": cell.target,
      title: (cell.explanation && cell.explanation[UI]) || "" }, children);
  }

  function drawMatrix(data) {
    var table = document.getElementById("matrix");
    var head = table.querySelector("thead"), body = table.querySelector("tbody");
    clear(head);
    clear(body);
    head.appendChild(el("tr", null, [el("th", { scope: "col", text: t("matrix_goal") })].concat(
      data.targets.map(function (d) { return el("th", { scope: "col", text: d.title }); }))));
    data.rows.forEach(function (row) {
      var g = row.goal;
      body.appendChild(el("tr", null, [
        el("th", { scope: "row" }, [citation(g.text, g.section_path, g.page, g.page_label, g.link, null)]),
      ].concat(row.cells.map(matrixCell))));
    });
    document.getElementById("matrix-title").textContent = t("matrix_title", { source: data.source.title });
  }

  function showMatrix(current, button) {
    var section = document.getElementById("compare-matrix");
    var status = document.getElementById("matrix-status");
    section.hidden = false;
    clear(status);
    status.appendChild(el("p", { className: "searching", text: t("matrix_running") }));
    button.disabled = true;
    api("/compare/matrix", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ source: current.source.id, targets: current.targets.map(function (d) { return d.id; }) }),
    }).then(function (r) {
      button.disabled = false;
      clear(status);
      if (r.status === 200 && r.body && r.body.rows) { drawMatrix(r.body); return; }
      showError(status, errorMessage(r.status), detailText(r.body));
    });
  }

  /* The confidence filter and the matrix button; `rendered` is called after each comparison is drawn. */
  function initCompareExtras(tbody) {
    var select = document.getElementById("min-confidence");
    var note = document.getElementById("confidence-hidden");
    var button = document.getElementById("show-matrix");
    var current = null;
    select.addEventListener("change", function () { applyConfidence(tbody, select, note); });
    button.addEventListener("click", function () { if (current) showMatrix(current, button); });
    return {
      rendered: function (data) {
        current = data;
        document.getElementById("compare-matrix").hidden = true;
        applyConfidence(tbody, select, note);
      },
    };
  }

  function initCompare() {
    var form = document.getElementById("compare-form");
    var source = document.getElementById("source");
    var target = document.getElementById("target");
    var button = document.getElementById("compare-button");
    var status = document.getElementById("status");
    var result = document.getElementById("compare-result");
    var tbody = document.querySelector("#goals tbody");
    var counts = document.getElementById("counts");
    var exportButton = document.getElementById("export-csv");
    var heads = Array.prototype.map.call(document.querySelectorAll("#goals thead th"), function (th) { return th.textContent; });
    var current = null, shown = "";
    var extras = initCompareExtras(tbody);

    function filterRows(relation) {
      shown = shown === relation ? "" : relation;
      Array.prototype.forEach.call(tbody.rows, function (tr) {
        tr.hidden = !!shown && tr.getAttribute("data-relation") !== shown;
      });
      Array.prototype.forEach.call(counts.querySelectorAll("button"), function (b) {
        b.setAttribute("aria-pressed", String(b.getAttribute("data-relation") === shown));
      });
    }

    function sortByConfidence() {
      var rows = Array.prototype.slice.call(tbody.rows);
      rows.sort(function (a, b) { return Number(b.getAttribute("data-confidence")) - Number(a.getAttribute("data-confidence")); });
      rows.forEach(function (tr) { tbody.appendChild(tr); });
    }

    function render(data) {
      current = data;
      shown = "";
      clear(tbody);
      clear(counts);
      RELATIONS.forEach(function (rel) {
        var b = el("button", { type: "button", className: "count-button rel-" + rel, "data-relation": rel, "aria-pressed": "false" }, [
          relationBadge(rel), " ", el("strong", { text: String((data.counts || {})[rel] || 0) }),
        ]);
        b.addEventListener("click", function () { filterRows(rel); });
        counts.appendChild(b);
      });
      var sorter = el("button", { type: "button", className: "secondary", text: t("sort_confidence") });
      sorter.addEventListener("click", sortByConfidence);
      counts.appendChild(sorter);
      data.rows.forEach(function (row) {
        var g = row.goal, e = row.evidence;
        var cells = [
          citation(g.text, g.section_path, g.page, g.page_label, g.link, null),
          el("div", null, [
            relationBadge(row.relation),
            el("p", { className: "muted confidence", text: t("goal_confidence") + " " + Math.round((row.confidence || 0) * 100) + " %" }),
          ]),
          numbersNode(row.compared),
          e ? citation(e.text, e.section_path, e.page, e.page_label, e.link, e.document && e.document.title)
            : el("p", { className: "muted", text: t("no_evidence") }),
          el("p", { text: (row.explanation && row.explanation[UI]) || row.note || "" }),
        ];
        tbody.appendChild(el("tr", { className: "rel-row-" + row.relation, "data-relation": row.relation,
          "data-confidence": String(row.confidence || 0) },
          cells.map(function (c, i) { return el("td", { "data-label": heads[i] }, [c]); })));
      });
      result.hidden = false;
      extras.rendered(data);
      var targetTitles = (data.targets || []).map(function (d) { return d.title; }).join(", ");
      clear(status);
      status.appendChild(el("p", {
        className: "count",
        text: data.rows.length ? t("compare_summary", {
          n: data.rows.length, source: data.source.title, target: targetTitles,
          seconds: (data.seconds || 0).toFixed(1).replace(".", UI === "sv" ? "," : "."),
        }) : t("compare_empty"),
      }));
    }

    function run() {
      clear(status);
      result.hidden = true;
      var chosen = Array.prototype.filter.call(target.options, function (o) { return o.selected; })
        .map(function (o) { return o.value; });
      if (!chosen.length || chosen.indexOf(source.value) >= 0) {
        showError(status, t("compare_same"));
        target.focus();
        return;
      }
      var p = new URLSearchParams({ source: source.value });
      chosen.forEach(function (v) { p.append("target", v); });
      window.history.replaceState(null, "", window.location.pathname + "?" + p.toString());
      setToggle(p);
      status.appendChild(el("p", { className: "searching", text: t("compare_running") }));
      button.disabled = true;
      form.setAttribute("aria-busy", "true");
      api("/compare", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ source: source.value, targets: chosen }),
      }).then(function (r) {
        button.disabled = false;
        form.removeAttribute("aria-busy");
        clear(status);
        if (r.status === 200 && r.body && r.body.rows) { render(r.body); return; }
        if (r.status === 405 || (r.status === 404 && !(r.body && typeof r.body.detail === "string" && r.body.detail !== "Not Found"))) {
          showError(status, t("compare_missing", { status: r.status }), detailText(r.body));
          return;
        }
        showError(status, errorMessage(r.status), detailText(r.body));
      });
    }

    form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
    exportButton.addEventListener("click", function () {
      if (!current) return;
      var blob = new Blob([buildCsv(current)], { type: "text/csv;charset=utf-8" });
      var a = el("a", {
        href: URL.createObjectURL(blob),
        download: "jamforelse-" + [current.source].concat(current.targets || []).map(fileStem).join("--") + ".csv",
      });
      document.body.appendChild(a);
      a.click();
      setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
    });
    if (form.getAttribute("data-autorun") === "true") run();
  }

  var page = document.body.getAttribute("data-page");
  if (page === "search") initSearch();
  else if (page === "compare") initCompare();

  // exposed for tests and the console
  window.styrdok = { cite: cite, buildCsv: buildCsv, snippet: snippet };
})();
