// Progressive enhancement: the rating form posts normally without JavaScript; with it, the line updates in place.
(function () {
  document.querySelectorAll("[data-rating-form]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var section = form.closest(".rating");
      var message = form.querySelector("[data-rating-message]");
      var line = section && section.querySelector("[data-rating-line]");
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) {
          return response.json().catch(function () {
            return { ok: false, message: "Không gửi được đánh giá (lỗi " + response.status + "). Vui lòng tải lại trang." };
          });
        })
        .then(function (data) {
          if (line && data.line) line.textContent = data.line;
          message.textContent = data.message;
          message.className = "rating-message " + (data.ok ? "success" : "error");
        })
        .catch(function () {
          message.textContent = "Không kết nối được máy chủ. Vui lòng thử lại.";
        });
    });
  });
})();
