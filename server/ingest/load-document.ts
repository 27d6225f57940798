// Load: reads .txt, .md, .html, .docx and .pdf files into raw text (paragraphs separated by blank lines).
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseHtml, type HTMLElement } from 'node-html-parser';

export const supportedExtensions = ['.txt', '.md', '.markdown', '.html', '.htm', '.docx', '.pdf'] as const;

export class UnsupportedFormatError extends Error {}

/** Reads one file into raw text; the format is chosen by its extension. */
export async function loadDocument(path: string): Promise<string> {
  return parseDocument(await readFile(path), extname(path), path);
}

/** A file's bytes as raw text, parsed as the format its extension (".pdf") names; `name` is for messages. */
export async function parseDocument(bytes: Uint8Array, extension: string, name = `a ${extension} file`): Promise<string> {
  switch (extension.toLowerCase()) {
    case '.txt':
      return decodeText(bytes);
    case '.md':
    case '.markdown':
      return markdownToText(decodeText(bytes));
    case '.html':
    case '.htm':
      return htmlToText(decodeText(bytes));
    case '.docx':
      // The .docx and .pdf readers load on first use: a server that never sees one does not pay for them.
      const { default: mammoth } = await import('mammoth');
      return (await mammoth.extractRawText({ buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) })).value;
    case '.pdf':
      return pdfToText(bytes);
    default:
      throw new UnsupportedFormatError(`unsupported file type ${extension || '(none)'}: ${name}`);
  }
}

/** UTF-8 (with or without BOM), falling back to GB18030 for files saved by Chinese Windows tools. */
export function decodeText(bytes: Uint8Array): string {
  const utf8 = new TextDecoder('utf-8').decode(bytes);
  if (!utf8.includes('\uFFFD')) return utf8.replace(/^\uFEFF/, '');
  const gb = new TextDecoder('gb18030').decode(bytes);
  const bad = (text: string) => text.split('\uFFFD').length;
  return bad(gb) < bad(utf8) ? gb : utf8.replace(/^\uFEFF/, '');
}

/** Markdown to plain text: heading marks, emphasis and link syntax removed, text kept. */
function markdownToText(markdown: string): string {
  return markdown
    .replace(/^```[\s\S]*?^```/gm, '')
    .replace(/^[ \t]{0,3}#{1,6}[ \t]+/gm, '')
    .replace(/^[ \t]{0,3}>[ \t]?/gm, '')
    .replace(/^[ \t]*[-*+][ \t]+/gm, '')
    .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/(\*\*|__)(.*?)\1/g, '$2')
    .replace(/`([^`]*)`/g, '$1');
}

const skippedTags = new Set(['script', 'style', 'noscript', 'nav', 'header', 'footer', 'aside', 'form', 'iframe', 'svg', 'button', 'select']);
const blockTags = new Set(['p', 'div', 'section', 'article', 'main', 'li', 'tr', 'br', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'ul', 'ol', 'blockquote', 'pre', 'td', 'dd', 'dt']);

/** HTML to text: scripts, navigation and chrome dropped, block elements become paragraphs. */
function htmlToText(html: string): string {
  const root = parseHtml(html, { comment: false, blockTextElements: { script: false, style: false, pre: true } });
  const body = (root.querySelector('article') ?? root.querySelector('main') ?? root.querySelector('body') ?? root) as HTMLElement;
  const parts: string[] = [];
  const walk = (node: HTMLElement) => {
    for (const child of node.childNodes) {
      if (child.nodeType === 3) {
        parts.push(decodeEntities(child.rawText).replace(/\s+/g, ' '));
      } else if (child.nodeType === 1) {
        const element = child as HTMLElement;
        const tag = element.tagName?.toLowerCase() ?? '';
        if (skippedTags.has(tag)) continue;
        const block = blockTags.has(tag);
        if (block) parts.push('\n\n');
        walk(element);
        if (block) parts.push('\n\n');
      }
    }
  };
  walk(body);
  return parts.join('').replace(/[ \t]*\n[ \t]*/g, '\n').replace(/\n{3,}/g, '\n\n').trim();
}

function decodeEntities(text: string): string {
  return text
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code: string) => String.fromCodePoint(parseInt(code, 16)))
    .replace(/&amp;/g, '&');
}

/** PDF text, page by page; lines inside a page are kept, pages become paragraphs. */
async function pdfToText(bytes: Uint8Array): Promise<string> {
  // verbosity 0: errors only; pdf.js's warnings about damaged files ("Indexing all PDF objects") are not for the console.
  const { extractText, getDocumentProxy } = await import('unpdf');
  const pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
  const { text } = await extractText(pdf, { mergePages: false });
  return (Array.isArray(text) ? text : [text]).join('\n\n');
}
