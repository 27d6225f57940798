#!/usr/bin/env node
// Verifies evals/fresh/notices-p-questions.jsonl against the notices in evals/fresh/notices-p/.
// Plain Node, no dependencies. Usage: node evals/fresh/check-notices-p.mjs
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const noticesDir = join(here, "notices-p");
const questionsFile = join(here, "notices-p-questions.jsonl");

const MIN_NOTICE = 800;
const MAX_NOTICE = 1800;
const MIN_ANSWER = 10;
const MAX_ANSWER = 120;
const MIN_PER_NOTICE = 3;
const EXPECTED_KEYS = ["id", "question", "document", "answer", "facts"];

const errors = [];
const warnings = [];
const len = (s) => [...s].length; // count Unicode code points, not UTF-16 units

// --- notices ---
if (!existsSync(noticesDir)) {
  console.error(`missing directory ${noticesDir}`);
  process.exit(1);
}
const noticeFiles = readdirSync(noticesDir).filter((f) => /^p\d{3}\.txt$/.test(f)).sort();
const notices = new Map(); // doc id -> { text, lines }
for (const f of noticeFiles) {
  const text = readFileSync(join(noticesDir, f), "utf8");
  const doc = f.replace(/\.txt$/, "");
  if (text.includes("\uFFFD")) errors.push(`${f}: contains U+FFFD (invalid UTF-8?)`);
  const n = len(text);
  const nNoWs = len(text.replace(/\s/g, ""));
  if (n < MIN_NOTICE || n > MAX_NOTICE) errors.push(`${f}: length ${n} outside ${MIN_NOTICE}-${MAX_NOTICE}`);
  if (nNoWs < MIN_NOTICE) errors.push(`${f}: only ${nNoWs} non-whitespace characters (< ${MIN_NOTICE})`);
  notices.set(doc, { text, lines: text.split(/\r?\n/) });
}
if (noticeFiles.length === 0) errors.push("no notices found");

// --- questions ---
if (!existsSync(questionsFile)) {
  console.error(`missing file ${questionsFile}`);
  process.exit(1);
}
const raw = readFileSync(questionsFile, "utf8");
const lines = raw.split("\n");
if (lines[lines.length - 1] === "") lines.pop();

const ids = new Set();
const perDoc = new Map();
let count = 0;

lines.forEach((line, i) => {
  const where = `line ${i + 1}`;
  if (line.trim() === "") {
    errors.push(`${where}: blank line`);
    return;
  }
  let q;
  try {
    q = JSON.parse(line);
  } catch (e) {
    errors.push(`${where}: invalid JSON (${e.message})`);
    return;
  }
  count++;
  if (q === null || typeof q !== "object" || Array.isArray(q)) {
    errors.push(`${where}: not a JSON object`);
    return;
  }
  const keys = Object.keys(q);
  if (keys.join(",") !== EXPECTED_KEYS.join(",")) {
    errors.push(`${where}: keys must be exactly ${EXPECTED_KEYS.join(",")} (got ${keys.join(",")})`);
  }
  const tag = `${where} (${q.id})`;

  // id
  if (typeof q.id !== "string" || !/^p-\d{3}$/.test(q.id)) errors.push(`${tag}: bad id`);
  else if (ids.has(q.id)) errors.push(`${tag}: duplicate id`);
  else ids.add(q.id);

  // question
  if (typeof q.question !== "string" || len(q.question.trim()) < 5) errors.push(`${tag}: question missing or too short`);

  // document
  if (typeof q.document !== "string" || !/^p\d{3}$/.test(q.document)) {
    errors.push(`${tag}: bad document "${q.document}"`);
    return;
  }
  const notice = notices.get(q.document);
  if (!notice || !existsSync(join(noticesDir, `${q.document}.txt`))) {
    errors.push(`${tag}: document file ${q.document}.txt does not exist`);
    return;
  }
  perDoc.set(q.document, (perDoc.get(q.document) || 0) + 1);

  // answer
  const a = q.answer;
  if (typeof a !== "string") {
    errors.push(`${tag}: answer is not a string`);
    return;
  }
  if (/[\r\n]/.test(a)) errors.push(`${tag}: answer spans more than one line`);
  const al = len(a);
  if (al < MIN_ANSWER || al > MAX_ANSWER) errors.push(`${tag}: answer length ${al} outside ${MIN_ANSWER}-${MAX_ANSWER}`);
  if (!notice.lines.some((l) => l.includes(a))) {
    errors.push(`${tag}: answer not found verbatim within one line of ${q.document}.txt: ${a}`);
  }

  // facts
  if (!Array.isArray(q.facts) || q.facts.length < 1 || q.facts.length > 3) {
    errors.push(`${tag}: facts must be an array of 1-3 strings`);
  } else {
    for (const f of q.facts) {
      if (typeof f !== "string" || f.length === 0) errors.push(`${tag}: empty or non-string fact`);
      else if (!a.includes(f)) errors.push(`${tag}: fact "${f}" is not a substring of answer`);
    }
    if (new Set(q.facts).size !== q.facts.length) warnings.push(`${tag}: duplicate facts`);
  }

  // informational: same answer text appearing in another notice makes the question ambiguous
  for (const [doc, other] of notices) {
    if (doc !== q.document && other.text.includes(a)) warnings.push(`${tag}: answer also appears in ${doc}.txt`);
  }
});

for (const doc of notices.keys()) {
  const n = perDoc.get(doc) || 0;
  if (n < MIN_PER_NOTICE) errors.push(`${doc}: only ${n} question(s), need at least ${MIN_PER_NOTICE}`);
}

for (const w of warnings) console.warn(`warning: ${w}`);
if (errors.length) {
  for (const e of errors) console.error(`error: ${e}`);
  console.error(`\nFAIL: ${errors.length} error(s); ${count} questions, ${notices.size} notices`);
  process.exit(1);
}
console.log(`OK: ${count} questions, ${ids.size} unique ids, ${notices.size} notices, each with >= ${MIN_PER_NOTICE} questions`);
