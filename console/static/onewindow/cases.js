/* Case screens: behaviour without inline script (a Content-Security-Policy forbids it).
 * - new case: the chain preselected by mode, the mailing address required for mail delivery;
 * - materials: "all received" sets every material's state;
 * - confirmation dialogs: the summary shows what was typed into the form being confirmed. */
(function () {
  "use strict";

  function each(nodes, fn) { Array.prototype.forEach.call(nodes, fn); }

  function setupNewCase(form) {
    var mode = form.querySelector("[name=mode]");
    var items = form.querySelector("[name=items]");
    var window_ = form.querySelector("[name=window]");
    var delivery = form.querySelector("[name=delivery_method]");
    var mail = form.querySelector("[name=mail_address]");
    var chains = JSON.parse(form.getAttribute("data-chains") || "{}");
    var licences = JSON.parse(form.getAttribute("data-licences") || "[]");
    function preselect() {
      if (!mode || !items) { return; }
      var wanted = null;
      if (mode.value === "full_chain") { wanted = chains[window_ ? window_.value : ""] || []; }
      if (mode.value === "partial_chain") { wanted = licences; }
      if (wanted === null) { return; }
      each(items.options, function (option) { option.selected = wanted.indexOf(option.value) >= 0; });
    }
    function mailRequired() {
      if (mail && delivery) { mail.required = delivery.value === "mail"; }
    }
    if (mode) { mode.addEventListener("change", preselect); }
    if (window_) { window_.addEventListener("change", preselect); }
    if (delivery) { delivery.addEventListener("change", mailRequired); }
    mailRequired();
  }

  function setupAllReceived(button) {
    button.addEventListener("click", function () {
      var form = button.form || document;
      each(form.querySelectorAll("select[name^='state-']"), function (select) {
        select.value = "received";
      });
    });
  }

  function setupConfirm(button) {
    // Before the dialog opens, copy what the form holds into its summary.
    button.addEventListener("click", function () {
      var form = document.getElementById(button.getAttribute("data-form"));
      var target = document.querySelector(button.getAttribute("data-target") + " .onewindow-typed");
      if (!form || !target) { return; }
      target.textContent = "";
      each(form.querySelectorAll("input[type=text], input:not([type]), textarea, select"), function (field) {
        if (!field.value || field.name === "csrf_token") { return; }
        var item = document.createElement("li");
        var label = field.getAttribute("placeholder") || field.name;
        item.textContent = label + ": " + field.value;
        target.appendChild(item);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    each(document.querySelectorAll("form.onewindow-new-case"), setupNewCase);
    each(document.querySelectorAll("[data-all-received]"), setupAllReceived);
    each(document.querySelectorAll("[data-confirm]"), setupConfirm);
  });
}());
