// Wire types of GET /api/documents, GET /api/documents/:id, POST /api/documents and DELETE /api/documents/:id.

/** The versions of one document the library holds, newest first (set by ingestion when it finds them). */
export interface VersionGroup {
  title: string;
  versions: { id: string; date?: string }[];
  newest: string;
}

export interface DocumentSummary {
  id: string;
  title: string;
  region?: string;
  issuer?: string;
  date?: string;
  /** The file in the corpus folder. */
  file?: string;
  chunks: number;
  chars: number;
  /** Set on a copy of another document (the same text from another site): the canonical copy's id. */
  duplicateOf?: string;
  /** Set on the canonical copy: its other copies. */
  duplicates?: string[];
  versionGroup?: VersionGroup;
}

/** What the server accepts from this page: whether it may add and remove files, and the limits. */
export interface UploadPolicy {
  allowed: boolean;
  maxFileBytes: number;
  maxFiles: number;
  extensions: string[];
}

export interface DocumentSection {
  /** Heading path from the root down to this section. */
  path: string[];
  start: number;
  end: number;
}

export interface DocumentDetail extends Omit<DocumentSummary, 'chunks' | 'chars'> {
  text: string;
  sections: DocumentSection[];
  chunks: { id: string; start: number; end: number; section: string[] }[];
}

/** How the server brought its index up to date after a change. */
export interface IndexChange {
  documents: number;
  chunks: number;
  update: 'incremental' | 'full';
  ms: number;
}

/** POST /api/documents → 201. */
export interface AddedDocuments {
  documents: DocumentSummary[];
  index: IndexChange;
}

/** DELETE /api/documents/:id → 200. */
export interface RemovedDocument {
  removed: { id: string; title: string; file: string; movedTo: string | null };
  index: IndexChange;
}
