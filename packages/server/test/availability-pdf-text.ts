import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

const pdfjsRoot = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

/** The text of a PDF, page by page, as Mozilla's PDF.js extracts it (what a reader's search and copy would see). */
export async function pdfText(bytes: Uint8Array): Promise<{ pages: number; text: string; fonts: string[] }> {
  const pdf = await getDocument({
    data: new Uint8Array(bytes),
    standardFontDataUrl: `${join(pdfjsRoot, 'standard_fonts')}/`,
    verbosity: 0,
  }).promise;
  const parts: string[] = [];
  for (let i = 1; i <= pdf.numPages; i += 1) {
    const content = await (await pdf.getPage(i)).getTextContent();
    for (const item of content.items) if ('str' in item) parts.push(item.str);
  }
  const pages = pdf.numPages;
  await pdf.destroy();
  // Embedded fonts are named in the file itself (subset prefix + PostScript name).
  const fonts = [
    ...new TextDecoder('latin1').decode(bytes).matchAll(/\/BaseFont\s*\/([A-Za-z0-9+\-_]+)/g),
  ].map((m) => m[1] ?? '');
  return { pages, text: parts.join('\n'), fonts };
}
