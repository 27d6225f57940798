// Stage 4 — select, for "what changed" questions about a regulation the library holds in several
// versions ("2023年修订后与2018年版相比有哪些变化？"): the clauses whose wording differs between two
// versions, each shown as the newer wording next to the older one, both cited.
import type { PolicyIndex } from '../rag/policy-index.js';
import { foldWidth } from '../rag/tokenize.js';
import type { PolicyDocument } from '../rag/types.js';
import type { QuestionAnalysis } from './analyse-question.js';
import type { AnswerBlock, Pick } from './render-answer.js';
import { articleHeading } from './articles.js';
import { pickAt, topicTermsOf, trimmedSpan } from './select-sections.js';

export const versionSettings = {
  /** Two clauses are one clause reworded when their character bigrams overlap this much (Dice). */
  minSimilarity: 0.5,
  /** At most this many changed clauses are listed. */
  maxChanges: 10,
};

/** A clause of one version: a leaf section, or the lead of a section before its first sub-section. */
interface Unit {
  start: number;
  end: number;
  key: string;
}

export interface VersionChange {
  newer?: Unit;
  older?: Unit;
}

/** The years a text names ("2013年版本" → 2013), each once. */
const yearsIn = (text: string) => [...new Set(text.match(/(?:19|20)\d\d/g) ?? [])];

/** Whether a question asks what changed ("有哪些变化", "与…相比", or two years): only then are versions compared clause by clause. */
export function asksAboutChange(question: string): boolean {
  return /变化|相比|前后|新旧|改动|修改了|版本/.test(question) || yearsIn(question).length >= 2;
}

/**
 * The two versions a question compares: those whose dates carry the years it names, else the newest
 * and the one before it. Undefined unless the named documents are versions of one regulation.
 */
export function versionsCompared(named: string[], analysis: QuestionAnalysis, index: PolicyIndex): [PolicyDocument, PolicyDocument] | undefined {
  const group = index.document(named[0] ?? '')?.versionGroup;
  if (!group || group.versions.length < 2 || !named.every((id) => group.versions.some((version) => version.id === id))) return undefined;
  const byDate = [...group.versions].sort((a, b) => (a.date ?? '').localeCompare(b.date ?? ''));
  const years = yearsIn(analysis.question);
  const dated = byDate.filter((version) => years.some((year) => version.date?.startsWith(year)));
  const pair = dated.length >= 2 ? dated.slice(-2) : dated.length === 1 && years.length === 1 ? [dated[0], byDate[byDate.length - 1]] : byDate.slice(-2);
  const [older, newer] = pair[0].date === pair[1].date ? byDate.slice(-2) : [...pair].sort((a, b) => (a.date ?? '').localeCompare(b.date ?? ''));
  const olderDocument = index.document(older.id);
  const newerDocument = index.document(newer.id);
  return olderDocument && newerDocument && older.id !== newer.id ? [olderDocument, newerDocument] : undefined;
}

/** The clauses of a document in reading order, each with its text normalised for comparison. */
function unitsOf(document: PolicyDocument): Unit[] {
  const sections = document.sections.filter((section) => section.path.length > 0);
  const units: Unit[] = [];
  const add = (from: number, to: number) => {
    const { start, end } = trimmedSpan(document.text, from, to);
    const key = normalise(document.text.slice(start, end));
    if (key.length >= 4) units.push({ start, end, key });
  };
  for (const section of sections) {
    const children = sections.filter((other) => other !== section && other.start >= section.start && other.end <= section.end && other.path.length > section.path.length);
    if (children.length === 0) add(section.start, section.end);
    else add(section.start, Math.min(...children.map((child) => child.start)));
  }
  return units.sort((a, b) => a.start - b.start);
}

/** Text without spacing, punctuation width or the clause number, so renumbering is no change. */
function normalise(text: string): string {
  return foldWidth(text)
    .replace(/\s+/g, '')
    .replace(/^第[一二三四五六七八九十百零〇\d]+[章节条]/, '');
}

function bigrams(text: string): Map<string, number> {
  const grams = new Map<string, number>();
  for (let i = 0; i + 1 < text.length; i++) grams.set(text.slice(i, i + 2), (grams.get(text.slice(i, i + 2)) ?? 0) + 1);
  return grams;
}

function dice(a: Map<string, number>, b: Map<string, number>, sizeA: number, sizeB: number): number {
  let shared = 0;
  for (const [gram, count] of a) shared += Math.min(count, b.get(gram) ?? 0);
  return sizeA + sizeB > 0 ? (2 * shared) / (sizeA + sizeB) : 0;
}

/**
 * The sentences of a clause that the other version's clause does not have (at most three; the
 * clause's first sentences when it has no counterpart or every sentence differs only slightly).
 */
function differingSentences(document: PolicyDocument, unit: Unit, other?: string): { start: number; end: number }[] {
  const sentences = fullSentences(document.text.slice(unit.start, unit.end), unit.start).filter((sentence) => sentence.text.trim().length >= 2);
  const others = new Set(other ? fullSentences(other).map((sentence) => normalise(sentence.text)) : []);
  const differing = sentences.filter((sentence) => !others.has(normalise(sentence.text)));
  return (differing.length > 0 ? differing : sentences).slice(0, 3).map((sentence) => trimmedSpan(document.text, sentence.start, sentence.end));
}

/** Whole sentences (to 。！？ or a line break; a "；" does not end one: its clauses read together). */
function fullSentences(text: string, offset = 0): { text: string; start: number; end: number }[] {
  return [...text.matchAll(/[^。！？!?\n]+[。！？!?]*/g)].map((match) => ({ text: match[0], start: offset + (match.index ?? 0), end: offset + (match.index ?? 0) + match[0].length }));
}

/**
 * The clause of another version that says what the clause at `offset` of `document` says (its most
 * alike leaf clause, renumbering ignored); undefined when none is alike enough.
 */
export function counterpartClause(document: PolicyDocument, offset: number, other: PolicyDocument, index: PolicyIndex): { start: number; end: number } | undefined {
  // A document's clauses and their character pairs are worked out once (this runs for every question
  // an older version answers first).
  const clausesOf = (of: PolicyDocument) => index.cache('version-clauses', of.id, () => unitsOf(of).map((unit) => ({ unit, grams: bigrams(unit.key) })));
  const own = clausesOf(document).find(({ unit }) => unit.start <= offset && offset < unit.end);
  if (!own) return undefined;
  let best: Unit | undefined;
  let bestScore = 0;
  for (const { unit, grams } of clausesOf(other)) {
    const score = dice(own.grams, grams, own.unit.key.length - 1, unit.key.length - 1);
    if (score > bestScore) [best, bestScore] = [unit, score];
  }
  return best && bestScore >= versionSettings.minSimilarity ? { start: best.start, end: best.end } : undefined;
}

/** Clauses reworded, added or removed between two versions, in the newer version's order. */
export function versionChanges(older: PolicyDocument, newer: PolicyDocument): VersionChange[] {
  const olderUnits = unitsOf(older);
  const newerUnits = unitsOf(newer);
  const unchanged = new Set(olderUnits.map((unit) => unit.key).filter((key) => newerUnits.some((unit) => unit.key === key)));
  const olderLeft = olderUnits.filter((unit) => !unchanged.has(unit.key)).map((unit) => ({ unit, grams: bigrams(unit.key), used: false }));
  const changes: VersionChange[] = [];
  for (const unit of newerUnits) {
    if (unchanged.has(unit.key)) continue;
    const grams = bigrams(unit.key);
    let best: (typeof olderLeft)[number] | undefined;
    let bestScore = 0;
    for (const candidate of olderLeft) {
      if (candidate.used) continue;
      const score = dice(grams, candidate.grams, unit.key.length - 1, candidate.unit.key.length - 1);
      if (score > bestScore) [best, bestScore] = [candidate, score];
    }
    if (best && bestScore >= versionSettings.minSimilarity) {
      best.used = true;
      changes.push({ newer: unit, older: best.unit });
    } else changes.push({ newer: unit });
  }
  for (const candidate of olderLeft) if (!candidate.used) changes.push({ older: candidate.unit });
  return changes;
}

/**
 * The answer to "what changed": the changed clauses about the question's topic (all changed clauses
 * when none of them names it), newer wording first, each labelled with its version.
 */
export function versionComparison({ analysis, older, newer, index }: { analysis: QuestionAnalysis; older: PolicyDocument; newer: PolicyDocument; index: PolicyIndex }): AnswerBlock[] | undefined {
  const changes = versionChanges(older, newer);
  if (changes.length === 0) return undefined;
  const about = foldWidth(newer.title);
  // Words of two characters or more that are neither the title's nor the version's ("2018年版") name the topic.
  const terms = [...topicTermsOf(analysis, index).weights.keys()].filter((token) => token.length >= 2 && !about.includes(token) && !/版$/.test(token));
  const textOf = (document: PolicyDocument, unit?: Unit) => (unit ? foldWidth(document.text.slice(unit.start, unit.end)) : '');
  const onTopic = changes.filter((change) => terms.some((term) => textOf(newer, change.newer).includes(term) || textOf(older, change.older).includes(term)));
  const shown = (onTopic.length > 0 ? onTopic : changes).slice(0, versionSettings.maxChanges);
  const yearOf = (document: PolicyDocument) => (document.date ? `${document.date.slice(0, 4)}年版` : '');
  const blocks: AnswerBlock[] = [{ heading: `${newer.title}${yearOf(newer)}与${yearOf(older)}相比有改动的条款`, headingLevel: 'document' }];
  for (const change of shown) {
    // A reworded clause shows only its sentences that differ; an added or removed one, its first ones.
    const side = (document: PolicyDocument, unit: Unit | undefined, other: string | undefined, label: string): Pick[] => {
      if (!unit) return [];
      const picks = differingSentences(document, unit, other)
        .map((span) => pickAt(document, span, index))
        .filter((pick): pick is Pick => pick !== undefined);
      return picks.map((pick, i) => (i === 0 ? { ...pick, label: `**${label}**：` } : pick));
    };
    const olderText = change.older && older.text.slice(change.older.start, change.older.end);
    const newerText = change.newer && newer.text.slice(change.newer.start, change.newer.end);
    const items = [
      side(newer, change.newer, olderText, `${yearOf(newer)}${change.older ? '' : '（新增）'}`),
      side(older, change.older, newerText, `${yearOf(older)}${change.newer ? '' : '（删去）'}`),
    ].filter((item) => item.length > 0);
    if (items.length === 0) continue;
    const names = [change.newer && clauseName(newer, change.newer, index), change.older && clauseName(older, change.older, index)];
    const heading = names[0] && names[1] && names[0] !== names[1] ? `${names[0]}（${yearOf(older)}${names[1]}）` : (names[0] ?? names[1] ?? '');
    blocks.push({ heading, headingLevel: 'section', items });
  }
  return blocks.length > 1 ? blocks : undefined;
}

/** The clause a unit belongs to as its reader names it: its article ("第九条") or its last heading. */
function clauseName(document: PolicyDocument, unit: Unit, index: PolicyIndex): string {
  const path = index.sectionAt(document.id, unit.start);
  return [...path].reverse().find((heading) => articleHeading.test(heading)) ?? path[path.length - 1] ?? '';
}
