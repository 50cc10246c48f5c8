// The language search filters the buttons as the visitor types. Without this
// script the same search works as a plain form, answered by the server.
document.addEventListener("DOMContentLoaded", () => {
  const input = document.getElementById("q");
  const list = document.getElementById("languages");
  const none = document.getElementById("no-match");
  if (!input || !list) return;
  const fold = (text) => text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  input.addEventListener("input", () => {
    const query = fold(input.value.trim());
    let shown = 0;
    for (const item of list.children) {
      const match = !query || item.dataset.search.includes(query);
      item.hidden = !match;
      if (match) shown += 1;
    }
    if (none) none.hidden = shown > 0;
  });
});

// A preview page reloads itself when its document changes (an edited guide,
// catalog, template or image), or when the errors of a guide that does not load
// change or are fixed: it asks the desk for the document's version every 2 s.
document.addEventListener("DOMContentLoaded", () => {
  const main = document.querySelector("main[data-live]");
  if (!main) return;
  const url = main.dataset.live;
  const shown = main.dataset.version;
  const check = async () => {
    try {
      const response = await fetch(url, { cache: "no-store" });
      const version = response.ok ? (await response.text()).trim() : "";
      if (version && version !== shown) {
        window.location.reload();
        return;
      }
    } catch (error) {
      // the desk is restarting or the network is down: ask again later
    }
    window.setTimeout(check, 2000);
  };
  window.setTimeout(check, 2000);
});

// A page image whose document is still being made is answered 503 "preparing":
// it is asked for again every 2 s, up to a minute, instead of staying broken.
(() => {
  const retry = (image) => {
    const tries = Number(image.dataset.tries || 0);
    if (tries >= 30 || image.dataset.waiting) return;
    image.dataset.tries = String(tries + 1);
    image.dataset.waiting = "1";
    window.setTimeout(() => {
      delete image.dataset.waiting;
      const url = new URL(image.src, window.location.href);
      url.searchParams.set("try", String(tries + 1));
      image.src = url.toString();
    }, 2000);
  };
  document.addEventListener("error", (event) => {
    if (event.target instanceof HTMLImageElement) retry(event.target);
  }, true);
  document.addEventListener("DOMContentLoaded", () => {
    for (const image of document.images) {
      if (image.complete && image.naturalWidth === 0) retry(image);
    }
  });
})();
