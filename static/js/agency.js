// Agency page: show the fields of the chosen mode, submit the batch without leaving the page,
// then poll GET /api/batches/{id} and show each group's outcome, the trip links and the ZIP.
// Without JavaScript the form posts normally and the page shows the batch (reload to update).
(function () {
  "use strict";
  var form = document.getElementById("agency-form");
  if (!form) return;
  var lang = form.dataset.lang || "zh";
  var text = JSON.parse(document.getElementById("agency-i18n").textContent);
  var section = document.getElementById("batch");
  var button = document.getElementById("generate-button");

  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k] !== undefined ? values[k] : ""; });
  }

  // -- mode --------------------------------------------------------------------------------------
  function syncMode() {
    var mode = form.querySelector("input[name=mode]:checked").value;
    form.querySelectorAll(".mode-block").forEach(function (b) { b.hidden = b.dataset.mode !== mode; });
    form.querySelectorAll(".not-csv").forEach(function (b) { b.hidden = mode === "csv"; });
    document.getElementById("file").required = mode === "csv";
  }
  form.querySelectorAll("input[name=mode]").forEach(function (r) { r.addEventListener("change", syncMode); });
  syncMode();

  // -- errors ------------------------------------------------------------------------------------
  function clearErrors() {
    form.querySelectorAll("[data-field]").forEach(function (el) { el.hidden = true; el.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
  }
  function showErrors(errors) {
    var any = false;
    Object.keys(errors).forEach(function (field) {
      var el = form.querySelector("[data-field='" + field + "']") || document.getElementById("err-__all__");
      el.textContent = errors[field];
      el.hidden = false;
      var input = document.getElementById(field);
      if (input) input.setAttribute("aria-invalid", "true");
      any = true;
    });
    if (any && !errors.__all__) {
      var all = document.getElementById("err-__all__");
      all.textContent = text.fix;
      all.hidden = false;
    }
  }

  // -- batch status --------------------------------------------------------------------------------
  function cell(row, content) {
    var td = document.createElement("td");
    if (content instanceof Node) td.appendChild(content); else td.textContent = content;
    row.appendChild(td);
    return td;
  }
  function render(batch) {
    section.hidden = false;
    section.dataset.id = batch.id;
    section.querySelector(".batch-id").textContent = batch.id;
    var progress = document.getElementById("batch-progress");
    progress.max = batch.total;
    progress.value = batch.done;
    document.getElementById("batch-count").textContent = fmt(text.count, { done: batch.done, total: batch.total });
    var state = document.getElementById("batch-state");
    state.dataset.status = batch.status;
    state.textContent = text.status[batch.status] || batch.status;
    var error = document.getElementById("batch-error");
    error.hidden = !batch.error;
    error.textContent = batch.error || "";
    var finished = batch.status === "done" || batch.status === "error";
    var download = document.getElementById("batch-download");
    download.hidden = !finished;
    document.getElementById("zip-link").href = batch.links.zip + "?lang=" + lang;
    var body = document.getElementById("batch-items");
    body.textContent = "";
    batch.items.forEach(function (it) {
      var row = document.createElement("tr");
      row.dataset.product = it.product;
      row.dataset.status = it.status;
      cell(row, String(it.position + 1));
      cell(row, it.product);
      cell(row, it.start_date + " · " + fmt(it.days === 1 && lang === "en" ? text.day : text.days, { n: it.days }));
      cell(row, String(it.group_size));
      var status = document.createElement("div");
      var badge = document.createElement("span");
      badge.className = "state";
      badge.dataset.status = it.status;
      badge.textContent = text.status[it.status] || it.status;
      status.appendChild(badge);
      [it.reason].concat(it.notes || []).forEach(function (r, k) {
        if (!r) return;
        var d = document.createElement("div");
        d.className = k ? "reason muted" : "reason";
        d.textContent = r;
        status.appendChild(d);
      });
      cell(row, status);
      cell(row, ((lang === "en" ? it.overnights_en : it.overnights) || []).join(" · "));
      cell(row, it.theme_share === null || it.theme_share === undefined ? "" : Math.round(it.theme_share * 100) + " %");
      if (it.trip_url) {
        var a = document.createElement("a");
        a.className = "trip-link";
        a.href = it.trip_url + "?lang=" + lang;
        a.textContent = text.map;
        cell(row, a);
      } else {
        cell(row, "");
      }
      body.appendChild(row);
    });
    return finished;
  }

  var timer = null;
  function poll(url) {
    if (timer) clearTimeout(timer);
    fetch(url, { headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (batch) {
        if (!render(batch)) timer = setTimeout(function () { poll(url); }, 1000);
        else button.disabled = false;
      })
      .catch(function () { timer = setTimeout(function () { poll(url); }, 3000); });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearErrors();
    button.disabled = true;
    fetch(form.action, { method: "POST", body: new FormData(form), headers: { Accept: "application/json" } })
      .then(function (r) {
        return r.json().then(function (body) { return { status: r.status, body: body }; });
      })
      .then(function (res) {
        if (res.status === 202) {
          history.replaceState(null, "", res.body.page);
          poll(res.body.status_url);
          return;
        }
        button.disabled = false;
        showErrors(res.body.errors || { __all__: res.status === 503 ? text.busy : text.failed_request });
      })
      .catch(function () {
        button.disabled = false;
        showErrors({ __all__: text.network });
      });
  });

  if (section.dataset.id) {
    var state = document.getElementById("batch-state").dataset.status;
    if (state === "queued" || state === "running") {
      button.disabled = true;
      poll("/api/batches/" + section.dataset.id);
    }
  }
})();
