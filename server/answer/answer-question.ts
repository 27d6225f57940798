// The answer pipeline: analyse → retrieve → score → select → compose → render, each stage a module
// with one job; extractive by default, an LLM writing from the same clauses when one is configured.
import type { RagService } from '../rag/rag-service.js';
import type { PolicyIndex } from '../rag/policy-index.js';
import { foldWidth } from '../rag/tokenize.js';
import type { PolicyDocument, SearchResult } from '../rag/types.js';
import { analyseQuestion, stemOf, topicTokens, type ChatTurn, type QuestionAnalysis } from './analyse-question.js';
import { enumeratedItem } from './articles.js';
import type { ChatResponse, Citation, Comparison } from './answer-types.js';
import { buildComparison, sharedLine } from './compare-documents.js';
import { asksAboutChange, versionComparison, versionsCompared } from './compare-versions.js';
import { condenseWithLlm, generateLlmAnswer, rewriteQueryWithLlm } from './llm-answer.js';
import { CitationBook, renderAnswer, type AnswerBlock } from './render-answer.js';
import { retrieveClauses } from './retrieve-clauses.js';
import { scoreSentences, scoringQuestion, type ScoredSentence } from './score-sentences.js';
import { selectFactAnswer, type PartScores } from './select-answer.js';
import { documentOverview, headingLinePick, selectSections, topicQuestion, topicTermsOf, type SectionAnswer } from './select-sections.js';

export type { ChatResponse } from './answer-types.js';

/** Stream events, in order: citations once, deltas, then done (or error). */
export type AnswerEvent =
  | { type: 'citations'; citations: Citation[] }
  | { type: 'delta'; text: string }
  | { type: 'done'; response: ChatResponse };

export interface AnswerRequest {
  messages: ChatTurn[];
  mode?: 'answer' | 'summary';
  documents?: string[];
  signal?: AbortSignal;
  onEvent?: (event: AnswerEvent) => void;
}

/** What an extractive answer is before timings are added. */
interface Draft {
  answer: string;
  answered: boolean;
  citations: Citation[];
  comparison?: Comparison;
  notes?: string[];
}

const refusalText = '现有文件中没有找到能回答这个问题的条款。';
/** Coverage at which a short follow-up is taken to stand on its own. */
const standaloneCoverage = 0.5;

/** Answers the last user message of a conversation with cited clauses. */
export async function answerQuestion(service: RagService, { messages, mode = 'answer', documents, signal, onEvent = () => {} }: AnswerRequest): Promise<ChatResponse> {
  const started = performance.now();
  const { index } = service;
  const analyse = (turns: ChatTurn[]) => analyseQuestion(turns, { analyzer: index.analyzer, mode, mentions: (term) => index.mentions(term) });
  let analysis = analyse(messages);
  // A short question that reads as complete ("高竹新区由哪两地共建？") is answered on its own when it can be.
  if (analysis.isFollowUp && !analysis.explicitFollowUp && !service.config.LLM_BASE_URL) {
    const standalone = analyse(messages.slice(-1));
    const probe = await index.search(standalone.retrievalQuery, { k: 8, documents });
    const best = scoreSentences({ question: scoringQuestion(standalone), results: probe, index })[0];
    if (best && best.coverage >= standaloneCoverage) analysis = standalone;
  }
  let rewrittenQuery: string | undefined;
  if (service.config.LLM_BASE_URL) {
    if (analysis.isFollowUp) analysis.retrievalQuery = await condenseWithLlm({ config: service.config, messages, signal }).catch(() => analysis.retrievalQuery);
    // The question in the documents' own wording is searched too; answers still cite only retrieved text.
    if (service.config.LLM_REWRITE_QUERIES) rewrittenQuery = await rewriteQueryWithLlm({ config: service.config, question: analysis.retrievalQuery, signal }).catch(() => undefined);
  }
  const retrieved = await retrieveClauses({ analysis, index, documents, rewrittenQuery });
  const retrievedAt = performance.now();

  let response: Draft & { verification?: ChatResponse['verification'] };
  // A place no document covers is declined; versions of one regulation are compared clause by clause.
  const direct = declineUnknownPlaces(analysis, index) ?? versionChangeAnswer(analysis, index);
  if (direct) {
    response = direct;
    emit(response, onEvent);
  } else if (service.config.LLM_BASE_URL) {
    response = await answerWithLlm({ service, analysis, retrieved, messages, mode, signal, onEvent });
  } else {
    response = composeExtractive(analysis, retrieved, index);
    emit(response, onEvent);
  }
  const finished = performance.now();
  const full: ChatResponse = {
    ...response,
    mode,
    retrievalQuery: analysis.retrievalQuery,
    timings: { retrieveMs: round(retrievedAt - started), answerMs: round(finished - retrievedAt), totalMs: round(finished - started) },
  };
  onEvent({ type: 'done', response: full });
  return full;
}

/**
 * The LLM writes the answer. For facts and lists it reads the retrieved clauses; for topics,
 * comparisons and summaries the same section-grouped clauses the extractive answer would list, and
 * a comparison's table stays extractive, its cells cited after the model's citations.
 */
async function answerWithLlm({
  service,
  analysis,
  retrieved,
  messages,
  mode,
  signal,
  onEvent,
}: {
  service: RagService;
  analysis: QuestionAnalysis;
  retrieved: { results: SearchResult[]; perPart: SearchResult[][] };
  messages: ChatTurn[];
  mode: 'answer' | 'summary';
  signal?: AbortSignal;
  onEvent: (event: AnswerEvent) => void;
}): Promise<Draft & { verification?: ChatResponse['verification'] }> {
  const { index } = service;
  if (analysis.intent === 'fact' || analysis.intent === 'list') {
    return generateLlmAnswer({ service, messages, results: retrieved.results.slice(0, 8), mode, signal, onEvent });
  }
  const { answers } = sectionAnswers(analysis, retrieved.results, index);
  const clauses: SearchResult[] = answers.flatMap((answer) =>
    answer.items.flat().map((item) => ({ ...item.result, text: item.text, start: item.start, end: item.end, section: item.section })),
  );
  const layout = analysis.intent === 'summary' ? 'summary' : analysis.intent;
  const written = await generateLlmAnswer({ service, messages, results: clauses.length > 0 ? clauses.slice(0, 24) : retrieved.results.slice(0, 16), mode, layout, signal, onEvent });
  if (analysis.intent !== 'comparison' || answers.length < 2 || !written.answered) return written;
  const book = new CitationBook(index, written.citations);
  const topic = [...topicTermsOf(analysis, index).weights.keys()].sort((a, b) => b.length - a.length)[0] ?? analysis.question;
  const comparison = buildComparison({ answers, topic, index, book, exclude: [...topicTermsOf(analysis, index).weights.keys()] });
  return { ...written, citations: book.citations, comparison };
}

/** Stages 3–6 for the extractive answer. */
export function composeExtractive(analysis: QuestionAnalysis, retrieved: { results: SearchResult[]; perPart: SearchResult[][] }, index: PolicyIndex): Draft {
  const notes = unknownPlaceNotes(analysis);
  const { asks } = analysis;
  if ((analysis.intent === 'list' || (analysis.intent === 'fact' && !asks.number && !asks.time && !asks.who)) && analysis.parts.length === 1) {
    // "…确定了哪几条基本原则？", "…怎样推进城乡融合发展？": the section the question names answers.
    const scored = scoreSentences({ question: scoringQuestion(topicQuestion(analysis)), results: retrieved.results, index });
    const named = selectSections({ analysis, results: retrieved.results, scored, index, documentLimit: 1, strictHeadings: true });
    if (named.length > 0 && named[0].section && named[0].items.length >= 2 && scored[0]?.result.documentId === named[0].documentId) {
      return finish(renderAnswer(sectionBlocks(named, index, analysis.intent), index), notes);
    }
  }
  if (analysis.parts.length > 1 && analysis.parts.every((part) => part.item)) return itemByItem(analysis, retrieved, index, notes);
  if (analysis.intent === 'fact' || analysis.intent === 'list') {
    const parts: PartScores[] = (analysis.parts.length > 1 ? analysis.parts : [undefined]).map((part, i) => {
      const question = scoringQuestion(analysis, part);
      return { question, scored: scoreSentences({ question, results: retrieved.perPart[i] ?? retrieved.results, index }) };
    });
    const selection = selectFactAnswer({ analysis, parts, index });
    if (selection.kind === 'refusal') return refusal(selection.closest);
    return finish(renderAnswer(selection.blocks, index), notes);
  }

  // Topics, comparisons, summaries: sections about the topic, grouped by document.
  const { answers, scored, question, overview } = sectionAnswers(analysis, retrieved.results, index);
  if (overview) return finish(renderAnswer(sectionBlocks(answers, index, analysis.intent), index), notes);
  if (answers.length === 0) {
    // A topic question the sections cannot answer may still be a fact question.
    if (analysis.intent === 'topic') {
      const selection = selectFactAnswer({ analysis, parts: [{ question, scored }], index });
      if (selection.kind === 'answer') return finish(renderAnswer(selection.blocks, index), notes);
    }
    return refusal([]);
  }
  // The answer numbers its citations in reading order; the comparison table reuses them.
  const book = new CitationBook(index);
  const rendered = renderAnswer(sectionBlocks(answers, index, analysis.intent), index, book);
  let comparison: Comparison | undefined;
  let lead = '';
  if (analysis.intent === 'comparison' && answers.length >= 2) {
    const topic = [...topicTermsOf(analysis, index).weights.keys()].sort((a, b) => b.length - a.length)[0] ?? analysis.question;
    comparison = buildComparison({ answers, topic, index, book, exclude: [...topicTermsOf(analysis, index).weights.keys()] });
    const shared = sharedLine(comparison);
    if (shared) lead = `#### ${shared}`;
  }
  const answer = [lead, rendered.answer].filter(Boolean).join('\n\n');
  return finish({ answer, citations: book.citations }, notes, comparison);
}

/**
 * "A、B、C，…分别是多少？": each item answered on its own under its name; an item nothing answers is
 * said so in a note, the others still answered.
 */
function itemByItem(analysis: QuestionAnalysis, retrieved: { results: SearchResult[]; perPart: SearchResult[][] }, index: PolicyIndex, notes: string[]): Draft {
  const blocks: AnswerBlock[] = [];
  const unanswered: string[] = [];
  analysis.parts.forEach((part, i) => {
    const question = scoringQuestion(analysis, part);
    const scored = scoreSentences({ question, results: retrieved.perPart[i] ?? [], index }).filter(mentionsItem(part.item ?? '', index));
    const selection = selectFactAnswer({ analysis, parts: [{ question, scored }], index });
    if (selection.kind === 'refusal') unanswered.push(part.item ?? part.text);
    else blocks.push({ heading: part.item, headingLevel: 'section' }, ...selection.blocks);
  });
  if (blocks.length === 0) return refusal([]);
  const missing = unanswered.length > 0 ? [`没有找到回答“${unanswered.join('”“')}”的条款。`] : [];
  return finish(renderAnswer(blocks, index), [...notes, ...missing]);
}

/**
 * Whether a sentence is about a list's item: it, its headings or its document's title say the item's
 * telling words (those near the item's rarest word the corpus uses: 居住证 of "办理居住证", not 办理), or a
 * synonym of one. Every sentence is, when the corpus uses none of the item's words.
 */
function mentionsItem(item: string, index: PolicyIndex): (sentence: ScoredSentence) => boolean {
  const { analyzer } = index;
  const known = topicTokens(item, analyzer).filter((word) => word.length >= 2 && index.bm25.documentFrequency(word) > 0);
  const rarest = Math.max(...known.map((word) => index.bm25.idf(word)));
  // An item the documents say as it stands ("省道", which the segmenter may cut in two) is itself the word.
  const telling = [
    ...(index.mentions(item) ? [foldWidth(item)] : []),
    ...known.filter((word) => index.bm25.idf(word) >= itemWordShare * rarest).flatMap((word) => [word, ...analyzer.synonymsOf(word)]),
  ];
  if (telling.length === 0) return () => true;
  return (sentence) => {
    const title = index.document(sentence.result.documentId)?.title ?? '';
    // An enumerated item's heading is only its own text, and a sentence after it in the clause is not about it.
    const headings = sentence.section.filter((heading) => !enumeratedItem.test(heading));
    const said = foldWidth(`${sentence.text} ${headings.join(' ')} ${title}`);
    return telling.some((word) => said.includes(word));
  };
}
/** An item's word is telling when its idf is at least this share of the item's rarest word's. */
const itemWordShare = 0.6;

/**
 * "与2018年版相比有哪些变化": when the question compares versions of one regulation, the clauses whose
 * wording changed, newer beside older (extractive also with an LLM: a list of cited wordings is the answer).
 */
function versionChangeAnswer(analysis: QuestionAnalysis, index: PolicyIndex): Draft | undefined {
  if (analysis.intent !== 'comparison' || !asksAboutChange(analysis.question)) return undefined;
  const named = documentsNamed(analysis, index);
  if (named.length < 2) return undefined;
  const versions = versionsCompared(named, analysis, index);
  const blocks = versions ? versionComparison({ analysis, older: versions[0], newer: versions[1], index }) : undefined;
  return blocks ? finish(renderAnswer(blocks, index), unknownPlaceNotes(analysis)) : undefined;
}

/**
 * The sections that answer a topic, comparison or summary question, grouped by document: an overview
 * part by part when the question asks about one document as a whole, else the sections about its topic.
 */
function sectionAnswers(analysis: QuestionAnalysis, results: SearchResult[], index: PolicyIndex) {
  // "…在几份文件里", "各文件": every document that speaks to it, not only the one whose title it quotes.
  const acrossDocuments = /相关文件|各(?:份|个|部)?文件|几份|几个文件|哪些文件|多份|各地|各省/.test(analysis.question);
  // Topics and summaries of a regulation held in several versions are answered from the newest.
  const namedDocuments = acrossDocuments ? [] : documentsNamed(analysis, index);
  // A comparison between versions of one regulation keeps them all; one between different regulations
  // reads the newest of each ("现行《…》与《…》"): the same regulation is not compared with itself.
  const comparesVersions = new Set(namedDocuments.map((id) => index.document(id)?.versionGroup?.newest ?? id)).size === 1;
  const named = analysis.intent === 'comparison' && comparesVersions ? namedDocuments : newestVersions(namedDocuments, index);
  const question = scoringQuestion(topicQuestion(analysis, titlesOf(named, index, analysis)));
  const scored = scoreSentences({ question, results, index });
  const only = named.length === 1 ? index.document(named[0]) : undefined;
  const onlyByTitle = only !== undefined && namesWholeTitle(analysis, only);
  // "概述《…》的主要内容", "《…》有哪些规定": the whole document is the topic.
  const whole = onlyByTitle && (analysis.intent === 'summary' || (analysis.intent === 'topic' && titleCoversTopic(analysis, only, index)));
  const overview = whole ? documentOverview({ analysis, document: only, index }) : undefined;
  if (overview) return { answers: overview, scored, question, overview: true };
  // A topic stays in the document it names; a summary only in one it names by its title; a comparison
  // among the documents it names when they are at least two different ones (not versions of one).
  const titles = new Set(named.map((id) => index.document(id)?.title));
  const restrictTo =
    named.length >= 1 &&
    (analysis.intent === 'topic' || (analysis.intent === 'summary' && (named.length >= 2 || onlyByTitle)) || (analysis.intent === 'comparison' && titles.size >= 2));
  const answers = selectSections({
    analysis,
    results,
    scored,
    index,
    documentLimit: analysis.intent === 'topic' && named.length <= 1 ? 1 : undefined,
    onlyDocuments: restrictTo ? named : undefined,
  });
  return { answers, scored, question, overview: false };
}

/**
 * Whether the question names the document itself, not just words its title shares with others: its
 * title in 《》, or most of its title's own words (what is left without 《》, 中华人民共和国, 关于 and the
 * document type).
 */
function namesWholeTitle(analysis: QuestionAnalysis, document: PolicyDocument): boolean {
  const question = foldWidth(analysis.question);
  const title = foldWidth(document.title).replace(/^《|》$/g, '');
  if ([...question.matchAll(/《([^》]{4,80})》/g)].some((match) => title.includes(match[1]))) return true;
  // The name the title opens with, its subject, when the question says it.
  if (analysis.focusTokens.some((token) => token.length >= 5 && title.replace(/^中华人民共和国/, '').startsWith(foldWidth(token)))) return true;
  const core = title.replace(/中华人民共和国|关于|的|[《》〈〉“”"\s]/g, '').replace(/(?:暂行|实施)?(?:条例|办法|规定|细则|通知|决定|意见|方案)$/, '');
  if (core.length < 2) return false;
  const grams = Array.from({ length: core.length - 1 }, (_, i) => core.slice(i, i + 2));
  return grams.filter((gram) => question.includes(gram)).length / grams.length >= 0.6;
}

/** Whether a document's title says everything the question's topic words say ("专项资金管理" of 《关于…专项资金管理的通知》). */
function titleCoversTopic(analysis: QuestionAnalysis, document: PolicyDocument, index: PolicyIndex): boolean {
  const title = foldWidth(document.title);
  return [...topicTermsOf(analysis, index).weights.keys()].every((token) => title.includes(token));
}

/**
 * The documents a question names: by words of their titles ("天府新区案例和川渝联合方案", "一干多支意见")
 * or by the places they are issued for ("贵州和云南…"). Document-type words (方案, 条例) and the words
 * every title shares do not name one.
 */
export function documentsNamed(analysis: QuestionAnalysis, index: PolicyIndex): string[] {
  const named: { id: string; hits: number }[] = [];
  const placeStems = analysis.places.map(stemOf);
  // The question's words that can name a document, and the one each belongs to, read once, not per document.
  const namingWords = analysis.focusTokens.filter((token) => token.length >= 2 && !documentTypeWords.test(token) && !isFunctionWord(token, index));
  const owners = new Map(namingWords.map((token) => [token, index.ownerOf(token)]));
  for (const document of index.documents) {
    const about = `${document.title} ${document.region ?? ''} ${document.issuer ?? ''}`;
    const titleWords = namingWords.filter((token) => document.title.includes(token) && index.documentsTitled(token) <= Math.max(1, index.titleCount / 3));
    const places = placeStems.filter((stem) => about.includes(stem));
    // A word only this document uses, throughout, names it as its title would (川渝 of a joint plan).
    const ownWords = namingWords.filter((token) => owners.get(token) === document.id);
    const hits = titleWords.length + 2 * places.length + ownWords.length;
    // A long name found in one title and in the text of no other document (a regulation's
    // subject, "消耗臭氧层物质"), names it on its own; a phrase many documents use is a topic instead.
    const versions = document.versionGroup?.versions.length ?? 1;
    const distinctive = titleWords.some((token) => token.length >= 4 && index.documentsTitled(token) === 1 && index.documentsMentioning(token) <= versions);
    // The name a title opens with, its subject ("泠澄高新区：…", "《西陵市养犬管理条例》"), names it when no
    // other title has it, however many documents mention the name.
    const subject = foldWidth(document.title).replace(/^《/, '').replace(/^中华人民共和国/, '');
    const opensTitle = titleWords.some((token) => token.length >= 5 && subject.startsWith(foldWidth(token)) && index.documentsTitled(token) <= versions);
    if (titleWords.length >= 2 || distinctive || opensTitle || places.length > 0 || ownWords.length > 0) named.push({ id: document.id, hits });
  }
  // A title quoted in 《》 names its document (every version of it) and no other.
  const quoted = [...analysis.question.matchAll(/《([^》]{2,80})》/g)].map((match) => foldWidth(match[1]));
  const exact = quoted.length > 0 ? index.documents.filter((document) => quoted.some((title) => foldWidth(document.title).replace(/^《|》$/g, '') === title)) : [];
  if (exact.length > 0) return exact.map((document) => document.id);
  return named.sort((a, b) => b.hits - a.hits).map((entry) => entry.id);
}

/** A word that joins or points rather than names (及其, 关于, 我们, 以及): it names no document. */
function isFunctionWord(token: string, index: PolicyIndex): boolean {
  return index.analyzer.isStopWord(token) || /^(?:c|p|u[a-z]*|r|d|m|q)$/.test(index.analyzer.tag(token)[0]?.tag ?? '');
}

/** The documents, with every version of one regulation replaced by its newest. */
function newestVersions(ids: string[], index: PolicyIndex): string[] {
  return [...new Set(ids.map((id) => index.document(id)?.versionGroup?.newest ?? id))];
}

/** What names each document: its title, and the question's words that only it uses. */
const titlesOf = (ids: string[], index: PolicyIndex, analysis: QuestionAnalysis) =>
  ids.map((id) => [index.document(id)?.title ?? '', ...analysis.focusTokens.filter((token) => index.ownerOf(token) === id)].join(' '));

const documentTypeWords = /^(?:方案|实施方案|意见|实施意见|办法|条例|规定|通知|决定|规划|纲要|细则|措施|公告|文件|政府|人民政府|关于|印发|实施)$|^[\p{Script=Han}]{0,2}(?:条例|办法|规定|细则)$/u;

/** Section answers as Markdown blocks: per document its title, the section's name and its clauses. */
function sectionBlocks(answers: SectionAnswer[], index: PolicyIndex, intent: QuestionAnalysis['intent']): AnswerBlock[] {
  const blocks: AnswerBlock[] = [];
  let previous: string | undefined;
  for (const answer of answers) {
    const title = index.document(answer.documentId)?.title ?? answer.documentId;
    if (answer.documentId !== previous) blocks.push({ heading: title, headingLevel: 'document' });
    previous = answer.documentId;
    const document = index.document(answer.documentId);
    const headingPick = answer.section && document ? headingLinePick(document, answer.section, index) : undefined;
    // The heading's line is cited with the heading, not again as the first item.
    const items = headingPick ? answer.items.map((item) => item.filter((pick) => pick.start !== headingPick.start || pick.end !== headingPick.end)).filter((item) => item.length > 0) : answer.items;
    blocks.push(answer.section ? { heading: answer.section.path.join(' › '), headingLevel: 'section', headingPick, items } : { items });
    if (answer.more.length > 0 && intent !== 'comparison') {
      blocks.push({ heading: `更多内容见${title}：${answer.more.map((path) => path[path.length - 1]).join('；')}`, headingLevel: 'section' });
    }
  }
  return blocks;
}

/**
 * A question about a place no document mentions is declined when the library is about particular
 * places (its documents are issued for cities or provinces) or the place is all the question names:
 * other places' rules are not its answer. In a library of national rules the question is answered,
 * with a note.
 */
function declineUnknownPlaces(analysis: QuestionAnalysis, index: PolicyIndex): Draft | undefined {
  if (analysis.unknownPlaces.length === 0) return undefined;
  const otherWords = analysis.focusTokens.filter((token) => !analysis.unknownPlaces.some((place) => place.includes(token)));
  if (index.hasPlaceDocuments || otherWords.length <= 1) {
    return { answer: `文件库中没有关于${analysis.unknownPlaces.join('、')}的文件，无法回答这个问题。`, answered: false, citations: [] };
  }
  return undefined;
}

function unknownPlaceNotes(analysis: QuestionAnalysis): string[] {
  return analysis.unknownPlaces.length > 0 ? [`文件库中没有专门关于${analysis.unknownPlaces.join('、')}的文件，以下依据文件库中的全国性规定作答。`] : [];
}

function finish(rendered: { answer: string; citations: Citation[] }, notes: string[], comparison?: Comparison): Draft {
  const allNotes = [...notes, ...maskedCharacterNotes(rendered.citations), ...versionNotes(rendered.citations)];
  return { answer: rendered.answer, answered: true, citations: rendered.citations, ...(comparison ? { comparison } : {}), ...(allNotes.length > 0 ? { notes: allNotes } : {}) };
}

/** A quote with a masked character ("省*府") is shown as the source has it, and says so. */
function maskedCharacterNotes(citations: Citation[]): string[] {
  return citations.some((citation) => /\p{Script=Han}\*|\*\p{Script=Han}/u.test(citation.quote)) ? ['引文中的“*”是原网页版本中的屏蔽字，按原文照录。'] : [];
}

/** Which version of a regulation answered, and that older wording shown is superseded. */
function versionNotes(citations: Citation[]): string[] {
  const notes: string[] = [];
  // Quotes from one superseded version share one note that lists their markers.
  const superseded = new Map<string, number[]>();
  for (const citation of citations) {
    if (!citation.version) continue;
    if (citation.version.superseded) {
      const key = `${citation.title}的${citation.version.label}`;
      superseded.set(key, [...(superseded.get(key) ?? []), citation.n]);
      continue;
    }
    const note = `依据${citation.title}${citation.version.label}。`;
    if (!notes.includes(note)) notes.push(note);
  }
  for (const [source, numbers] of superseded) notes.push(`${numbers.map((n) => `[${n}]`).join('')} 引自${source}，该版本已被修订。`);
  return notes;
}

/** The plain refusal, naming the closest documents when there are any. */
function refusal(closest: string[]): Draft {
  const hint = closest.length > 0 ? `相关度最高的文件是${closest.slice(0, 2).join('、')}，但其中没有直接回答这个问题的内容。` : '';
  return { answered: false, answer: `${refusalText}${hint}`, citations: [] };
}

/** Sends an extractive answer as stream events: its citations first, then its text sentence by sentence. */
function emit(draft: Draft, onEvent: (event: AnswerEvent) => void): void {
  onEvent({ type: 'citations', citations: draft.citations });
  for (const piece of draft.answer.match(/[^。！？；\n]*[。！？；]?(?:\[\d+\])*\n*/g) ?? []) if (piece) onEvent({ type: 'delta', text: piece });
}

const round = (ms: number) => Math.round(ms * 100) / 100;
