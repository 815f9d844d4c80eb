// The import page: send the files with a progress bar, then open the job's
// page, which shows how the import goes. Without JavaScript the form posts as usual.
(function () {
  "use strict";

  function enhance(form) {
    var bar = form.querySelector("[data-import-progress]");
    var status = form.querySelector("[data-import-status]");
    var button = form.querySelector("button[type=submit]");

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var request = new XMLHttpRequest();
      request.open("POST", form.action || window.location.href);
      request.upload.addEventListener("progress", function (e) {
        if (!e.lengthComputable) return;
        var percent = Math.round((100 * e.loaded) / e.total);
        bar.value = percent;
        bar.textContent = percent + " %";
        status.textContent = percent < 100 ? "Sending: " + percent + " %" : "Reading the files…";
      });
      request.addEventListener("load", function () {
        if (request.status < 400 && request.responseURL) {
          window.location.assign(request.responseURL);
          return;
        }
        // The form again, with the server's messages by field.
        var page = new DOMParser().parseFromString(request.responseText, "text/html");
        var answer = page.querySelector("[data-import-form]");
        if (answer) {
          form.replaceWith(answer);
          enhance(answer);
        } else {
          failed("The server could not take the files (" + request.status + "). Nothing was imported.");
        }
      });
      request.addEventListener("error", function () {
        failed("The files could not be sent: check your connection and try again.");
      });
      button.disabled = true;
      bar.hidden = false;
      bar.value = 0;
      status.textContent = "Sending…";
      request.send(new FormData(form));
    });

    function failed(message) {
      button.disabled = false;
      bar.hidden = true;
      status.textContent = message;
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-import-form]");
    if (form) enhance(form);
  });
})();
