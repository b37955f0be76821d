// Shows uploaded PDFs with PDF.js, page by page into canvases.
//
// Uploaded files are served with "Content-Security-Policy: sandbox", under which the browsers' own PDF viewers refuse
// to run (Chrome shows "blocked"). PDF.js reads the bytes with fetch (the sandbox applies to documents, not to
// fetched data) and draws them here; it never runs the document's JavaScript (scripting is off unless enabled).
//
// Markup: <div data-pdf-preview data-src="FILE URL"><p data-pdf-status>…</p></div>, and once per page
// <script type="module" id="pdf-preview-script" src="pdf-preview.mjs" data-pdfjs=… data-worker=… data-wasm=…>.
// A preview inside a closed <details> starts when it is opened.

const config = document.getElementById("pdf-preview-script").dataset;
const FAILED = "Không hiển thị được tệp này trong trình duyệt. Vui lòng dùng “Tải về” để mở bằng phần mềm đọc PDF.";
let library = null;

function loadLibrary() {
  library ??= import(config.pdfjs).then((pdfjs) => {
    pdfjs.GlobalWorkerOptions.workerSrc = config.worker;
    return pdfjs;
  });
  return library;
}

async function renderPage(doc, canvas) {
  const page = await doc.getPage(Number(canvas.dataset.page));
  const width = canvas.parentElement.clientWidth || 800;
  const natural = page.getViewport({ scale: 1 });
  const ratio = window.devicePixelRatio || 1;
  const viewport = page.getViewport({ scale: Math.min(2, width / natural.width) * ratio });
  canvas.width = Math.floor(viewport.width);
  canvas.height = Math.floor(viewport.height);
  canvas.style.aspectRatio = `${viewport.width} / ${viewport.height}`;
  await page.render({ canvas, canvasContext: canvas.getContext("2d"), viewport }).promise;
  canvas.dataset.rendered = "1";
}

async function show(container) {
  if (container.dataset.started) return;
  container.dataset.started = "1";
  const status = container.querySelector("[data-pdf-status]");
  try {
    const pdfjs = await loadLibrary();
    const doc = await pdfjs.getDocument({
      url: container.dataset.src,
      wasmUrl: config.wasm,
      isEvalSupported: false,
      enableXfa: false,
    }).promise;
    status.textContent = `Tệp có ${doc.numPages} trang.`;
    const observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          if (!entry.isIntersecting) continue;
          observer.unobserve(entry.target);
          renderPage(doc, entry.target).catch(() => {
            entry.target.replaceWith(Object.assign(document.createElement("p"), { textContent: FAILED }));
          });
        }
      },
      { rootMargin: "300px" },
    );
    for (let number = 1; number <= doc.numPages; number += 1) {
      const canvas = document.createElement("canvas");
      canvas.className = "pdf-page";
      canvas.dataset.page = String(number);
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", `Trang ${number}`);
      container.append(canvas);
      observer.observe(canvas);
    }
  } catch (error) {
    status.textContent = error?.name === "PasswordException" ? "Tệp PDF có mật khẩu, không hiển thị được." : FAILED;
    container.dataset.failed = "1";
  }
}

for (const container of document.querySelectorAll("[data-pdf-preview]")) {
  const details = container.closest("details");
  if (details && !details.open) {
    details.addEventListener("toggle", () => details.open && show(container));
  } else {
    show(container);
  }
}
