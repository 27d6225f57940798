// Stage 4 — select (facts and lists): whether the corpus answers, and which sentences carry the
// answer — the best sentence of each question part, close companions, and what the text's structure
// says completes it (the items a "下列…：" sentence opens, the condition after a "；", the sentence
// holding the kind of figure asked for).
import { splitSentences } from '../ingest/split-sentences.js';
import type { PolicyIndex } from '../rag/policy-index.js';
import { foldWidth } from '../rag/tokenize.js';
import type { PolicyDocument, SearchResult } from '../rag/types.js';
import { namesPlace, type QuestionAnalysis } from './analyse-question.js';
import { articleHeading, articleReference, articleSection, enumeratedItem } from './articles.js';
import type { AnswerBlock, Pick } from './render-answer.js';
import { askedBound, askedPersonTitle, carriesAskedKind, holdsNumber, namedWithTitle, statesOnlyOtherBound, unknownTopicWords, type ScoredSentence, type ScoringQuestion } from './score-sentences.js';

/**
 * Thresholds of the extractive answer. The refusal thresholds were calibrated on the dev splits of
 * the question sets (answerable against out-of-corpus questions, evals/README.md); the rest bound the
 * answer's length.
 */
export const answerSettings = {
  /** Below this share of the question's weighted terms, the corpus is taken not to answer. */
  minCoverage: 0.2,
  minScore: 0.2,
  /** With a topic word the corpus never uses (限购, 火星), more of the question must be covered… */
  unknownTopicCoverage: 0.25,
  /** …and with only one question word matched, more still. */
  unknownTopicSingleWordCoverage: 0.4,
  /** A further sentence joins the answer when it scores at least this share of the best one. */
  companionRatio: 0.85,
  listCompanionRatio: 0.75,
  /** A sentence holding the kind of figure asked for joins an answer lacking one at this share of the best score. */
  askedKindRatio: 0.5,
  /** The sentence covering this much more of the question than the best one joins it. */
  coveringMargin: 0.15,
  maxSentences: 3,
  /** An item of a list shown beside the answer's own joins its opener at this coverage of the question. */
  minItemCoverage: 0.1,
  maxListSentences: 4,
  /** Items an enumeration brings along. */
  maxItems: 15,
  maxItemChars: 220,
  maxAnswerChars: 900,
  /** Another version's sentence stands in for (or beside) the best one at this share of its score. */
  versionRatio: 0.6,
};

export type FactSelection =
  | { kind: 'refusal'; closest: string[] }
  | { kind: 'answer'; blocks: AnswerBlock[]; documentId: string };

export interface PartScores {
  question: ScoringQuestion;
  scored: ScoredSentence[];
}

/** A fact or list answer: each part's best sentences, completed by structure; or a refusal. */
export function selectFactAnswer({ analysis, parts, index }: { analysis: QuestionAnalysis; parts: PartScores[]; index: PolicyIndex }): FactSelection {
  const [first] = parts;
  const decision = judge(first, index);
  if (!decision.answers) return { kind: 'refusal', closest: closestTitles(first.scored, index) };
  // A regulation the library holds in several versions is answered from the newest; the older
  // wording on the same point is shown too, labelled, when it says something else.
  const { current: best, superseded } = newestWording(decision.best, decision.candidates, index);
  const current = (sentence: ScoredSentence) => !isSupersededVersion(sentence, index);
  const candidates = decision.candidates.filter(current);
  const covering = decision.covering && current(decision.covering) ? decision.covering : undefined;
  const listing = analysis.intent === 'list' || first.question.asks.list;
  const picked: ScoredSentence[] = [best];
  const ratio = listing ? answerSettings.listCompanionRatio : answerSettings.companionRatio;
  const limit = listing ? answerSettings.maxListSentences : answerSettings.maxSentences;
  let chars = best.text.length;
  // A parallel clause (the next bracket of a rate table, the next level of a list) is part of what is
  // already shown: it does not count against the number of sentences, only against the length.
  let counted = 1;
  for (const sentence of candidates.slice(1)) {
    if (sentence.score < ratio * best.score) break;
    if (chars + sentence.text.length > answerSettings.maxAnswerChars || sentence.heading || sentence.preamble || alreadyPicked(picked, sentence)) continue;
    const parallel = picked.some((other) => other.result.documentId === sentence.result.documentId && nearDuplicate(other.text, sentence.text));
    if (!parallel && counted >= limit) continue;
    picked.push(sentence);
    chars += sentence.text.length;
    if (!parallel) counted++;
  }
  // The sentence covering clearly more of the question joins the best-scoring one.
  if (covering && !alreadyPicked(picked, covering) && covering.coverage >= best.coverage + answerSettings.coveringMargin && covering.score >= answerSettings.askedKindRatio * best.score) {
    picked.push(covering);
  }
  withAskedKind(picked, first, best);
  // Every further question of the message gets its own best sentence, from the answering document when it has one.
  for (const part of parts.slice(1)) {
    const partDecision = judge(part, index);
    if (!partDecision.answers) {
      const leaning = leaningAnswer(part, best, picked);
      if (leaning) picked.push(leaning);
      continue;
    }
    const sameDocument = partDecision.candidates.find((sentence) => sentence.result.documentId === best.result.documentId && sentence.score >= 0.7 * partDecision.best.score);
    let top = sameDocument ?? partDecision.best;
    // A further question is rarely answered by what already answers the first ("林地从何时缴纳？不是
    // 林地呢？"): its next sentence of the same document joins when it scores near
    // (not a yes-or-no one: "…有这个规定吗？" is answered by what answers the first).
    if (alreadyPicked(picked, top) && !/吗\s*[？?]?\s*$/.test(part.question.question)) {
      const next = partDecision.candidates.find((sentence) => sentence.result.documentId === top.result.documentId && !sentence.heading && !alreadyPicked(picked, sentence));
      if (next && next.score >= 0.7 * top.score) top = next;
    }
    if (!alreadyPicked(picked, top)) picked.push(top);
    withAskedKind(picked, part, top);
  }

  const ordered = withOpeners(orderSentences(withConditions(picked, index)), index);
  const scoredItems = parts.flatMap((part) => part.scored);
  // An enumeration's opening sentence brings its items along; an item found alone brings its siblings.
  const enumeration = listing || ordered.some((sentence) => sentence.opensList) ? clauseList(ordered, best, first.scored, index, listing) ?? enumerationOf(ordered, index, listing) : undefined;
  const after = withOpenersItems(enumeration ? enumeration.after : ordered, scoredItems, index);
  const blocks: AnswerBlock[] = enumeration
    ? [{ sentences: enumeration.lead.map(toPick) }, { items: enumeration.items }, ...(after.length > 0 ? [{ sentences: after.map(toPick) }] : [])]
    : [{ sentences: after.map(toPick) }];
  if (superseded) blocks.push({ heading: `已被修订的${versionLabel(superseded, index)}规定`, headingLevel: 'section', sentences: [toPick(superseded)] });
  return { kind: 'answer', blocks, documentId: best.result.documentId };
}

/**
 * A question asking for a list, answered by a clause that opens one further on ("…可以向街道办事处提交
 * 书面投诉。投诉书应当载明下列事项：（一）…"), is answered by that list: the clause's own opener
 * brings its items, though its words are not the question's.
 */
function clauseList(ordered: ScoredSentence[], best: ScoredSentence, scored: ScoredSentence[], index: PolicyIndex, listing: boolean): ReturnType<typeof enumerationOf> {
  if (!listing || best.opensList || itemMarker.test(best.text)) return undefined;
  const opener = scored
    .filter((sentence) => sentence.opensList && !sentence.heading && sentence.start > best.start && sameClause(sentence, best))
    .sort((a, b) => a.start - b.start)[0];
  if (!opener) return undefined;
  // The opener leads (it is what the list hangs on), placed straight after the last sentence of its clause.
  const at = ordered.findLastIndex((sentence) => sameClause(sentence, opener) && sentence.start < opener.start) + 1;
  const sentences = [...ordered.slice(0, at), { ...opener, score: Number.POSITIVE_INFINITY }, ...ordered.slice(at)];
  return enumerationOf(sentences, index, listing);
}

/**
 * A further question with one word of its own ("多久给回复？") leans on the first: the text may say
 * its word otherwise ("自受理之日起20个工作日内作出决定"), so in the document answering the
 * first, the best sentence carrying the kind of figure it asks for (a length of time, an amount, a
 * date) answers it.
 */
function leaningAnswer(part: PartScores, best: ScoredSentence, picked: ScoredSentence[]): ScoredSentence | undefined {
  if (part.question.focusTokens.length > 1) return undefined;
  return part.scored.find(
    (sentence) => sentence.result.documentId === best.result.documentId && !sentence.heading && !sentence.preamble && carriesAskedKind(part.question.asks, sentence.text) === true && !alreadyPicked(picked, sentence),
  );
}

/**
 * The sentence answering from the newest version of the best sentence's regulation, and the older
 * versions' sentence on the same point when its wording differs (a figure, a deadline, a body).
 */
function newestWording(best: ScoredSentence, candidates: ScoredSentence[], index: PolicyIndex): { current: ScoredSentence; superseded?: ScoredSentence } {
  const group = index.document(best.result.documentId)?.versionGroup;
  if (!group || group.versions.length < 2) return { current: best };
  const inGroup = (sentence: ScoredSentence) => group.versions.some((version) => version.id === sentence.result.documentId);
  const close = (sentence: ScoredSentence) => sentence.score >= answerSettings.versionRatio * best.score && sentence.coverage >= best.coverage - 0.2;
  const current = best.result.documentId === group.newest ? best : candidates.find((sentence) => sentence.result.documentId === group.newest && close(sentence)) ?? best;
  const older = candidates.find(
    (sentence) => inGroup(sentence) && sentence.result.documentId !== group.newest && close(sentence) && saysOtherwise(sentence.text, current.text) && carriesSamePoint(sentence, current),
  );
  return { current, superseded: current.result.documentId === group.newest ? older : undefined };
}

/** Two versions' sentences speak to the same point when they share most of their words (the longer one's too). */
function carriesSamePoint(a: ScoredSentence, b: ScoredSentence): boolean {
  const { shared, sizeA, sizeB } = sharedBigrams(a.text, b.text);
  return shared / Math.max(1, sizeA, sizeB) >= 0.5;
}

/** Two wordings of a rule differ: other figures, or more than a few words changed. */
function saysOtherwise(a: string, b: string): boolean {
  const figures = (text: string) => (foldWidth(text).match(/\d+(?:\.\d+)?/g) ?? []).join(' ');
  if (figures(a) !== figures(b)) return true;
  const { shared, sizeA, sizeB } = sharedBigrams(a, b);
  return shared / Math.max(1, sizeA + sizeB - shared) < 0.9;
}

/** A sentence from an older version of a regulation the library also holds in a newer one. */
function isSupersededVersion(sentence: ScoredSentence, index: PolicyIndex): boolean {
  const group = index.document(sentence.result.documentId)?.versionGroup;
  return group !== undefined && group.versions.length > 1 && group.newest !== sentence.result.documentId;
}

function versionLabel(sentence: ScoredSentence, index: PolicyIndex): string {
  const group = index.document(sentence.result.documentId)?.versionGroup;
  const date = group?.versions.find((version) => version.id === sentence.result.documentId)?.date;
  return date ? `${date.slice(0, 4)}年版` : '旧版';
}

type Judgement = { answers: false } | { answers: true; best: ScoredSentence; covering?: ScoredSentence; candidates: ScoredSentence[] };

/**
 * Whether the retrieved sentences answer a question: a sentence meets the question's own words (and
 * holds a figure when one is asked), covers enough of the question, and a topic word the corpus never
 * uses is backed by strong coverage; years and Latin terms must occur in the answering document; a
 * question naming the unit of its figure needs a sentence giving one.
 */
export function judge({ question, scored }: PartScores, index: PolicyIndex): Judgement {
  // A question naming a place is answered from documents about it, or clauses that name it.
  const focused = scored.filter((sentence) => sentence.matchesFocus && sentence.placeFits && !sentence.preamble);
  // A question asking how much is answered by a sentence holding a figure (or opening the list of them).
  const figures = question.asks.number ? focused.filter((sentence) => holdsNumber(sentence.text) || sentence.opensList) : focused;
  // A question asking for a person by title ("…的局长是谁") is answered by a sentence naming one with it.
  const title = askedPersonTitle(question.question);
  const naming = title ? figures.filter((sentence) => sentence.score >= 0.5 * (figures[0]?.score ?? 0) && namedWithTitle(foldWidth(sentence.text), title)) : [];
  const candidates = naming.length > 0 ? naming : figures;
  // A heading that outscores its own body gives way to the body.
  const top = candidates[0];
  const body = top?.heading ? candidates.find((sentence) => !sentence.heading && sentence.result.chunkId === top.result.chunkId) ?? candidates.find((sentence) => !sentence.heading) : undefined;
  const best = body ?? top;
  if (!best) return { answers: false };
  // How much of the question the corpus speaks to (for "how much", among the sentences holding a figure).
  const covering = candidates.slice(0, 8).reduce<ScoredSentence | undefined>((winner, sentence) => (!winner || sentence.coverage > winner.coverage ? sentence : winner), undefined);
  const coverage = covering?.coverage ?? 0;
  const matched = covering?.matchedTerms ?? 0;
  const unknownTopic =
    unknownTopicWords(question, index).length > 0 &&
    (coverage < answerSettings.unknownTopicCoverage || matched === 0 || (matched === 1 && coverage < answerSettings.unknownTopicSingleWordCoverage));
  if (unknownTopic || coverage < answerSettings.minCoverage || best.score < answerSettings.minScore) return { answers: false };
  if (onlyPlaceAndTime(best, question)) return { answers: false };
  if (missesExactTerm(question, best, index) || missesAskedUnit(question, candidates) || missesAskedYear(question, candidates)) return { answers: false };
  // The best a question asking for a ceiling finds is a floor (or the reverse): the documents do not say it.
  const bound = askedBound(question.question);
  if (bound && statesOnlyOtherBound(best.text, bound)) return { answers: false };
  return { answers: true, best, covering, candidates };
}

/**
 * A sentence that shares only the place and the year with a question naming a place
 * ("X市2024年的财政收入" answered by "2024年X市新增早市摊位…") is about something else: it must say one
 * of the question's other words, or stand under a heading that does ("三、申报时间" over
 * "2024年11月1日至30日"), or, for a question asking when, state the date.
 */
function onlyPlaceAndTime(sentence: ScoredSentence, question: ScoringQuestion): boolean {
  const timeOrFigure = (word: string) => /^\d|^(?:年|月|日|今年|去年|明年)$/.test(word);
  if (question.places.length === 0 || sentence.matchedWords.length === 0 || sentence.matchedWords.some((word) => !timeOrFigure(word))) return false;
  if (question.asks.time && carriesAskedKind(question.asks, sentence.text)) return false;
  const headings = foldWidth(sentence.section.join(' '));
  return !question.focusTokens.some((word) => word.length >= 2 && !timeOrFigure(word) && !namesPlace(word, question.places) && headings.includes(word));
}

/**
 * "每人补多少钱？" answered by the clause's conditions still lacks the amount: the sentence carrying the
 * kind of figure asked for joins. In the best sentence's own clause any score will do; elsewhere in
 * the document it must score near the best. Never a heading or a preamble.
 */
function withAskedKind(picked: ScoredSentence[], { question, scored }: PartScores, best: ScoredSentence): void {
  if (!picked.every((sentence) => carriesAskedKind(question.asks, sentence.text) === false)) return;
  const fits = (sentence: ScoredSentence) => carriesAskedKind(question.asks, sentence.text) && !sentence.heading && !sentence.preamble && !alreadyPicked(picked, sentence);
  const carrier =
    scored.find((sentence) => sentence.result.chunkId === best.result.chunkId && fits(sentence)) ??
    scored.find((sentence) => sentence.result.documentId === best.result.documentId && sentence.matchesFocus && sentence.score >= answerSettings.askedKindRatio * best.score && fits(sentence));
  if (carrier) picked.push(carrier);
}

/**
 * The rule's other case before a picked one: "车龄不满5年的车辆…每2年审验1次；车龄在5年以上的…每年审验1次。"
 * answers "多久审验一次" only with both. The case before it in the same clause, cut at "；" and worded
 * alike (most of their character pairs shared), joins.
 */
function otherBranch(sentence: ScoredSentence, index: PolicyIndex): ScoredSentence | undefined {
  const { result } = sentence;
  const before = result.text.slice(0, sentence.start - result.start);
  const previous = /(?:^|[。！？；;!?\n])[ \t]*([^。！？；;!?\n]{1,160}[；;])[ \t]*$/.exec(before);
  if (!previous || itemMarker.test(previous[1])) return undefined;
  const text = previous[1];
  const { shared, sizeA, sizeB } = sharedBigrams(text.replace(articleNumber, ''), sentence.text.replace(articleNumber, ''));
  if (shared / Math.max(1, Math.min(sizeA, sizeB)) < 0.5) return undefined;
  const start = result.start + before.length - (previous[0].length - previous[0].indexOf(text));
  return { ...sentence, text, start, end: start + text.length, section: index.sectionAt(result.documentId, start) };
}

const articleNumber = new RegExp(`${articleHeading.source}\\s*`);

/** Two sentences of one clause (the same section of the same document). */
function sameClause(a: ScoredSentence, b: ScoredSentence): boolean {
  return a.result.documentId === b.result.documentId && a.section.join('/') === b.section.join('/');
}

/** An enumerated item, or a "——" lead-in line. */
const itemMarker = new RegExp(`${enumeratedItem.source}|^\\s*——`);

/**
 * A sentence cut at "；" often has its condition or exception after it: "…每户奖补1200元；对原有旱厕
 * 进行无害化改造的，每户奖补800元。" Each picked piece ending in "；" takes the next piece of its clause
 * along (not when that starts a new list item), so the answer does not drop half a rule.
 */
function withConditions(picked: ScoredSentence[], index: PolicyIndex): ScoredSentence[] {
  const taken = [...picked];
  for (const sentence of picked) {
    const branch = otherBranch(sentence, index);
    if (branch && !taken.some((other) => overlaps(other, branch))) taken.push(branch);
    const { result } = sentence;
    const rest = result.text.slice(sentence.end - result.start);
    // A numbered item is one unit: its first sentence takes the rest of its line along ("1．学生团体每人
    // 10元。团体人数超过50人的，超出部分每人5元；…"), when that is short.
    const itemRest = itemMarker.test(sentence.text) ? /^[ \t]*([^\n]{1,160}?)[ \t]*(?:\n|$)/.exec(rest) : null;
    if (itemRest && /[。！？；;!?]$/.test(itemRest[1])) {
      const start = sentence.end + itemRest[0].indexOf(itemRest[1]);
      const end = start + itemRest[1].length;
      if (!taken.some((other) => other.result.documentId === result.documentId && other.start < end && start < other.end)) {
        taken.push({ ...sentence, text: itemRest[1], start, end, section: index.sectionAt(result.documentId, start) });
      }
      continue;
    }
    if (!/[；;]$/.test(sentence.text)) continue;
    const next = /^[ \t]*([^。！？；;!?\n]{1,120}[。！？；;!?])/.exec(rest);
    if (!next || itemMarker.test(next[1])) continue;
    const start = sentence.end + next[0].length - next[1].length;
    const end = sentence.end + next[0].length;
    if (taken.some((other) => other.result.documentId === result.documentId && other.start < end && start < other.end)) continue;
    taken.push({ ...sentence, text: next[1], start, end, section: index.sectionAt(result.documentId, start) });
  }
  return taken;
}

/**
 * An item of an enumeration answering on its own ("（一）一级堤防不少于30米；") says what it is of only
 * with the sentence that opens the list ("…护堤地宽度为："): the opener goes straight before it.
 */
function withOpeners(sentences: ScoredSentence[], index: PolicyIndex): ScoredSentence[] {
  const out: ScoredSentence[] = [];
  for (const sentence of sentences) {
    const document = itemMarker.test(sentence.text) ? index.document(sentence.result.documentId) : undefined;
    const opener = document && openerBefore(document, sentence.start, index);
    if (opener && !sentences.some((other) => overlaps(other, opener)) && !out.some((other) => overlaps(other, opener))) {
      out.push({ ...sentence, ...opener, section: index.sectionAt(document.id, opener.start), opensList: false, heading: false });
    }
    out.push(sentence);
  }
  return out;
}

/**
 * A sentence opening a list ("公民有下列情形之一的，应当认定为见义勇为：") says nothing without its items.
 * Shown beside the list the answer stands on, it brings the items of its own list that speak to the
 * question (at most two, in the document's order); with none, it goes.
 */
function withOpenersItems(sentences: ScoredSentence[], scored: ScoredSentence[], index: PolicyIndex): ScoredSentence[] {
  const out: ScoredSentence[] = [];
  for (const sentence of sentences) {
    const document = sentence.opensList ? index.document(sentence.result.documentId) : undefined;
    const items = document ? itemsAfter(document, sentence.end, index) : [];
    if (items.length < 2) {
      out.push(sentence);
      continue;
    }
    const speaking = scored
      .filter((other) => other.result.documentId === sentence.result.documentId && other.matchedTerms > 0 && other.coverage >= answerSettings.minItemCoverage && items.some((item) => other.start >= item.start && other.start < item.end))
      .filter((other, i, all) => all.findIndex((same) => same.start === other.start) === i && !sentences.some((shown) => overlaps(shown, other)))
      .slice(0, 2)
      .sort((a, b) => a.start - b.start);
    if (speaking.length > 0) out.push(sentence, ...speaking);
  }
  return out;
}

/**
 * The enumeration an answer stands on: a sentence opening a list ("…应当具备下列条件：") and the items
 * that follow it in the document — the clauses its section numbers ((一)(二)…), or the lines that
 * start with an item marker — or, when the best sentence is an item itself, its opener and siblings.
 */
function enumerationOf(sentences: ScoredSentence[], index: PolicyIndex, listing = false): { lead: ScoredSentence[]; items: Pick[]; after: ScoredSentence[] } | undefined {
  // The best-scoring opener lists the answer (a clause may hold a list for each of two cases).
  for (const sentence of [...sentences].sort((a, b) => b.score - a.score)) {
    const document = index.document(sentence.result.documentId);
    if (!document) continue;
    if (sentence.opensList) {
      const items = itemsAfter(document, sentence.end, index);
      if (items.length >= 2) {
        // The opener's own clause leads, straight before its items; the other sentences follow them. A
        // clause that only points at the list ("违反本办法第九条所列…的，…") goes.
        const article = sentence.section.find((heading) => articleHeading.test(heading))?.match(articleHeading)?.[0];
        const pointing = sentences.filter((other) => article !== undefined && other.result.documentId === sentence.result.documentId && other.text.includes(`${article}所列`));
        const rest = sentences.filter((other) => !pointing.some((pointer) => sameClause(pointer, other)) && !items.some((item) => other.start < item.end && item.start < other.end));
        return { lead: rest.filter((other) => sameClause(other, sentence)), items, after: rest.filter((other) => !sameClause(other, sentence) && !itemMarker.test(other.text)) };
      }
    }
    // "违反本办法第九条所列内容的，…": the list it points at, when the article opens one.
    const listed = pointedList(sentence, document, index, listing);
    if (listed) {
      // What follows the list: the other sentences (the pointer's own clause too when it states a rule
      // of its own, "按照本办法第五条规定的年费额减半"), not a stray item of another list.
      const rest = sentences.filter((other) => !(listed.onlyPoints && sameClause(other, sentence)) && !itemMarker.test(other.text));
      return { lead: [listed.opener], items: listed.items, after: rest };
    }
    if (itemMarker.test(sentence.text)) {
      const opener = openerBefore(document, sentence.start, index);
      if (opener) {
        const items = itemsAfter(document, opener.end, index);
        if (items.length >= 2 && items.some((item) => item.start <= sentence.start && sentence.start < item.end)) {
          const openerSentence = { ...sentence, ...opener, section: index.sectionAt(document.id, opener.start) };
          const rest = sentences.filter((other) => other !== sentence && !overlaps(other, openerSentence) && !items.some((item) => other.start < item.end && item.start < other.end));
          // Sentences of other clauses follow the list: an opener stands straight before its items.
          const before = rest.filter((other) => other.result.documentId === document.id && other.end <= opener.start);
          return { lead: [...before, openerSentence], items, after: rest.filter((other) => !before.includes(other)) };
        }
      }
    }
  }
  return undefined;
}

/**
 * The list an article a sentence points at opens: its opener and items. "本办法第九条所列" points at a
 * list; "本办法第五条规定的…" does when the question asks for one ("按类别…").
 */
function pointedList(sentence: ScoredSentence, document: PolicyDocument, index: PolicyIndex, listing: boolean): { opener: ScoredSentence; items: Pick[]; onlyPoints: boolean } | undefined {
  const reference = [...sentence.text.matchAll(articleReference)].find((match) => match[2] === '所列' || (listing && match[2] === '规定'));
  const number = reference?.[1];
  const article = number && articleSection(document, number);
  if (!article) return undefined;
  const opener = splitSentences(document.text.slice(article.start, article.end), article.start).find((piece) => /[：:]$/.test(piece.text));
  const result = opener && index.resultAt(document.id, opener.start);
  if (!opener || !result) return undefined;
  const items = itemsAfter(document, opener.end, index);
  if (items.length < 2) return undefined;
  return { opener: { ...sentence, text: opener.text, start: opener.start, end: opener.end, result, section: index.sectionAt(document.id, opener.start) }, items, onlyPoints: reference?.[2] === '所列' };
}

/** The items that follow an enumeration's opening sentence: consecutive spans that start with an item marker. */
export function itemsAfter(document: PolicyDocument, from: number, index: PolicyIndex): Pick[] {
  const items: Pick[] = [];
  const windowEnd = Math.min(document.text.length, from + 6000);
  const region = document.text.slice(from, windowEnd);
  // Item starts: a marker at a line start or after a sentence end, in order.
  const starts: number[] = [];
  const markerAt = /(^|\n|[。；;：:]\s*)((?:[（(][一二三四五六七八九十百\d]+[)）]|[一二三四五六七八九十]+、|\d{1,2}[、.．](?!\d)|[①-⑳]))/g;
  for (const match of region.matchAll(markerAt)) {
    const at = from + match.index! + match[1].length;
    // The first item must come straight after the opener.
    if (starts.length === 0 && document.text.slice(from, at).trim().length > 0) break;
    starts.push(at);
    if (starts.length > answerSettings.maxItems) break;
  }
  if (starts.length === 0) return items;
  const style = markerStyle(document.text.slice(starts[0], starts[0] + 6));
  for (let i = 0; i < starts.length; i++) {
    if (markerStyle(document.text.slice(starts[i], starts[i] + 6)) !== style) break;
    const nextStart = starts[i + 1] ?? windowEnd;
    // An item runs to the next item, or to the end of its paragraph when the list ends there.
    let end = nextStart;
    const paragraphEnd = document.text.indexOf('\n\n', starts[i]);
    if (paragraphEnd >= 0 && paragraphEnd < end) end = paragraphEnd;
    const span = trimSpan(document.text, starts[i], end);
    if (!span) break;
    const cut = cutItem(document.text, span.start, span.end);
    const result = index.resultAt(document.id, cut.start);
    if (!result) break;
    const end2 = Math.min(cut.end, result.end);
    items.push({
      text: document.text.slice(cut.start, end2),
      start: cut.start,
      end: end2,
      result,
      section: index.sectionAt(document.id, cut.start),
    });
    // The list ends where something other than the next item follows an item.
    if (document.text.slice(end, nextStart).trim().length > 0) break;
  }
  return items;
}

/** The sentence opening the enumeration an item belongs to: the nearest "…：" before the first item. */
function openerBefore(document: PolicyDocument, itemStart: number, index: PolicyIndex): { text: string; start: number; end: number; result: SearchResult } | undefined {
  const from = Math.max(0, itemStart - 4000);
  const sentences = splitSentences(document.text.slice(from, itemStart), from);
  for (let i = sentences.length - 1; i >= 0; i--) {
    const sentence = sentences[i];
    if (/[：:]$/.test(sentence.text)) {
      const result = index.resultAt(document.id, sentence.start);
      return result ? { ...sentence, result } : undefined;
    }
    if (!itemMarker.test(sentence.text) && /[。]$/.test(sentence.text)) return undefined;
  }
  return undefined;
}

function markerStyle(text: string): string {
  if (/^[（(]\d/.test(text)) return 'paren-arabic';
  if (/^[（(]/.test(text)) return 'paren-chinese';
  if (/^[一二三四五六七八九十]+、/.test(text)) return 'chinese';
  if (/^\d/.test(text)) return 'arabic';
  return 'circled';
}

/** An item's span trimmed of surrounding whitespace; undefined when empty. */
function trimSpan(text: string, start: number, end: number): { start: number; end: number } | undefined {
  let s = start;
  let e = end;
  while (s < e && /\s/.test(text[s])) s++;
  while (e > s && /\s/.test(text[e - 1])) e--;
  return e > s ? { start: s, end: e } : undefined;
}

/** A long item is cut at its first sentence end after a useful length. */
function cutItem(text: string, start: number, end: number): { start: number; end: number } {
  if (end - start <= answerSettings.maxItemChars) return { start, end };
  const slice = text.slice(start, start + answerSettings.maxItemChars);
  const stop = Math.max(slice.lastIndexOf('。'), slice.lastIndexOf('；'), slice.lastIndexOf(';'));
  return { start, end: stop > 20 ? start + stop + 1 : start + answerSettings.maxItemChars };
}

export function toPick(sentence: ScoredSentence | (Pick & Partial<ScoredSentence>)): Pick {
  return { text: sentence.text, start: sentence.start, end: sentence.end, result: sentence.result, section: sentence.section };
}

const alreadyPicked = (picked: ScoredSentence[], sentence: ScoredSentence) =>
  picked.some((other) => overlaps(other, sentence) || (nearDuplicate(other.text, sentence.text) && !(other.result.documentId === sentence.result.documentId && differentFigures(other.text, sentence.text))));

/**
 * Parallel clauses of one document say nearly the same words with another number ("（一）一级…由市…
 * 公布；" and "（二）二级…由区…公布；"): each is a rule of its own, not a repeat.
 */
export function differentFigures(a: string, b: string): boolean {
  const figures = (text: string) => (foldWidth(text).match(/\d+(?:\.\d+)?|[一二三四五六七八九十百千万两]+/g) ?? []).sort().join(' ');
  return figures(a) !== figures(b);
}

/** Sentences of one clause in reading order; clauses in retrieval order. */
function orderSentences(sentences: ScoredSentence[]): ScoredSentence[] {
  return [...sentences].sort((a, b) => (a.result.documentId === b.result.documentId ? a.start - b.start : a.rank - b.rank));
}

/** Years and Latin terms (GDP, 5G) in a question must occur in the answering document. */
function missesExactTerm(question: ScoringQuestion, best: ScoredSentence, index: PolicyIndex): boolean {
  const exact = question.focusTokens.filter((token) => /^(19|20)\d{2}$/.test(token) || /^[a-z]{2,}$/.test(token));
  // A numbered thing ("1号线", "第三届", "第二批") is that one: another number is another thing.
  const numbered = [...foldWidth(question.question).matchAll(numberedThing)].map((match) => match[0]);
  if (exact.length === 0 && numbered.length === 0) return false;
  const text = foldWidth(index.document(best.result.documentId)?.text ?? best.result.text);
  return [...exact, ...numbered].some((token) => !text.includes(token));
}

/** A thing named by its number: a line, a session, a batch, a phase ("2号线", "第十届", "第三批", "二期"); not "第一次" (the first time). */
const numberedThing = /(?<![\d一二三四五六七八九十])(?:\d{1,3}号线|第[一二三四五六七八九十百\d]{1,4}[届批期]|[一二三四五六七八九十\d]{1,3}期工程)/g;

/** A unit the question names with its figure: "多少亿元", "多少公里", "多少人次". */
const askedUnit = /多少(亿元|万元|元|万亩|亩|公里|千米|平方米|平方公里|吨|人次|万人|个百分点)/;

/** A question naming the unit of the figure it wants is not answered by sentences without one. */
function missesAskedUnit(question: ScoringQuestion, candidates: ScoredSentence[]): boolean {
  const unit = askedUnit.exec(question.question)?.[1];
  if (!unit) return false;
  const pattern = new RegExp(`\\d[十百千万亿]*\\s*${unit.replace('亿元', '亿').replace('万元', '万')}`);
  return !candidates.slice(0, 8).some((sentence) => pattern.test(sentence.text));
}

/** A question asking which year ("到哪一年截止", "哪年开始施行") is not answered by sentences naming none. */
function missesAskedYear(question: ScoringQuestion, candidates: ScoredSentence[]): boolean {
  if (!/哪一年|哪年|何年|哪个年份|什么年份/.test(question.question)) return false;
  return !candidates.slice(0, 8).some((sentence) => /(?:19|20)\d{2}\s*年|[一二〇零○]{4}年/.test(sentence.text));
}

export function overlaps(a: { result: { documentId: string }; start: number; end: number }, b: { result: { documentId: string }; start: number; end: number }): boolean {
  return a.result.documentId === b.result.documentId && a.start < b.end && b.start < a.end;
}

export function nearDuplicate(a: string, b: string): boolean {
  const { shared, sizeA, sizeB } = sharedBigrams(a, b);
  return shared / Math.max(1, Math.min(sizeA, sizeB)) > 0.8;
}

/** How many distinct character bigrams two texts have, and how many of them they share. */
function sharedBigrams(a: string, b: string): { shared: number; sizeA: number; sizeB: number } {
  const grams = (text: string) => new Set(Array.from({ length: Math.max(0, text.length - 1) }, (_, i) => text.slice(i, i + 2)));
  const x = grams(a);
  const y = grams(b);
  let shared = 0;
  for (const gram of x) if (y.has(gram)) shared++;
  return { shared, sizeA: x.size, sizeB: y.size };
}

/** The titles of the documents closest to the question, for a refusal that points somewhere. */
export function closestTitles(scored: ScoredSentence[], index: PolicyIndex): string[] {
  const titles: string[] = [];
  for (const sentence of scored) {
    const title = index.document(sentence.result.documentId)?.title;
    if (title && !titles.includes(title) && sentence.coverage >= 0.3) titles.push(title);
    if (titles.length >= 2) break;
  }
  return titles;
}
