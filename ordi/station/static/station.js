/* Ordi 2.0 — scanning station (/scan) and the actions on the public device page (/d/{tag}).
 *
 * Plain script, no build step, no dependency. The person logs in once, on /connexion: the session
 * cookie (HttpOnly) opens every tab, a phone camera's too. The page carries a short-lived bearer
 * token for the API (`data-token`); when it expires the script asks the session for a new one
 * (`GET /session/jeton`), and a session that has ended (logged out, deactivated) stops the station.
 * The pages' Content-Security-Policy only runs this file.
 * Every text is set with textContent: nothing from the server is parsed as HTML.
 */
(function () {
  "use strict";

  var currentToken = null;

  // --- choices of the records (PRODUCT.md §3), in French ------------------------------------
  var LEVELS = [["purge", "Purge (NIST 800-88)"], ["clear", "Clear (réécriture)"], ["destroy", "Destruction du support"]];
  var KINDS = [["ssd", "SSD"], ["hdd", "Disque dur"], ["nvme", "NVMe"], ["emmc", "eMMC"], ["usb", "Clé ou disque USB"],
    ["other", "Autre"]];
  var RESULTS = [["erased", "Effacé"], ["failed", "Échec"], ["destroyed", "Détruit"]];
  var GRADES = [["A", "A — comme neuf"], ["B", "B — bon état"], ["C", "C — usure visible"]];
  var CHANNELS = [["weee_collector", "Collecteur DEEE"], ["eco_organism", "Éco-organisme"],
    ["manufacturer_take_back", "Reprise fabricant"], ["other", "Autre filière"]];
  var BENEFICIARIES = [["job_seeker", "Demandeur d'emploi"], ["student", "Élève ou étudiant"], ["senior", "Senior"],
    ["disability", "Situation de handicap"], ["low_income", "Faibles revenus"],
    ["asylum_refugee", "Demandeur d'asile ou réfugié"], ["other", "Autre situation"]];
  var AGES = [["26_45", "26 à 45 ans"], ["18_25", "18 à 25 ans"], ["under_18", "Moins de 18 ans"],
    ["46_64", "46 à 64 ans"], ["65_plus", "65 ans et plus"], ["unknown", "Non renseigné"]];

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

  /* The actions that carry a record open a short form; the others are done on one press. */
  var FORMS = {
    wipe: {
      title: "Effacement des données",
      // Nothing pre-selected: the level and each medium's kind and result are chosen, never assumed.
      fields: [
        ["level", "Niveau", { choices: LEVELS, empty: true, required: true }],
        ["method", "Méthode", { value: "NIST 800-88 purge", required: true }],
        ["tool", "Outil", { value: "nwipe", required: true }],
        ["tool_version", "Version de l'outil", {}],
        ["started_at", "Début", { type: "datetime-local" }],
        ["ended_at", "Fin", { type: "datetime-local" }]
      ],
      media: [
        ["kind", "Type de support", { choices: KINDS, empty: true, required: true }],
        ["serial", "N° de série du support", { required: true }],
        ["capacity_gb", "Capacité (Go)", { type: "number", min: "0", step: "any" }],
        ["result", "Résultat", { choices: RESULTS, empty: true, required: true }]
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
      title: "Reconditionnement",
      fields: [
        ["grade", "Grade", { choices: GRADES }],
        ["os", "Système installé", { value: "Linux Mint" }],
        ["labour_minutes", "Temps de travail (minutes)", { type: "number", min: "0", max: "1440", required: true }],
        ["checks", "Vérifications faites (séparées par des virgules)", {}]
      ],
      build: function (v) {
        var checks = v.checks.split(",").map(function (s) { return s.trim(); }).filter(Boolean);
        return compact({ grade: v.grade, os: v.os, labour_minutes: number(v.labour_minutes), checks: checks });
      }
    },
    recycle: {
      title: "Recyclage",
      fields: [
        ["reason", "Motif", { required: true }],
        ["weight_kg", "Poids (kg)", { type: "number", min: "0.1", max: "500", step: "0.1", required: true }],
        ["channel", "Filière", { choices: CHANNELS }]
      ],
      build: function (v) {
        return { reason: v.reason, weight_kg: number(v.weight_kg), channel: v.channel };
      }
    },
    hand_over: {
      title: "Remise au bénéficiaire",
      note: "Aucun nom : seulement la situation, la tranche d'âge et le département.",
      fields: [
        ["category", "Situation du bénéficiaire", { choices: BENEFICIARIES, empty: true, required: true }],
        ["age_band", "Tranche d'âge", { choices: AGES, empty: true, required: true }],
        ["departement", "Département (ex. 76, 2A, 971)", { required: true, maxlength: "3" }]
      ],
      build: function (v) {
        return { beneficiary: { category: v.category, age_band: v.age_band, departement: v.departement } };
      }
    },
    lose: {
      title: "Appareil perdu",
      fields: [["note", "Circonstances", { required: true, textarea: true }]],
      build: function (v) { return { note: v.note }; }
    },
    reserve: {
      title: "Réservation",
      fields: [["association_id", "Numéro de l'association", { type: "number", min: "1", required: true }]],
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

  /* French category names, given by the page (one source: the server's translations). */
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
    return isNaN(date.getTime()) ? "" : date.toLocaleDateString("fr-FR", { timeZone: "Europe/Paris" });
  }

  /* One API call; a 401 (the page's token expired) is retried once with the session's new token. */
  async function call(method, path, body, headers) {
    var answer = await callOnce(method, path, body, headers);
    if (answer.status === 401 && (await renewToken())) answer = await callOnce(method, path, body, headers);
    return answer;
  }

  async function callOnce(method, path, body, headers) {
    // The page is French: ask the API for French answers whatever the browser's own language.
    var base = { Accept: "application/json", "Accept-Language": document.documentElement.lang || "fr" };
    var init = { method: method, headers: Object.assign(base, headers || {}) };
    var current = token();
    if (current) init.headers.Authorization = "Bearer " + current;
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    var response;
    try {
      response = await fetch(path, init);
    } catch (e) {
      return { ok: false, status: 0, data: { detail: "Réseau indisponible : vérifiez la connexion puis réessayez." } };
    }
    var data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (!response.ok && !(data && data.detail)) {
      data = { detail: "Erreur " + response.status + "." };
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
      empty.textContent = "Aucune action possible maintenant pour votre organisation.";
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
    title.textContent = spec.title + " — " + this.device.asset_tag;
    form.appendChild(title);
    if (spec.note) {
      var note = document.createElement("p");
      note.className = "note";
      note.textContent = spec.note;
      form.appendChild(note);
    }
    spec.fields.forEach(function (field) {
      appendField(form, field, "f-" + field[0]);
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
        legend.textContent = "Support " + (mediaCount + 1);
        box.appendChild(legend);
        spec.media.forEach(function (field) { appendField(box, field, "f-m-" + field[0] + "-" + mediaCount); });
        list.appendChild(box);
        mediaCount += 1;
        return box;
      };
      addMedium();
      var more = document.createElement("button");
      more.type = "button";
      more.id = "add-medium";
      more.textContent = "Ajouter un support";
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
    submit.textContent = "Enregistrer";
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.textContent = "Annuler";
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
      var choices = options.empty ? [["", "— choisir —"]].concat(options.choices) : options.choices;
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
    if (options.required) input.required = true;
    parent.appendChild(label);
    parent.appendChild(input);
  }

  ActionPanel.prototype.perform = async function (action, record) {
    if (this.busy) return;
    this.busy = true;
    var tag = this.device.asset_tag;
    var label = capitalise(this.labels[action] || action);
    this.keys[action] = this.keys[action] || newKey();
    try {
      var body = Object.assign({ action: action }, record);
      var answer = await call("POST", "/api/v1/devices/" + encodeURIComponent(tag) + "/events", body,
        { "Idempotency-Key": this.keys[action] });
      if (answer.status === 401) {
        expired();
        return;
      }
      if (!answer.ok) {
        say("✗ " + label + " — " + tag + " : " + answer.data.detail, "error");
        return;
      }
      var device = answer.data.device;
      if (answer.data.event && answer.data.event.outcome === "failed") {
        say("⚠ " + label + " enregistré en échec — " + tag + " reste « " + device.state_label + " ».", "warning");
      } else {
        say("✓ " + label + " — " + tag + " : " + device.state_label + ".", "ok");
      }
      this.onDone(answer.data);
    } finally {
      this.busy = false;
    }
  };

  /* The session has ended: to the login page, which brings the person back here. */
  function expired() {
    say("Session terminée : reconnectez-vous.", "error");
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
    focusCode();
  }

  /* Camera scanning inside the page, with the browser's own BarcodeDetector where it exists (Chrome
   * on Android, Safari 17+): the button stays hidden elsewhere, and a USB scanner or the phone's own
   * camera app (which opens /d/{tag}) remain the ways in. */
  function startCamera() {
    var button = $("camera");
    var video = $("camera-view");
    if (!button || !video || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
    button.hidden = false;
    var stream = null;
    function stop() {
      if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
      video.hidden = true;
    }
    button.addEventListener("click", async function () {
      if (stream) { stop(); focusCode(); return; }
      unlockAudio();
      try {
        var detector = new window.BarcodeDetector({ formats: ["qr_code", "code_128", "data_matrix"] });
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false });
        video.srcObject = stream;
        video.hidden = false;
        await video.play();
        var look = async function () {
          if (!stream) return;
          try {
            var codes = await detector.detect(video);
            if (codes.length) {
              stop();
              lookUp(codes[0].rawValue);
              return;
            }
          } catch (e) { /* a frame not ready yet */ }
          window.requestAnimationFrame(look);
        };
        look();
      } catch (e) {
        stop();
        say("Caméra indisponible : autorisez-la, ou scannez avec la douchette.", "error");
      }
    });
  }

  /* The last steps recorded on this station, newest first (ten at most). */
  function remember(result) {
    var list = $("recent");
    if (!list || !result || !result.device) return;
    var item = document.createElement("li");
    var when = new Date().toLocaleTimeString("fr-FR", { hour: "2-digit", minute: "2-digit", timeZone: "Europe/Paris" });
    item.textContent = when + " — " + result.device.asset_tag + " : " + result.device.state_label;
    list.insertBefore(item, list.firstChild);
    while (list.children.length > 10) list.removeChild(list.lastChild);
    $("recent-box").hidden = false;
  }

  function startScanPage() {
    if (!$("station")) return;  // not logged in: the page shows the login form
    panel = new ActionPanel(function (result) {
      remember(result);
      resetScan();
    }, function () { focusCode(); });
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
