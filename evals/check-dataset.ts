// The dataset checker: any question set against its corpus — format, unique ids, documents that exist
// (ids as the product derives them), quotes verbatim in the product's cleaned text, facts inside the
// quotes — plus the rules a set's writers followed (from a suite file) or the seed set's own profile.
//   npx tsx evals/check-dataset.ts FILE --corpus DIR [--profile seeds]
//   npx tsx evals/check-dataset.ts [--suite evals/suites/all.json] [SET …]
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { cleanText } from '../server/ingest/clean-text.js';
import { listCorpus } from '../server/ingest/load-corpus.js';
import { loadDocument } from '../server/ingest/load-document.js';
import { parseDatasetLine, type EvalItem } from './load-dataset.js';
import { entryStatus, loadSuite, type SetRules, type SuiteEntry } from './suite.js';

/** A corpus document as the product reads it: the file's text as loaded, and the cleaned text offsets index into. */
export interface CheckedDocument {
  file: string;
  raw: string;
  text: string;
}

/** Reads a corpus with the product's own listing, loading and cleaning (so ids and texts are the product's). */
export async function readCorpusTexts(directory: string): Promise<{ documents: Map<string, CheckedDocument>; failures: string[] }> {
  const documents = new Map<string, CheckedDocument>();
  const failures: string[] = [];
  for (const entry of await listCorpus(directory)) {
    try {
      const raw = await loadDocument(entry.path);
      documents.set(entry.meta.id, { file: entry.meta.file, raw, text: cleanText(raw) });
    } catch (error) {
      failures.push(`${entry.meta.file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return { documents, failures };
}

export interface CheckResult {
  /** Lines that make the set unusable or wrong: the check fails. */
  problems: string[];
  /** Things worth a look that do not make it wrong. */
  warnings: string[];
  /** Counts by type and split, for the writer. */
  summary: string[];
  items: EvalItem[];
}

const knownKeys = new Set(['id', 'type', 'split', 'mode', 'question', 'history', 'answerable', 'documents', 'evidence', 'superseded', 'facts', 'document', 'answer']);
const characters = (text: string) => [...text].length;

function occurrences(text: string, needle: string): number[] {
  const found: number[] = [];
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) found.push(at);
  return found;
}

/** Every check of one set. `lines` is the JSONL text; `documents` the corpus as `readCorpusTexts` reads it. */
export function checkDataset({ lines, documents, rules = {}, profile }: { lines: string; documents: Map<string, CheckedDocument>; rules?: SetRules; profile?: 'seeds' }): CheckResult {
  const problems: string[] = [];
  const warnings: string[] = [];
  const items: EvalItem[] = [];
  const raws: Record<string, unknown>[] = [];
  const seenIds = new Map<string, number>();
  const seenQuestions = new Map<string, number>();
  const squeezed = new Map([...documents].map(([id, document]) => [id, document.text.replace(/\s+/g, '')]));

  lines.split('\n').forEach((line, index) => {
    const lineNumber = index + 1;
    if (line.trim() === '') return;
    let item: EvalItem;
    let raw: Record<string, unknown>;
    try {
      item = parseDatasetLine(line, lineNumber);
      raw = JSON.parse(line) as Record<string, unknown>;
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
      return;
    }
    const where = `line ${lineNumber} (${item.id})`;
    const problem = (message: string) => problems.push(`${where}: ${message}`);
    const warn = (message: string) => warnings.push(`${where}: ${message}`);
    const unknown = Object.keys(raw).filter((key) => !knownKeys.has(key));
    if (unknown.length > 0) warn(`unknown field(s) ${unknown.join(', ')} (ignored by the runner)`);
    if (seenIds.has(item.id)) problem(`id repeats line ${seenIds.get(item.id)}`);
    else seenIds.set(item.id, lineNumber);
    const key = `${JSON.stringify(item.history)}|${item.question.trim()}`;
    if (seenQuestions.has(key)) warn(`same question as line ${seenQuestions.get(key)}`);
    else seenQuestions.set(key, lineNumber);
    if (item.question.trim().length < 4) problem('question is empty or too short');

    const roles = item.history.map((turn) => turn.role).join(',');
    if (item.history.length > 0 && !/^(user,assistant,)*user,assistant$/.test(roles)) problem('history must alternate user/assistant turns, starting with the user and ending with the assistant');
    item.history.forEach((turn, i) => {
      if (turn.content.trim() === '') problem(`history[${i}] is empty`);
    });

    if (!item.answerable) {
      if (item.documents.length + item.evidence.length + item.facts.length + item.superseded.length > 0) problem('an unanswerable question has no documents, evidence, superseded quotes or facts');
    } else {
      if (item.documents.length === 0) problem('an answerable question lists no documents');
      if (item.evidence.length === 0) problem('an answerable question has no evidence quote');
      if (item.facts.length === 0) problem('an answerable question has no facts');
    }
    if (new Set(item.documents).size !== item.documents.length) problem('documents lists a document twice');
    for (const id of item.documents) if (!documents.has(id)) problem(`unknown document "${id}" (corpus ids: manifest ids, else file stems)`);
    for (const id of item.documents) if (!item.evidence.some((quote) => quote.document === id)) warn(`listed document "${id}" has no evidence quote (it still counts as a right document)`);

    const checkQuote = (label: string, { document, quote }: { document: string; quote: string }) => {
      const text = documents.get(document)?.text;
      if (text === undefined) return problem(`${label}: unknown document "${document}"`);
      if (/[\r\n]/.test(quote)) problem(`${label}: quote spans a line break`);
      if (quote !== quote.trim()) warn(`${label}: quote has leading or trailing whitespace`);
      if (text.includes(quote)) return;
      const compact = quote.replace(/\s+/g, '');
      if (compact && squeezed.get(document)!.includes(compact)) warn(`${label}: quote is in the cleaned text of ${document} only when whitespace is ignored`);
      else problem(`${label}: quote not found in the cleaned text of ${document}: "${quote}"`);
    };
    item.evidence.forEach((quote, i) => {
      if (item.documents.length > 0 && !item.documents.includes(quote.document)) problem(`evidence[${i}]: document "${quote.document}" is not in documents`);
      checkQuote(`evidence[${i}]`, quote);
    });
    item.superseded.forEach((quote, i) => checkQuote(`superseded[${i}]`, quote));

    const quotes = item.evidence.map((quote) => quote.quote);
    const facts = new Set<string>();
    for (const fact of item.facts) {
      if (fact.trim() === '') problem('empty fact');
      else if (!quotes.some((quote) => quote.includes(fact))) problem(`fact "${fact}" is not inside any of its evidence quotes`);
      if (facts.has(fact)) problem(`fact "${fact}" repeats`);
      facts.add(fact);
    }
    items.push(item);
    raws.push(raw);
  });

  for (const [id, document] of documents) if (document.text.includes('\uFFFD')) warnings.push(`${document.file}: contains U+FFFD (not clean UTF-8)`);
  applyRules({ items, documents, rules, problems });
  if (profile === 'seeds') applySeedProfile({ items, raws, documents, problems });
  return { problems, warnings, summary: summarize(items, documents), items };
}

function summarize(items: EvalItem[], documents: Map<string, CheckedDocument>): string[] {
  const count = (values: string[]) => [...values.reduce((counts, value) => counts.set(value, (counts.get(value) ?? 0) + 1), new Map<string, number>())].map(([value, n]) => `${value} ${n}`).join(', ');
  const asked = new Set(items.flatMap((item) => [...item.documents, ...item.evidence.map((quote) => quote.document)]));
  return [
    `${items.length} questions (${items.filter((item) => item.answerable).length} answerable) over ${documents.size} documents, ${[...documents.keys()].filter((id) => asked.has(id)).length} of them asked about`,
    `by type: ${count(items.map((item) => item.type))}`,
    `by split: ${count(items.map((item) => item.split))}`,
  ];
}

/** A set's own writing rules (see `setRulesSchema`). */
function applyRules({ items, documents, rules, problems }: { items: EvalItem[]; documents: Map<string, CheckedDocument>; rules: SetRules; problems: string[] }) {
  const problem = (item: EvalItem, message: string) => problems.push(`${item.id}: ${message}`);
  const within = (value: number, [min, max]: [number, number]) => value >= min && value <= max;
  const idPattern = rules.idPattern ? new RegExp(rules.idPattern) : undefined;
  for (const item of items) {
    if (idPattern && !idPattern.test(item.id)) problem(item, `id does not match ${rules.idPattern}`);
    if (rules.factsPerQuestion && item.answerable && !within(item.facts.length, rules.factsPerQuestion)) problem(item, `${item.facts.length} facts, expected ${rules.factsPerQuestion.join('–')}`);
    const allowed = rules.documentsPerQuestion?.[item.type] ?? rules.documentsPerQuestion?.['*'];
    if (allowed && item.answerable && !within(item.documents.length, allowed)) problem(item, `${item.documents.length} documents, a ${item.type} question lists ${allowed.join('–')}`);
    if (rules.oneQuotePerDocument?.includes(item.type)) {
      for (const id of item.documents) if (item.evidence.filter((quote) => quote.document === id).length !== 1) problem(item, `a ${item.type} question has exactly one quote per document (${id})`);
    }
    if (rules.places && !rules.places.some((place) => item.question.includes(place))) problem(item, 'the question names none of the set’s places');
    for (const { document, quote } of item.evidence) {
      if (rules.quoteChars && !within(characters(quote), rules.quoteChars)) problem(item, `quote is ${characters(quote)} characters, expected ${rules.quoteChars.join('–')}`);
      const source = documents.get(document);
      if (!source) continue;
      if (rules.quoteWithinLine && source.raw.includes(quote) && !source.raw.split(/\r?\n/).some((line) => line.includes(quote))) problem(item, `quote spans a line break of ${source.file}`);
      if (rules.oneAnsweringDocument) {
        for (const [other, text] of documents) if (other !== document && text.text.includes(quote)) problem(item, `quote also occurs in ${other}`);
      }
    }
  }
  if (rules.minQuestions && items.length < rules.minQuestions) problems.push(`set: ${items.length} questions, at least ${rules.minQuestions} expected`);
  if (rules.typeCounts) {
    const counts = new Map<string, number>();
    for (const item of items) counts.set(item.type, (counts.get(item.type) ?? 0) + 1);
    for (const [type, expected] of Object.entries(rules.typeCounts)) if ((counts.get(type) ?? 0) !== expected) problems.push(`set: ${counts.get(type) ?? 0} ${type} questions, expected ${expected}`);
    for (const type of counts.keys()) if (!(type in rules.typeCounts)) problems.push(`set: type ${type} is not one of ${Object.keys(rules.typeCounts).join(', ')}`);
  }
  if (rules.minQuestionsPerDocument) {
    for (const id of documents.keys()) {
      const count = items.filter((item) => item.documents.includes(id)).length;
      if (count < rules.minQuestionsPerDocument) problems.push(`${id}: ${count} questions, at least ${rules.minQuestionsPerDocument} expected`);
    }
  }
  if (rules.documentChars) {
    for (const document of documents.values()) {
      const length = characters(rules.documentCharsIgnoreWhitespace ? document.raw.replace(/\s/g, '') : document.raw);
      if (!within(length, rules.documentChars)) problems.push(`${document.file}: ${length} characters, expected ${rules.documentChars.join('–')}`);
    }
  }
}

/** The seed set's own rules (evals/datasets/policy-qa.jsonl): its six types and their mix, id prefixes, 100 questions. */
export const seedProfile = {
  types: { factual: 35, reworded: 20, cross: 12, summary: 8, out_of_corpus: 12, followup: 13 } as Record<string, number>,
  minQuestions: 100,
  quoteChars: [8, 80] as [number, number],
  outOfCorpusPrefix: 'ooc',
  /** Id prefix per seed document; questions are numbered under the prefix of their first document. */
  idPrefixes: { 'sichuan-yigan-duozhi': 'sc', 'guizhou-regional-mechanism': 'gz', 'tianfu-new-area-practice': 'tf', 'yunnan-regional-coordination': 'yn', 'chengyu-joint-plan': 'cy' } as Record<string, string>,
};

function applySeedProfile({ items, raws, documents, problems }: { items: EvalItem[]; raws: Record<string, unknown>[]; documents: Map<string, CheckedDocument>; problems: string[] }) {
  const fields = ['id', 'type', 'question', 'history', 'answerable', 'documents', 'evidence', 'facts'];
  items.forEach((item, i) => {
    const problem = (message: string) => problems.push(`${item.id} (seeds profile): ${message}`);
    const missing = fields.filter((field) => !(field in raws[i]));
    if (missing.length > 0) problem(`missing field(s) ${missing.join(', ')}`);
    if (!/^[a-z]+-\d{3}$/.test(item.id)) problem('id is not like "yn-001"');
    if (!(item.type in seedProfile.types)) return problem(`type ${item.type} is not one of ${Object.keys(seedProfile.types).join(', ')}`);
    if ((item.type === 'followup') !== item.history.length > 0) problem(item.type === 'followup' ? 'a followup question needs history' : `history must be empty for a ${item.type} question`);
    if (item.type === 'out_of_corpus') {
      if (item.answerable) problem('out_of_corpus questions are unanswerable');
      if (!item.id.startsWith(`${seedProfile.outOfCorpusPrefix}-`)) problem(`out_of_corpus ids start with "${seedProfile.outOfCorpusPrefix}-"`);
      return;
    }
    if (!item.answerable) problem(`${item.type} questions must be answerable`);
    const multiDocument = item.type === 'cross' || item.type === 'summary';
    if (multiDocument && item.documents.length < 2) problem(`${item.type} questions need evidence from at least two documents`);
    if (!multiDocument && item.documents.length !== 1) problem(`${item.type} questions are about exactly one document`);
    for (const id of item.documents) if (!item.evidence.some((quote) => quote.document === id)) problem(`document ${id} has no evidence quote`);
    const prefix = seedProfile.idPrefixes[item.documents[0] ?? ''];
    if (prefix && !item.id.startsWith(`${prefix}-`)) problem(`id should start with "${prefix}-" (its first document ${item.documents[0]})`);
    for (const { document, quote } of item.evidence) {
      const length = characters(quote);
      if (length < seedProfile.quoteChars[0] || length > seedProfile.quoteChars[1]) problem(`quote is ${length} characters, outside ${seedProfile.quoteChars.join('–')}`);
      const text = documents.get(document)?.raw;
      // Page-number markers ("12、" opening a line) cut sentences in flattened docx copies: a quote covering one is not a clause a reader finds.
      if (text && text.includes(quote)) {
        const markers = [...text.matchAll(/(^|\n)(\d{1,3}、)/g)].map((match) => [match.index + match[1].length, match.index + match[1].length + match[2].length]);
        const clean = occurrences(text, quote).some((start) => !markers.some(([from, to]) => start < to && start + quote.length > from));
        if (!clean) problem(`quote covers a page-number marker in ${document}`);
      }
    }
  });
  if (items.length < seedProfile.minQuestions) problems.push(`set (seeds profile): ${items.length} questions, at least ${seedProfile.minQuestions} required`);
  for (const type of Object.keys(seedProfile.types)) if (!items.some((item) => item.type === type)) problems.push(`set (seeds profile): no ${type} questions`);
  for (const id of documents.keys()) if (!items.some((item) => item.documents.includes(id))) problems.push(`set (seeds profile): no question covers ${id}`);
}

/** Checks one suite entry (or a dataset and corpus given on the command line); corpora read once per path. */
export async function checkEntry(entry: Pick<SuiteEntry, 'dataset' | 'corpus' | 'checks' | 'profile'>, corpora = new Map<string, Awaited<ReturnType<typeof readCorpusTexts>>>()): Promise<CheckResult> {
  const corpus = corpora.get(entry.corpus) ?? (await readCorpusTexts(entry.corpus));
  corpora.set(entry.corpus, corpus);
  const result = checkDataset({ lines: await readFile(entry.dataset, 'utf8'), documents: corpus.documents, rules: entry.checks, profile: entry.profile });
  result.problems.unshift(...corpus.failures.map((failure) => `corpus: ${failure} could not be read`));
  return result;
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { corpus: { type: 'string' }, suite: { type: 'string' }, profile: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) {
    console.log('usage: npx tsx evals/check-dataset.ts FILE --corpus DIR [--profile seeds]\n       npx tsx evals/check-dataset.ts [--suite evals/suites/all.json] [SET …]');
    return;
  }
  if (values.profile !== undefined && values.profile !== 'seeds') throw new Error(`unknown --profile ${values.profile} (known: seeds)`);
  let entries: (Pick<SuiteEntry, 'dataset' | 'corpus' | 'checks' | 'profile' | 'optional'> & { name: string })[];
  if (values.corpus !== undefined || (positionals.length === 1 && positionals[0].endsWith('.jsonl'))) {
    if (positionals.length !== 1 || !values.corpus) throw new Error('give one dataset FILE and --corpus DIR');
    entries = [{ name: positionals[0], dataset: positionals[0], corpus: values.corpus, profile: values.profile as 'seeds' | undefined, optional: false }];
  } else {
    const all = await loadSuite(values.suite ?? 'evals/suites/all.json');
    const unknown = positionals.filter((name) => !all.some((entry) => entry.name === name));
    if (unknown.length > 0) throw new Error(`unknown set(s) ${unknown.join(', ')}; sets: ${all.map((entry) => entry.name).join(', ')}`);
    entries = positionals.length > 0 ? all.filter((entry) => positionals.includes(entry.name)) : all;
  }
  const corpora = new Map<string, Awaited<ReturnType<typeof readCorpusTexts>>>();
  let failed = false;
  for (const entry of entries) {
    const status = await entryStatus({ ...entry, optional: entry.optional ?? false } as SuiteEntry);
    if (!status.ready) {
      console.log(`${entry.name}: skipped — ${status.reason}`);
      failed ||= status.fatal;
      continue;
    }
    const result = await checkEntry(entry, corpora);
    for (const problem of result.problems) console.error(`  problem: ${problem}`);
    for (const warning of result.warnings) console.log(`  warning: ${warning}`);
    console.log(`${entry.name}: ${result.summary.join('; ')} — ${result.problems.length} problem(s), ${result.warnings.length} warning(s)`);
    failed ||= result.problems.length > 0;
  }
  process.exitCode = failed ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error) => {
    console.error(`check failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  });
}
