// Suites: a JSON file listing question sets with their corpora (and each set's own writing rules for
// the dataset checker), so one command runs or checks them all.
import { access, readFile } from 'node:fs/promises';
import { z } from 'zod';

const range = z.tuple([z.number().int().min(0), z.number().int().min(0)]);

/**
 * Rules a set's writers followed, checked on top of the generic checks (all optional): id pattern,
 * counts, quote and fact sizes, one answering document, questions per document, document sizes,
 * places every question names.
 */
export const setRulesSchema = z
  .object({
    idPattern: z.string().optional(),
    minQuestions: z.number().int().min(1).optional(),
    /** Exact number of questions per type; other types are errors. */
    typeCounts: z.record(z.string(), z.number().int().min(0)).optional(),
    quoteChars: range.optional(),
    /** The quote lies within one line of the document file as written. */
    quoteWithinLine: z.boolean().optional(),
    factsPerQuestion: range.optional(),
    /** Documents a question may list, by type ("*" for the rest). */
    documentsPerQuestion: z.record(z.string(), range).optional(),
    /** Each listed document has exactly one evidence quote. */
    oneQuotePerDocument: z.array(z.string()).optional(),
    /** The quote occurs in no other document. */
    oneAnsweringDocument: z.boolean().optional(),
    /** Every corpus document is asked about at least this often. */
    minQuestionsPerDocument: z.number().int().min(1).optional(),
    /** Characters of each document file as written (code points). */
    documentChars: range.optional(),
    documentCharsIgnoreWhitespace: z.boolean().optional(),
    /** Every question names one of these places. */
    places: z.array(z.string().min(1)).optional(),
  })
  .strict();

export type SetRules = z.infer<typeof setRulesSchema>;

const entrySchema = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and hyphens'),
    dataset: z.string().min(1),
    corpus: z.string().min(1),
    /** Skipped with a note while the dataset file does not exist yet. */
    optional: z.boolean().default(false),
    /** A named rule preset of the dataset checker (`seeds`: the seed set's id prefixes, type mix, 100 questions). */
    profile: z.enum(['seeds']).optional(),
    checks: setRulesSchema.optional(),
    description: z.string().optional(),
  })
  .strict();

export type SuiteEntry = z.infer<typeof entrySchema>;

const suiteSchema = z.object({ description: z.string().optional(), sets: z.array(entrySchema).min(1) }).strict();

/** Reads a suite file; paths in it are relative to the current directory (the repository root under npm). */
export async function loadSuite(path: string): Promise<SuiteEntry[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`suite ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = suiteSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`suite ${path}: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
  const names = new Set<string>();
  for (const entry of parsed.data.sets) {
    if (names.has(entry.name)) throw new Error(`suite ${path}: set name ${entry.name} appears twice`);
    names.add(entry.name);
  }
  return parsed.data.sets;
}

/** Whether a set can run: its dataset and corpus exist. A missing optional dataset is a skip, anything else missing an error. */
export async function entryStatus(entry: SuiteEntry): Promise<{ ready: true } | { ready: false; reason: string; fatal: boolean }> {
  const exists = (path: string) =>
    access(path).then(
      () => true,
      () => false,
    );
  if (!(await exists(entry.dataset))) {
    return entry.optional ? { ready: false, reason: `${entry.dataset} does not exist yet (optional set)`, fatal: false } : { ready: false, reason: `${entry.dataset} does not exist`, fatal: true };
  }
  if (!(await exists(entry.corpus))) return { ready: false, reason: `corpus ${entry.corpus} does not exist`, fatal: !entry.optional };
  return { ready: true };
}
