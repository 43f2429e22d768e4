// The explorer's page: draws what the session sends and turns clicks into requests.
// No model maths here: regions, zero lines, losses, pictures and sentences all come from Python.
(function () {
  "use strict";
  var COLORS = [[31, 119, 180], [230, 126, 34], [44, 160, 44]];
  var state = null;        // the latest state from the server
  var point = null;        // the shown point's graph: {svg, sentences, position, total, ...}
  var label = 0;           // the class a click adds
  var sortColumn = 2, sortAbs = true, sortDown = true;  // the table: by |grad|, largest first
  var $ = function (id) { return document.getElementById(id); };

  function rgb(c, alpha) { return "rgba(" + c[0] + "," + c[1] + "," + c[2] + "," + alpha + ")"; }

  function say(text, ok) {
    var m = $("message");
    m.textContent = text || "";
    m.className = ok ? "ok" : "";
  }

  function api(path, body) {
    return fetch("api/" + path, {
      method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body || {})
    }).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) { throw new Error(data.error || ("HTTP " + r.status)); }
        return data;
      });
    }).then(function (data) {
      if (data && data.version !== undefined) { show(data); }
      say("");
      return data;
    }).catch(function (error) { say(error.message); throw error; });
  }

  // -- the live channel ------------------------------------------------------------------------
  function connect() {
    var ws = new WebSocket(location.href.replace(/^http/, "ws").replace(/\/[^/]*$/, "/") + "live");
    ws.onmessage = function (event) {
      var msg = JSON.parse(event.data);
      if (msg.type === "state") { show(msg.state); }
      else if (msg.type === "network") { showNetwork(msg); }
      else if (msg.type === "network-error") { $("network").textContent = msg.message; }
      else if (msg.type === "playing") { setPlaying(msg.playing); }
      else if (msg.type === "error") { say(msg.message); setPlaying(false); }
    };
    ws.onclose = function () { setTimeout(connect, 1000); };  // the server restarted or slept: retry
  }

  // -- drawing -----------------------------------------------------------------------------------
  function toPixel(canvas, x, y) {
    var lo = state.box[0], hi = state.box[1];
    return [(x - lo) / (hi - lo) * canvas.width, (hi - y) / (hi - lo) * canvas.height];
  }

  function toData(canvas, px, py) {
    var lo = state.box[0], hi = state.box[1];
    return [lo + px / canvas.width * (hi - lo), hi - py / canvas.height * (hi - lo)];
  }

  function drawRegions(canvas) {
    // The n x n cells as an n x n image, scaled up smoothly: pale where the model is unsure.
    var r = state.regions, n = r.n;
    var small = document.createElement("canvas");
    small.width = n; small.height = n;
    var img = small.getContext("2d").createImageData(n, n);
    for (var k = 0; k < n * n; k++) {
      var c = COLORS[r.classes[k] % 3], t = 0.12 + 0.5 * r.confidence[k];
      for (var q = 0; q < 3; q++) { img.data[4 * k + q] = Math.round(255 + (c[q] - 255) * t); }
      img.data[4 * k + 3] = 255;
    }
    small.getContext("2d").putImageData(img, 0, 0);
    var ctx = canvas.getContext("2d");
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(small, 0, 0, canvas.width, canvas.height);
    return ctx;
  }

  function drawPoints(canvas, split, ring, radius) {
    var ctx = canvas.getContext("2d");
    var pts = state[split].points, labels = state[split].labels;
    var chosen = state.inspection && state.inspection.split === split ? state.inspection.index : -1;
    for (var k = 0; k < pts.length; k++) {
      var p = toPixel(canvas, pts[k][0], pts[k][1]);
      ctx.beginPath();
      ctx.arc(p[0], p[1], radius, 0, 2 * Math.PI);
      ctx.fillStyle = ring ? "#fff" : rgb(COLORS[labels[k] % 3], 1);
      ctx.fill();
      ctx.lineWidth = ring ? 2 : 1;
      ctx.strokeStyle = ring ? rgb(COLORS[labels[k] % 3], 1) : "#fff";
      ctx.stroke();
      if (k === chosen) {
        ctx.beginPath(); ctx.arc(p[0], p[1], radius + 4, 0, 2 * Math.PI);
        ctx.lineWidth = 2; ctx.strokeStyle = "#111"; ctx.stroke();
      }
    }
  }

  function drawData() {
    var canvas = $("data");
    var ctx = drawRegions(canvas);
    if ($("zero-lines").checked) {
      ctx.lineWidth = 1; ctx.strokeStyle = "rgba(60,60,60,0.35)"; ctx.setLineDash([4, 3]);
      state.zero_lines.forEach(function (s) {
        var a = toPixel(canvas, s[0], s[1]), b = toPixel(canvas, s[2], s[3]);
        ctx.beginPath(); ctx.moveTo(a[0], a[1]); ctx.lineTo(b[0], b[1]); ctx.stroke();
      });
      ctx.setLineDash([]);
    }
    drawPoints(canvas, "train", false, 4.5);
    drawRegions($("val"));
    drawPoints($("val"), "val", true, 3);
  }

  function drawCurves() {
    var canvas = $("curves"), ctx = canvas.getContext("2d"), h = state.history;
    var w = canvas.width, ht = canvas.height, pad = 30;
    ctx.clearRect(0, 0, w, ht);
    var n = h.train_loss.length;
    canvas.dataset.points = String(n);
    var top = 0;
    h.train_loss.concat(h.val_loss).forEach(function (v) { if (v !== null && v > top) { top = v; } });
    top = top || 1;
    ctx.strokeStyle = "#ccc"; ctx.strokeRect(pad, 5, w - pad - 5, ht - pad);
    ctx.fillStyle = "#555"; ctx.font = "10px sans-serif";
    ctx.fillText(top.toPrecision(2), 2, 12); ctx.fillText("0", 18, ht - pad + 5);
    ctx.fillText("step " + state.step, w - 60, ht - 10); ctx.fillText("acc 1", w - 34, 16);
    function line(values, scale, color, dash) {
      ctx.beginPath(); ctx.strokeStyle = color; ctx.lineWidth = 1.5; ctx.setLineDash(dash || []);
      var started = false;
      values.forEach(function (v, k) {
        if (v === null) { return; }
        var x = pad + (n > 1 ? k / (n - 1) : 0) * (w - pad - 5);
        var y = 5 + (ht - pad) * (1 - v / scale);
        if (started) { ctx.lineTo(x, y); } else { ctx.moveTo(x, y); started = true; }
      });
      ctx.stroke(); ctx.setLineDash([]);
    }
    line(h.train_accuracy, 1, "#90a4ae", [2, 2]);
    line(h.val_accuracy, 1, "#ffb74d", [2, 2]);
    line(h.train_loss, top, "#455a64");
    line(h.val_loss, top, "#e65100");
    var last = function (a) { var v = a[a.length - 1]; return v === null || v === undefined ? "-" : v.toFixed(4); };
    var pct = function (a) { var v = a[a.length - 1]; return v === null || v === undefined ? "-" : (100 * v).toFixed(0) + "%"; };
    $("numbers").textContent = "train loss " + last(h.train_loss) + "   validation loss " + last(h.val_loss) +
      "   accuracy " + pct(h.train_accuracy) + " / " + pct(h.val_accuracy);
    $("numbers").dataset.trainLoss = String(h.train_loss[n - 1]);
  }

  function fmt(x) {
    if (typeof x !== "number") { return x; }
    if (x === 0) { return "0"; }
    return Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toFixed(4) : x.toExponential(2);
  }

  function drawTable() {
    var t = state.parameters, head = $("params").tHead, body = $("params").tBodies[0];
    head.innerHTML = "";
    var tr = document.createElement("tr");
    t.columns.forEach(function (c, k) {
      var th = document.createElement("th");
      th.textContent = k === sortColumn && sortAbs ? "|" + c + "|" : c;
      if (k === sortColumn) { th.className = "sorted"; }
      th.addEventListener("click", function () {
        if (sortColumn === k) { sortDown = !sortDown; } else { sortColumn = k; sortDown = true; sortAbs = k > 0; }
        drawTable();
      });
      tr.appendChild(th);
    });
    head.appendChild(tr);
    var rows = t.rows.slice();
    var key = function (r) { var v = r[sortColumn]; return typeof v === "number" && sortAbs ? Math.abs(v) : v; };
    rows.sort(function (a, b) {
      var x = key(a), y = key(b), c = x < y ? -1 : x > y ? 1 : 0;
      return sortDown ? -c : c;
    });
    var html = rows.map(function (r) {
      return "<tr>" + r.map(function (v) { return "<td>" + fmt(v) + "</td>"; }).join("") + "</tr>";
    }).join("");
    body.innerHTML = html;  // names and numbers only: nothing from the user is in them
  }

  function showControls() {
    var c = state.config, ch = state.choices;
    fill($("dataset"), Object.keys(ch.dataset), function (k) { return ch.dataset[k]; });
    fill($("optimizer"), ch.optimizer);
    fill($("activation"), ch.activation);
    fill($("loss"), ch.loss);
    document.querySelectorAll("[data-setting]").forEach(function (el) {
      if (el === document.activeElement) { return; }
      var v = c[el.dataset.setting];
      el.value = v === null ? "" : Array.isArray(v) ? v.join(",") : String(v);
    });
    var classes = $("classes");
    if (classes.children.length !== state.classes) {
      classes.innerHTML = "";
      for (var k = 0; k < state.classes; k++) {
        var b = document.createElement("button");
        b.type = "button"; b.textContent = String(k); b.dataset.label = String(k);
        b.style.background = rgb(COLORS[k], 0.8);
        b.addEventListener("click", chooseLabel);
        classes.appendChild(b);
      }
      if (label >= state.classes) { label = 0; }
    }
    Array.prototype.forEach.call(classes.children, function (b) {
      b.className = Number(b.dataset.label) === label ? "chosen" : "";
    });
  }

  function chooseLabel(event) { label = Number(event.currentTarget.dataset.label); showControls(); }

  function fill(select, keys, text) {
    var want = keys.join("|");
    if (select.dataset.keys === want) { return; }
    select.innerHTML = "";
    keys.forEach(function (k) {
      var o = document.createElement("option");
      o.value = k; o.textContent = text ? text(k) : k;
      select.appendChild(o);
    });
    select.dataset.keys = want;
  }

  var drawPending = false, tableVisible = true, restoring = false;

  function show(s) {
    state = s;
    if (!drawPending) {  // states can arrive faster than frames: draw the latest once per frame
      drawPending = true;
      requestAnimationFrame(function () { drawPending = false; draw(state); });
    }
  }

  function draw(s) {
    $("step-count").textContent = String(s.step);
    $("train-count").textContent = String(s.train.points.length);
    $("val-count").textContent = String(s.val.points.length);
    $("model-name").textContent = s.model + "; lr now " + fmt(s.lr);
    if (s.playing !== undefined) { setPlaying(s.playing); }
    showControls();
    drawData();
    drawCurves();
    if (tableVisible) { drawTable(); }
    if (!s.inspection && point) { clearPoint(); }
    if (s.inspection && !point && !restoring) {  // a reopened page: show the point it was showing
      restoring = true;
      fetch("api/point").then(function (r) { return r.json(); }).then(function (p) {
        restoring = false;
        if (p.svg) { showPoint(p); }
      }).catch(function () { restoring = false; });
    }
  }

  function showNetwork(msg) {
    $("network").innerHTML = msg.svg.replace(/^[\s\S]*?(?=<svg\b)/, "");  // drop the XML prologue
    $("network-step").textContent = String(msg.step);
    $("network").dataset.step = String(msg.step);
  }

  // -- the graph of one point ------------------------------------------------------------------
  function showPoint(p) {
    point = p;
    $("point-graph").innerHTML = p.svg.replace(/^[\s\S]*?(?=<svg\b)/, "");
    var svg = $("point-graph").querySelector("svg");
    if (svg && !$("actual-size").checked) {  // fit the box (the viewBox stays)
      svg.removeAttribute("width"); svg.removeAttribute("height");
    }
    $("point-title").textContent = "(" + (p.split === "train" ? "training" : "validation") + " point " + p.index +
      " at (" + p.x[0].toFixed(2) + ", " + p.x[1].toFixed(2) + "), class " + p.label + ": L = " + p.loss.toFixed(6) + ")";
    $("point-counter").textContent = "backward step " + p.position + " / " + p.total;
    $("sentence").textContent = p.position === 0 ? "Before backward: press next to push the blame down one node."
      : p.sentences[p.position - 1];
    $("point-first").disabled = $("point-prev").disabled = p.position === 0;
    $("point-next").disabled = $("point-last").disabled = p.position === p.total;
    $("collapse").value = p.collapse;
    $("point-graph").dataset.position = String(p.position);
    $("point-graph").dataset.collapse = p.collapse;
  }

  function clearPoint() {
    point = null;
    $("point-graph").innerHTML = "";
    $("sentence").textContent = "";
    $("point-title").textContent = "(click a data point)";
    $("point-counter").textContent = "";
    ["point-first", "point-prev", "point-next", "point-last"].forEach(function (id) { $(id).disabled = true; });
  }

  function goto(position) {
    if (!point) { return; }
    api("inspect/goto", { position: Math.max(0, Math.min(point.total, position)) }).then(showPoint);
  }

  // -- the data canvases: add, remove, inspect -------------------------------------------------
  function nearest(canvas, split, px, py, within) {
    var best = -1, bestD = within * within, pts = state[split].points;
    for (var k = 0; k < pts.length; k++) {
      var p = toPixel(canvas, pts[k][0], pts[k][1]);
      var d = (p[0] - px) * (p[0] - px) + (p[1] - py) * (p[1] - py);
      if (d <= bestD) { best = k; bestD = d; }
    }
    return best;
  }

  function onCanvas(canvas, split, event, remove) {
    if (!state) { return; }
    var rect = canvas.getBoundingClientRect();
    var px = (event.clientX - rect.left) * canvas.width / rect.width;
    var py = (event.clientY - rect.top) * canvas.height / rect.height;
    var hit = nearest(canvas, split, px, py, 7);
    if (remove) {
      if (hit >= 0) { api("points/remove", { split: split, index: hit }); }
      return;
    }
    if (hit >= 0) {
      api("inspect", { split: split, index: hit, collapse: $("collapse").value }).then(showPoint);
    } else if (split === "train") {
      var d = toData(canvas, px, py);
      api("points/add", { x: d[0], y: d[1], label: label });
    }
  }

  [["data", "train"], ["val", "val"]].forEach(function (pair) {
    var canvas = $(pair[0]);
    canvas.addEventListener("click", function (e) { onCanvas(canvas, pair[1], e, e.shiftKey); });
    canvas.addEventListener("contextmenu", function (e) { e.preventDefault(); onCanvas(canvas, pair[1], e, true); });
  });

  // -- the controls ------------------------------------------------------------------------------
  function setPlaying(on) {
    $("play").className = on ? "on" : "";
    $("play").innerHTML = on ? "&#10074;&#10074; pause" : "&#9654; play";
    $("play").dataset.playing = on ? "1" : "0";
  }

  $("play").addEventListener("click", function () {
    var on = $("play").dataset.playing !== "1";
    api("play", { playing: on }).then(function (r) { setPlaying(r.playing); });
  });
  $("step").addEventListener("click", function () { api("step", { steps: 1 }); });
  $("reset").addEventListener("click", function () { api("reset", {}); });
  $("actual-size").addEventListener("change", function () {
    $("point-graph").className = "svg-box" + ($("actual-size").checked ? " actual" : "");
    if (point) { showPoint(point); }
  });
  $("zero-lines").addEventListener("change", function () { if (state) { drawData(); } });

  document.querySelectorAll("[data-setting]").forEach(function (el) {
    el.addEventListener("change", function () {
      var key = el.dataset.setting, v = el.value.trim(), body = {};
      if (key === "hidden") {
        body[key] = v === "" ? [] : v.split(",").map(function (s) { return Number(s.trim()); });
      } else if (el.type === "number") {
        body[key] = v === "" ? null : Number(v);
      } else {
        body[key] = v;
      }
      api("config", body).catch(function () { show(state); });  // refused: the old value comes back
    });
  });

  $("point-first").addEventListener("click", function () { goto(0); });
  $("point-prev").addEventListener("click", function () { goto(point.position - 1); });
  $("point-next").addEventListener("click", function () { goto(point.position + 1); });
  $("point-last").addEventListener("click", function () { goto(point.total); });
  $("collapse").addEventListener("change", function () {
    if (point) { api("inspect/goto", { collapse: $("collapse").value }).then(showPoint); }
  });
  document.addEventListener("keydown", function (e) {
    if (!point || e.target.tagName === "INPUT" || e.target.tagName === "SELECT") { return; }
    if (e.key === "ArrowRight") { goto(point.position + 1); }
    if (e.key === "ArrowLeft") { goto(point.position - 1); }
  });
  // A collapsed box in the point's graph (a neuron or a layer): click it to draw every node.
  $("point-graph").addEventListener("click", function (e) {
    var node = e.target.closest && e.target.closest("g.node");
    var title = node && node.querySelector("title");
    if (point && title && /^g\d+$/.test(title.textContent)) {
      api("inspect/goto", { collapse: point.collapse === "layer" ? "neuron" : "none" }).then(showPoint);
    }
  });

  $("load-model").addEventListener("change", function () {
    var file = $("load-model").files[0];
    if (!file) { return; }
    file.text().then(function (text) {
      return api("model", { model: text });
    }).then(function () { say("model loaded", true); $("load-model").value = ""; });
  });

  // The table is drawn only while it is on screen (337 rows per step cost the browser more than the rest).
  if (window.IntersectionObserver) {
    new IntersectionObserver(function (entries) {
      tableVisible = entries[entries.length - 1].isIntersecting;
      if (tableVisible && state) { drawTable(); }
    }).observe($("params-panel"));
  }

  window.explorer = { get state() { return state; }, get point() { return point; } };  // for tests and the console
  connect();
})();
