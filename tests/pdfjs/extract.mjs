// The text of PDFs as pdf.js (Firefox's PDF engine) extracts it, for tests/extraction.py.
// Usage: node extract.mjs FILE.pdf… prints a JSON list, one string per file: each page's getTextContent items
// joined (a newline after an item that ends a line, as pdf.js marks it), pages separated by form feeds.
import { readFile } from "node:fs/promises";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";

async function text(file) {
  const data = new Uint8Array(await readFile(file));
  const document = await getDocument({ data, isEvalSupported: false, verbosity: 0 }).promise;
  try {
    const pages = [];
    for (let number = 1; number <= document.numPages; number += 1) {
      const page = await document.getPage(number);
      const content = await page.getTextContent();
      pages.push(content.items.map((item) => ("str" in item ? item.str + (item.hasEOL ? "\n" : "") : "")).join(""));
      page.cleanup();
    }
    return pages.join("\f");
  } finally {
    await document.destroy();
  }
}

const texts = [];
for (const file of process.argv.slice(2)) {
  texts.push(await text(file));
}
process.stdout.write(JSON.stringify(texts));
