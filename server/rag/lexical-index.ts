// The lexical side of the index, built at ingest and stored in one binary file: BM25 over chunks (their
// words without echoes of the document title, their character bigrams, their title and headings), how
// many chunks hold each single character (character-scores.ts), and BM25 over whole documents (the
// title twice, then every chunk's words).
// What each field holds is decided here, once, when the index is built: a change to it needs a new
// indexFormatVersion (index-store.ts) so that old indexes are rebuilt.
import { packSections, Sections } from './binary-sections.js';
import { Bm25Builder, Bm25Index, type Bm25Fields } from './bm25-index.js';
import type { Analyzer } from './analyzer.js';
import { CharacterStatistics, CharacterStatisticsBuilder, type CharacterStatisticsData } from './character-scores.js';
import { bigrams, foldWidth } from './tokenize.js';
import type { IndexedChunk, PolicyDocument } from './types.js';

/** What BM25 indexes for one document: each chunk's fields, and the words of the whole document. */
export interface LexicalEntries {
  chunkFields: Bm25Fields[];
  /** Each chunk's text: the character statistics count its characters. */
  chunkTexts: string[];
  documentTokens: string[];
}

/**
 * The BM25 entries of a document and its chunks (in chunk order), from their tokens; `analyzer` is
 * the one the chunks were tokenized with (it tokenizes the title to find its echoes).
 */
export function lexicalEntriesOf(document: Pick<PolicyDocument, 'title'>, chunks: IndexedChunk[], analyzer: Analyzer): LexicalEntries {
  const title = compactTitle(document.title);
  const documentTokens = chunks.length > 0 ? [...chunks[0].contextTokens, ...chunks[0].contextTokens] : [];
  for (const chunk of chunks) documentTokens.push(...chunk.tokens);
  return {
    chunkFields: chunks.map((chunk) => ({ tokens: withoutTitleEcho(chunk, title, analyzer), bigrams: bigrams(chunk.text), context: chunk.contextTokens })),
    chunkTexts: chunks.map((chunk) => chunk.text),
    documentTokens,
  };
}

export class LexicalIndex {
  constructor(
    /** BM25 over chunks: document numbers are chunk positions. */
    readonly chunks: Bm25Index,
    /** BM25 over whole documents: document number i is `documentIds[i]`. */
    readonly documents: Bm25Index,
    /** Documents that have chunks, in the order of their first chunk. */
    readonly documentIds: string[],
    /** How many chunks hold each single character, for BM25 over characters scored from chunk texts. */
    readonly characters: CharacterStatistics,
  ) {}

  /**
   * Builds both indexes from each document's entries, in chunk order: the chunks of the first unit
   * are positions 0.., then the next unit's. Units of documents without chunks are skipped.
   */
  static build(units: Iterable<{ documentId: string; entries: LexicalEntries }>): LexicalIndex {
    const builder = new LexicalIndexBuilder();
    for (const { documentId, entries } of units) builder.add(documentId, entries);
    return builder.finish();
  }

  /** Builds from chunks that carry their tokens; each document's chunks must be contiguous. */
  static fromChunks(documents: Pick<PolicyDocument, 'id' | 'title'>[], chunks: IndexedChunk[], analyzer: Analyzer): LexicalIndex {
    const byId = new Map(documents.map((document) => [document.id, document]));
    return LexicalIndex.build(
      (function* () {
        const seen = new Set<string>();
        for (let start = 0; start < chunks.length; ) {
          const documentId = chunks[start].documentId;
          let end = start + 1;
          while (end < chunks.length && chunks[end].documentId === documentId) end++;
          if (seen.has(documentId)) throw new Error(`the chunks of document ${documentId} are not contiguous`);
          seen.add(documentId);
          yield { documentId, entries: lexicalEntriesOf(byId.get(documentId) ?? { title: '' }, chunks.slice(start, end), analyzer) };
          start = end;
        }
      })(),
    );
  }

  /**
   * Each stored document's entries, read back from the postings (token order is lost, counts kept), so
   * that an incremental update keeps the documents it does not touch without tokenizing them again.
   * `chunks` are the stored chunks, in position order (their document ids and texts).
   */
  entriesByDocument(chunks: { documentId: string; text: string }[]): Map<string, LexicalEntries> {
    const chunkEntries = this.chunks.entries();
    const documentEntries = this.documents.entries();
    const out = new Map<string, LexicalEntries>();
    this.documentIds.forEach((id, i) => out.set(id, { chunkFields: [], chunkTexts: [], documentTokens: documentEntries[i].tokens }));
    chunkEntries.forEach((fields, position) => {
      const entries = out.get(chunks[position].documentId);
      entries?.chunkFields.push(fields);
      entries?.chunkTexts.push(chunks[position].text);
    });
    return out;
  }

  toBuffer(): Buffer {
    return packSections({ documentIds: this.documentIds, ...this.chunks.sections('chunks'), ...this.documents.sections('documents'), characters: this.characters.data });
  }

  static fromBuffer(buffer: Uint8Array): LexicalIndex {
    const sections = new Sections(buffer);
    return new LexicalIndex(
      Bm25Index.fromSections(sections, 'chunks'),
      Bm25Index.fromSections(sections, 'documents'),
      sections.json<string[]>('documentIds'),
      new CharacterStatistics(sections.json<CharacterStatisticsData>('characters')),
    );
  }
}

/**
 * Builds a LexicalIndex one document at a time (ingestion adds each document as soon as its chunks are
 * tokenized). Chunk positions follow the order of `add`; documents without chunks are skipped.
 */
export class LexicalIndexBuilder {
  private readonly chunkBuilder = new Bm25Builder();
  private readonly characterBuilder = new CharacterStatisticsBuilder();
  private readonly documentBuilder = new Bm25Builder();
  private readonly documentIds: string[] = [];

  add(documentId: string, entries: LexicalEntries): void {
    if (entries.chunkFields.length === 0) return;
    for (const fields of entries.chunkFields) this.chunkBuilder.add(fields);
    for (const text of entries.chunkTexts) this.characterBuilder.add(text);
    this.documentBuilder.add({ tokens: entries.documentTokens, bigrams: [], context: [] });
    this.documentIds.push(documentId);
  }

  finish(): LexicalIndex {
    return new LexicalIndex(this.chunkBuilder.finish(), this.documentBuilder.finish(), this.documentIds, this.characterBuilder.finish());
  }
}

/**
 * A chunk's word tokens without those of each time it repeats its document's title (the header
 * block "XX市财政局关于做好…的通知", a "根据《…办法》" reference): every chunk already carries the title
 * in its heading field, so a header would otherwise outrank the clauses for any question on the topic.
 */
export function withoutTitleEcho(chunk: IndexedChunk, title: string | undefined, analyzer: Analyzer): string[] {
  if (!title) return chunk.tokens;
  const text = foldWidth(chunk.text).replace(/\s+/g, '');
  const echoes = text.split(title).length - 1;
  if (echoes === 0) return chunk.tokens;
  const remove = new Map<string, number>();
  for (const token of analyzer.tokenize(title)) remove.set(token, (remove.get(token) ?? 0) + echoes);
  return chunk.tokens.filter((token) => {
    const left = remove.get(token) ?? 0;
    if (left === 0) return true;
    remove.set(token, left - 1);
    return false;
  });
}

/** A title as a text repeats it (widths folded, no spaces, no 《》); undefined when too short to tell. */
export function compactTitle(title: string): string | undefined {
  const compact = foldWidth(title.replace(/^《|》$/g, '')).replace(/\s+/g, '');
  return compact.length >= 6 ? compact : undefined;
}
