/* Ordi 2.0 — the little script the pages use where it helps; every form works without it.
 * - `data-confirm` on a form: asks before posting (destructive actions);
 * - `data-add-row` on a button: adds a blank device row to the donation form without a reload;
 * - `data-job` on an element: follows a background job's progress (GET /api/v1/jobs/{id} is the
 *   API's; the page's own `/jobs/{id}` answers the same with the session) and shows its link.
 * Every text is set with textContent: nothing from the server is parsed as HTML.
 */
(function () {
  "use strict";

  function confirmForms() {
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
  }

  function addRows() {
    document.querySelectorAll("[data-add-row]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        var list = document.getElementById(button.getAttribute("data-add-row"));
        var rows = list ? list.querySelectorAll("fieldset") : [];
        if (!rows.length) return;
        event.preventDefault();
        var last = rows[rows.length - 1];
        var index = rows.length;
        var copy = last.cloneNode(true);
        copy.querySelectorAll("[id]").forEach(function (node) {
          node.id = node.id.replace(/-\d+$/, "-" + index);
        });
        copy.querySelectorAll("[for]").forEach(function (node) {
          node.htmlFor = node.htmlFor.replace(/-\d+$/, "-" + index);
        });
        copy.querySelectorAll("[name]").forEach(function (node) {
          node.name = node.name.replace(/-\d+$/, "-" + index);
          if (node.tagName === "SELECT") node.selectedIndex = 0;
          else if (node.type === "checkbox") node.checked = node.defaultChecked;
          else node.value = "";
        });
        copy.querySelectorAll("[aria-invalid]").forEach(function (node) { node.removeAttribute("aria-invalid"); });
        var legend = copy.querySelector("legend");
        if (legend) legend.textContent = legend.textContent.replace(/\d+/, String(index + 1));
        last.parentNode.insertBefore(copy, last.nextSibling);
        var count = document.querySelector("input[name=rows]");
        if (count) count.value = String(index + 1);
        var first = copy.querySelector("select, input");
        if (first) first.focus();
      });
    });
  }

  function followJobs() {
    document.querySelectorAll("[data-job]").forEach(function (box) {
      var url = box.getAttribute("data-job");
      var bar = box.querySelector("progress");
      var status = box.querySelector("[data-job-status]");
      var link = box.querySelector("[data-job-link]");
      function tick() {
        fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (job) {
            if (!job) return;
            if (bar && job.total) { bar.max = job.total; bar.value = job.done; }
            if (status) status.textContent = job.status_text || job.status;
            if (job.status === "succeeded") {
              if (bar) { bar.max = 1; bar.value = 1; }
              if (link && job.result_url) { link.href = job.result_url; link.hidden = false; link.focus(); }
              if (job.redirect) window.location.assign(job.redirect);
              return;
            }
            if (job.status === "failed") return;
            window.setTimeout(tick, 700);
          })
          .catch(function () { window.setTimeout(tick, 2000); });
      }
      tick();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    confirmForms();
    addRows();
    followJobs();
  });
})();
