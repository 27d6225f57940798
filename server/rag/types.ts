// Shared data types of the ingestion pipeline, the index and the retrieval layer.

/** Metadata a corpus manifest (or inference) gives a document. */
export interface DocumentMeta {
  id: string;
  title: string;
  file: string;
  region?: string;
  issuer?: string;
  date?: string;
  /** The issuer's document number as the text states it ("国发〔2020〕6号", "国务院令第656号"). */
  docNumber?: string;
  source?: string;
}

/** A heading range: `text.slice(start, end)` is the section, `path` its headings from the top. */
export interface Section {
  path: string[];
  start: number;
  end: number;
}

/** A cleaned document: `text` is what every offset indexes into. */
export interface PolicyDocument extends DocumentMeta {
  text: string;
  /** sha256 of the raw file bytes: decides whether re-ingestion can reuse chunks and vectors. */
  contentHash: string;
  sections: Section[];
  /** What cleaning removed from the raw text (whitespace not counted); `keptUncleaned` when it would have emptied it. */
  cleaning?: { removedChars: number; keptUncleaned?: boolean };
  /** The canonical copy when this document repeats another one (the same notice from another site). */
  duplicateOf?: string;
  /** On the canonical copy: the ids of the other copies. */
  duplicates?: string[];
  /** When the library holds several versions of this document (same title, different dates). */
  versionGroup?: { title: string; versions: { id: string; date?: string }[]; newest: string };
}

/** A clause-level piece of a document: `document.text.slice(start, end) === text`. */
export interface Chunk {
  id: string;
  documentId: string;
  text: string;
  start: number;
  end: number;
  section: string[];
}

/** A chunk plus its search tokens, as stored in the index. */
export interface IndexedChunk extends Chunk {
  /** jieba search-mode tokens of the chunk text (stop words removed, widths folded). */
  tokens: string[];
  /** tokens of the document title and heading path, indexed as a lighter field. */
  contextTokens: string[];
}

/** One retrieval hit. */
export interface SearchResult {
  chunkId: string;
  documentId: string;
  title: string;
  section: string[];
  text: string;
  score: number;
  start: number;
  end: number;
}
