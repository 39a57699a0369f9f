// signup.js lets the newsletter's signup forms answer in place: the form
// is sent as it would be without JavaScript, asking for JSON, and the
// answer (or the problems with what was typed) is shown inside the form.
// Without this script the same form posts to /subscribe/ and the answer
// is a page.
(function () {
  "use strict";
  function show(form, text, isError) {
    var status = form.querySelector(".newsletter-status");
    if (status) {
      status.textContent = text;
      status.classList.toggle("form-error", !!isError);
    }
  }
  function fieldError(form, name, text) {
    var input = form.querySelector('[name="' + name + '"]');
    if (!input) return;
    var id = input.id + "-error";
    var el = document.getElementById(id);
    if (!text) {
      if (el) el.remove();
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
      return;
    }
    if (!el) {
      el = document.createElement("span");
      el.className = "form-error";
      el.id = id;
      input.parentNode.insertBefore(el, input);
    }
    el.textContent = text;
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", id);
  }
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.matches || !form.matches("form[data-signup]") || !window.fetch) return;
    ev.preventDefault();
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    show(form, "Sending…", false);
    fetch(form.action, {
      method: "POST",
      headers: { "Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(new FormData(form)).toString(),
      credentials: "same-origin"
    }).then(function (resp) {
      return resp.json();
    }).then(function (res) {
      ["email", "name"].forEach(function (f) { fieldError(form, f, res.errors && res.errors[f]); });
      if (res.token) {
        var tok = form.querySelector('[name="signup_token"]');
        if (tok) tok.value = res.token;
      }
      show(form, res.message || "", !res.ok);
      if (res.ok) {
        form.querySelectorAll("input[type=email], input[name=name]").forEach(function (i) { i.value = ""; });
      } else if (res.errors && res.errors.email) {
        form.querySelector('[name="email"]').focus();
      }
    }).catch(function () {
      show(form, "The form could not be sent. Please check your connection and try again.", true);
    }).then(function () {
      if (button) button.disabled = false;
    });
  });
})();
