// Stage 4 — select (topics, summaries, comparisons): the heading tree is the best map of a policy
// text, so a topic question is answered from the section about its topic in each document that has
// one — the section's clauses, each its heading and lead sentence — rather than from sentences that
// happen to repeat the question's words.
import { splitSentences } from '../ingest/split-sentences.js';
import type { PolicyIndex } from '../rag/policy-index.js';
import { foldWidth } from '../rag/tokenize.js';
import type { PolicyDocument, SearchResult, Section } from '../rag/types.js';
import { namesPlace, type QuestionAnalysis } from './analyse-question.js';
import type { Pick } from './render-answer.js';
import { articleHeading } from './articles.js';
import { questionWeights, type ScoredSentence } from './score-sentences.js';
import { itemsAfter, nearDuplicate, overlaps, toPick } from './select-answer.js';

/** Words analysts ask with that name no topic ("有哪些安排", "请总结", "注明出处"). */
export const askingWords = new Set(
  '安排 举措 措施 任务 部署 重点 要求 政策 规定 工作 主要 总结 概述 概括 梳理 归纳 汇总 介绍 简要 情况 内容 方面 领域 共同 异同 区别 差异 比较 对比 各地 各省 分别 各自 注明 出处 有关 相关 哪些 什么 提出 做法 方案 文件 条例 办法 意见 都 有 对 怎么 怎样 如何 具体 要点 说明 列出 几份 几部 抓手 途径 方式 提法 表述 强调 建立 推动 推进 相比 变化 版本 修订 条款 不同 相同 一样 现行 最新'.split(' '),
);

/** An asking word, or a word that points at the documents themselves ("份文件" of 各份文件, 该文件). */
export const isAskingWord = (token: string) => askingWords.has(token) || /文件$/.test(token);

/**
 * The question as sentence scoring should read an analyst's question: its topic words only. The words
 * of the titles it names ("贵州和川渝联合方案…") say which documents, not what about them. (Place names
 * stay: dropping them lowered the gold clauses cited on the dev analyst set, 75→70%.)
 */
export function topicQuestion(analysis: QuestionAnalysis, namedTitles: string[] = []): QuestionAnalysis {
  const naming = (token: string) => namedTitles.length >= 2 && namedTitles.some((title) => title.includes(token));
  const topic = (tokens: string[]) => {
    const kept = tokens.filter((token) => !isAskingWord(token));
    const topical = kept.filter((token) => !naming(token));
    return topical.length > 0 ? topical : kept;
  };
  return { ...analysis, focusTokens: topic(analysis.focusTokens), contextTokens: topic(analysis.contextTokens) };
}

export const sectionSettings = {
  /** A section is about the topic when its headings carry this share of the topic's weight. */
  minHeadingMatch: 0.5,
  /** …in a document the question names, this share. */
  namedHeadingMatch: 0.35,
  /** A list question's section must be named by its own heading this fully ("基本原则"). */
  strictHeadingMatch: 0.8,
  /** Without such a section, a document's sentences this close to the topic answer instead… */
  minSentenceCoverage: 0.35,
  /** …in a document the question names (by title or place), this close: it is the one asked about. */
  namedSentenceCoverage: 0.2,
  /** …down to this share of its best sentence's score, at most this many. */
  sentenceRatio: 0.6,
  maxSentencesPerDocument: 5,
  /** Clauses listed per section, and per document in a summary. */
  maxItemsPerSection: 10,
  maxItemsPerDocument: 10,
  /** Further sections of one document are answered when they score this share of its best one… */
  siblingRatio: 0.75,
  /** …up to this many sections per document. */
  maxSectionsPerDocument: 3,
  maxItems: 18,
  maxItemChars: 200,
  /** At most this many documents in a topic answer or comparison. */
  maxDocuments: 6,
};

export interface SectionAnswer {
  documentId: string;
  /** The section the items come from; undefined when they are the document's best sentences instead. */
  section?: Section;
  /** One per clause: its lead, and the clause's sentence on the topic when that is another. */
  items: Pick[][];
  /** Further sections of the document about the topic, not listed ("更多内容见…"). */
  more: string[][];
  score: number;
}

interface TopicTerms {
  weights: Map<string, number>;
  total: number;
  /** Terms to match instead when a document's own title supplies every one of `weights` (the asking nouns: 主要任务). */
  fallback?: Map<string, number>;
}

/**
 * The topic of an analyst question: its weighted words without place names and, for matching text
 * (`content`), without the asking words. Headings are matched with the asking words kept: a section
 * named "主要任务" is what "主要任务有哪些" asks for.
 */
export function topicTermsOf(analysis: QuestionAnalysis, index: PolicyIndex, { keepAskingWords = false } = {}): TopicTerms {
  const all = questionWeights(analysis, index);
  const notPlace = ([token]: [string, number]) => !namesPlace(token, analysis.places);
  // A year says which version ("2024年修订的…"), not what about it.
  let entries = [...all].filter(notPlace).filter(([token]) => !isAskingWord(token) && !isYear(token));
  let fallback: Map<string, number> | undefined;
  if (keepAskingWords) {
    // A section's heading names its topic with nouns: the question's verbs (约定, 建立, 推进) say what
    // is done about it. The asking nouns (任务, 措施) count when nothing else names the topic.
    // jieba's tags are a guess (it tags 通道 a verb), so a verb counts at a fraction rather than not at
    // all; a single character ("新") names no topic while longer words are there.
    const words = entries.some(([token]) => token.length >= 2) ? entries.filter(([token]) => token.length >= 2) : entries;
    const nouns = words.map(([token, weight]): [string, number] => [token, isTopicWord(token, index) ? weight : verbWeight * weight]);
    const asking = [...all].filter(notPlace).filter(([token]) => isAskingWord(token));
    entries = nouns.length > 0 ? nouns : asking;
    fallback = nouns.length > 0 && asking.length > 0 ? new Map(asking) : undefined;
  }
  const weights = new Map(entries);
  const total = [...weights.values()].reduce((sum, weight) => sum + weight, 0);
  return { weights, total, fallback };
}

const isYear = (token: string) => /^(?:19|20)\d\d年?$/.test(token);

/** Half the share of a word's character bigrams a text holds, when it holds at least half of them. */
function partialShare(token: string, text: string): number {
  if (token.length < 3) return 0;
  const grams = Array.from({ length: token.length - 1 }, (_, i) => token.slice(i, i + 2));
  const share = grams.filter((gram) => text.includes(gram)).length / grams.length;
  return share >= 0.5 ? 0.5 * share : 0;
}

/** Parts of speech that do not name a topic: verbs, adverbs, prepositions, conjunctions, pronouns, numerals. */
const verbTags = /^(v|vd|vi|d|p|c|u[a-z]*|r|m|q|ad)$/;
/** The share of its weight a word of those parts of speech keeps in heading matching. */
const verbWeight = 0.3;

/** Whether a question word can name a section's topic: a noun, or any word of three characters or more. */
function isTopicWord(token: string, index: PolicyIndex): boolean {
  return token.length >= 3 || !verbTags.test(index.analyzer.tag(token)[0]?.tag ?? '');
}

/**
 * For each document among the results, the section most about the question's topic and the clauses
 * it lists; documents whose text only mentions the topic in passing give their best sentences
 * instead. Ordered by how well each document answers.
 */
export function selectSections({
  analysis,
  results,
  scored,
  index,
  documentLimit = sectionSettings.maxDocuments,
  strictHeadings = false,
  onlyDocuments,
}: {
  analysis: QuestionAnalysis;
  results: SearchResult[];
  scored: ScoredSentence[];
  index: PolicyIndex;
  documentLimit?: number;
  /** Only a section whose own heading names the topic will do ("基本原则", "申请条件"): no sentence fallback. */
  strictHeadings?: boolean;
  /** Restrict the answer to these documents (those the question names). */
  onlyDocuments?: string[];
}): SectionAnswer[] {
  const topic = topicTermsOf(analysis, index);
  const headingTopic = topicTermsOf(analysis, index, { keepAskingWords: true });
  if (headingTopic.total === 0) return [];
  const byDocument = new Map<string, { document: PolicyDocument; ranks: { result: SearchResult; rank: number }[] }>();
  results.forEach((result, rank) => {
    const document = index.document(result.documentId);
    if (!document || (onlyDocuments && !onlyDocuments.includes(document.id))) return;
    const entry = byDocument.get(document.id) ?? { document, ranks: [] };
    entry.ranks.push({ result, rank });
    byDocument.set(document.id, entry);
  });

  const answers: SectionAnswer[] = [];
  for (const { document, ranks } of byDocument.values()) {
    // The document's title, region and the question's words only it uses say which document, not which section.
    const own = [...headingTopic.weights.keys()].filter((token) => index.ownerOf(token) === document.id);
    const about = foldWidth(`${document.title} ${document.region ?? ''} ${own.join(' ')}`);
    const candidates = new Map<string, { section: Section; score: number; headingMatch: number; contentMatch: number }>();
    for (const { result, rank } of ranks) {
      for (const section of enclosingSections(document, result)) {
        // An enumerated item of an article ("第三十三条 › （六）…") is part of its article, not a topic's section.
        if (section.path.length >= 2 && articleHeading.test(section.path[section.path.length - 2])) continue;
        const key = section.path.join(' › ');
        const existing = candidates.get(key);
        if (existing) {
          existing.score += 0.3 / (1 + rank);
          continue;
        }
        const headingMatch = matchShare(headingTopic, section.path.map((heading, i) => ({ text: foldWidth(heading), weight: i === section.path.length - 1 ? 1 : strictHeadings ? 0 : 0.6 })), about);
        const contentMatch = topic.total > 0 ? matchShare(topic, [{ text: foldWidth(document.text.slice(section.start, section.end)), weight: 1 }], about) : 0;
        // Deep, narrow sections win ties; a whole part only when its own heading names the topic.
        const score = 2 * headingMatch + contentMatch + 0.3 / (1 + rank) - 0.02 * Math.max(0, (section.end - section.start) / 2000);
        candidates.set(key, { section, score, headingMatch, contentMatch });
      }
    }
    // A section is about the topic when its own headings name it; its clauses then answer.
    // In a document the question names, its best-named section needs less: the question is about that
    // document, so the section that names most of the topic is the one asked about.
    // So does every document of a summary or comparison across documents: each is asked about.
    const named = onlyDocuments?.includes(document.id) ?? false;
    const asked = named || analysis.intent === 'summary' || analysis.intent === 'comparison';
    const threshold = strictHeadings ? sectionSettings.strictHeadingMatch : asked ? sectionSettings.namedHeadingMatch : sectionSettings.minHeadingMatch;
    const ranked = [...candidates.values()]
      .filter((candidate) => candidate.headingMatch >= threshold)
      .sort((a, b) => b.score - a.score || b.section.path.length - a.section.path.length);
    const best = ranked[0];
    if (best) {
      const items = clausesOf(document, best.section, index, topic);
      if (items.length > 0) {
        // A question on several things ("铁路和高速公路") is answered by several sections of one
        // document; further sections about the topic are listed too, within the document's share.
        const others = ranked
          .slice(1)
          .filter((candidate) => candidate.headingMatch >= sectionSettings.minHeadingMatch && !isWithin(candidate.section, best.section) && !isWithin(best.section, candidate.section));
        const disjoint = others.filter((candidate, i) => !others.slice(0, i).some((other) => isWithin(candidate.section, other.section) || isWithin(other.section, candidate.section)));
        const shown = disjoint.filter((candidate) => candidate.score >= sectionSettings.siblingRatio * best.score).slice(0, sectionSettings.maxSectionsPerDocument - 1);
        const more = disjoint.filter((candidate) => !shown.includes(candidate)).slice(0, 3).map((candidate) => candidate.section.path);
        answers.push({ documentId: document.id, section: best.section, items, more: shown.length > 0 ? [] : more, score: best.score });
        let budget = sectionSettings.maxItemsPerDocument - items.length;
        for (const [i, candidate] of shown.entries()) {
          if (budget <= 0) break;
          const extra = clausesOf(document, candidate.section, index, topic).slice(0, budget);
          budget -= extra.length;
          if (extra.length > 0) answers.push({ documentId: document.id, section: candidate.section, items: extra, more: i === shown.length - 1 ? more : [], score: candidate.score });
        }
        continue;
      }
    }
    if (strictHeadings) continue;
    // No section about the topic: the document's sentences that are, in reading order. A document
    // the question names, or any document of a summary or comparison across documents, is asked
    // about whatever places its sentences name (a province's plan names its cities).
    // The document's own title line names it; it says nothing about the topic.
    const bare = document.title.replace(/^《|》$/g, '');
    const titleLine = document.text.search(/\S/) === document.text.indexOf(bare) ? document.text.indexOf(bare) + bare.length : -1;
    const sentences = scored.filter(
      (sentence) =>
        sentence.result.documentId === document.id &&
        (sentence.placeFits || asked) &&
        !sentence.heading &&
        !sentence.preamble &&
        sentence.start >= titleLine &&
        sentence.coverage >= (named ? sectionSettings.namedSentenceCoverage : sectionSettings.minSentenceCoverage),
    );
    const top = sentences[0]?.score ?? 0;
    const picked: ScoredSentence[] = [];
    for (const sentence of sentences) {
      if (picked.length >= sectionSettings.maxSentencesPerDocument || sentence.score < sectionSettings.sentenceRatio * top) break;
      if (picked.some((other) => overlaps(other, sentence) || nearDuplicate(other.text, sentence.text))) continue;
      picked.push(sentence);
    }
    if (picked.length > 0) {
      picked.sort((a, b) => a.start - b.start);
      answers.push({ documentId: document.id, items: withEnumerations(picked, document, index), more: [], score: Math.max(...picked.map((sentence) => sentence.coverage)) });
    }
  }
  return answers.sort((a, b) => b.score - a.score).slice(0, documentLimit);
}

/**
 * Picked sentences as bullets; a sentence opening an enumeration ("应当履行下列义务：") brings every
 * item of it, in order, in place of the items that scored on their own: a list is answered whole.
 */
function withEnumerations(picked: ScoredSentence[], document: PolicyDocument, index: PolicyIndex): Pick[][] {
  const lists = picked.filter((sentence) => sentence.opensList).map((opener) => ({ opener, items: itemsAfter(document, opener.end, index) })).filter((list) => list.items.length >= 2);
  const inList = (sentence: ScoredSentence) => lists.some((list) => list.items.some((item) => sentence.start < item.end && item.start < sentence.end));
  const bullets: Pick[][] = [];
  for (const sentence of picked) {
    if (inList(sentence)) continue;
    bullets.push([toPick(sentence)]);
    const list = lists.find((entry) => entry.opener === sentence);
    if (list) for (const item of list.items) bullets.push([item]);
  }
  return bullets;
}

/** Sections of the document that hold the result's chunk or lie inside it (a chunk may be a whole clause with its items). */
function enclosingSections(document: PolicyDocument, result: SearchResult): Section[] {
  return document.sections.filter((section) => section.start < result.end && result.start < section.end && section.path.length > 0);
}

function isWithin(inner: Section, outer: Section): boolean {
  return inner.start >= outer.start && inner.end <= outer.end;
}

/** The weighted share of topic terms found in the texts (each text's hits count at its weight). */
function matchShare(topic: TopicTerms, texts: { text: string; weight: number }[], about: string): number {
  const share = matchWeights(topic.weights, texts, about);
  return share === undefined && topic.fallback ? (matchWeights(topic.fallback, texts, about) ?? 0) : (share ?? 0);
}

/** The weighted share of terms found in the texts; undefined when the document's title supplies them all. */
function matchWeights(weights: Map<string, number>, texts: { text: string; weight: number }[], about: string): number | undefined {
  let found = 0;
  let total = 0;
  for (const [token, weight] of weights) {
    // Words the document's own title supplies ("成渝", "双城经济圈") say which document, not which section.
    if (about.includes(token)) continue;
    total += weight;
    // A word said in part ("公路" for 高速公路, "科技创新" for 科技创新中心) counts in part.
    const best = Math.max(0, ...texts.map((entry) => entry.weight * (entry.text.includes(token) ? 1 : partialShare(token, entry.text))));
    found += best * weight;
  }
  return total > 0 ? found / total : undefined;
}

/**
 * The clauses a section lists: each sub-section as its heading line with its lead sentence (cited as
 * one span) and, when another of its sentences says more about the topic, that sentence too; without
 * sub-sections, the section's sentences.
 */
export function clausesOf(document: PolicyDocument, section: Section, index: PolicyIndex, topic?: TopicTerms): Pick[][] {
  const children = childrenOf(document, section);
  const pickOf = (span: { start: number; end: number } | undefined) => pickAt(document, span, index);
  if (children.length < 2) {
    return sentencesOf(document, section)
      .slice(0, sectionSettings.maxItemsPerSection)
      .map(pickOf)
      .filter((pick): pick is Pick => pick !== undefined)
      .map((pick) => [pick]);
  }
  const items: Pick[][] = [];
  for (const child of children.slice(0, sectionSettings.maxItemsPerSection)) {
    const item = leadPicks(document, child.start, child.end, index);
    const lead = item[item.length - 1];
    if (!lead) continue;
    const more = topic ? topicSentence(document, lead.end, child.end, topic) : undefined;
    const extra = pickOf(more);
    if (extra && extra.start >= lead.end) item.push(extra);
    items.push(item);
  }
  return items;
}

/** A span of a document as a cited pick (cut at the end of the chunk that holds its start). */
export function pickAt(document: PolicyDocument, span: { start: number; end: number } | undefined, index: PolicyIndex): Pick | undefined {
  if (!span) return undefined;
  const result = index.resultAt(document.id, span.start);
  if (!result) return undefined;
  const end = Math.min(span.end, result.end);
  return {
    text: document.text.slice(span.start, end),
    start: span.start,
    end,
    result,
    section: index.sectionAt(document.id, span.start),
  };
}

/** Sections one level below `section` in its document. */
function childrenOf(document: PolicyDocument, section: Section): Section[] {
  return document.sections.filter(
    (other) => other.path.length === section.path.length + 1 && other.start >= section.start && other.end <= section.end && section.path.every((part, i) => other.path[i] === part),
  );
}

/**
 * An overview of one document ("概述《…》的主要内容", "…的主要做法和成效"): each of its parts in
 * reading order with the clauses that lead it, those about the question's words first. Undefined when
 * the question asks about something a few of its parts are named for (then those parts answer), or
 * when the document has no parts to go by.
 */
export function documentOverview({ analysis, document, index }: { analysis: QuestionAnalysis; document: PolicyDocument; index: PolicyIndex }): SectionAnswer[] | undefined {
  const parts = document.sections.filter((section) => section.path.length === 1);
  if (parts.length < 2) return undefined;
  const about = foldWidth(`${document.title} ${document.region ?? ''}`);
  const topic = topicTermsOf(analysis, index);
  // Words that name a few parts' headings ask about those parts; words every part is about, or none
  // of them, ask about the whole document. Asking words ("主要内容") name no part ("二、主要任务").
  const { weights: headingWeights } = topicTermsOf(analysis, index, { keepAskingWords: true });
  const headingTopic: TopicTerms = { weights: new Map([...headingWeights].filter(([token]) => !isAskingWord(token))), total: 0 };
  const named = parts.filter((part) =>
    document.sections.some((section) => isWithin(section, part) && matchShare(headingTopic, [{ text: foldWidth(section.path[section.path.length - 1] ?? ''), weight: 1 }], about) >= sectionSettings.minHeadingMatch),
  );
  if (named.length > 0 && named.length < parts.length / 2) return undefined;
  const weightIn = (section: Section) => {
    const text = foldWidth(document.text.slice(section.start, section.end));
    let weight = 0;
    for (const [token, value] of topic.weights) if (!about.includes(token) && text.includes(token)) weight += value;
    return weight;
  };
  // A document of many flat parts (articles without chapters) is one list of its most central
  // articles; otherwise each part leads with its own best clauses, a share of the length cap each.
  // Within either, clauses about the question's words come first, then the most central ones.
  const flat = parts.length > sectionSettings.maxItemsPerDocument;
  const groups: { section?: Section; clauses: Section[]; take: number }[] = flat
    ? [{ clauses: parts.filter((part) => !formulaClause.test(document.text.slice(part.start, part.end))), take: sectionSettings.maxItemsPerDocument }]
    : parts.map((part) => {
        let node = part;
        for (let children = childrenOf(document, node); children.length === 1; children = childrenOf(document, node)) node = children[0];
        // Why the document was made and when it takes effect are no part of what it provides.
        const clauses = childrenOf(document, node).filter((clause) => !formulaClause.test(document.text.slice(clause.start, clause.end)));
        return { section: part, clauses: clauses.length > 0 ? clauses : [part], take: Math.max(1, Math.min(3, Math.floor(sectionSettings.maxItems / parts.length))) };
      });
  const answers: SectionAnswer[] = [];
  const flatItems: Pick[][] = [];
  // The clauses weighed depend on the document alone, so their centrality is worked out once per document.
  const central = index.cache('clause-centrality', document.id, () => clauseCentrality(document, groups.flatMap((group) => group.clauses), index));
  for (const group of groups) {
    const chosen = group.clauses
      .map((clause, order) => ({ clause, order, weight: weightIn(clause) + (central.get(clause) ?? 0) }))
      .sort((a, b) => b.weight - a.weight || a.order - b.order)
      .slice(0, group.take)
      .sort((a, b) => a.order - b.order);
    // A part without sub-sections is its own clause: its heading line is cited with the heading, so
    // its lead starts after it.
    const after = (clause: Section) => (clause === group.section ? (headingLinePick(document, clause, index)?.end ?? clause.start) : clause.start);
    const items = chosen.map(({ clause }) => leadPicks(document, after(clause), clause.end, index)).filter((item) => item.length > 0);
    if (flat) flatItems.push(...items);
    else if (items.length > 0) answers.push({ documentId: document.id, section: group.section, items, more: [], score: 1 });
  }
  if (flatItems.length > 0) answers.push({ documentId: document.id, items: flatItems, more: [], score: 1 });
  return answers.length > 0 ? answers : undefined;
}

/**
 * How central each clause is to its document (LexRank's degree): the summed cosine similarity of its
 * idf-weighted words with every other clause's, scaled to 0..1. The clauses a summary should carry
 * are about what the document is about; a clause on funding or on who is responsible shares little.
 */
function clauseCentrality(document: PolicyDocument, clauses: Section[], index: PolicyIndex): Map<Section, number> {
  const vectors = clauses.map((clause) => {
    const weights = new Map<string, number>();
    for (const token of index.analyzer.tokenize(document.text.slice(clause.start, clause.end))) {
      if (token.length < 2 || /\d/.test(token)) continue;
      weights.set(token, (weights.get(token) ?? 0) + index.bm25.idf(token));
    }
    return weights;
  });
  const normed = vectors.map((weights) => {
    let norm = 0;
    for (const value of weights.values()) norm += value * value;
    return { weights, norm: Math.sqrt(norm) || 1 };
  });
  const degree = normed.map((a, i) => {
    let sum = 0;
    normed.forEach((b, j) => {
      if (i === j) return;
      let dot = 0;
      for (const [token, value] of a.weights) dot += value * (b.weights.get(token) ?? 0);
      sum += dot / (a.norm * b.norm);
    });
    return sum;
  });
  const top = Math.max(1e-9, ...degree);
  return new Map(clauses.map((clause, i) => [clause, degree[i] / top]));
}

/** A clause that only states why the text was made or when it takes effect ("为了…，制定本条例", "本办法自…起施行"). */
const formulaClause = /^\s*(?:第[零〇一二三四五六七八九十百千\d]+条\s*)?(?:为了?[^。]{0,120}(?:制定|修订)本(?:条例|办法|规定|细则|决定)。?\s*$|本(?:条例|办法|规定|细则|决定)自[^。]{0,30}施行)/;

/** The sentence of a clause (after its lead) that carries most of the topic's weight, if any carries some. */
function topicSentence(document: PolicyDocument, from: number, to: number, topic: TopicTerms): { start: number; end: number } | undefined {
  let best: { start: number; end: number; weight: number } | undefined;
  for (const sentence of splitSentences(document.text.slice(from, to), from)) {
    if (sentence.text.length < 8 || sentence.text.length > sectionSettings.maxItemChars) continue;
    const folded = foldWidth(sentence.text);
    let weight = 0;
    for (const [token, value] of topic.weights) if (folded.includes(token)) weight += value;
    if (weight > 0 && (!best || weight > best.weight)) best = { start: sentence.start, end: sentence.end, weight };
  }
  return best && best.weight >= 0.3 * topic.total ? best : undefined;
}

/** The line that names a section (its first sentence when the body runs on in the same line), if short. */
export function headingLinePick(document: PolicyDocument, section: Section, index: PolicyIndex): Pick | undefined {
  const line = document.text.slice(section.start, section.end).match(/^\s*([^\n]+)/);
  if (!line) return undefined;
  const from = section.start + line[0].length - line[1].length;
  const first = splitSentences(line[1], from)[0];
  if (!first) return undefined;
  const span = trimmedSpan(document.text, first.start, first.end);
  return span.end - span.start >= 2 && span.end - span.start <= 60 ? pickAt(document, span, index) : undefined;
}

/** The span without the whitespace at either end. */
export function trimmedSpan(text: string, from: number, to: number): { start: number; end: number } {
  let [start, end] = [from, to];
  while (start < end && /\s/.test(text[start])) start++;
  while (end > start && /\s/.test(text[end - 1])) end--;
  return { start, end };
}

/**
 * A clause's lead as picks: one per line, so a heading line and the sentence under it are cited
 * side by side in one bullet rather than as one span across a line break.
 */
function leadPicks(document: PolicyDocument, start: number, end: number, index: PolicyIndex): Pick[] {
  const lead = leadOf(document, start, end);
  if (!lead) return [];
  const picks: Pick[] = [];
  for (const line of document.text.slice(lead.start, lead.end).matchAll(/[^\n]+/g)) {
    const from = lead.start + (line.index ?? 0);
    const span = trimmedSpan(document.text, from, from + line[0].length);
    const pick = span.end > span.start ? pickAt(document, span, index) : undefined;
    if (pick) picks.push(pick);
  }
  return picks;
}

/** A clause's heading line and its first sentence of substance, as one span of at most ~200 characters. */
function leadOf(document: PolicyDocument, start: number, end: number): { start: number; end: number } | undefined {
  const sentences = splitSentences(document.text.slice(start, end), start).filter((sentence) => sentence.text.length >= 2);
  if (sentences.length === 0) return undefined;
  let last = sentences[0];
  // A heading line alone ("（九）共同打造国际航空门户枢纽。") says the topic; its next sentence says the substance.
  if (last.text.length <= 40 && sentences[1] && sentences[1].end - sentences[0].start <= sectionSettings.maxItemChars) last = sentences[1];
  if (last.end - sentences[0].start > sectionSettings.maxItemChars) {
    const cut = document.text.slice(sentences[0].start, sentences[0].start + sectionSettings.maxItemChars);
    const stop = Math.max(cut.lastIndexOf('，'), cut.lastIndexOf('；'), cut.lastIndexOf('。'));
    return { start: sentences[0].start, end: sentences[0].start + (stop > 40 ? stop + 1 : cut.length) };
  }
  return { start: sentences[0].start, end: last.end };
}

/** The sentences of a section without sub-sections (its heading line left out). */
function sentencesOf(document: PolicyDocument, section: Section): ({ start: number; end: number } | undefined)[] {
  const heading = section.path[section.path.length - 1] ?? '';
  return splitSentences(document.text.slice(section.start, section.end), section.start)
    .filter((sentence) => sentence.text.length >= 8 && sentence.text.replace(/[。：:]$/, '') !== heading)
    .map((sentence) => (sentence.end - sentence.start > sectionSettings.maxItemChars ? leadOf(document, sentence.start, sentence.end) : sentence));
}
