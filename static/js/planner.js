// Planner form: a searchable must-see picker over /api/spots, the end-place toggle, and
// submission with progress; server-side errors are shown next to their fields. Without
// JavaScript the form posts normally and the server renders the same errors.
(function () {
  "use strict";
  var form = document.getElementById("plan-form");
  if (!form) return;
  var lang = form.dataset.lang || "zh";
  var text = JSON.parse(document.getElementById("planner-i18n").textContent);

  // -- end place ---------------------------------------------------------------------------------
  var endPlace = form.querySelector(".end-place");
  var endInput = document.getElementById("end");
  function syncEnd() {
    var mode = form.querySelector("input[name=end_mode]:checked");
    var place = mode && mode.value === "place";
    endPlace.hidden = !place;
    endInput.required = place;
  }
  form.querySelectorAll("input[name=end_mode]").forEach(function (r) {
    r.addEventListener("change", syncEnd);
  });
  endPlace.removeAttribute("data-hidden");
  syncEnd();

  // -- must-see picker ---------------------------------------------------------------------------
  var select = document.getElementById("must-see");
  var max = parseInt(select.dataset.max || "12", 10);
  var picker = document.createElement("div");
  picker.className = "picker";
  picker.innerHTML =
    '<div class="chips" aria-live="polite"></div>' +
    '<input type="search" class="picker-search" autocomplete="off">' +
    '<div class="picker-count muted"></div>' +
    '<ul class="picker-list" role="listbox" aria-multiselectable="true"></ul>';
  var search = picker.querySelector(".picker-search");
  var list = picker.querySelector(".picker-list");
  var chips = picker.querySelector(".chips");
  var count = picker.querySelector(".picker-count");
  search.placeholder = text.search;
  search.setAttribute("aria-label", text.search);
  select.parentNode.insertBefore(picker, select.nextSibling);
  select.hidden = true;
  select.classList.add("enhanced");
  var label = document.querySelector("label[for=must-see]");
  if (label) label.htmlFor = "";
  if (label) label.addEventListener("click", function () { search.focus(); });

  var spots = [];
  function fromOptions() {
    return Array.prototype.map.call(select.options, function (o) {
      return { id: o.value, label: o.textContent, grade: o.parentNode.label || "", search: o.textContent.toLowerCase() };
    });
  }
  function name(s) {
    return lang === "en" && s.name_en ? s.name_en : s.name_zh;
  }
  function selected() {
    return Array.prototype.filter.call(select.options, function (o) { return o.selected; }).map(function (o) {
      return o.value;
    });
  }
  function setSelected(id, on) {
    var opt = Array.prototype.find.call(select.options, function (o) { return o.value === id; });
    if (!opt) {
      opt = new Option(id, id);
      select.add(opt);
    }
    if (on && !opt.selected && selected().length >= max) return;
    opt.selected = on;
    render();
  }
  function render() {
    var chosen = selected();
    chips.innerHTML = "";
    chosen.forEach(function (id) {
      var s = spots.find(function (x) { return x.id === id; }) || { label: id };
      var chip = document.createElement("span");
      chip.className = "chip";
      chip.textContent = s.label + " ";
      var b = document.createElement("button");
      b.type = "button";
      b.className = "chip-remove";
      b.setAttribute("aria-label", text.remove + " " + s.label);
      b.textContent = "×";
      b.addEventListener("click", function () { setSelected(id, false); });
      chip.appendChild(b);
      chips.appendChild(chip);
    });
    count.textContent = text.selected.replace("{n}", chosen.length + " / " + max);
    var q = search.value.trim().toLowerCase();
    list.innerHTML = "";
    var shown = 0;
    spots.forEach(function (s) {
      if (q && s.search.indexOf(q) < 0) return;
      shown++;
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      var on = chosen.indexOf(s.id) >= 0;
      li.setAttribute("aria-selected", on ? "true" : "false");
      li.tabIndex = 0;
      li.dataset.id = s.id;
      li.innerHTML = '<span class="grade"></span> <span class="name"></span>';
      li.querySelector(".grade").textContent = s.grade;
      li.querySelector(".name").textContent = s.label;
      function toggle() { setSelected(s.id, !on); }
      li.addEventListener("click", toggle);
      li.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); toggle(); }
      });
      list.appendChild(li);
    });
    if (!shown) {
      var none = document.createElement("li");
      none.className = "muted";
      none.textContent = text.none;
      list.appendChild(none);
    }
  }
  spots = fromOptions();
  render();
  search.addEventListener("input", render);
  search.addEventListener("keydown", function (e) {
    if (e.key === "Enter") e.preventDefault();
  });
  fetch("/api/spots", { headers: { Accept: "application/json" } })
    .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
    .then(function (data) {
      var order = { "5A": 0, "4A": 1, "3A": 2 };
      spots = data
        .filter(function (s) { return s.routable; })
        .sort(function (a, b) {
          var ga = order[a.grade] === undefined ? 3 : order[a.grade];
          var gb = order[b.grade] === undefined ? 3 : order[b.grade];
          return ga - gb || a.city.localeCompare(b.city) || name(a).localeCompare(name(b));
        })
        .map(function (s) {
          var grade = s.grade === "unverified" ? text.grade_unverified : s.grade;
          return {
            id: s.id,
            grade: grade,
            label: name(s) + " · " + s.city,
            search: [s.name_zh, s.name_en, s.city, s.county, s.id].join(" ").toLowerCase(),
          };
        });
      render();
    })
    .catch(function () { /* keep the server-rendered options */ });

  // -- errors ------------------------------------------------------------------------------------
  function clearErrors() {
    form.querySelectorAll("[data-field]").forEach(function (el) {
      el.hidden = true;
      el.textContent = "";
    });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
  }
  function showErrors(errors) {
    var first = null;
    Object.keys(errors).forEach(function (field) {
      var box = document.getElementById("err-" + field) || document.getElementById("err-__all__");
      box.textContent = (box.textContent ? box.textContent + " " : "") + errors[field];
      box.hidden = false;
      var input = form.querySelector("[name=" + field + "]");
      if (input) {
        input.setAttribute("aria-invalid", "true");
        if (field === "must_see") input = search;
        first = first || input;
      }
    });
    var all = document.getElementById("err-__all__");
    if (!errors.__all__) {
      all.textContent = text.fix;
      all.hidden = false;
    }
    (first || all).focus && (first || all).focus();
    all.scrollIntoView({ block: "nearest" });
  }

  // -- submit with progress ----------------------------------------------------------------------
  var button = document.getElementById("plan-button");
  var progress = document.getElementById("progress");
  var elapsed = progress.querySelector(".elapsed");
  var timer = null;
  function busy(on) {
    button.disabled = on;
    progress.hidden = !on;
    form.setAttribute("aria-busy", on ? "true" : "false");
    if (timer) clearInterval(timer);
    if (on) {
      var t0 = Date.now();
      elapsed.textContent = "";
      timer = setInterval(function () {
        elapsed.textContent = "(" + ((Date.now() - t0) / 1000).toFixed(0) + " " + text.seconds + ")";
      }, 500);
    }
  }
  form.addEventListener("submit", function (e) {
    if (!form.checkValidity()) return; // the browser shows its own messages
    e.preventDefault();
    clearErrors();
    busy(true);
    fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (r) {
        return r.json().then(function (body) { return { status: r.status, body: body }; }, function () {
          return { status: r.status, body: {} };
        });
      })
      .then(function (res) {
        if (res.status === 201 && res.body.url) {
          window.location.assign(res.body.url);
          return;
        }
        busy(false);
        if (res.body.errors) showErrors(res.body.errors);
        else showErrors({ __all__: res.status === 503 ? text.busy : text.failed });
      })
      .catch(function () {
        busy(false);
        showErrors({ __all__: text.network });
      });
  });
})();
