// Validates evals/seeds-test/questions.jsonl against the seed corpus.
// Usage: node evals/seeds-test/check.mjs   (exit code 1 and a list of problems when anything is wrong)
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const corpusDir = join(here, '..', '..', 'corpus');
const questionsFile = join(here, 'questions.jsonl');

const MINIMUM = { factual: 30, reworded: 20, list: 10, multipart: 8, followup: 8, out_of_corpus: 14 };
const MINIMUM_TOTAL = 90;
const QUOTE_MIN = 8;
const QUOTE_MAX = 200;

const manifest = JSON.parse(readFileSync(join(corpusDir, 'manifest.json'), 'utf8'));
const texts = new Map();
for (const doc of manifest.documents) {
  texts.set(doc.id, readFileSync(join(corpusDir, doc.file), 'utf8').replace(/\r\n?/g, '\n'));
}

const problems = [];
const seen = new Set();
const byType = {};
const bySplit = {};
const byTypeSplit = {};
const docUse = {};

const lines = readFileSync(questionsFile, 'utf8').split('\n');
lines.forEach((raw, index) => {
  const where = `line ${index + 1}`;
  if (raw.trim() === '') {
    if (index !== lines.length - 1) problems.push(`${where}: blank line`);
    return;
  }
  let q;
  try {
    q = JSON.parse(raw);
  } catch (error) {
    problems.push(`${where}: not JSON (${error.message})`);
    return;
  }
  const id = typeof q.id === 'string' ? q.id : where;
  const fail = (message) => problems.push(`${id}: ${message}`);

  if (!/^st-\d{3}$/.test(q.id ?? '')) fail('id must look like st-001');
  if (seen.has(q.id)) fail('duplicate id');
  seen.add(q.id);
  if (!(q.type in MINIMUM)) fail(`unknown type ${JSON.stringify(q.type)}`);
  if (q.split !== 'dev' && q.split !== 'test') fail('split must be dev or test');
  if (typeof q.question !== 'string' || q.question.trim().length < 2) fail('question is empty');
  if (typeof q.answerable !== 'boolean') fail('answerable must be a boolean');
  const notArrays = ['history', 'documents', 'evidence', 'facts'].filter((key) => !Array.isArray(q[key]));
  if (notArrays.length) return fail(`${notArrays.join(', ')} must be arrays`);

  byType[q.type] = (byType[q.type] ?? 0) + 1;
  bySplit[q.split] = (bySplit[q.split] ?? 0) + 1;
  byTypeSplit[`${q.type}/${q.split}`] = (byTypeSplit[`${q.type}/${q.split}`] ?? 0) + 1;

  // history: only follow-ups carry one, and it ends with the assistant's turn
  if (q.type === 'followup') {
    if (q.history.length < 2) fail('a followup needs a history of at least one user and one assistant turn');
    q.history.forEach((turn, i) => {
      const expected = i % 2 === 0 ? 'user' : 'assistant';
      if (turn?.role !== expected) fail(`history[${i}].role should be ${expected}`);
      if (typeof turn?.content !== 'string' || turn.content.trim() === '') fail(`history[${i}].content is empty`);
    });
    if (q.history.at(-1)?.role !== 'assistant') fail('history must end with the assistant');
  } else if (q.history.length !== 0) {
    fail('only followup questions carry a history');
  }

  if (q.type === 'out_of_corpus' || q.answerable === false) {
    if (q.type !== 'out_of_corpus') fail('answerable:false is reserved for out_of_corpus');
    if (q.answerable !== false) fail('out_of_corpus must have answerable:false');
    if (q.documents.length || q.evidence.length || q.facts.length) fail('out_of_corpus must have empty documents, evidence and facts');
    return;
  }

  if (q.documents.length === 0) fail('answerable question without documents');
  if (q.evidence.length === 0) fail('answerable question without evidence');
  if (q.facts.length === 0) fail('answerable question without facts');
  if (new Set(q.documents).size !== q.documents.length) fail('documents repeated');
  for (const doc of q.documents) {
    if (!texts.has(doc)) fail(`unknown document ${doc}`);
    docUse[doc] = (docUse[doc] ?? 0) + 1;
  }

  const quotes = [];
  q.evidence.forEach((ev, i) => {
    const at = `evidence[${i}]`;
    if (!q.documents.includes(ev?.document)) fail(`${at}.document ${ev?.document} is not listed in documents`);
    const text = texts.get(ev?.document);
    const quote = ev?.quote;
    if (typeof quote !== 'string') return fail(`${at}.quote missing`);
    quotes.push(quote);
    if ([...quote].length < QUOTE_MIN || [...quote].length > QUOTE_MAX) fail(`${at}.quote length ${[...quote].length} outside ${QUOTE_MIN}–${QUOTE_MAX}`);
    if (/[\r\n]/.test(quote)) fail(`${at}.quote spans more than one line`);
    if (quote !== quote.trim()) fail(`${at}.quote has surrounding whitespace`);
    if (text === undefined) return;
    if (!text.includes(quote)) fail(`${at}.quote is not verbatim in ${ev.document}: ${quote}`);
    else if (!text.split('\n').some((line) => line.includes(quote))) fail(`${at}.quote is not within one line of ${ev.document}`);
  });
  for (const doc of q.documents) {
    if (!q.evidence.some((ev) => ev?.document === doc)) fail(`document ${doc} has no evidence`);
  }
  q.facts.forEach((fact, i) => {
    if (typeof fact !== 'string' || fact.trim() === '') return fail(`facts[${i}] is empty`);
    if (!quotes.some((quote) => quote.includes(fact))) fail(`facts[${i}] "${fact}" is not a substring of any quote`);
  });
  if ((q.type === 'list' || q.type === 'multipart') && q.facts.length < 2) fail(`${q.type} needs at least two facts`);
});

const total = seen.size;
for (const [type, minimum] of Object.entries(MINIMUM)) {
  if ((byType[type] ?? 0) < minimum) problems.push(`type ${type}: ${byType[type] ?? 0} questions, need ≥ ${minimum}`);
}
if (total < MINIMUM_TOTAL) problems.push(`only ${total} questions, need ≥ ${MINIMUM_TOTAL}`);
for (const doc of texts.keys()) {
  if (!docUse[doc]) problems.push(`document ${doc} is not used by any question`);
}

console.log(`questions: ${total}`);
console.log('by type:  ', Object.entries(byType).map(([k, v]) => `${k} ${v}`).join(', '));
console.log('by split: ', Object.entries(bySplit).map(([k, v]) => `${k} ${v} (${((100 * v) / total).toFixed(0)}%)`).join(', '));
console.log('type/split:', Object.entries(byTypeSplit).sort().map(([k, v]) => `${k} ${v}`).join(', '));
console.log('by document:', Object.entries(docUse).map(([k, v]) => `${k} ${v}`).join(', '));
if (problems.length) {
  console.error(`\n${problems.length} problem(s):`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log('OK');
