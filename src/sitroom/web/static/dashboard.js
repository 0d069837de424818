// Sitroom dashboard. Reads /dashboard/* and draws the map, timeline, lists and evidence.
// Security rule: text from articles is only ever set with textContent or as SVG text nodes,
// never as HTML; Leaflet tooltips get DOM nodes, not strings (Leaflet treats strings as HTML).
"use strict";

(function () {
  const TYPE_COLOURS = {
    ASSAULT: "#d7301f", COERCE: "#8c2d04", THREATEN: "#f16913", PROTEST: "#fdae6b",
    MOBILIZE: "#b15928", SANCTION: "#6a3d9a", DISAPPROVE: "#cab2d6", REJECT: "#9e0142",
    DEMAND: "#e7298a", RETREAT: "#737373", CONCEDE: "#bdbdbd", AID: "#1a9850",
    COOPERATE: "#66bd63", SUPPORT: "#a6d96a", AGREE: "#4575b4", CONSULT: "#74add1",
    INVESTIGATE: "#313695", CRIME: "#252525",
  };
  const SERIES_COLOURS = ["#1f5fa8", "#d7301f", "#1a9850", "#6a3d9a", "#f16913", "#8c2d04",
    "#e7298a", "#313695", "#737373", "#b15928"];
  const STATEMENTS_PER_SPEAKER = 4;
  const MAX_SPEAKERS = 40;
  const MAX_LISTED_EVENTS = 300;
  const TEXT_DELAY_MS = 300;
  const MAX_FILTER_CHARS = 200; // as the text field's maxlength
  const MAX_SLOT_PX = 60;
  const MAX_TICKS = 8;
  const TICK_PX = 80; // a day label is about 60 px wide
  const DAY_MS = 86400000;
  const MAX_ZOOM = 14; // the outline basemap has no tiles to set one; clustering needs it
  const $ = (id) => document.getElementById(id);
  const state = { map: null, cluster: null, view: null, metric: "", requests: 0 };

  // --- small DOM helpers (text only) ------------------------------------------------------
  function el(tag, text, className) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }
  function svg(tag, attrs, text) {
    const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }
  function colour(type) { return TYPE_COLOURS[type] || "#555"; }
  function swatch(fill) { const s = el("span", null, "swatch"); s.style.background = fill; return s; }
  function clip(text, n) { text = text || ""; return text.length > n ? text.slice(0, n - 1) + "…" : text; }
  function safeUrl(url) {
    try { const u = new URL(url, location.href); return ["http:", "https:"].includes(u.protocol) ? u.href : null; }
    catch (e) { return null; }
  }
  function link(text, href) { const a = el("a", text); a.href = href; return a; }
  function clickable(node, handler) {
    node.tabIndex = 0;
    node.addEventListener("click", handler);
    node.addEventListener("keydown", (e) => { if (e.key === "Enter") handler(e); });
    return node;
  }

  // --- data ---------------------------------------------------------------------------------
  const FILTERS = ["since", "until", "type", "q"];
  function filters() {
    const out = {};
    for (const name of FILTERS) {
      const value = $(name).value.trim();
      if (value) out[name] = value;
    }
    return out;
  }
  async function getJSON(path, params) {
    const query = new URLSearchParams(params || {}).toString();
    const response = await fetch(query ? `${path}?${query}` : path);
    const body = await response.json();
    if (!response.ok) throw new Error(body.detail || response.statusText);
    return body;
  }
  async function refresh() {
    const ticket = ++state.requests;
    $("summary").textContent = "Loading…";
    try {
      const params = filters();
      const view = await getJSON("/dashboard/view", params);
      if (ticket !== state.requests) return; // a newer filter change won
      state.view = view;
      drawSummary(view); drawMap(view.events); drawTimeline(view.timeline);
      drawEvents(view.events); drawStatements(view.statements); drawFigures(view.figures);
      // The address keeps the filters, so a view can be bookmarked, shared and reloaded.
      const query = new URLSearchParams(params).toString();
      history.replaceState(null, "", query ? `?${query}` : location.pathname);
      // For scripts and tests: which filters the drawn view answers.
      document.body.dataset.view = query;
      document.body.dataset.ready = String(ticket);
    } catch (error) {
      $("summary").textContent = `Could not load the data: ${error.message}`;
    }
  }

  function drawSummary(view) {
    const t = view.totals;
    const shown = view.events.length < t.events ? ` (first ${view.events.length} listed)` : "";
    $("summary").textContent = `${t.events} events${shown}, ${t.located_events} on the map · ` +
      `${t.statements} statements · ${t.figures} figures` +
      (Object.keys(filters()).length ? " — filtered" : " — all dates and types");
  }

  // --- map ----------------------------------------------------------------------------------
  async function setUpMap(config) {
    const map = L.map("map", { attributionControl: false, worldCopyJump: true, minZoom: 2, maxZoom: MAX_ZOOM });
    map.setView([30, 20], 2);
    if (config.tile_url) {
      L.tileLayer(config.tile_url, { maxZoom: 18 }).addTo(map);
      $("tile-credit").textContent = config.tile_attribution ? `Tiles: ${config.tile_attribution}` : "";
    } else {
      const outlines = await getJSON(config.basemap_url);
      L.geoJSON(outlines, {
        interactive: false,
        style: { color: "#8a97a8", weight: 0.7, fillColor: "#f4f1ea", fillOpacity: 1 },
      }).addTo(map);
    }
    state.map = map;
    state.cluster = L.markerClusterGroup({ maxClusterRadius: 40, showCoverageOnHover: false });
    map.addLayer(state.cluster);
  }

  function drawMap(events) {
    state.cluster.clearLayers();
    const markers = [];
    for (const event of events) {
      if (event.lat === null || event.lon === null) continue;
      const marker = L.circleMarker([event.lat, event.lon], {
        radius: 7, color: "#222", weight: 1, fillColor: colour(event.type), fillOpacity: 0.9,
        className: `event-marker type-${event.type}`,
      });
      const tip = el("div", null, "marker-tip");
      tip.append(el("strong", `${event.type} · ${event.day || "undated"}`), el("br"),
        el("span", clip(event.place_name ? `${event.place_name}: ${event.text}` : event.text, 160)));
      marker.bindTooltip(tip);
      marker.on("click", () => showEvidence("events", event.document_id, event.id));
      markers.push(marker);
    }
    state.cluster.addLayers(markers);
    $("map").dataset.markers = String(markers.length);
    if (markers.length) {
      state.map.fitBounds(L.featureGroup(markers).getBounds().pad(0.3), { maxZoom: 7 });
    }
    drawLegend($("legend"), events);
  }

  function drawLegend(target, events) {
    const counts = {};
    for (const e of events) counts[e.type] = (counts[e.type] || 0) + 1;
    target.replaceChildren(...Object.keys(counts).sort().map((type) => {
      const item = el("li"); item.append(swatch(colour(type)), el("span", `${type} (${counts[type]})`));
      return item;
    }));
  }

  // --- timeline (stacked bars, one per day) -------------------------------------------------
  function drawTimeline(rows) {
    const target = $("timeline");
    const days = {};
    let skipped = 0;
    for (const row of rows) {
      if (!row.day || row.day.length !== 10) { skipped += row.count; continue; }
      (days[row.day] = days[row.day] || []).push(row);
    }
    const keys = Object.keys(days).sort();
    if (!keys.length) { target.replaceChildren(el("p", "No dated events under these filters.", "empty")); return; }
    // One slot per day that has events (a war's reporting is bursty: empty days would squeeze
    // the bars to hairlines); a gap between non-consecutive days is drawn as a dashed line.
    const width = 900, height = 170, left = 34, bottom = 22, top = 8;
    const slot = Math.min(MAX_SLOT_PX, (width - left - 4) / keys.length);
    const max = Math.max(...keys.map((d) => days[d].reduce((n, r) => n + r.count, 0)));
    const scale = (height - top - bottom) / max;
    const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": "events per day" });
    chart.append(svg("line", { x1: left, y1: height - bottom, x2: width, y2: height - bottom, class: "axis" }));
    chart.append(svg("text", { x: left - 4, y: top + 8, "text-anchor": "end" }, max));
    chart.append(svg("text", { x: left - 4, y: height - bottom, "text-anchor": "end" }, 0));
    const every = Math.max(Math.ceil(keys.length / MAX_TICKS), Math.ceil(TICK_PX / slot));
    keys.forEach((day, index) => {
      const x = left + index * slot;
      if (index && Date.parse(day) - Date.parse(keys[index - 1]) > DAY_MS) {
        chart.append(svg("line", { x1: x, y1: top, x2: x, y2: height - bottom, class: "axis gap", "stroke-dasharray": "3 3" }));
      }
      let y = height - bottom;
      for (const row of days[day]) {
        const h = Math.max(1, row.count * scale);
        y -= h;
        const bar = svg("rect", { x: x + slot * 0.1, y, width: Math.max(2, slot * 0.8), height: h, fill: colour(row.type), class: "bar", "data-day": day });
        bar.append(svg("title", {}, `${day}: ${row.count} ${row.type}`));
        bar.addEventListener("click", () => { $("since").value = day; $("until").value = day; refresh(); });
        chart.append(bar);
      }
      if (index % every === 0) {
        chart.append(svg("text", { x: x + slot / 2, y: height - 6, "text-anchor": "middle" }, day));
      }
    });
    const parts = [chart];
    if (skipped) parts.push(el("p", `${skipped} events without a known day (undated, or dated to a month or year only) are not drawn.`, "empty"));
    target.replaceChildren(...parts);
  }

  // --- lists --------------------------------------------------------------------------------
  function drawEvents(events) {
    const items = events.slice(0, MAX_LISTED_EVENTS).map((event) => {
      const item = el("li");
      const badge = el("span", event.type, "badge"); badge.style.background = colour(event.type);
      const where = event.place_name ? ` · ${event.place_name}` : "";
      const claim = event.claimed_by ? ` · claimed by ${event.claimed_by}` : "";
      item.append(badge, el("span", clip(event.text, 180)), el("div", `${event.day || "undated"}${where}${claim}`, "meta"));
      return clickable(item, () => showEvidence("events", event.document_id, event.id));
    });
    $("events").replaceChildren(...(items.length ? items : [el("li", "No events under these filters.", "empty")]));
  }

  function drawStatements(statements) {
    const groups = new Map();
    for (const s of statements) {
      const who = s.speaker || "(speaker not identified)";
      if (!groups.has(who)) groups.set(who, []);
      groups.get(who).push(s);
    }
    const ordered = [...groups.entries()].sort((a, b) => b[1].length - a[1].length).slice(0, MAX_SPEAKERS);
    const blocks = ordered.map(([who, said]) => {
      const block = el("div", null, "speaker");
      const heading = el("h3", who);
      heading.append(el("small", ` · ${said.length} statement${said.length > 1 ? "s" : ""}`));
      const list = el("ol", null, "items");
      said.forEach((s, i) => {
        const item = el("li");
        item.append(el("span", s.stance, `badge stance-${s.stance}`), el("span", clip(s.text, 200)),
          el("div", `${s.day || "undated"} · ${s.source || s.title || ""}`, "meta"));
        item.hidden = i >= STATEMENTS_PER_SPEAKER;
        list.append(clickable(item, () => showEvidence("statements", s.document_id, s.id)));
      });
      block.append(heading, list);
      if (said.length > STATEMENTS_PER_SPEAKER) {
        const more = el("button", `show ${said.length - STATEMENTS_PER_SPEAKER} more`, "more");
        more.type = "button";
        more.addEventListener("click", () => { list.querySelectorAll("li").forEach((li) => { li.hidden = false; }); more.remove(); });
        block.append(more);
      }
      return block;
    });
    $("statements").replaceChildren(...(blocks.length ? blocks : [el("p", "No statements under these filters.", "empty")]));
  }

  // --- figures: one metric at a time, one line per source -----------------------------------
  function drawFigures(figures) {
    const dated = figures.filter((f) => f.value !== null && f.day && f.day.length === 10);
    const metrics = {};
    for (const f of dated) metrics[f.metric] = (metrics[f.metric] || 0) + 1;
    const names = Object.keys(metrics).sort((a, b) => metrics[b] - metrics[a]);
    if (!names.includes(state.metric)) state.metric = names[0] || "";
    $("metric").replaceChildren(...names.map((m) => { const o = el("option", `${m} (${metrics[m]})`); o.value = m; return o; }));
    $("metric").value = state.metric;
    const rows = dated.filter((f) => f.metric === state.metric);
    if (!rows.length) {
      $("figures").replaceChildren(el("p", "No dated figures under these filters.", "empty"));
      $("figure-legend").replaceChildren();
      return;
    }
    const series = new Map();
    for (const f of rows) {
      const who = f.claimed_by || f.source || "unattributed";
      if (!series.has(who)) series.set(who, []);
      series.get(who).push(f);
    }
    const times = rows.map((f) => Date.parse(f.day + "T00:00:00Z"));
    const t0 = Math.min(...times), t1 = Math.max(...times) || t0;
    const vmax = Math.max(...rows.map((f) => f.value), 1);
    const width = 460, height = 220, left = 46, bottom = 24, top = 10, right = 12;
    const x = (t) => left + (t1 === t0 ? (width - left - right) / 2 : ((t - t0) / (t1 - t0)) * (width - left - right));
    const logMax = Math.log10(vmax + 1);
    const y = (v) => height - bottom - (Math.log10(v + 1) / logMax) * (height - top - bottom);
    const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, role: "img", "aria-label": `${state.metric} over time` });
    chart.append(svg("line", { x1: left, y1: height - bottom, x2: width - right, y2: height - bottom, class: "axis" }));
    chart.append(svg("line", { x1: left, y1: top, x2: left, y2: height - bottom, class: "axis" }));
    for (const v of [1, 10, 100, 1000, 10000, 100000, 1000000].filter((v) => v <= vmax * 1.01)) {
      chart.append(svg("text", { x: left - 4, y: y(v) + 4, "text-anchor": "end" }, v.toLocaleString("en")));
    }
    chart.append(svg("text", { x: left, y: height - 6 }, new Date(t0).toISOString().slice(0, 10)));
    if (t1 !== t0) chart.append(svg("text", { x: width - right, y: height - 6, "text-anchor": "end" }, new Date(t1).toISOString().slice(0, 10)));
    const legend = [];
    [...series.entries()].forEach(([who, points], i) => {
      const stroke = SERIES_COLOURS[i % SERIES_COLOURS.length];
      points.sort((a, b) => a.day.localeCompare(b.day));
      const path = points.map((f, j) => `${j ? "L" : "M"}${x(Date.parse(f.day + "T00:00:00Z")).toFixed(1)},${y(f.value).toFixed(1)}`).join(" ");
      chart.append(svg("path", { d: path, fill: "none", stroke, "stroke-width": 1.5 }));
      for (const f of points) {
        const dot = svg("circle", { cx: x(Date.parse(f.day + "T00:00:00Z")), cy: y(f.value), r: 5, fill: stroke, class: "point" });
        dot.append(svg("title", {}, `${f.day}: ${f.value.toLocaleString("en")} ${f.metric} (${f.qualifier}) per ${who}`));
        dot.addEventListener("click", () => showEvidence("figures", f.document_id, f.id));
        chart.append(dot);
      }
      const item = el("li"); item.append(swatch(stroke), el("span", `${who} (${points.length})`));
      legend.push(item);
    });
    $("figures").replaceChildren(chart);
    $("figure-legend").replaceChildren(...legend);
  }

  // --- evidence -----------------------------------------------------------------------------
  function describe(kind, item) {
    if (kind === "events") return [`${item.type} event`, [["where", item.place_name], ["when", item.date], ["actor", item.actor], ["target", item.target], ["claimed by", item.claimed_by], ["stance", item.stance]]];
    if (kind === "statements") return [`Statement by ${item.speaker || "an unidentified speaker"} (${item.stance})`, [["kind", item.kind], ["cue", item.cue], ["channel", item.channel]]];
    if (kind === "figures") return [`${item.value ?? "?"} ${item.metric}`, [["qualifier", item.qualifier], ["who", item.who], ["when", item.date], ["claimed by", item.claimed_by]]];
    return [item.name, [["kind", item.kind || item.type]]];
  }

  function passageNode(text, start, end) {
    const node = el("div", null, "passage");
    node.append(document.createTextNode(text.slice(0, start)), el("mark", text.slice(start, end)), document.createTextNode(text.slice(end)));
    return node;
  }

  async function showEvidence(kind, documentId, itemId) {
    const target = $("evidence");
    target.replaceChildren(el("p", "Loading…", "hint"));
    let ev;
    try {
      ev = await getJSON(`/dashboard/evidence/${encodeURIComponent(kind)}/${encodeURIComponent(documentId)}/${encodeURIComponent(itemId)}`);
    } catch (error) { target.replaceChildren(el("p", `Could not load the evidence: ${error.message}`, "empty")); return; }
    const [label, facts] = describe(kind, ev.item);
    const list = el("dl", null, "facts");
    for (const [name, value] of facts) if (value) list.append(el("dt", name), el("dd", value));
    const parts = [el("h3", label)];
    if (ev.item.claimed_by) parts.push(el("div", `A claim by ${ev.item.claimed_by}, not an established fact.`, "claim"));
    parts.push(list, el("div", `Mentioned ${ev.mentions} time${ev.mentions === 1 ? "" : "s"}:`, "meta"));
    for (const p of ev.passages) {
      const text = (p.cut_before ? "…" : "") + p.text + (p.cut_after ? "…" : "");
      const shift = p.cut_before ? 1 : 0;
      const links = el("div", null, "passage-links");
      const open = link(`mention ${p.mention + 1}: characters ${p.start + p.mark_start}–${p.start + p.mark_end}, open in the document`, "#");
      open.addEventListener("click", (e) => { e.preventDefault(); showDocument(ev, p.start + p.mark_start, p.start + p.mark_end); });
      links.append(open);
      parts.push(passageNode(text, p.mark_start + shift, p.mark_end + shift), links);
    }
    parts.push(sourceNode(ev));
    target.replaceChildren(...parts);
    target.dataset.item = `${kind}/${documentId}/${itemId}`;
  }

  function sourceNode(ev) {
    const source = el("p", "Source: ", "source");
    const original = ev.url && safeUrl(ev.url);
    source.append(original ? link(ev.title || original, original) : el("cite", ev.title || "untitled document"));
    source.append(document.createTextNode(` · ${ev.source || "unknown outlet"} · ${ev.published || "undated"} · `));
    source.append(link("extracted data (JSON)", `/documents/${encodeURIComponent(ev.document_id)}/result`));
    return source;
  }

  async function showDocument(ev, start, end) {
    const doc = await getJSON(`/documents/${encodeURIComponent(ev.document_id)}`);
    const back = link("← back to the evidence", "#");
    back.addEventListener("click", (e) => { e.preventDefault(); showEvidence(ev.kind, ev.document_id, ev.item_id); });
    const body = el("div", null, "document");
    const mark = el("mark", doc.text.slice(start, end));
    body.append(document.createTextNode(doc.text.slice(0, start)), mark, document.createTextNode(doc.text.slice(end)));
    $("evidence").replaceChildren(back, el("h3", doc.title || "Untitled document"), body, sourceNode(ev));
    mark.scrollIntoView({ block: "center" });
  }

  // --- start --------------------------------------------------------------------------------
  function filtersFromAddress() {
    // Values the form cannot hold (an unknown type, a malformed date) are ignored by the
    // inputs themselves, so the view always answers what the form shows.
    const given = new URLSearchParams(location.search);
    for (const name of FILTERS) {
      const value = given.get(name);
      if (value !== null) $(name).value = value.slice(0, MAX_FILTER_CHARS);
    }
  }
  async function start() {
    const config = await getJSON("/dashboard/config");
    for (const type of config.event_types) {
      const option = el("option", type); option.value = type; $("type").append(option);
    }
    for (const name of ["since", "until"]) {
      if (config.first_day) $(name).min = config.first_day;
      if (config.last_day) $(name).max = config.last_day;
    }
    filtersFromAddress();
    await setUpMap(config);
    let timer = null;
    $("filters").addEventListener("change", (e) => { if (e.target.id !== "q") refresh(); });
    $("q").addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(refresh, TEXT_DELAY_MS); });
    $("filters").addEventListener("submit", (e) => { e.preventDefault(); refresh(); });
    $("filters").addEventListener("reset", () => setTimeout(refresh, 0));
    $("metric").addEventListener("change", () => { state.metric = $("metric").value; drawFigures(state.view.figures); });
    await refresh();
  }
  document.addEventListener("DOMContentLoaded", () => {
    start().catch((error) => { console.error(error); $("summary").textContent = `The dashboard could not start: ${error}`; });
  });
})();
