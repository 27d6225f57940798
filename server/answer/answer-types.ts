// The answer's wire shapes, defined once: the server builds them, the web UI and the evals read them.
import { z } from 'zod';

/** A citation: the exact quoted span of a clause, with offsets into its document's cleaned text. */
export const citationSchema = z.object({
  n: z.number().int().min(1),
  chunkId: z.string(),
  documentId: z.string(),
  title: z.string(),
  /** Heading path from the document root down to the cited clause. */
  section: z.array(z.string()),
  quote: z.string(),
  /** `document.text.slice(start, end) === quote`. */
  start: z.number().int().min(0),
  end: z.number().int().min(0),
  /** Set when the cited document is one version of a regulation the library holds in several. */
  version: z
    .object({
      /** "2024年修订版", "2019年版". */
      label: z.string(),
      /** A newer version exists: this wording is superseded. */
      superseded: z.boolean(),
    })
    .optional(),
});
export type Citation = z.infer<typeof citationSchema>;

/** One cell of a comparison table: the cited sentence of one document on one aspect, or nothing. */
export const comparisonCellSchema = z.object({
  aspect: z.number().int().min(0),
  document: z.number().int().min(0),
  /** The cited sentence; null when the document does not mention the aspect ("未提及"). */
  text: z.string().nullable(),
  /** The citation number (`n`) the cell's text carries. */
  citation: z.number().int().min(1).optional(),
});

/** A comparison across documents: one row per aspect, one column per document. */
export const comparisonSchema = z.object({
  aspects: z.array(z.string()),
  documents: z.array(z.object({ id: z.string(), title: z.string() })),
  cells: z.array(comparisonCellSchema),
  /** Aspects every document has a cited sentence for ("三份文件都提到…"). */
  shared: z.array(z.string()),
});
export type Comparison = z.infer<typeof comparisonSchema>;
export type ComparisonCell = z.infer<typeof comparisonCellSchema>;

export const sentenceCheckSchema = z.object({
  text: z.string(),
  citations: z.array(z.number()),
  supported: z.boolean(),
  reason: z.string().optional(),
});

export const verificationSchema = z.object({
  sentences: z.array(sentenceCheckSchema),
  supported: z.number(),
  unsupported: z.number(),
  /** Markers that pointed at no clause and were removed from the answer. */
  droppedMarkers: z.array(z.number()),
});
export type SentenceCheck = z.infer<typeof sentenceCheckSchema>;
export type Verification = z.infer<typeof verificationSchema>;

/** What POST /api/chat returns (and the SSE `done` event carries). */
export const chatResponseSchema = z.object({
  /** Markdown with [n] markers after each sentence. */
  answer: z.string(),
  /** False when the corpus holds no answer: the answer then says so plainly and cites nothing. */
  answered: z.boolean(),
  citations: z.array(citationSchema),
  /** Comparison questions: the table, its cells citing the same numbers as the answer. */
  comparison: comparisonSchema.optional(),
  /** Notes about the answer that are not claims of the documents (which version answered, masked characters). */
  notes: z.array(z.string()).optional(),
  verification: verificationSchema.optional(),
  mode: z.enum(['answer', 'summary']),
  /** The query retrieval ran with (a follow-up condensed with earlier turns). */
  retrievalQuery: z.string(),
  timings: z.object({ retrieveMs: z.number(), answerMs: z.number(), totalMs: z.number() }),
});
export type ChatResponse = z.infer<typeof chatResponseSchema>;
