// Moves the comment form under the comment being replied to, and back.
// Without it the "Reply" links still work: they load the page with
// ?replytocom=ID, where the form already says whom it answers.
(function () {
  "use strict";
  var respond = document.getElementById("respond");
  var form = document.getElementById("commentform");
  if (!respond || !form || !form.elements.comment_parent) { return; }
  var parent = form.elements.comment_parent;
  var cancel = document.getElementById("cancel-comment-reply-link");
  var replyTo = document.getElementById("reply-to");
  var replyName = document.getElementById("reply-to-name");
  var home = document.createElement("div");
  home.id = "respond-home";
  home.hidden = true;
  respond.parentNode.insertBefore(home, respond);

  function reply(link) {
    var article = document.getElementById("comment-" + link.getAttribute("data-comment-id"));
    if (!article) { return false; }
    article.appendChild(respond);
    parent.value = link.getAttribute("data-comment-id");
    replyName.textContent = link.getAttribute("data-author");
    replyTo.hidden = false;
    cancel.hidden = false;
    respond.classList.add("replying");
    form.elements.comment.focus();
    return true;
  }

  function back() {
    home.parentNode.insertBefore(respond, home);
    parent.value = "0";
    replyName.textContent = "";
    replyTo.hidden = true;
    cancel.hidden = true;
    respond.classList.remove("replying");
  }

  document.addEventListener("click", function (ev) {
    var link = ev.target.closest ? ev.target.closest("a.comment-reply-link") : null;
    if (link && reply(link)) {
      ev.preventDefault();
    }
  });
  if (cancel) {
    cancel.addEventListener("click", function (ev) {
      ev.preventDefault();
      back();
      if (window.history && history.replaceState && /[?&]replytocom=/.test(location.search)) {
        history.replaceState(null, "", location.pathname + "#respond");
      }
    });
  }
})();
