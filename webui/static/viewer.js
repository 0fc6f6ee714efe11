// The PDF viewer page (templates/viewer.html): PDF.js, served by this site, draws the
// document, opens it at the page asked for and highlights the query's words; "previous /
// next hit" (or the keys P and N) move between them. An ES module, never inline script:
// the page's settings come as JSON in the container's data-viewer attribute.
const container = document.getElementById("viewer-container");
const config = JSON.parse(container.dataset.viewer);
const statusLine = document.getElementById("viewer-status");
const counter = document.getElementById("hit-count");
const pageLine = document.getElementById("page-count");
const previousButton = document.getElementById("hit-prev");
const nextButton = document.getElementById("hit-next");

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, name) => String(values[name] ?? whole));
}

function say(text) {
  statusLine.textContent = text;
}

async function loadPdfJs() {
  // pdf_viewer.mjs takes the library from globalThis.pdfjsLib, which pdf.mjs sets: first.
  const lib = await import(config.base + "build/pdf.mjs");
  const components = await import(config.base + "web/pdf_viewer.mjs");
  // Our own origin, so the worker is allowed by script-src 'self' (no blob: wrapper).
  lib.GlobalWorkerOptions.workerSrc = config.worker;
  return { lib, components };
}

function openDocument(lib) {
  return lib.getDocument({
    url: config.pdf,
    // No code generated from the PDF's content: eval is never needed (PDF.js 6 has no
    // such path left; said anyway), and no WebAssembly either, whose compilation the
    // CSP would refuse: the decoders' JavaScript versions are used.
    isEvalSupported: false,
    useWasm: false,
    wasmUrl: config.base + "wasm/",
    cMapUrl: config.base + "cmaps/",
    standardFontDataUrl: config.base + "standard_fonts/",
    iccUrl: config.base + "iccs/",
    enableXfa: false,
  }).promise;
}

// PDF.js brings a hit into view with scrollIntoView, which scrolls the window too and
// pushed our title and buttons out of sight: the pages' container alone scrolls, the
// hit a third of the way down, with the text before it in view.
function scrollOnlyTheFrame(findController) {
  const scroll = findController.scrollMatchIntoView.bind(findController);
  findController.scrollMatchIntoView = (match) => {
    if (match.element) {
      match.element.scrollIntoView = () => {
        const hit = match.element.getBoundingClientRect();
        const frame = container.getBoundingClientRect();
        container.scrollTop += hit.top - frame.top - container.clientHeight / 3;
        container.scrollLeft += hit.left - frame.left - (container.clientWidth - hit.width) / 2;
      };
    }
    scroll(match);
  };
}

function showCount(matchesCount) {
  const { current, total } = matchesCount || {};
  if (!counter || !total) return;
  counter.textContent = fill(container.dataset.count, { current, total });
  previousButton.disabled = nextButton.disabled = false;
}

function wireHits(eventBus, FindState) {
  const find = (type, findPrevious) => eventBus.dispatch("find", {
    source: window, type, query: config.terms, caseSensitive: false, entireWord: false,
    highlightAll: true, findPrevious, matchDiacritics: false,
  });
  eventBus.on("updatefindmatchescount", ({ matchesCount }) => showCount(matchesCount));
  eventBus.on("updatefindcontrolstate", ({ state, matchesCount }) => {
    if (state === FindState.NOT_FOUND) say(container.dataset.none);
    else if (state !== FindState.PENDING) showCount(matchesCount);
  });
  previousButton.addEventListener("click", () => find("again", true));
  nextButton.addEventListener("click", () => find("again", false));
  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest("input, textarea, select, [contenteditable]");
    if (typing || event.ctrlKey || event.metaKey || event.altKey || nextButton.disabled) return;
    const key = event.key.toLowerCase();
    if (key === "n" || key === "p") {
      event.preventDefault();
      find("again", key === "p");
    }
  });
  return () => find("find", false);
}

async function main() {
  const { lib, components } = await loadPdfJs();
  const { EventBus, FindState, LinkTarget, PDFFindController, PDFLinkService, PDFViewer } =
    components;
  const eventBus = new EventBus();
  const linkService = new PDFLinkService({
    eventBus, externalLinkTarget: LinkTarget.BLANK, externalLinkRel: "noopener noreferrer",
  });
  const findController = new PDFFindController({ eventBus, linkService });
  scrollOnlyTheFrame(findController);
  const viewer = new PDFViewer({ container, eventBus, linkService, findController });
  linkService.setViewer(viewer);
  const startFind = config.terms.length && counter ? wireHits(eventBus, FindState) : null;
  const showPage = (n) => {
    pageLine.textContent = fill(container.dataset.page, { n, total: viewer.pagesCount });
  };
  eventBus.on("pagechanging", ({ pageNumber }) => showPage(pageNumber));
  eventBus.on("pagesinit", () => {
    viewer.currentScaleValue = "page-width";
    viewer.currentPageNumber = Math.min(config.page, viewer.pagesCount);
    showPage(viewer.currentPageNumber);
    say("");
    // The find starts from the current page: its first hit is the best page's.
    if (startFind) startFind();
  });
  const pdf = await openDocument(lib);
  viewer.setDocument(pdf);
  linkService.setDocument(pdf);
}

main().catch((error) => {
  say(container.dataset.failed);
  console.warn("PDF viewer:", error);
});
