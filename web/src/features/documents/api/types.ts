// Wire types of GET /api/documents and GET /api/documents/:id.

export interface DocumentSummary {
  id: string;
  title: string;
  region?: string;
  issuer?: string;
  date?: string;
  chunks: number;
  chars: number;
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
