// Checks the notice question sets (held-out format): every answer is a verbatim, single-line span of
// its notice and no other, facts lie inside it, every notice is asked about at least three times. One
// table of sets, one set of checks.
// Usage: npx tsx evals/heldout/check-heldout.ts [set …]   (default: every set)
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One line of a held-out-format questions file. */
export interface HeldoutQuestion {
  id: string;
  question: string;
  document: string;
  answer: string;
  facts: string[];
}

interface NoticeSet {
  questions: string;
  notices: string;
  id: RegExp;
  /** Allowed notice length in characters (code points; `withoutSpaces`: whitespace not counted). */
  length: [number, number];
  withoutSpaces?: boolean;
  /** Every question names one of these invented places. */
  places?: string[];
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export const noticeSets: Record<string, NoticeSet> = {
  heldout: { questions: 'evals/heldout/questions.jsonl', notices: 'evals/heldout/notices', id: /^h\d{3}$/, length: [800, 2500] },
  m: { questions: 'evals/fresh/notices-questions.jsonl', notices: 'evals/fresh/notices', id: /^m-\d{3}$/, length: [1000, 2500] },
  p: { questions: 'evals/fresh/notices-p-questions.jsonl', notices: 'evals/fresh/notices-p', id: /^p-\d{3}$/, length: [800, 1800] },
  q: { questions: 'evals/fresh/notices-q-questions.jsonl', notices: 'evals/fresh/notices-q', id: /^q-\d{3}$/, length: [800, 1800] },
  r: { questions: 'evals/fresh/notices-r-questions.jsonl', notices: 'evals/fresh/notices-r', id: /^r-\d{3}$/, length: [800, 1800] },
  s: {
    questions: 'evals/fresh/notices-s-questions.jsonl',
    notices: 'evals/fresh/notices-s',
    id: /^s-\d{3}$/,
    length: [800, 1800],
    withoutSpaces: true,
    places: ['岚澧', '朔嵘', '棠阜', '汀栾', '苇岑', '蔺溪', '珂岭', '泠皋', '峄檀', '筠垣', '荇洲', '榛邑', '棠蔺'],
  },
};

const keys = ['id', 'question', 'document', 'answer', 'facts'];
const questionsPerNotice = 3;
const characters = (text: string) => [...text].length;

/** Returns one message per problem found in a set; an empty list means it is sound. */
export function findHeldoutProblems(set: NoticeSet = noticeSets.heldout): string[] {
  const problems: string[] = [];
  const noticesDirectory = resolve(repoRoot, set.notices);
  const notices = new Map<string, string>();
  for (const file of readdirSync(noticesDirectory).sort()) {
    // Every file in the folder is ingested as a document.
    if (!file.endsWith('.txt')) {
      problems.push(`${set.notices}/${file}: not a .txt notice`);
      continue;
    }
    const text = readFileSync(join(noticesDirectory, file), 'utf8');
    const length = characters(set.withoutSpaces ? text.replace(/\s/g, '') : text);
    const [min, max] = set.length;
    if (length < min || length > max) problems.push(`${file}: ${length} characters, expected ${min}–${max}`);
    if (text.includes('\uFFFD')) problems.push(`${file}: contains U+FFFD (not clean UTF-8)`);
    notices.set(file.replace(/\.txt$/, ''), text);
  }

  const lines = readFileSync(resolve(repoRoot, set.questions), 'utf8').split('\n').filter(Boolean);
  const seenIds = new Set<string>();
  const perDocument = new Map<string, number>();
  lines.forEach((line, index) => {
    const where = `${set.questions} line ${index + 1}`;
    let question: HeldoutQuestion;
    try {
      question = JSON.parse(line) as HeldoutQuestion;
    } catch {
      problems.push(`${where}: not valid JSON`);
      return;
    }
    const lineKeys = Object.keys(question);
    if (lineKeys.length !== keys.length || !keys.every((key) => lineKeys.includes(key))) problems.push(`${where}: keys must be exactly ${keys.join(', ')}`);
    if (!set.id.test(question.id) || seenIds.has(question.id)) problems.push(`${where}: bad or repeated id ${question.id}`);
    seenIds.add(question.id);
    if (typeof question.question !== 'string' || question.question.trim().length < 5) problems.push(`${where}: missing or too short question`);
    if (set.places && !set.places.some((place) => question.question.includes(place))) problems.push(`${where}: the question names no place`);
    const text = notices.get(question.document);
    if (text === undefined) {
      problems.push(`${where}: unknown document ${question.document}`);
      return;
    }
    perDocument.set(question.document, (perDocument.get(question.document) ?? 0) + 1);
    if (typeof question.answer !== 'string') {
      problems.push(`${where}: answer is not a string`);
      return;
    }
    const answerLength = characters(question.answer);
    if (answerLength < 10 || answerLength > 120) problems.push(`${where}: answer is ${answerLength} characters, expected 10–120`);
    if (/[\r\n]/.test(question.answer)) problems.push(`${where}: answer spans a line break`);
    if (!text.includes(question.answer)) problems.push(`${where}: answer not found verbatim in ${question.document}`);
    // One answering notice per question.
    for (const [other, otherText] of notices) if (other !== question.document && otherText.includes(question.answer)) problems.push(`${where}: answer also occurs in ${other}`);
    if (!Array.isArray(question.facts) || question.facts.length === 0 || question.facts.length > 3) problems.push(`${where}: expected 1–3 facts`);
    else if (new Set(question.facts).size !== question.facts.length) problems.push(`${where}: repeated fact`);
    for (const fact of question.facts ?? []) {
      if (typeof fact !== 'string' || fact.length === 0 || !question.answer.includes(fact)) problems.push(`${where}: fact "${fact}" is not inside the answer`);
    }
  });
  for (const id of notices.keys()) {
    const count = perDocument.get(id) ?? 0;
    if (count < questionsPerNotice) problems.push(`${id}: ${count} questions, expected at least ${questionsPerNotice}`);
  }
  return problems;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const names = process.argv.slice(2);
  const unknown = names.filter((name) => !(name in noticeSets));
  if (unknown.length > 0) {
    console.error(`unknown set ${unknown.join(', ')}; sets: ${Object.keys(noticeSets).join(', ')}`);
    process.exit(2);
  }
  let failed = false;
  for (const name of names.length > 0 ? names : Object.keys(noticeSets)) {
    const set = noticeSets[name];
    const problems = findHeldoutProblems(set);
    for (const problem of problems) console.error(problem);
    const questionCount = readFileSync(resolve(repoRoot, set.questions), 'utf8').split('\n').filter(Boolean).length;
    const noticeCount = readdirSync(resolve(repoRoot, set.notices)).filter((file) => file.endsWith('.txt')).length;
    console.log(`${name}: ${noticeCount} notices, ${questionCount} questions, ${problems.length} problems`);
    failed ||= problems.length > 0;
  }
  process.exitCode = failed ? 1 : 0;
}
