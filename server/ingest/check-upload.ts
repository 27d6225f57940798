// Checks a file sent from the browser before anything is written: size, type by content, text encoding,
// and that it parses into text. A refusal is an AppError whose message names the file and the reason.
import { extname } from 'node:path';
import { AppError } from '../errors.js';
import { cleanText } from './clean-text.js';
import { decodeText, parseDocument } from './load-document.js';

export const uploadLimits = {
  /** Largest file accepted (a 300-page PDF of text is well under it). */
  fileBytes: 20 * 1024 * 1024,
  /** Largest request: a few files at once; more are sent as further requests. */
  requestBytes: 25 * 1024 * 1024,
  /** Files per request. */
  files: 20,
};

/** Extensions an upload may have (the formats ingestion reads). */
export const uploadExtensions = ['.txt', '.md', '.markdown', '.html', '.htm', '.docx', '.pdf'] as const;

export interface CheckedUpload {
  /** The name as sent, reduced to its last path segment. */
  name: string;
  /** Lower-case extension, e.g. ".pdf". */
  extension: string;
  bytes: Uint8Array;
  /** The text parsed out of it (before cleaning). */
  raw: string;
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** What the bytes are, read from their first bytes rather than from the name. */
export function sniffContent(bytes: Uint8Array): 'pdf' | 'docx' | 'zip' | 'ole' | 'utf16' | 'binary' | 'text' {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 8192));
  // PDF readers accept a header after a little leading junk; whitespace or a BOM is what real files carry.
  if (/^(?:\xef\xbb\xbf)?\s*%PDF-/.test(head.subarray(0, 1024).toString('latin1'))) return 'pdf';
  if (head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))) {
    // A .docx is a zip whose entries include word/document.xml (entry names are stored uncompressed).
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes('word/document.xml') ? 'docx' : 'zip';
  }
  if (head.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))) return 'ole';
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return 'utf16';
  return head.includes(0) ? 'binary' : 'text';
}

const contentNames: Record<ReturnType<typeof sniffContent>, string> = {
  pdf: 'a PDF',
  docx: 'a Word (.docx) document',
  zip: 'a zip archive (not a Word document)',
  ole: 'an old Office file (.doc/.xls: save it as .docx)',
  utf16: 'UTF-16 text (save it as UTF-8)',
  binary: 'a binary file',
  text: 'text',
};

/** Which content each extension must have. */
function expectedContent(extension: string): ReturnType<typeof sniffContent> {
  if (extension === '.pdf') return 'pdf';
  if (extension === '.docx') return 'docx';
  return 'text';
}

/**
 * Whether text bytes decode as ingestion decodes them (UTF-8, else GB18030) without losing more than a
 * stray byte or two: a file in another encoding would come out as replacement characters.
 */
export function isReadableText(bytes: Uint8Array): boolean {
  const text = decodeText(bytes);
  const replaced = text.split('\uFFFD').length - 1;
  return replaced <= Math.max(2, text.length / 1000);
}

/** The last segment of a name a browser or client sent ("C:\\x\\a.pdf", "../a.pdf" → "a.pdf"). */
export function baseName(name: string): string {
  return (name.split(/[\\/]/).pop() ?? '').normalize('NFC').trim();
}

/**
 * Checks one file: size (at most `uploadLimits.fileBytes`), extension among `uploadExtensions`, content
 * that is what the extension says (a PDF starts with `%PDF-`, a .docx is a zip with word/document.xml,
 * text holds no binary), text in UTF-8 or GB18030, and that it parses into some text. Throws an AppError
 * (`file_too_large`, `unsupported_file_type` or `unreadable_file`) naming the file.
 */
export async function checkUpload({ name: sentName, bytes }: { name: string; bytes: Uint8Array }): Promise<CheckedUpload> {
  const name = baseName(sentName) || 'unnamed';
  const shown = JSON.stringify(name.slice(0, 120));
  const extension = extname(name).toLowerCase();
  // `details.reason` lets the interface say it in the user's language.
  const refuse = (code: 'file_too_large' | 'unsupported_file_type' | 'unreadable_file', reason: string, message: string, cause?: unknown): never => {
    throw new AppError(code, message, { cause, details: { file: name.slice(0, 200), reason } });
  };
  if (bytes.byteLength > uploadLimits.fileBytes) {
    refuse('file_too_large', 'too_large', `${shown} is ${megabytes(bytes.byteLength)}; files are limited to ${megabytes(uploadLimits.fileBytes)}.`);
  }
  if (!(uploadExtensions as readonly string[]).includes(extension)) {
    const old = extension === '.doc' || extension === '.wps';
    refuse('unsupported_file_type', old ? 'old_word' : 'extension', `${shown}: ${extension || 'no extension'} files cannot be added; use .txt, .md, .html, .docx or .pdf.${old ? ' Save it as .docx first.' : ''}`);
  }
  if (bytes.byteLength === 0) refuse('unreadable_file', 'empty', `${shown} is empty.`);
  const content = sniffContent(bytes);
  const expected = expectedContent(extension);
  if (content !== expected) refuse('unsupported_file_type', `content:${content}`, `${shown} is named ${extension} but its content is ${contentNames[content]}.`);
  if (expected === 'text' && !isReadableText(bytes)) refuse('unreadable_file', 'encoding', `${shown} is not text in UTF-8 or GB18030; save it as UTF-8.`);
  let raw = '';
  try {
    raw = await parseDocument(bytes, extension, name);
  } catch (error) {
    const kind = extension === '.pdf' ? 'a readable PDF (it may be damaged or encrypted)' : extension === '.docx' ? 'a readable Word document (it may be damaged)' : 'readable';
    refuse('unreadable_file', 'damaged', `${shown} is not ${kind}.`, error);
  }
  if (raw.trim().length === 0) {
    const scanned = extension === '.pdf';
    refuse('unreadable_file', scanned ? 'no_text_layer' : 'no_text', `${shown} holds no text.${scanned ? ' It may be a scanned PDF without a text layer: run it through OCR first.' : ''}`);
  }
  if (cleanText(raw).trim().length === 0) refuse('unreadable_file', 'nothing_to_index', `${shown} holds nothing to index once page furniture is removed (is it a policy text in Chinese?).`);
  return { name, extension, bytes, raw };
}
