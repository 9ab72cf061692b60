/* govreport web form: posts the form to the server as the user types and shows the server's findings on the
   cells and paragraphs they concern. No rule is computed here: the server runs the same rule table as
   `govreport check`. Plain JavaScript, no build step, no network beyond this server. */
(function () {
  "use strict";
  var form = document.getElementById("report");
  if (!form) return;
  var checkUrl = form.dataset.check, saveUrl = form.dataset.save;
  var status = document.getElementById("save-status");
  var counts = document.getElementById("summary-counts");
  var list = document.getElementById("summary-list");
  var draftBadge = document.getElementById("draft-badge");
  var nodes = new Map(), outputs = new Map(), sections = new Map();
  document.querySelectorAll("[data-key]").forEach(function (el) { nodes.set(el.dataset.key, el); });
  document.querySelectorAll("output[data-total]").forEach(function (el) { outputs.set(el.dataset.total, el); });
  document.querySelectorAll("ul.section-findings").forEach(function (el) { sections.set(el.dataset.section, el); });
  var timer = null, sent = 0, shown = 0, dirty = false;

  function say(text) { status.textContent = text; }
  function payload() { return new URLSearchParams(new FormData(form)); }

  function focusTarget(key) {
    var el = nodes.get(key);
    if (!el) return;
    var control = el.querySelector("input, textarea, select") || el;
    el.scrollIntoView({ block: "center" });
    if (control.focus) control.focus();
  }

  function item(f) {
    var li = document.createElement("li");
    li.className = f.severity;
    if (f.targets.length) {
      var a = document.createElement("a");
      a.href = "#";
      a.textContent = f.text;
      a.addEventListener("click", function (e) { e.preventDefault(); focusTarget(f.targets[0]); });
      li.appendChild(a);
    } else {
      li.textContent = f.text;
    }
    return li;
  }

  function apply(data) {
    nodes.forEach(function (el) {
      el.classList.remove("bad", "warn");
      var msg = el.querySelector(".msg");
      if (msg) msg.textContent = "";
      el.querySelectorAll("input, textarea, select").forEach(function (c) { c.removeAttribute("aria-invalid"); });
    });
    sections.forEach(function (ul) { ul.textContent = ""; });
    list.textContent = "";
    data.findings.forEach(function (f) {
      list.appendChild(item(f));
      var placed = false;
      f.targets.forEach(function (key) {
        var el = nodes.get(key);
        if (!el) return;
        placed = true;
        el.classList.add(f.severity === "error" ? "bad" : "warn");
        var msg = el.querySelector(".msg");
        if (msg) {
          var line = document.createElement("div");
          line.textContent = "[" + f.rule + "] " + f.message;
          msg.appendChild(line);
        }
        if (f.severity === "error") {
          el.querySelectorAll("input, textarea, select").forEach(function (c) { c.setAttribute("aria-invalid", "true"); });
        }
      });
      if (!placed) {
        var ul = sections.get(f.section) || sections.get("general");
        if (ul) ul.appendChild(item(f));
      }
    });
    Object.keys(data.totals).forEach(function (key) {
      var out = outputs.get(key);
      if (out) out.textContent = data.totals[key];
    });
    var text = data.errors ? "错误 " + data.errors + " 条" : "";
    if (data.warnings) text += (text ? "，" : "") + "警告 " + data.warnings + " 条";
    counts.textContent = text || "全部通过";
    counts.className = data.errors ? "error" : data.warnings ? "warning" : "clean";
    if (draftBadge) draftBadge.hidden = !data.draft;
  }

  function post(url) {
    return fetch(url, {
      method: "POST",
      body: payload(),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    });
  }

  function check() {
    var mine = ++sent;
    post(checkUrl).then(function (r) {
      if (mine < shown) return;
      shown = mine;
      if (!r.ok) { say(r.data.error || "核对失败"); return; }
      apply(r.data);
    }).catch(function () { say("无法连接本机服务，请确认 govreport serve 仍在运行"); });
  }

  function save() {
    clearTimeout(timer);
    say("正在保存…");
    var mine = ++sent;
    return post(saveUrl).then(function (r) {
      if (!r.ok) { say(r.data.error || "保存失败"); return false; }
      if (mine >= shown) { shown = mine; apply(r.data); }
      form.elements["_base"].value = r.data.base;
      dirty = false;
      say(r.data.draft ? "已保存为草稿（尚有 " + r.data.errors + " 个错误，改正后才能生成报告）" : "已保存");
      return true;
    }).catch(function () { say("无法连接本机服务，未保存"); return false; });
  }

  form.addEventListener("input", function () {
    dirty = true;
    say("未保存");
    clearTimeout(timer);
    timer = setTimeout(check, 300);
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); save(); });
  document.addEventListener("keydown", function (e) {
    if ((e.ctrlKey || e.metaKey) && (e.key === "s" || e.key === "S")) { e.preventDefault(); save(); }
  });
  document.querySelectorAll("a[data-download]").forEach(function (a) {
    a.addEventListener("click", function (e) {
      if (!dirty) return;
      e.preventDefault();
      save().then(function (ok) { if (ok) window.location.href = a.href; });
    });
  });
  window.addEventListener("beforeunload", function (e) {
    if (dirty) { e.preventDefault(); e.returnValue = ""; }
  });

  var initial = document.getElementById("initial");
  if (initial) apply(JSON.parse(initial.textContent));
  form.dataset.ready = "1";
})();
