// Validates the news evaluation set: passages/, questions.jsonl and groups.json in this folder.
// Usage: node evals/news/check.mjs   (exit code 1 and a list of problems when anything is wrong)
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const passagesDir = join(here, 'passages');

const TYPES = ['factual', 'reworded', 'who', 'when', 'out_of_corpus'];
const MINIMUM_TOTAL = 240;
const MINIMUM_OUT_OF_CORPUS = 15;
const PASSAGE_MIN = 150;
const PASSAGE_MAX = 900;
const QUOTE_MIN = 8;
const QUOTE_MAX = 200;

const problems = [];
const length = (s) => [...s].length;

// ---- passages
const texts = new Map();
for (const name of readdirSync(passagesDir).sort()) {
  const match = /^(n\d{4})\.txt$/.exec(name);
  if (!match) {
    problems.push(`passages/${name}: unexpected file name (want n0001.txt …)`);
    continue;
  }
  const text = readFileSync(join(passagesDir, name), 'utf8').replace(/\r\n?/g, '\n');
  texts.set(match[1], text);
  const n = length(text.trim());
  if (n < PASSAGE_MIN || n > PASSAGE_MAX) problems.push(`passages/${name}: ${n} characters, want ${PASSAGE_MIN}–${PASSAGE_MAX}`);
}

// ---- groups.json: repost groups and updated reports
const groups = JSON.parse(readFileSync(join(here, 'groups.json'), 'utf8'));
const groupOf = new Map();
for (const group of groups.reposts ?? []) {
  if (!Array.isArray(group) || group.length < 2) problems.push(`groups.json: repost group ${JSON.stringify(group)} needs at least two copies`);
  for (const id of group) {
    if (!texts.has(id)) problems.push(`groups.json: unknown passage ${id}`);
    if (groupOf.has(id)) problems.push(`groups.json: ${id} is in two repost groups`);
    groupOf.set(id, group);
  }
}
for (const update of groups.updates ?? []) {
  for (const key of ['earlier', 'later']) {
    if (!texts.has(update?.[key])) problems.push(`groups.json: update ${JSON.stringify(update)} has unknown ${key} passage`);
  }
  if (update?.earlier === update?.later) problems.push(`groups.json: update ${update?.earlier} points at itself`);
}

// ---- questions
const seen = new Set();
const byType = {};
const bySplit = {};
const byTypeSplit = {};
const cited = new Set();

const lines = readFileSync(join(here, 'questions.jsonl'), 'utf8').split('\n');
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

  if (!/^nw-\d{3}$/.test(q.id ?? '')) fail('id must look like nw-001');
  if (seen.has(q.id)) fail('duplicate id');
  seen.add(q.id);
  if (!TYPES.includes(q.type)) fail(`unknown type ${JSON.stringify(q.type)}`);
  if (q.split !== 'dev' && q.split !== 'test') fail('split must be dev or test');
  if (typeof q.question !== 'string' || q.question.trim().length < 2) fail('question is empty');
  if (typeof q.answerable !== 'boolean') fail('answerable must be a boolean');
  const notArrays = ['history', 'documents', 'evidence', 'facts'].filter((key) => !Array.isArray(q[key]));
  if (notArrays.length) return fail(`${notArrays.join(', ')} must be arrays`);
  if (q.history.length !== 0) fail('news questions carry no history');

  byType[q.type] = (byType[q.type] ?? 0) + 1;
  bySplit[q.split] = (bySplit[q.split] ?? 0) + 1;
  byTypeSplit[`${q.type}/${q.split}`] = (byTypeSplit[`${q.type}/${q.split}`] ?? 0) + 1;

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
    cited.add(doc);
    // a reposted story is answered by every copy: all copies are gold, each with its own quote
    for (const copy of groupOf.get(doc) ?? []) {
      if (!q.documents.includes(copy)) fail(`${doc} is a repost; its copy ${copy} must be listed too`);
    }
  }

  const quotes = [];
  q.evidence.forEach((ev, i) => {
    const at = `evidence[${i}]`;
    if (!q.documents.includes(ev?.document)) fail(`${at}.document ${ev?.document} is not listed in documents`);
    const quote = ev?.quote;
    if (typeof quote !== 'string') return fail(`${at}.quote missing`);
    quotes.push(quote);
    if (length(quote) < QUOTE_MIN || length(quote) > QUOTE_MAX) fail(`${at}.quote length ${length(quote)} outside ${QUOTE_MIN}–${QUOTE_MAX}`);
    if (/[\r\n]/.test(quote)) fail(`${at}.quote spans more than one line`);
    if (quote !== quote.trim()) fail(`${at}.quote has surrounding whitespace`);
    const text = texts.get(ev.document);
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
});

const total = seen.size;
if (total < MINIMUM_TOTAL) problems.push(`only ${total} questions, need ≥ ${MINIMUM_TOTAL}`);
if ((byType.out_of_corpus ?? 0) < MINIMUM_OUT_OF_CORPUS) problems.push(`only ${byType.out_of_corpus ?? 0} out_of_corpus questions, need ≥ ${MINIMUM_OUT_OF_CORPUS}`);
for (const type of TYPES) if (!byType[type]) problems.push(`no ${type} questions`);
for (const doc of texts.keys()) if (!cited.has(doc)) problems.push(`passage ${doc} is not cited by any question`);

const copies = (groups.reposts ?? []).reduce((n, g) => n + g.length, 0);
console.log(`passages: ${texts.size} (repost groups ${groups.reposts?.length ?? 0} with ${copies} copies; updated reports ${groups.updates?.length ?? 0})`);
console.log(`questions: ${total}`);
console.log('by type:  ', Object.entries(byType).map(([k, v]) => `${k} ${v}`).join(', '));
console.log('by split: ', Object.entries(bySplit).map(([k, v]) => `${k} ${v} (${((100 * v) / total).toFixed(0)}%)`).join(', '));
console.log('type/split:', Object.entries(byTypeSplit).sort().map(([k, v]) => `${k} ${v}`).join(', '));
if (problems.length) {
  console.error(`\n${problems.length} problem(s):`);
  for (const p of problems) console.error(`  ${p}`);
  process.exit(1);
}
console.log('OK');
