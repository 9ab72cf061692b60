/* govreport web form: posts the form to the server as the clerk types and shows the server's findings on the
   cells and paragraphs they concern. No rule is computed here: the server runs the same rule table as
   `govreport check`. Here: number entry (full-width digits, leading zeros), moving and pasting as in a spreadsheet,
   the draft kept in this browser until saved, the choice when a save meets a newer file, help on focus.
   Plain JavaScript, no build step, no network beyond this server. */
(function () {
  "use strict";
  var form = document.getElementById("report");
  if (!form) return;
  var checkUrl = form.dataset.check, saveUrl = form.dataset.save, currentUrl = form.dataset.current;
  var name = form.dataset.name;
  var $ = function (id) { return document.getElementById(id); };
  var status = $("save-status"), live = $("live"), problem = $("problem");
  var counts = $("summary-counts"), list = $("summary-list"), details = $("details-list");
  var draftBadge = $("draft-badge"), tip = $("tip"), bar = document.querySelector(".bar");
  var helps = JSON.parse(($("helps") || { textContent: "{}" }).textContent);
  var nodes = new Map(), outputs = new Map(), sections = new Map(), byKey = new Map();
  document.querySelectorAll("[data-key]").forEach(function (el) { nodes.set(el.dataset.key, el); });
  document.querySelectorAll("output[data-total]").forEach(function (el) { outputs.set(el.dataset.total, el); });
  document.querySelectorAll("ul.section-findings").forEach(function (el) { sections.set(el.dataset.section, el); });
  var timer = null, draftTimer = null, sent = 0, shown = 0, dirty = false, last = null, undo = [], edits = 0;
  // the page's version is the one the server rendered, whatever a restored form state says
  form.elements["_base"].value = form.dataset.base;

  // --- saying what happens: one live region; failures red until the next success -------------------------
  function say(text, kind) {
    status.textContent = text;
    status.className = kind || "";
    if (text) live.textContent = text;
  }
  function fail(text) {
    problem.textContent = text;
    problem.hidden = false;
    say(text, "error");
    counts.textContent = "未能核对";
    counts.className = "error";
  }
  function recovered() { problem.hidden = true; problem.textContent = ""; }

  // --- number entry ---------------------------------------------------------------------------------------
  var WIDE = /[\uff10-\uff19\uff0b\uff0d\uff0e\u3000]/g;
  function narrow(text) {
    return text.replace(WIDE, function (c) {
      return c === "\u3000" ? " " : String.fromCharCode(c.charCodeAt(0) - 0xfee0);
    });
  }
  function plainNumber(text) {
    var out = narrow(text).trim();
    if (/^\d{1,3}(,\d{3})+(\.\d+)?$/.test(out)) out = out.replace(/,/g, "");  // 1,234 as Excel shows it
    var m = /^([+-]?)0+(\d)/.exec(out);  // leading zeros: 08 → 8, 007 → 7, 0.5 stays
    if (m) out = m[1] + out.slice(m[0].length - 1);
    return out;
  }
  function normalise(input) {
    var before = input.value, after = plainNumber(before);
    if (after !== before) {
      var atEnd = input.selectionStart === before.length;
      input.value = after;
      if (atEnd) input.setSelectionRange(after.length, after.length);
    }
  }
  form.addEventListener("compositionend", function (e) {
    if (e.target.matches("[data-number]")) { normalise(e.target); changed(); }
  });
  // a click or focus on a cell selects what it holds: typing replaces the 0 instead of appending to it
  var justFocused = null;
  form.addEventListener("focusin", function (e) {
    var el = e.target;
    if (el.matches("[data-number]")) { el.select(); justFocused = el; }
    clearOfBar(el);
    showTip(el);
  });
  form.addEventListener("mouseup", function (e) {
    if (e.target === justFocused) { e.preventDefault(); }
    justFocused = null;
  });
  form.addEventListener("focusout", function () { setTimeout(function () { showTip(document.activeElement); }, 0); });

  // --- help and messages beside the focused field ---------------------------------------------------------
  function keyOf(el) { var box = el && el.closest && el.closest("[data-key]"); return box ? box.dataset.key : null; }
  function showTip(el) {
    var key = keyOf(el);
    if (!key || !form.contains(el) || !el.matches("input, textarea, select")) { tip.hidden = true; return; }
    var box = nodes.get(key), msg = box.querySelector(".msg");
    tip.textContent = "";
    var label = el.getAttribute("aria-label") || (box.querySelector("label") || {}).textContent || "";
    if (label && el.matches("[data-grid]")) { var h = document.createElement("strong"); h.textContent = label; tip.appendChild(h); }
    if (msg && msg.textContent) {
      Array.prototype.forEach.call(msg.children, function (line) {
        var p = document.createElement("p");
        p.className = line.className;
        p.textContent = line.textContent;
        tip.appendChild(p);
      });
    }
    if (helps[key]) { var p = document.createElement("p"); p.className = "help"; p.textContent = helps[key]; tip.appendChild(p); }
    if (!tip.firstChild || (!el.matches("[data-grid]") && !helps[key] && !(msg && msg.textContent))) { tip.hidden = true; return; }
    if (!el.matches("[data-grid]") && !(msg && msg.textContent) && el.tagName === "TEXTAREA") { tip.hidden = false; }
    tip.hidden = false;
    var r = el.getBoundingClientRect(), width = Math.min(360, document.documentElement.clientWidth - 16);
    tip.style.width = width + "px";
    var left = Math.max(8, Math.min(r.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - width - 8));
    tip.style.left = left + "px";
    tip.style.top = (r.bottom + window.scrollY + 4) + "px";
  }

  // --- findings on their cells ----------------------------------------------------------------------------
  function focusTarget(key) {
    var el = nodes.get(key);
    if (!el) return;
    var control = el.querySelector("input, textarea, select") || el;
    control.focus();
    el.scrollIntoView({ block: "center" });
  }
  function item(f, text) {
    var li = document.createElement("li");
    li.className = f.severity;
    if (f.targets.length) {
      var a = document.createElement("a");
      a.href = "#";
      a.textContent = text;
      a.addEventListener("click", function (e) { e.preventDefault(); focusTarget(f.targets[0]); });
      li.appendChild(a);
    } else {
      li.textContent = text;
    }
    return li;
  }
  function apply(data) {
    last = data;
    nodes.forEach(function (el) {
      el.classList.remove("bad", "warn");
      var msg = el.querySelector(".msg");
      if (msg) msg.textContent = "";
      el.querySelectorAll("input, textarea, select").forEach(function (c) { c.removeAttribute("aria-invalid"); });
    });
    sections.forEach(function (ul) { ul.textContent = ""; });
    list.textContent = "";
    if (details) details.textContent = "";
    var perSection = {};
    data.findings.forEach(function (f) {
      list.appendChild(item(f, f.plain));
      if (details) { var li = document.createElement("li"); li.className = f.severity; li.textContent = f.text; details.appendChild(li); }
      var placed = false, section = f.section;
      f.targets.forEach(function (key) {
        var el = nodes.get(key);
        if (!el) return;
        placed = true;
        var s = el.closest("section");
        if (s) section = s.id.replace("sec-", "");
        if (!el.classList.contains("bad")) el.classList.add(f.severity === "error" ? "bad" : "warn");
        if (f.severity === "error") el.classList.remove("warn");
        var msg = el.querySelector(".msg");
        if (msg) {
          var line = document.createElement("div");
          line.className = f.severity;
          line.textContent = (f.severity === "error" ? "错误：" : "警告：") + f.message;
          msg.appendChild(line);
        }
        if (f.severity === "error") {
          el.querySelectorAll("input, textarea, select").forEach(function (c) { c.setAttribute("aria-invalid", "true"); });
        }
      });
      if (f.severity === "error") perSection[section] = (perSection[section] || 0) + 1;
      if (!placed) {
        var ul = sections.get(f.section) || sections.get("general");
        if (ul) ul.appendChild(item(f, f.plain));
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
    if (data.formats) formatChoice(data.formats);
    completeness(perSection);
    if (bar) barHeight();
    showTip(document.activeElement);
  }

  // --- how complete each part is --------------------------------------------------------------------------
  var REQUIRED_TEXT = /^text\.(overview|problems|other)/;
  function completeness(errors) {
    document.querySelectorAll("section[id^=sec-]").forEach(function (sec) {
      var part = sec.id.replace("sec-", ""), empty = 0;
      sec.querySelectorAll("input[data-grid], input[data-number]:not(.given), textarea").forEach(function (c) {
        if (c.tagName === "TEXTAREA" && !REQUIRED_TEXT.test(c.name)) return;
        if (!c.value.trim()) empty++;
      });
      var text, kind;
      if (errors[part]) { text = "错误 " + errors[part]; kind = "error"; }
      else if (empty) { text = "待填 " + empty; kind = "todo"; }
      else { text = "已完成"; kind = "done"; }
      document.querySelectorAll('[data-state="' + part + '"]').forEach(function (el) {
        el.textContent = text;
        el.className = "state " + kind;
      });
    });
  }

  // --- talking to the server ------------------------------------------------------------------------------
  function payload() { return new URLSearchParams(new FormData(form)); }
  function post(url) {
    return fetch(url, {
      method: "POST",
      body: payload(),
      headers: { "Accept": "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().catch(function () { return { error: "填报程序的回答无法识别（" + response.status + "）" }; })
        .then(function (data) { return { ok: response.ok, status: response.status, data: data }; });
    });
  }
  var OFFLINE = "无法连接填报程序：请确认填报程序的窗口仍开着（关掉了就重新启动它）。您的改动已暂存在本浏览器中，不会丢失";
  function check() {
    var mine = ++sent;
    post(checkUrl).then(function (r) {
      if (mine < shown) return;
      shown = mine;
      if (!r.ok) { fail("未能核对：" + (r.data.error || "填报程序出错")); return; }
      recovered();
      apply(r.data);
      if (dirty && status.className === "error") say("未保存");
    }).catch(function () { fail(OFFLINE); });
  }
  function save() {
    clearTimeout(timer);
    say("正在保存…");
    var mine = ++sent, at = edits;  // what the clerk typed after this point is not in this save
    return post(saveUrl).then(function (r) {
      if (r.status === 409) { conflict(); fail("没有保存：这份报告已被别人（或另一个窗口）保存过，请在下面选择保留哪一份"); return false; }
      if (!r.ok) { fail("没有保存：" + (r.data.error || "填报程序出错")); return false; }
      recovered();
      if (mine >= shown) { shown = mine; apply(r.data); }
      form.elements["_base"].value = r.data.base;
      form.dataset.base = r.data.base;
      if (edits === at) {  // nothing typed meanwhile: no draft is left to keep (nor one about to be written)
        dirty = false;
        clearTimeout(draftTimer);
        dropDraft();
      } else {
        keepDraft();  // typed during the save: still unsaved, kept with the new version
      }
      $("conflict").hidden = true;
      if (edits !== at) say("已保存；保存时又改动的内容尚未保存", "warning");
      else say(r.data.draft ? "已保存为草稿（尚有 " + r.data.errors + " 个错误，改正后才能生成报告）" : "已保存", r.data.draft ? "warning" : "ok");
      var frame = $("preview");
      if (frame && frame.contentWindow) frame.src = frame.src.split("#")[0];
      return true;
    }).catch(function () { fail("没有保存：" + OFFLINE); return false; });
  }

  // --- the draft, kept in this browser as the clerk types, until saved ------------------------------------
  var DRAFT = "govreport-draft:" + name;
  function fieldsNow() {
    var out = {};
    new FormData(form).forEach(function (v, k) { out[k] = v; });
    return out;
  }
  function keepDraft() {
    try {
      localStorage.setItem(DRAFT, JSON.stringify({ base: form.elements["_base"].value, time: Date.now(), fields: fieldsNow() }));
    } catch (e) { /* storage full or off: the open page still holds the values */ }
  }
  function dropDraft() { try { localStorage.removeItem(DRAFT); } catch (e) { /* nothing kept */ } }
  function storedDraft() {
    try { var d = JSON.parse(localStorage.getItem(DRAFT) || "null"); return d && d.fields ? d : null; } catch (e) { return null; }
  }
  function differs(fields) {
    return Object.keys(fields).some(function (k) {
      if (k.charAt(0) === "_" || k === "format") return false;
      var c = form.elements[k];
      return c && c.value !== undefined && c.value !== fields[k];
    });
  }
  function offerDraft() {
    var d = storedDraft();
    if (!d) return;
    if (!differs(d.fields)) { dropDraft(); return; }
    $("draft-time").textContent = new Date(d.time).toLocaleString("zh-CN");
    $("draft-note").textContent = d.base !== form.dataset.base ? "此后文件又被保存过；恢复后保存时，会请您选择保留哪一份。" : "";
    $("draft-offer").hidden = false;
    $("draft-restore").onclick = function () {
      Object.keys(d.fields).forEach(function (k) {
        if (k.charAt(0) === "_" || k === "format") return;
        var c = form.elements[k];
        if (c && c.value !== undefined) c.value = d.fields[k];
      });
      form.elements["_base"].value = d.base;
      $("draft-offer").hidden = true;
      dirty = true;
      say("已恢复未保存的草稿（尚未保存）", "warning");
      check();
    };
    $("draft-discard").onclick = function () { dropDraft(); $("draft-offer").hidden = true; say(""); };
  }

  // --- a save that meets a newer file: keep mine, take theirs, or compare ---------------------------------
  function conflict() {
    var box = $("conflict");
    box.hidden = false;
    $("compare-result").textContent = "";
    box.scrollIntoView({ block: "nearest" });
  }
  function current() {
    return fetch(currentUrl, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.json().then(function (d) { if (!r.ok) throw new Error(d.error || "无法读取文件"); return d; }); });
  }
  function labelOf(key) {
    var c = form.elements[key], box = nodes.get(key);
    if (c && c.getAttribute && c.getAttribute("aria-label")) return c.getAttribute("aria-label");
    var l = box && box.querySelector("label");
    return l ? l.textContent : key;
  }
  $("keep-mine").addEventListener("click", function () {
    current().then(function (d) { form.elements["_base"].value = d.base; return save(); })
      .catch(function (e) { fail("没有保存：" + e.message); });
  });
  $("take-theirs").addEventListener("click", function () {
    clearTimeout(timer); clearTimeout(draftTimer);  // no draft written after this: the file's version is taken
    dropDraft(); dirty = false; delete form.dataset.ready; window.location.reload();
  });
  $("compare").addEventListener("click", function () {
    current().then(function (d) {
      var mine = fieldsNow(), rows = [];
      Object.keys(mine).forEach(function (k) {
        if (k.charAt(0) === "_" || k === "format") return;
        var theirs = d.values[k] === undefined ? "" : d.values[k];
        if (theirs !== mine[k]) rows.push([labelOf(k), mine[k], theirs]);
      });
      var out = $("compare-result");
      out.textContent = "";
      if (!rows.length) { out.textContent = "两份内容相同：可以放心选择“保留我的”。"; return; }
      var table = document.createElement("table");
      table.className = "compare";
      var head = table.insertRow();
      ["项目", "我的", "文件中的"].forEach(function (t) { var th = document.createElement("th"); th.textContent = t; head.appendChild(th); });
      rows.forEach(function (row) {
        var tr = table.insertRow();
        row.forEach(function (t) { tr.insertCell().textContent = t; });
      });
      out.appendChild(table);
    }).catch(function (e) { fail("无法比较：" + e.message); });
  });

  // --- switching the format (where the year allows it) or the shape of part 一 --------------------------------
  // The server says what the switch carries, moves and cannot carry; nothing is switched before the clerk has read
  // it and confirmed. The switch is saved at once (as a save is) and the page opened again in the new shape.
  var switchBox = $("switch-box"), switchTarget = null, formatSelect = $("switch-format");
  function formatChoice(choice) {
    if (!formatSelect) return;
    formatSelect.disabled = !!choice.fixed;
    Array.prototype.forEach.call(formatSelect.options, function (o) {
      o.disabled = o.value !== form.elements["format"].value && choice.allowed.indexOf(o.value) < 0;
    });
    $("switch-format-why").textContent = choice.reason;
  }
  function resetSwitch() {
    document.querySelectorAll("select[data-switch]").forEach(function (s) { s.value = s.dataset.value; });
    switchBox.hidden = true;
    switchTarget = null;
  }
  function switchUrl(target, confirmed) {
    var q = new URLSearchParams(target);
    if (confirmed) q.set("confirm", "1");
    return form.dataset.switch + "?" + q.toString();
  }
  function para(text, cls) { var p = document.createElement("p"); p.textContent = text; if (cls) p.className = cls; return p; }
  function bullets(items) {
    var ul = document.createElement("ul");
    items.forEach(function (t) { var li = document.createElement("li"); li.textContent = t; ul.appendChild(li); });
    return ul;
  }
  function showSwitch(data) {
    var body = $("switch-body");
    body.textContent = "";
    $("switch-title").textContent = "";
    var strong = document.createElement("strong");
    strong.textContent = data.title + "？";
    $("switch-title").appendChild(strong);
    if (data.dropped.length) {
      body.appendChild(para("以下 " + data.dropped.length + " 项在新格式中没有对应的位置，不能带过：切换后它们不在报告中，" +
        "但会列在本页上方并留在文件里作记录，改回原来的格式时自动恢复。", "lost"));
      body.appendChild(bullets(data.dropped.map(function (d) { return d.label + "：" + d.value; })));
    } else {
      body.appendChild(para("已填写的内容都能带过，没有丢失的。"));
    }
    if (data.moved.length) { body.appendChild(para("请核对：")); body.appendChild(bullets(data.moved)); }
    if (data.restored.length) {
      body.appendChild(para("上次切换时留作记录的 " + data.restored.length + " 项数值将放回原处："));
      body.appendChild(bullets(data.restored.map(function (d) { return d.label + "：" + d.value; })));
    }
    if (data.added.length) { body.appendChild(para("新格式中新增的栏目：")); body.appendChild(bullets(data.added)); }
    body.appendChild(para("两种写法共有的其余内容（" + data.carried + " 项）原样带过。切换后立即保存（有错误则保存为草稿）。"));
    switchBox.hidden = false;
    switchBox.scrollIntoView({ block: "nearest" });
    $("switch-confirm").focus();
    say("切换前请阅读提示", "warning");
  }
  document.querySelectorAll("select[data-switch]").forEach(function (sel) {
    sel.dataset.value = sel.value;
    sel.addEventListener("change", function () {
      var target = {};
      target[sel.dataset.switch] = sel.value;
      say("正在准备切换…");
      post(switchUrl(target)).then(function (r) {
        if (!r.ok) { resetSwitch(); fail("不能切换：" + (r.data.error || "填报程序出错")); return; }
        switchTarget = target;
        showSwitch(r.data);
      }).catch(function () { resetSwitch(); fail("不能切换：" + OFFLINE); });
    });
  });
  $("switch-cancel").addEventListener("click", function () { resetSwitch(); say("没有切换"); });
  $("switch-confirm").addEventListener("click", function () {
    if (!switchTarget) return;
    clearTimeout(timer);
    say("正在切换并保存…");
    post(switchUrl(switchTarget, true)).then(function (r) {
      if (r.status === 409) {
        resetSwitch(); conflict();
        fail("没有切换：这份报告已被别人（或另一个窗口）保存过，请在下面选择保留哪一份，再切换");
        return;
      }
      if (!r.ok) { resetSwitch(); fail("没有切换：" + (r.data.error || "填报程序出错")); return; }
      dirty = false;
      clearTimeout(draftTimer);
      dropDraft();
      delete form.dataset.ready;
      window.location.replace(window.location.pathname + "?switched=1");
    }).catch(function () { resetSwitch(); fail("没有切换：" + OFFLINE); });
  });

  // --- typing, moving and pasting as in a spreadsheet -----------------------------------------------------
  function changed() {
    dirty = true;
    edits++;
    say("未保存");
    clearTimeout(timer);
    timer = setTimeout(check, 300);
    clearTimeout(draftTimer);
    draftTimer = setTimeout(keepDraft, 200);
  }
  form.addEventListener("input", function (e) {
    if (!e.target.name) return;  // the switches of format and shape are not fields of the report
    if (e.target.matches("[data-number]") && !e.isComposing) normalise(e.target);
    changed();
  });
  function cells(table) { return Array.prototype.slice.call(table.querySelectorAll("input[data-grid]")); }
  function neighbour(el, dir) {
    var table = el.closest("table");
    if (!table) return null;
    var a = el.getBoundingClientRect(), ax = (a.left + a.right) / 2, ay = (a.top + a.bottom) / 2, best = null, score = Infinity;
    cells(table).forEach(function (c) {
      if (c === el) return;
      var b = c.getBoundingClientRect(), bx = (b.left + b.right) / 2, by = (b.top + b.bottom) / 2, s;
      var sameCol = b.left < a.right - 1 && b.right > a.left + 1, sameRow = b.top < a.bottom - 1 && b.bottom > a.top + 1;
      if (dir === "down" && by > ay + 1) s = (by - ay) + (sameCol ? 0 : 10000 + Math.abs(bx - ax));
      else if (dir === "up" && by < ay - 1) s = (ay - by) + (sameCol ? 0 : 10000 + Math.abs(bx - ax));
      else if (dir === "right" && sameRow && bx > ax + 1) s = bx - ax;
      else if (dir === "left" && sameRow && bx < ax - 1) s = ax - bx;
      else return;
      if (s < score) { score = s; best = c; }
    });
    return best;
  }
  function move(el, dir) {
    var next = neighbour(el, dir);
    if (next) { next.focus(); next.select(); }
    return !!next;
  }
  function nextField(el, back) {
    var all = Array.prototype.slice.call(form.querySelectorAll("input:not([type=hidden]), select, textarea"));
    var i = all.indexOf(el) + (back ? -1 : 1);
    if (all[i]) all[i].focus();
  }
  form.addEventListener("keydown", function (e) {
    var el = e.target;
    if (e.key === "Enter" && el.tagName === "INPUT" && !e.isComposing) {
      e.preventDefault();  // Enter never submits the form
      if (!(el.matches("[data-grid]") && move(el, e.shiftKey ? "up" : "down"))) nextField(el, e.shiftKey);
      return;
    }
    if (!el.matches("[data-grid]") || e.isComposing || e.altKey || e.ctrlKey || e.metaKey) return;
    var whole = el.selectionStart === 0 && el.selectionEnd === el.value.length;
    if (e.key === "ArrowDown" && move(el, "down")) e.preventDefault();
    else if (e.key === "ArrowUp" && move(el, "up")) e.preventDefault();
    else if (e.key === "ArrowRight" && (whole || el.selectionStart === el.value.length) && move(el, "right")) e.preventDefault();
    else if (e.key === "ArrowLeft" && (whole || el.selectionEnd === 0) && move(el, "left")) e.preventDefault();
  });
  form.addEventListener("paste", function (e) {
    var el = e.target;
    if (!el.matches("[data-grid]")) return;
    var text = (e.clipboardData || window.clipboardData).getData("text");
    if (!/[\t\n]/.test(text.replace(/[\r\n]+$/, ""))) return;  // one value: pasted as usual
    e.preventDefault();
    var rows = text.replace(/\r\n?/g, "\n").replace(/\n+$/, "").split("\n").map(function (r) { return r.split("\t"); });
    var changes = [], lost = 0, start = el;
    rows.forEach(function (row, r) {
      if (r > 0) start = start && neighbour(start, "down");
      var cell = start;
      row.forEach(function (value, c) {
        if (c > 0) cell = cell && neighbour(cell, "right");
        if (!cell) { lost++; return; }
        changes.push([cell, cell.value]);
        cell.value = plainNumber(value);
      });
    });
    undo.push(changes);
    var width = Math.max.apply(null, rows.map(function (r) { return r.length; }));
    changed();
    say("已粘贴 " + rows.length + " 行 × " + width + " 列" + (lost ? "（有 " + lost + " 个数超出表格，未粘贴）" : "") + "；按 Ctrl+Z 撤销", lost ? "warning" : "");
  });
  document.addEventListener("keydown", function (e) {
    if ((e.ctrlKey || e.metaKey) && (e.key === "s" || e.key === "S")) { e.preventDefault(); save(); return; }
    if ((e.ctrlKey || e.metaKey) && !e.shiftKey && (e.key === "z" || e.key === "Z") && undo.length &&
        !(e.target.tagName === "TEXTAREA")) {
      e.preventDefault();
      undo.pop().reverse().forEach(function (pair) { pair[0].value = pair[1]; });
      changed();
      say("已撤销粘贴");
    }
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); save(); });
  document.querySelectorAll("a[data-download]").forEach(function (a) {
    a.addEventListener("click", function (e) {
      if (!dirty) return;
      e.preventDefault();
      save().then(function (ok) { if (ok) window.location.href = a.href; });
    });
  });
  var printButton = $("print");
  if (printButton) printButton.addEventListener("click", function () {
    var frame = $("preview");
    if (frame && frame.contentWindow) { frame.contentWindow.focus(); frame.contentWindow.print(); }
  });
  window.addEventListener("pagehide", function () { if (dirty) keepDraft(); });
  window.addEventListener("beforeunload", function (e) {
    if (dirty) { keepDraft(); e.preventDefault(); e.returnValue = ""; }
  });
  // a page shown again from the browser's history: fetch it anew, with the file's version as it is now
  window.addEventListener("pageshow", function (e) {
    // (the old page is marked not ready at once, so nothing is typed into it while the new one loads)
    if (e.persisted) { if (dirty) keepDraft(); delete form.dataset.ready; window.location.reload(); }
  });

  // the sticky bar must not cover the focused cell: scrolling keeps clear of its height
  function barHeight() {
    var sticky = getComputedStyle(bar).position === "sticky";
    document.documentElement.style.scrollPaddingTop = (sticky ? bar.offsetHeight + 8 : 0) + "px";
  }
  function clearOfBar(el) {
    if (getComputedStyle(bar).position !== "sticky") return;
    var r = el.getBoundingClientRect(), top = bar.getBoundingClientRect().bottom + 4;
    if (r.top < top) window.scrollBy(0, r.top - top);
    else if (r.bottom > window.innerHeight) window.scrollBy(0, r.bottom - window.innerHeight + 8);
  }
  window.addEventListener("resize", barHeight);
  barHeight();

  var initial = $("initial");
  if (initial) apply(JSON.parse(initial.textContent));
  offerDraft();
  form.dataset.ready = "1";
})();
