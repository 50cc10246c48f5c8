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
