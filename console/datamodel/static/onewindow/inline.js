/* Add-row and remove-row buttons of the inline tables of embedded lists (console.datamodel.inline).
 * A new row is a copy of the table's <template>, with "__index__" replaced by an unused index. */
(function () {
  "use strict";
  if (window.onewindowInline) {
    return;
  }
  window.onewindowInline = true;

  function rowCount(box) {
    return box.querySelectorAll("[data-ow-rows] > [data-ow-row]").length;
  }

  function addRow(box) {
    var max = parseInt(box.getAttribute("data-ow-max-rows"), 10);
    if (max && rowCount(box) >= max) {
      return;
    }
    var index = parseInt(box.getAttribute("data-ow-next-index"), 10) || 0;
    box.setAttribute("data-ow-next-index", String(index + 1));
    var template = box.querySelector("template[data-ow-template]");
    var html = template.innerHTML.replace(/__index__/g, String(index));
    var holder = document.createElement("tbody");
    holder.innerHTML = html;
    var row = holder.firstElementChild;
    box.querySelector("[data-ow-rows]").appendChild(row);
    var first = row.querySelector("input, select, textarea");
    if (first) {
      first.focus();
    }
  }

  // The server reads the rows in the order of their index (materials-0-…, materials-1-…), so
  // after a move every row is numbered again in its new place.
  function renumber(box) {
    var prefix = box.id + "-";
    var rows = box.querySelectorAll("[data-ow-rows] > [data-ow-row]");
    var pattern = new RegExp("^" + prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") + "\\d+-");
    rows.forEach(function (row, position) {
      row.querySelectorAll("[name], [id]").forEach(function (element) {
        ["name", "id"].forEach(function (attribute) {
          var value = element.getAttribute(attribute);
          if (value && pattern.test(value)) {
            element.setAttribute(attribute, value.replace(pattern, prefix + position + "-"));
          }
        });
      });
    });
    var next = parseInt(box.getAttribute("data-ow-next-index"), 10) || 0;
    box.setAttribute("data-ow-next-index", String(Math.max(next, rows.length)));
  }

  function moveRow(box, row, up) {
    var other = up ? row.previousElementSibling : row.nextElementSibling;
    if (!other || !other.hasAttribute("data-ow-row")) {
      return;
    }
    row.parentNode.insertBefore(up ? row : other, up ? other : row);
    renumber(box);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-ow-add], [data-ow-remove], [data-ow-up], [data-ow-down]");
    if (!button) {
      return;
    }
    var box = button.closest("[data-ow-inline]");
    if (!box) {
      return;
    }
    event.preventDefault();
    if (button.hasAttribute("data-ow-add")) {
      addRow(box);
    } else if (button.hasAttribute("data-ow-up") || button.hasAttribute("data-ow-down")) {
      moveRow(box, button.closest("[data-ow-row]"), button.hasAttribute("data-ow-up"));
    } else {
      // Removed rows are not submitted, so they are not saved.
      button.closest("[data-ow-row]").remove();
    }
  });
})();
