/* Ordi 2.0 — scanning station (/scan) and the actions on the public device page (/d/{tag}).
 *
 * Plain script, no build step. The person logs in once, on /connexion: the session
 * cookie (HttpOnly) opens every tab, a phone camera's too. The page carries a short-lived bearer
 * token for the API (`data-token`); when it expires the script asks the session for a new one
 * (`GET /session/jeton`), and a session that has ended (logged out, deactivated) stops the station.
 * The pages' Content-Security-Policy only runs this file, and the camera's QR decoder (jsQR, an npm
 * package served from /static/vendor) that it loads itself where the browser has no BarcodeDetector.
 * Every text is set with textContent: nothing from the server is parsed as HTML.
 * Every word it shows comes from the page (ordi.i18n.station_words, in the page's language): a JSON
 * data block, `<script type="application/json" id="station-words">`, that is read, never run.
 */
(function () {
  "use strict";

  var currentToken = null;

  // --- the page's words (PRODUCT.md §3 for the records' choices) -----------------------------
  /* The words block of the page, or empty words where there is none (/scan before logging in). */
  function readWords() {
    var block = document.getElementById("station-words");
    var words = {};
    try { words = block ? JSON.parse(block.textContent) : {}; } catch (e) { words = {}; }
    ["text", "labels", "choices", "methods", "notes", "states", "actions"].forEach(function (part) {
      words[part] = words[part] || {};
    });
    return words;
  }

  var WORDS = readWords();
  var LABELS = WORDS.labels;
  var CHOICES = WORDS.choices;

  /* A message of the page's words, its `{blanks}` filled from `params`. */
  function phrase(key, params) {
    var template = WORDS.text[key] || key;
    return template.replace(/\{(\w+)\}/g, function (whole, name) {
      return params && params[name] !== undefined && params[name] !== null ? String(params[name]) : whole;
    });
  }

  /* One field of a form: its name, its label (the page's word for that name), its options. */
  function field(name, options) {
    return [name, LABELS[name] || name, options || {}];
  }

  function number(text) {
    return text === "" ? null : Number(String(text).replace(",", "."));
  }

  /* A datetime-local value (the browser's local time) as an aware ISO instant, or null. */
  function instant(text) {
    if (!text) return null;
    var date = new Date(text);
    return isNaN(date.getTime()) ? null : date.toISOString();
  }

  function compact(object) {
    var out = {};
    Object.keys(object).forEach(function (key) {
      var value = object[key];
      if (value !== null && value !== undefined && value !== "") out[key] = value;
    });
    return out;
  }

  /* The actions that carry a record open a short form; the others are done on one press. A form's
   * title is its action's name (the API's `action_labels`, in the page's language). */
  var FORMS = {
    wipe: {
      // The nwipe log may be attached instead (POST …/wipe-report): then it is the record.
      report: true,
      // Nothing pre-selected: the level, the tool and each medium's kind and result are chosen, never
      // assumed. The method follows the level chosen (the page's `methods`) until the person types one.
      fields: [
        field("level", { choices: CHOICES.level, empty: true, required: true }),
        field("method", { required: true, follows: "level", defaults: WORDS.methods }),
        field("tool", { required: true, placeholder: WORDS.text.tool_hint }),
        field("tool_version"),
        field("started_at", { type: "datetime-local" }),
        field("ended_at", { type: "datetime-local" })
      ],
      media: [
        field("kind", { choices: CHOICES.kind, empty: true, required: true }),
        field("serial", { required: true }),
        field("capacity_gb", { type: "number", min: "0", step: "any" }),
        field("result", { choices: CHOICES.result, empty: true, required: true })
      ],
      build: function (v, media) {
        return compact({
          level: v.level, method: v.method, tool: v.tool, tool_version: v.tool_version,
          started_at: instant(v.started_at), ended_at: instant(v.ended_at),
          media: media.map(function (m) {
            return compact({ kind: m.kind, serial: m.serial, capacity_gb: number(m.capacity_gb), result: m.result });
          })
        });
      }
    },
    refurbish: {
      fields: [
        field("grade", { choices: CHOICES.grade, empty: true, required: true }),
        field("os", { placeholder: WORDS.text.os_hint }),
        field("labour_minutes", { type: "number", min: "0", max: "1440", required: true }),
        field("checks")
      ],
      build: function (v) {
        var checks = v.checks.split(",").map(function (s) { return s.trim(); }).filter(Boolean);
        return compact({ grade: v.grade, os: v.os, labour_minutes: number(v.labour_minutes), checks: checks });
      }
    },
    recycle: {
      fields: [
        field("reason", { required: true }),
        field("weight_kg", { type: "number", min: "0.1", max: "500", step: "0.1", required: true }),
        field("channel", { choices: CHOICES.channel, empty: true, required: true })
      ],
      build: function (v) {
        return { reason: v.reason, weight_kg: number(v.weight_kg), channel: v.channel };
      }
    },
    hand_over: {
      note: WORDS.notes.hand_over,
      fields: [
        field("category", { choices: CHOICES.category, empty: true, required: true }),
        field("age_band", { choices: CHOICES.age_band, empty: true, required: true }),
        field("departement", { required: true, maxlength: "3" })
      ],
      build: function (v) {
        return { beneficiary: { category: v.category, age_band: v.age_band, departement: v.departement } };
      }
    },
    lose: {
      fields: [field("note", { required: true, textarea: true })],
      build: function (v) { return { note: v.note }; }
    },
    reserve: {
      fields: [field("association_id", { type: "number", min: "1", required: true })],
      build: function (v) { return { association_id: number(v.association_id) }; }
    }
  };

  // --- small helpers ------------------------------------------------------------------------
  function $(id) { return document.getElementById(id); }

  function token() {
    if (currentToken === null) currentToken = document.body.getAttribute("data-token") || "";
    return currentToken;
  }

  /* The session's new token (the page's one expired), or "" when the session has ended. */
  async function renewToken() {
    try {
      var response = await fetch("/session/jeton", { headers: { Accept: "application/json" }, credentials: "same-origin" });
      currentToken = response.ok ? ((await response.json()).access_token || "") : "";
    } catch (e) {
      currentToken = "";
    }
    return currentToken;
  }

  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  /* The category names, given by the page in its language (one source: the server's translations). */
  var categories = null;

  function categoryName(code) {
    if (categories === null) {
      try { categories = JSON.parse(document.body.getAttribute("data-categories") || "{}"); } catch (e) { categories = {}; }
    }
    return categories[code] || code;
  }

  function capitalise(text) {
    return text ? text.charAt(0).toUpperCase() + text.slice(1) : text;
  }

  function formatDate(iso) {
    var date = new Date(iso);
    return isNaN(date.getTime()) ? "" : date.toLocaleDateString(WORDS.locale || "fr-FR", { timeZone: "Europe/Paris" });
  }

  /* One API call; a 401 (the page's token expired) is retried once with the session's new token. */
  async function call(method, path, body, headers) {
    var answer = await callOnce(method, path, body, headers);
    if (answer.status === 401 && (await renewToken())) answer = await callOnce(method, path, body, headers);
    return answer;
  }

  async function callOnce(method, path, body, headers) {
    // Ask the API for answers in the page's language, whatever the browser's own one.
    var base = { Accept: "application/json", "Accept-Language": document.documentElement.lang || "fr" };
    var init = { method: method, headers: Object.assign(base, headers || {}) };
    var current = token();
    if (current) init.headers.Authorization = "Bearer " + current;
    if (body instanceof Blob) {
      init.headers["Content-Type"] = "text/plain";  // a tool's log, sent as it is
      init.body = body;
    } else if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    var response;
    try {
      response = await fetch(path, init);
    } catch (e) {
      return { ok: false, status: 0, data: { detail: phrase("network") } };
    }
    var data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok && !(data && data.detail)) {
      data = { detail: phrase("error", { status: response.status }) + "." };
    }
    return { ok: response.ok, status: response.status, data: data };
  }

  // --- sound: a short beep, two rising notes for success, a low buzz for an error -------------
  var audio = null;

  function audioContext() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) return null;
    audio = audio || new Context();
    if (audio.state === "suspended") audio.resume();
    return audio;
  }

  /* Called on a user gesture (log-in, first key): browsers start audio only after one. */
  function unlockAudio() {
    try { audioContext(); } catch (e) { /* no sound on this device */ }
  }

  function beep(kind) {
    document.body.setAttribute("data-last-sound", kind);
    try {
      if (!audioContext()) return;
      var notes = kind === "success" ? [[880, 0, 0.09], [1320, 0.11, 0.13]] : [[196, 0, 0.18], [164, 0.2, 0.3]];
      notes.forEach(function (note) {
        var oscillator = audio.createOscillator();
        var gain = audio.createGain();
        var start = audio.currentTime + note[1];
        oscillator.type = kind === "success" ? "sine" : "square";
        oscillator.frequency.value = note[0];
        gain.gain.setValueAtTime(0.0001, start);
        gain.gain.exponentialRampToValueAtTime(0.25, start + 0.01);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + note[2]);
        oscillator.connect(gain);
        gain.connect(audio.destination);
        oscillator.start(start);
        oscillator.stop(start + note[2] + 0.02);
      });
    } catch (e) {
      /* no sound on this device: the message says it all */
    }
  }

  function say(text, kind) {
    var box = $("message");
    if (!box) return;
    box.textContent = text;
    box.className = kind || "";
    if (kind === "ok") beep("success");
    else if (kind === "error" || kind === "warning") beep("error");
  }

  // --- the actions panel, shared by /scan and /d/{tag} ---------------------------------------
  /* Shows the buttons of `result.actions` for `result.device`; `done(eventResult)` after a success. */
  function ActionPanel(onDone, onCancel) {
    this.onDone = onDone;
    this.onCancel = onCancel;
    this.keys = {};
    this.busy = false;
  }

  ActionPanel.prototype.show = function (result) {
    var self = this;
    var box = $("actions");
    this.device = result.device;
    this.labels = result.action_labels || {};
    this.keys = {};  // one Idempotency-Key per action and scan: a double press is recorded once
    this.closeForm();
    box.textContent = "";
    if (!result.actions.length) {
      var empty = document.createElement("p");
      empty.className = "empty";
      empty.textContent = phrase("no_action");
      box.appendChild(empty);
      return;
    }
    result.actions.forEach(function (action) {
      var button = document.createElement("button");
      button.type = "button";
      // Destructive steps (lose, recycle) look different; their form is the confirmation.
      button.className = action === "lose" || action === "recycle" ? "action destructive" : "action";
      button.setAttribute("data-action", action);
      button.textContent = capitalise(self.labels[action] || action) + (FORMS[action] ? "…" : "");
      button.addEventListener("click", function () { self.choose(action); });
      box.appendChild(button);
    });
  };

  ActionPanel.prototype.clear = function () {
    $("actions").textContent = "";
    this.closeForm();
  };

  ActionPanel.prototype.closeForm = function () {
    var form = $("action-form");
    form.textContent = "";
    form.hidden = true;
    form.onsubmit = null;
  };

  ActionPanel.prototype.choose = function (action) {
    if (!FORMS[action]) {
      this.perform(action, {});
      return;
    }
    this.openForm(action, FORMS[action]);
  };

  ActionPanel.prototype.openForm = function (action, spec) {
    var self = this;
    var form = $("action-form");
    form.textContent = "";
    form.setAttribute("data-action", action);
    var title = document.createElement("h2");
    title.textContent = capitalise(this.labels[action] || action) + " — " + this.device.asset_tag;
    form.appendChild(title);
    if (spec.note) {
      var note = document.createElement("p");
      note.className = "note";
      note.textContent = spec.note;
      form.appendChild(note);
    }
    var report = spec.report ? appendReport(form) : null;
    spec.fields.forEach(function (field) {
      appendField(form, field, "f-" + field[0]);
    });
    spec.fields.forEach(function (field) {
      if (field[2].follows) follow($("f-" + field[0]), $("f-" + field[2].follows), field[2].defaults || {});
    });
    var mediaCount = 0;
    if (spec.media) {
      var list = document.createElement("div");
      list.id = "media-list";
      form.appendChild(list);
      var addMedium = function () {
        var box = document.createElement("fieldset");
        box.className = "medium";
        var legend = document.createElement("legend");
        legend.textContent = phrase("medium", { n: mediaCount + 1 });
        box.appendChild(legend);
        spec.media.forEach(function (field) { appendField(box, field, "f-m-" + field[0] + "-" + mediaCount); });
        list.appendChild(box);
        mediaCount += 1;
        if (report) report.sync();
        return box;
      };
      addMedium();
      var more = document.createElement("button");
      more.type = "button";
      more.id = "add-medium";
      more.textContent = phrase("add_medium");
      more.addEventListener("click", function () {
        var box = addMedium();
        var first = box.querySelector("select, input");
        if (first) first.focus();
      });
      form.appendChild(more);
    }
    var buttons = document.createElement("div");
    buttons.className = "form-buttons";
    var submit = document.createElement("button");
    submit.type = "submit";
    submit.className = "primary";
    submit.textContent = phrase("save");
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.textContent = phrase("cancel");
    cancel.addEventListener("click", function () {
      self.closeForm();
      if (self.onCancel) self.onCancel();
    });
    buttons.appendChild(submit);
    buttons.appendChild(cancel);
    form.appendChild(buttons);
    form.onsubmit = function (event) {
      event.preventDefault();
      var values = {};
      spec.fields.forEach(function (field) { values[field[0]] = $("f-" + field[0]).value.trim(); });
      var media = [];
      for (var i = 0; i < mediaCount; i += 1) {
        var medium = {};
        spec.media.forEach(function (field) { medium[field[0]] = $("f-m-" + field[0] + "-" + i).value.trim(); });
        media.push(medium);
      }
      if (report && report.file()) {
        self.perform(action, null, { file: report.file(), level: values.level, media: media });
        return;
      }
      self.perform(action, spec.build(values, media));
    };
    form.hidden = false;
    var first = form.querySelector("input, select, textarea");
    if (first) first.focus();
  };

  /* One labelled field of an action form (`field`: name, label, options), appended to `parent`. */
  function appendField(parent, field, id) {
    var options = field[2];
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = field[1];
    var input;
    if (options.choices) {
      input = document.createElement("select");
      var choices = options.empty ? [["", phrase("choose")]].concat(options.choices) : options.choices;
      choices.forEach(function (choice) {
        var option = document.createElement("option");
        option.value = choice[0];
        option.textContent = choice[1];
        input.appendChild(option);
      });
    } else if (options.textarea) {
      input = document.createElement("textarea");
      input.rows = 3;
    } else {
      input = document.createElement("input");
      input.type = options.type || "text";
      ["min", "max", "step", "maxlength"].forEach(function (attr) {
        if (options[attr]) input.setAttribute(attr, options[attr]);
      });
      if (options.type === "number") input.inputMode = "decimal";
    }
    input.id = id;
    input.name = id;
    if (options.value) input.value = options.value;
    if (options.placeholder) input.placeholder = options.placeholder;
    if (options.required) input.required = true;
    parent.appendChild(label);
    parent.appendChild(input);
  }

  /* A field that `source`'s choice fills with `defaults[choice]` (the wipe's method after its level):
   * only while it is empty or still holds the previous choice's default, so that what the person
   * typed is never overwritten; they may always edit it. */
  function follow(input, source, defaults) {
    if (!input || !source) return;
    var filled = "";
    source.addEventListener("change", function () {
      var current = input.value.trim();
      if (current !== "" && current !== filled) return;
      filled = defaults[source.value] || "";
      input.value = filled;
    });
  }

  /* The wipe form's optional nwipe log: a labelled file field at the top of the form. Once a file
   * is chosen the typed fields are no longer required (the log says it all); cleared, they are again. */
  function appendReport(form) {
    var box = document.createElement("div");
    box.className = "report";
    var label = document.createElement("label");
    label.htmlFor = "f-report";
    label.textContent = phrase("nwipe_label");
    var input = document.createElement("input");
    input.type = "file";
    input.id = "f-report";
    input.name = "f-report";
    input.accept = ".log,.txt,text/plain";
    var hint = document.createElement("p");
    hint.id = "f-report-hint";
    hint.className = "hint";
    hint.textContent = phrase("nwipe_hint");
    input.setAttribute("aria-describedby", hint.id);
    box.appendChild(label);
    box.appendChild(input);
    box.appendChild(hint);
    form.appendChild(box);
    var file = function () { return input.files && input.files.length ? input.files[0] : null; };
    var sync = function () {
      var attached = Boolean(file());
      Array.prototype.forEach.call(form.querySelectorAll("input, select, textarea"), function (field) {
        if (field === input) return;
        if (field.required) field.setAttribute("data-required", "1");
        if (field.hasAttribute("data-required")) field.required = !attached;
      });
    };
    input.addEventListener("change", sync);
    return { file: file, sync: sync };
  }

  /* A refusal also shown next to the form's buttons (the message above may be out of sight on a
   * phone), and the focus on the field to fix when it is known. Not a live region: #message is. */
  function formError(text, fieldId) {
    var form = $("action-form");
    if (!form || form.hidden) return;
    var box = $("form-error");
    if (!box) {
      box = document.createElement("p");
      box.id = "form-error";
      box.className = "error";
      form.insertBefore(box, form.querySelector(".form-buttons"));
    }
    box.textContent = text;
    var field = fieldId ? $(fieldId) : null;
    if (field) field.focus();
    box.scrollIntoView({ block: "nearest" });
  }

  /* After a wipe: its certificate, a link to its PDF (the session opens it); `null` hides it. Each
   * call is a turn: a certificate looked up after a wipe shows only if nothing was shown meanwhile. */
  var receiptTurn = 0;

  function showReceipt(number) {
    receiptTurn += 1;
    var box = $("receipt");
    if (!box) return;
    box.textContent = "";
    box.hidden = !number;
    if (!number) return;
    var link = document.createElement("a");
    link.href = "/certificats/" + encodeURIComponent(number);
    link.id = "certificate-link";
    link.textContent = phrase("certificate", { number: number });
    box.appendChild(link);
  }

  /* The certificate a wipe typed in the form just issued: the event's answer does not carry it, the
   * device's certificates (oldest first, GET …/certificates) end with it. */
  async function showLastCertificate(tag) {
    var turn = receiptTurn;
    var path = "/api/v1/devices/" + encodeURIComponent(tag) + "/certificates?limit=500";
    var number = null;
    var cursor = null;
    for (var page = 0; page < 10; page += 1) {  // 500 a page: one page for any real device
      var answer = await call("GET", path + (cursor ? "&cursor=" + encodeURIComponent(cursor) : ""));
      if (!answer.ok || !answer.data || !answer.data.items) return;
      var items = answer.data.items;
      if (items.length) number = items[items.length - 1].number;
      cursor = answer.data.next;
      if (!cursor) break;
    }
    if (number && turn === receiptTurn) showReceipt(number);
  }

  /* The wipe recorded from the nwipe log: the level and serials typed in, if any, choose. */
  function reportRequest(tag, upload) {
    var query = [];
    if (upload.level) query.push("level=" + encodeURIComponent(upload.level));
    upload.media.forEach(function (medium) {
      if (medium.serial) query.push("serial=" + encodeURIComponent(medium.serial));
    });
    return "/api/v1/devices/" + encodeURIComponent(tag) + "/wipe-report" + (query.length ? "?" + query.join("&") : "");
  }

  ActionPanel.prototype.perform = async function (action, record, upload) {
    if (this.busy) return;
    this.busy = true;
    var tag = this.device.asset_tag;
    var label = capitalise(this.labels[action] || action);
    var key = upload ? action + "-report" : action;
    showReceipt(null);
    this.keys[key] = this.keys[key] || newKey();
    try {
      var answer;
      if (upload) {
        label = phrase("from_log", { action: label });
        answer = await call("POST", reportRequest(tag, upload), upload.file, { "Idempotency-Key": this.keys[key] });
      } else {
        answer = await call("POST", "/api/v1/devices/" + encodeURIComponent(tag) + "/events",
          Object.assign({ action: action }, record), { "Idempotency-Key": this.keys[key] });
      }
      if (answer.status === 401) {
        expired();
        return;
      }
      if (!answer.ok) {
        say("✗ " + phrase("refused", { action: label, tag: tag, detail: answer.data.detail }), "error");
        formError(answer.data.detail, upload ? "f-report" : null);
        return;
      }
      var device = answer.data.device;
      if (answer.data.event && answer.data.event.outcome === "failed") {
        say("⚠ " + phrase("failed", { action: label, tag: tag, state: device.state_label }), "warning");
      } else {
        say("✓ " + phrase("done", { action: label, tag: tag, state: device.state_label }), "ok");
      }
      this.onDone(answer.data);
      if (answer.data.certificate_number) showReceipt(answer.data.certificate_number);
      else if (action === "wipe") showLastCertificate(tag);
    } finally {
      this.busy = false;
    }
  };

  /* The session has ended: to the login page, which brings the person back here. */
  function expired() {
    say(phrase("session_ended"), "error");
    window.location.assign("/connexion?fin=1&suivant=" + encodeURIComponent(window.location.pathname));
  }

  // --- /scan ---------------------------------------------------------------------------------
  var panel = null;

  function focusCode() {
    var code = $("code");
    if (code && !$("station").hidden && $("action-form").hidden) code.focus();
  }

  function showStation() {
    $("station").hidden = false;
    focusCode();
  }

  function showDevice(result) {
    var device = result.device;
    $("device-tag").textContent = device.asset_tag;
    $("device-category").textContent = categoryName(device.category);
    $("device-model").textContent = [device.brand, device.model].filter(Boolean).join(" ") || "—";
    $("device-state").textContent = device.state_label;
    $("device").hidden = false;
    panel.show(result);
  }

  function resetScan() {
    $("device").hidden = true;
    panel.clear();
    $("code").value = "";
    focusCode();
  }

  /* A label's URL (any case, any host) or what a person typed: send the tag when there is one. */
  function codeOf(text) {
    var match = /\/D\/([A-Za-z0-9 \-]+)\/?(?:[?#].*)?$/i.exec(text);
    return (match ? match[1] : text).trim();
  }

  async function lookUp(text) {
    var code = codeOf(text);
    if (!code) return;
    showReceipt(null);
    var answer = await call("GET", "/api/v1/scan/" + encodeURIComponent(code));
    $("code").value = "";
    if (answer.status === 401) {
      expired();
      return;
    }
    if (!answer.ok) {
      $("device").hidden = true;
      panel.clear();
      say("✗ " + answer.data.detail, "error");
      focusCode();
      return;
    }
    say("", "");
    showDevice(answer.data);
    remember(answer.data.device, "");
    focusCode();
  }

  /* Camera scanning inside the page: the browser's own BarcodeDetector where it exists (Chrome on
   * Android, Safari 17+), else jsQR (npm package, served from /static/vendor when installed) on a
   * canvas frame every 150 ms. Neither, or no camera API (a page not served over HTTPS): the button
   * says the camera is unavailable, and a USB scanner, the typed code or the phone's own camera app
   * (which opens /d/{tag}) remain the ways in. */
  var DECODE_EVERY_MS = 150;
  var FRAME_WIDTH = 640;  // frames are scaled down to this width before decoding: fast enough on a phone

  /* A function that reads a code from a video or canvas, or null when none was seen. */
  async function nativeDecoder() {
    var formats = ["qr_code", "code_128", "data_matrix"];
    try {
      var supported = await window.BarcodeDetector.getSupportedFormats();
      formats = formats.filter(function (format) { return supported.indexOf(format) >= 0; });
    } catch (e) { /* older implementations: ask for all three */ }
    if (!formats.length) return null;
    var detector = new window.BarcodeDetector({ formats: formats });
    return async function (source) {
      var codes = await detector.detect(source);
      return codes.length ? codes[0].rawValue : null;
    };
  }

  var decoderScript = null;

  function loadDecoderScript(url) {
    if (window.jsQR) return Promise.resolve(window.jsQR);
    decoderScript = decoderScript || new Promise(function (resolve, reject) {
      var script = document.createElement("script");
      script.src = url;
      script.onload = function () { window.jsQR ? resolve(window.jsQR) : reject(new Error("jsQR")); };
      script.onerror = function () { decoderScript = null; reject(new Error("jsQR")); };
      document.head.appendChild(script);
    });
    return decoderScript;
  }

  /* jsQR on a canvas: draw the frame (scaled down), read its pixels, decode. */
  function canvasDecoder(jsQR) {
    var canvas = document.createElement("canvas");
    var context = canvas.getContext("2d", { willReadFrequently: true });
    return async function (source) {
      var width = source.videoWidth || source.width;
      var height = source.videoHeight || source.height;
      if (!width || !height) return null;  // no frame yet
      var scale = Math.min(1, FRAME_WIDTH / width);
      canvas.width = Math.round(width * scale);
      canvas.height = Math.round(height * scale);
      context.drawImage(source, 0, 0, canvas.width, canvas.height);
      var pixels = context.getImageData(0, 0, canvas.width, canvas.height);
      var found = jsQR(pixels.data, pixels.width, pixels.height, { inversionAttempts: "dontInvert" });
      return found && found.data ? found.data : null;
    };
  }

  /* The decoder this browser offers: BarcodeDetector, else jsQR; null when neither is there. */
  async function cameraDecoder() {
    if ("BarcodeDetector" in window) {
      try {
        var native = await nativeDecoder();
        if (native) return native;
      } catch (e) { /* not usable here: try jsQR */ }
    }
    var url = document.body.getAttribute("data-decoder");
    if (!url) return null;
    try {
      return canvasDecoder(await loadDecoderScript(url));
    } catch (e) {
      return null;
    }
  }

  function startCamera() {
    var button = $("camera");
    var video = $("camera-view");
    if (!button || !video) return;
    button.hidden = false;
    var hasCamera = Boolean(navigator.mediaDevices && navigator.mediaDevices.getUserMedia);
    function unavailable() {
      button.disabled = true;
      button.setAttribute("aria-pressed", "false");
      button.textContent = button.getAttribute("data-unavailable");
    }
    if (!hasCamera || !("BarcodeDetector" in window || document.body.getAttribute("data-decoder"))) {
      unavailable();
      return;
    }
    var stream = null;
    var timer = null;
    function stop() {
      if (timer) window.clearTimeout(timer);
      timer = null;
      if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
      video.srcObject = null;
      video.hidden = true;
      if (!button.disabled) {
        button.textContent = button.getAttribute("data-start");
        button.setAttribute("aria-pressed", "false");
      }
    }
    button.addEventListener("click", async function () {
      if (stream) { stop(); focusCode(); return; }
      unlockAudio();
      var decode = await cameraDecoder();
      if (!decode) {
        unavailable();
        say(button.getAttribute("data-unavailable") + ".", "error");
        focusCode();
        return;
      }
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
      } catch (e) {
        stop();
        say(phrase("camera_denied"), "error");
        focusCode();
        return;
      }
      video.srcObject = stream;
      video.hidden = false;
      button.textContent = button.getAttribute("data-stop");
      button.setAttribute("aria-pressed", "true");
      try { await video.play(); } catch (e) { /* muted inline video: plays on most browsers */ }
      var look = async function () {
        if (!stream) return;
        var code = null;
        try { code = await decode(video); } catch (e) { /* a frame not ready yet */ }
        if (!stream) return;
        if (code) {
          stop();
          lookUp(code);
          return;
        }
        timer = window.setTimeout(look, DECODE_EVERY_MS);
      };
      look();
    });
  }

  /* The last scans on this station (this tab, ten at most, newest first), kept in sessionStorage so
   * that a reload keeps them; each scan shows the step then recorded, if any. */
  var RECENT_KEY = "ordi.station.recent";
  var RECENT_MAX = 10;

  function recentScans() {
    try {
      var saved = JSON.parse(window.sessionStorage.getItem(RECENT_KEY) || "null");
      // another person logged in on this tab: not theirs to see
      if (saved && saved.person === document.body.getAttribute("data-person")) return saved.scans || [];
    } catch (e) { /* storage refused or damaged: start again */ }
    return [];
  }

  function saveRecent(scans) {
    try {
      window.sessionStorage.setItem(RECENT_KEY, JSON.stringify({
        person: document.body.getAttribute("data-person"), scans: scans.slice(0, RECENT_MAX)
      }));
    } catch (e) { /* private mode: the list lives until the page is left */ }
  }

  function showRecent(scans) {
    var list = $("recent");
    if (!list) return;
    list.textContent = "";
    scans.forEach(function (scan) {
      var item = document.createElement("li");
      var when = new Date(scan.at);
      var time = isNaN(when.getTime()) ? "" : when.toLocaleTimeString(WORDS.locale || "fr-FR",
        { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Paris" });
      // "{time} — {tag} : {state}": the tag is a link to its page, the rest plain text
      var state = WORDS.states[scan.stateCode] || scan.state;
      var step = scan.action && WORDS.actions[scan.action] ? capitalise(WORDS.actions[scan.action]) : scan.step;
      var parts = phrase("recent_entry", { time: time, state: state }).split("{tag}");
      item.appendChild(document.createTextNode(parts[0]));
      var link = document.createElement("a");
      link.href = "/d/" + encodeURIComponent(scan.tag);
      link.textContent = scan.tag;
      item.appendChild(link);
      item.appendChild(document.createTextNode((parts[1] || "") + (step ? " (" + step + ")" : "")));
      list.appendChild(item);
    });
    $("recent-box").hidden = !scans.length;
  }

  /* A device scanned (`action` empty) or a step recorded on the device just scanned. The codes are
   * kept beside the words: after the language switch the list says them in the page's language. */
  function remember(device, action) {
    if (!device) return;
    var scans = recentScans();
    var step = action ? capitalise((panel && panel.labels[action]) || action) : "";
    var entry = { tag: device.asset_tag, state: device.state_label, stateCode: device.state, step: step,
      action: action || "", at: new Date().toISOString() };
    if (action && scans.length && scans[0].tag === entry.tag && !scans[0].step) scans[0] = entry;
    else scans.unshift(entry);
    saveRecent(scans);
    showRecent(scans.slice(0, RECENT_MAX));
  }

  function startScanPage() {
    if (!$("station")) return;  // not logged in: the page shows the login form
    panel = new ActionPanel(function (result) {
      remember(result.device, result.event.action);
      resetScan();
    }, function () { focusCode(); });
    showRecent(recentScans());
    $("scan-form").addEventListener("submit", function (event) {
      event.preventDefault();
      unlockAudio();
      lookUp($("code").value);
    });
    // A USB scanner "types" wherever the focus is: bring it back to the code field whenever the
    // focus would otherwise be lost, and send stray keystrokes there.
    $("code").addEventListener("blur", function (event) {
      if (!event.relatedTarget) window.setTimeout(focusCode, 0);
    });
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing = target && /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName);
      if (!typing && event.key && event.key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
        focusCode();
      }
    });
    startCamera();
    showStation();
  }

  // --- /d/{tag}: the same actions for a logged-in workshop ---------------------------------
  async function startDevicePage() {
    var station = $("station");
    if (!station || !token()) return;
    var tag = station.getAttribute("data-tag");
    panel = new ActionPanel(function (result) {
      $("device-state").textContent = result.device.state_label;
      var changed = formatDate(result.device.state_changed_at);
      if (changed) $("device-changed").textContent = changed;
      refresh();
    }, null);

    async function refresh() {
      var answer = await call("GET", "/api/v1/scan/" + encodeURIComponent(tag));
      if (answer.status === 401) {
        expired();
        return;
      }
      if (!answer.ok) return; // not this organisation's device: the public page is all it gets
      station.hidden = false;
      panel.show(answer.data);
    }

    await refresh();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var page = document.body.getAttribute("data-page");
    if (page === "scan") startScanPage();
    else if (page === "device") startDevicePage();
  });
})();
