// Baseline retrievers the product is compared with, and the simple extractive answer they share.
import type { EmbeddingsInterface } from '@langchain/core/embeddings';
import { Document } from '@langchain/core/documents';
import { RecursiveCharacterTextSplitter } from '@langchain/textsplitters';
import { splitSentences } from '../server/ingest/split-sentences.js';
import { Bm25Index } from '../server/rag/bm25-index.js';
import { bigrams, characters, foldWidth, queryTokens, tokenize } from '../server/rag/tokenize.js';
import type { Chunk, Section } from '../server/rag/types.js';

/** A document as the evaluator sees it: the cleaned text every offset indexes into. */
export interface CorpusDocument {
  id: string;
  title: string;
  region?: string;
  text: string;
  sections: Section[];
}

/** The corpus a run evaluates against: its documents and the product's chunks. */
export interface CorpusView {
  documents: Map<string, CorpusDocument>;
  chunks: Chunk[];
}

/** One retrieval hit, whichever system produced it. */
export interface RetrievedChunk {
  chunkId: string;
  documentId: string;
  title: string;
  section: string[];
  text: string;
  start: number;
  end: number;
  /** The system's own ranking score (BM25, cosine, fused), when it gives one: what a fair baseline refuses on. */
  score?: number;
}

export interface Retriever {
  retrieve(query: string, k: number): Promise<RetrievedChunk[]>;
}

/** The deepest heading path containing `offset` (chunkers that do not track headings get one for display). */
export function sectionAt(document: CorpusDocument, offset: number): string[] {
  let best: string[] = [];
  for (const section of document.sections) {
    if (section.start <= offset && offset < section.end && section.path.length >= best.length) best = section.path;
  }
  return best;
}

/** The chunks of LangChain's default recipe: RecursiveCharacterTextSplitter(1000, 200) over each cleaned text. */
export async function splitLikeLangchain(corpus: CorpusView): Promise<RetrievedChunk[]> {
  const splitter = new RecursiveCharacterTextSplitter({ chunkSize: 1000, chunkOverlap: 200 });
  const chunks: RetrievedChunk[] = [];
  for (const document of corpus.documents.values()) {
    const pieces = await splitter.splitText(document.text);
    let cursor = 0;
    pieces.forEach((piece, i) => {
      // The splitter returns strings; their offsets are found in order (pieces overlap, so search from the previous start).
      let start = document.text.indexOf(piece, cursor);
      if (start < 0) start = document.text.indexOf(piece);
      if (start < 0) return;
      cursor = start + 1;
      chunks.push({
        chunkId: `${document.id}:lc${String(i).padStart(3, '0')}`,
        documentId: document.id,
        title: document.title,
        section: sectionAt(document, start),
        text: piece,
        start,
        end: start + piece.length,
      });
    });
  }
  return chunks;
}

/**
 * Baseline (a): LangChain's default recipe. With an embedding model the chunks go into a
 * MemoryVectorStore; without one they are ranked by the product's own jieba BM25 (words, bigrams,
 * document title), so the comparison isolates the chunking.
 */
export async function createLangchainRecipe({ corpus, embeddings }: { corpus: CorpusView; embeddings?: EmbeddingsInterface }): Promise<Retriever & { method: string; chunkCount: number }> {
  const chunks = await splitLikeLangchain(corpus);
  if (embeddings) {
    const { MemoryVectorStore } = await import('@langchain/classic/vectorstores/memory');
    const store = await MemoryVectorStore.fromDocuments(
      chunks.map((chunk, i) => new Document({ pageContent: chunk.text, metadata: { position: i } })),
      embeddings,
    );
    return {
      method: 'MemoryVectorStore + embeddings',
      chunkCount: chunks.length,
      async retrieve(query, k) {
        const found = await store.similaritySearchWithScore(query, k);
        return found.map(([document, score]) => ({ ...chunks[document.metadata.position as number], score }));
      },
    };
  }
  const titles = (chunk: RetrievedChunk) => {
    const document = corpus.documents.get(chunk.documentId);
    return tokenize(`${document?.title ?? ''} ${document?.region ?? ''}`);
  };
  const bm25 = new Bm25Index(chunks.map((chunk) => ({ tokens: tokenize(chunk.text), bigrams: bigrams(chunk.text), context: titles(chunk) })));
  return {
    method: 'jieba BM25 (no embedding model)',
    chunkCount: chunks.length,
    async retrieve(query, k) {
      const tokens = queryTokens(query);
      return bm25.search({ tokens, bigrams: bigrams(query), context: tokens }, { k }).map(({ doc, score }) => ({ ...chunks[doc], score }));
    },
  };
}

/** Single-character tokens, as JS full-text libraries give Chinese: each Han character, latin and digit runs whole. */
export function characterTokens(text: string): string[] {
  return characters(text);
}

/** Baseline (b): BM25 (k1 1.2, b 0.75) over the product's chunks with single-character tokens, no segmentation. */
export function createCharacterBm25(corpus: CorpusView): Retriever {
  const chunks: RetrievedChunk[] = corpus.chunks.map((chunk) => ({
    chunkId: chunk.id,
    documentId: chunk.documentId,
    title: corpus.documents.get(chunk.documentId)?.title ?? chunk.documentId,
    section: chunk.section,
    text: chunk.text,
    start: chunk.start,
    end: chunk.end,
  }));
  const bm25 = new Bm25Index(chunks.map((chunk) => ({ tokens: characterTokens(chunk.text), bigrams: [], context: [] })));
  return {
    async retrieve(query, k) {
      return bm25.search({ tokens: characterTokens(query), bigrams: [], context: [] }, { k }).map(({ doc, score }) => ({ ...chunks[doc], score }));
    },
  };
}

/** Plain BM25 with the textbook parameters and one field: what the naive baseline ranks with. */
const plainBm25 = { k1: 1.2, b: 0.75, bigramWeight: 0, contextWeight: 0 };

/** The naive baseline's windows: fixed length, overlapping, cut anywhere (no sentence or heading awareness). */
export const naiveWindow = { chars: 350, overlap: 50 };

/**
 * Tokens as Elasticsearch's `cjk` analyzer makes them: overlapping bigrams of each run of Han
 * characters (a lone character stays a unigram), Latin and digit runs whole; widths folded, lower case.
 */
export function cjkBigramTokens(text: string): string[] {
  const tokens: string[] = [];
  for (const run of foldWidth(text).match(/\p{Script=Han}+|[a-z0-9]+(?:\.[0-9]+)?%?/gu) ?? []) {
    if (!/\p{Script=Han}/u.test(run[0]) || run.length === 1) tokens.push(run);
    else for (let i = 0; i + 1 < run.length; i++) tokens.push(run.slice(i, i + 2));
  }
  return tokens;
}

/** [start, end) windows of `chars` characters every `chars - overlap` characters; the last one ends at the text's end. */
export function fixedWindows(length: number, { chars, overlap }: { chars: number; overlap: number } = naiveWindow): { start: number; end: number }[] {
  const windows: { start: number; end: number }[] = [];
  if (length === 0) return windows;
  for (let start = 0; ; start += chars - overlap) {
    const end = Math.min(start + chars, length);
    windows.push({ start, end });
    if (end >= length) return windows;
  }
}

/**
 * The naive baseline, the reference row of every report: BM25 (k1 1.2, b 0.75) over character
 * bigrams of fixed 350-character windows (50 overlapping) of each document's cleaned text.
 */
export function createNaiveBaseline(corpus: CorpusView): Retriever & { windowCount: number } {
  const windows: RetrievedChunk[] = [];
  for (const document of corpus.documents.values()) {
    fixedWindows(document.text.length).forEach(({ start, end }, i) => {
      windows.push({
        chunkId: `${document.id}:w${String(i).padStart(4, '0')}`,
        documentId: document.id,
        title: document.title,
        section: sectionAt(document, start),
        text: document.text.slice(start, end),
        start,
        end,
      });
    });
  }
  const bm25 = new Bm25Index(
    windows.map((window) => ({ tokens: cjkBigramTokens(window.text), bigrams: [], context: [] })),
    plainBm25,
  );
  return {
    windowCount: windows.length,
    async retrieve(query, k) {
      return bm25.search({ tokens: cjkBigramTokens(query), bigrams: [], context: [] }, { k }).map(({ doc, score }) => ({ ...windows[doc], score }));
    },
  };
}

/** An answer with citations, as every system's answer is scored. */
export interface CitedAnswer {
  answer: string;
  answered: boolean;
  citations: { n: number; chunkId: string; documentId: string; title: string; section: string[]; quote: string; start: number; end: number }[];
}

/** The simple answer given to retrieval-only systems: the top chunk's first two sentences, cited. */
export function simpleExtractiveAnswer(results: RetrievedChunk[]): CitedAnswer {
  const top = results[0];
  if (!top) return { answer: '没有检索到相关条款。', answered: false, citations: [] };
  const sentences = splitSentences(top.text, top.start).slice(0, 2);
  if (sentences.length === 0) return { answer: '没有检索到相关条款。', answered: false, citations: [] };
  const start = sentences[0].start;
  const end = sentences[sentences.length - 1].end;
  return {
    answer: sentences.map((sentence) => `${sentence.text}[1]`).join(''),
    answered: true,
    citations: [{ n: 1, chunkId: top.chunkId, documentId: top.documentId, title: top.title, section: top.section, quote: top.text.slice(start - top.start, end - top.start), start, end }],
  };
}
