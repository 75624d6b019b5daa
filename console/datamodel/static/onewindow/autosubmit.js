// Select boxes marked data-autosubmit send their form when changed (no inline handlers: the
// Content-Security-Policy allows only scripts served from the console or carrying a nonce).
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target && target.hasAttribute && target.hasAttribute("data-autosubmit") && target.form) {
    target.form.submit();
  }
});
