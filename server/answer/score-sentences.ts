// Stage 3 — score: how much of what a question asks each sentence of the retrieved clauses carries.
import { numeralValue } from '../ingest/structure-document.js';
import { splitSentences, type Sentence } from '../ingest/split-sentences.js';
import { generalRarity } from '../rag/analyzer.js';
import type { PolicyIndex } from '../rag/policy-index.js';
import { bigrams, foldWidth } from '../rag/tokenize.js';
import type { PolicyDocument, SearchResult } from '../rag/types.js';
import { namesPlace, stemOf, type Asks, type QuantityKind, type QuestionAnalysis } from './analyse-question.js';
import { enumeratedItem } from './articles.js';

export interface ScoredSentence {
  text: string;
  start: number;
  end: number;
  result: SearchResult;
  /** Heading path of the innermost section holding the sentence. */
  section: string[];
  /** Retrieval rank of its clause. */
  rank: number;
  /** Share of the question's weighted terms the sentence carries (0–1). */
  coverage: number;
  /** How many distinct question words (not place names, not title words) the sentence itself contains. */
  matchedTerms: number;
  /** Those words. */
  matchedWords: string[];
  /** Whether it contains (or its document's title names) a word of the latest question itself. */
  matchesFocus: boolean;
  /** The sentence is a heading line ("（二）工作目标。"): a label, not an answer. */
  heading: boolean;
  /** It opens an enumeration ("…应当具备下列条件：", "包括以下内容："). */
  opensList: boolean;
  /** It frames the document ("为…，制定本办法。", "现将有关事项通知如下"), it does not answer. */
  preamble: boolean;
  /** The question names no place, or the sentence's document or clause is about one it names. */
  placeFits: boolean;
  score: number;
}

/** What sentence scoring reads of a question: its weighted terms and what the answer must carry. */
export interface ScoringQuestion {
  question: string;
  retrievalQuery: string;
  focusTokens: string[];
  contextTokens: string[];
  asks: Asks;
  places: string[];
}

/** Words of its own (two characters or more) that make a later part of a message a question on its own. */
const ownTopicWords = 4;

export function scoringQuestion(analysis: QuestionAnalysis, part?: QuestionAnalysis['parts'][number]): ScoringQuestion {
  if (!part || analysis.parts.length < 2) return analysis;
  // A later part weighs its own words fully and the first part's topic as context; a part that
  // turns to a topic of its own ("另外，机关新成立科室要多久内说明？") takes none of the first part's.
  const ownTopic = /^\s*(?:另外|此外|还有|再问|另问)/.test(part.text) || part.focusTokens.filter((token) => token.length >= 2).length >= ownTopicWords;
  const context = [...new Set([...analysis.contextTokens, ...(ownTopic ? [] : analysis.parts[0].focusTokens)])].filter((token) => !part.focusTokens.includes(token));
  return { question: part.text, retrievalQuery: part.query, focusTokens: part.focusTokens, contextTokens: context, asks: part.asks, places: analysis.places };
}

/** A quantity, not just a date: "1500元", "65%", "3:7", "7天", "30日" (not "12月31日"), "3年" (not "2025年"), "千亿立方米", "十项"; a telephone number or code ("96586", "0571-88886666"). */
const hasNumber =
  /(?<![第\d.])\d+(?:\.\d+)?\s*(?:[余多]\s*)?(?:%|‰|万|亿|千|百|元|人|个|项|家|户|亩|公里|千米|米|平方|岁|周岁|天|日内|日起|小时|分钟|倍|次|年以上|年以内|年内|年的|个月|吨|千瓦|兆瓦|床|张|辆|所|份|分|名|位|条|批|层|座|级|公顷|立方|套|班|期|周|学时|课时|公斤|千克|克|升|分贝|秒|艘|架|头|只|株|棵|元\/)|(?<![\d.])\d{1,2}\s*(?:[余多]\s*)?年(?![\d月])|(?<![\d.月])\d{1,3}\s*日(?![\d])|\d+[:：]\d+|\d+\s*[—–~～-]\s*\d+|(?<![第一二三四五六七八九十百千万亿两])[一二三四五六七八九十百千万亿两]+(?:[余多])?(?:个|项|条|家|座|所|批|万|亿|成|倍|日|天|年|个月|元|人|次|分)|(?<![\d.])\d{5,}(?![\d.])|\d{3,4}-\d{7,8}/;
const hasTime = /\d{4}年|\d{1,2}月|年底|年末|年内|以前|之前|期间|\d+年|[一二三四五六七八九十]+日内|之日起|\d+\s*(?:个)?(?:月|日|天|年|小时|工作日)(?:内|前|后|以内|以前)|(?:届满|期满|到期|截止)前|次月|当月|当日|即日/;
/** A date or deadline: "2023年12月31日", "5月底", "每季度第一个月25日前", "截至…", "之日起30日内". */
const hasDate = /\d{4}年|\d{1,2}月\d{1,2}日|\d{1,2}月(?:底|末|份|前)|(?<![\d个])\d{1,2}日前|(?:每月|每季度|每年)[^，。；]{0,8}\d{1,2}日|截至|截止|年底|年末|之日起|日内|以前|之前/;
/** Figures of each kind: money, a length of time (not a date: "30日内", not "12月31日"), a share… */
const quantityUnits: Record<QuantityKind, RegExp> = {
  money: /\d\s*(?:万|亿|千)?元|\d\s*‰|[一二三四五六七八九十百千万两]+(?:万|亿)?元|倍以[上下]的?罚款|罚款/,
  duration: /(?<![\d月.])\d{1,3}\s*(?:个)?(?:工作日|自然日|天|日|小时|个月|周|年)|[一二三四五六七八九十两半百]+(?:个)?(?:工作日|天|日|小时|个月|周|年)(?!级)/,
  share: /\d\s*(?:%|‰)|[一二三四五六七八九十]成|百分之/,
  age: /\d+\s*周?岁|[一二三四五六七八九十]+周?岁/,
  reduction: /\d\s*(?:万|亿|千)?元|\d\s*(?:%|‰)|\d(?:\.\d)?\s*折|[一二三四五六七八九]折|减半|全免|免收|免除|免费|免征|减征/,
  count: /\d+\s*(?:个|项|家|人|所|座|条|次|名|户|件|种|类)|[一二三四五六七八九十百千两]+(?:个|项|家|人|所|座|条|次|名|户|件|种|类)/,
  date: /\d{1,2}\s*月\s*\d{1,2}\s*[日号]|\d{1,2}\s*月(?:底|末|份|上旬|中旬|下旬)|\d{4}\s*年\s*\d{1,2}\s*月|(?:每月|每季度|每年|次年|当年)[^，。；]{0,8}?\d{1,2}\s*[日号]|(?<![\d个工作])\d{1,2}\s*[日号]前/,
};
const hasAgency = /部门|委员会|[委局厅办署]|政府|机关|机构|领导小组|联席会议|责任单位|牵头|法院|检察院|公安/;
const headingStart = /^\s*(?:[（(][一二三四五六七八九十百\d-]+[)）]|[一二三四五六七八九十]+、|\d{1,2}[、.．](?!\d)|第[一二三四五六七八九十百零〇\d]+[章节条])/;
/** A sentence that opens an enumeration: "…下列条件：", "包括以下内容：", "如下：". */
const opensListPattern = /(?:下列|以下|如下|下述|这些)[^。；]{0,30}[：:]$|[：:]$/;

/**
 * A document's preamble or purpose clause: it frames, it does not answer. So does the formula that
 * hands a document down ("《…》已经市政府同意，现印发给你们，请认真贯彻执行。").
 */
export const preamble = /(?:通知|公告|通告|通报|说明|事项|意见|办法)如下[:：。]?$|制定本(?:办法|细则|规定|方案|意见|措施|条例|规则|实施细则)[。]?$|特制定|现将.*(?:通知|公告)|现就.*(?:通知|公告|如下)|^为(?:深入|认真|全面|进一步)?(?:贯彻|落实)[^。]*(?:决定|现就|特制定|制定本|经.{0,12}同意)|现(?:予)?印发给你们|现予印发|请(?:结合实际)?(?:认真)?(?:贯彻执行|贯彻落实|遵照执行|抓好落实|组织实施)[。]?$/;

/** A rule stated in the negative: what may not be done, what does not count. */
const negation = /不得|不予|不能|不属于|不视为|不适用|不应|禁止|严禁|不准|不再|不作为|不计入|不包括|除外|不需要?|不用|无需|无须|不必|免于|免予/;

/**
 * A yes-or-no question ("能不能…", "需不需要…", "…可以吗？") is answered by a rule either way, what may be
 * done or what may not: the polarity of its wording says nothing of the answer's.
 */
const yesNoQuestion = /([\u4e00-\u9fff])不\1|(?:吗|(?<![什怎为])么)[？?。]?\s*$/;

/** Weighted question terms: focus terms by idf, follow-up context terms at 0.4 of theirs. */
export function questionWeights(question: ScoringQuestion, index: PolicyIndex, { everydayVerbShare = 1 } = {}): Map<string, number> {
  const weights = new Map<string, number>();
  const maxIdf = index.bm25.idf('\u0000never-seen\u0000');
  const weigh = (token: string) => termWeight(token, index, maxIdf, everydayVerbShare);
  // A piece of a word weighs no more than the word would (the 最多 of a fragment like 最多能 little).
  const add = (word: string, share: number) => {
    for (const term of termsOf(word, index)) if (!weights.has(term)) weights.set(term, share * (term === word ? weigh(term) : Math.min(weigh(term), weigh(word))));
  };
  for (const word of question.focusTokens) add(word, 1);
  for (const word of question.contextTokens) add(word, 0.4);
  return weights;
}

/**
 * The terms a question word is matched by: itself, or, when the corpus never uses it but uses the
 * shorter words inside it, among them its head (菜市场 → 菜市, 市场; 建筑工地 → 建筑, 工地), those words — as a search engine
 * splits a compound its index does not hold. A synonym rule for the word keeps it whole.
 */
export function termsOf(word: string, index: PolicyIndex): string[] {
  const known = (term: string) => index.bm25.documentFrequency(term) > 0;
  // A place's name ("成都市") is matched as a place, not as 成都 and 都市.
  if (word.length < 3 || known(word) || /\d/.test(word) || /[省市县区州镇乡村]$/.test(word) || index.analyzer.synonymsOf(word).some(known)) return [word];
  const pieces = index.analyzer.tokenize(word).filter((piece) => piece !== word && piece.length >= 2 && known(piece));
  // Only pieces holding the word's head, its last word in Chinese (市场 of 菜市场): 个人 does not
  // stand for 个人所得税, nor 最多 for 最多能.
  const holdsHead = pieces.some((piece) => word.endsWith(piece));
  return holdsHead ? pieces : [word];
}

/**
 * A term's weight: its idf among the clauses. A lone character is matched inside words ("证" in
 * 身份证), so its weight comes from how many clauses contain it anywhere. A word the corpus never uses
 * weighs as its best-known synonym; with none, as much as the rarest word (a topic the corpus does not
 * cover cannot be covered) — unless it is a fragment the segmenter guessed from an odd phrasing.
 */
function termWeight(token: string, index: PolicyIndex, maxIdf: number, everydayVerbShare: number): number {
  const { analyzer } = index;
  const known = (word: string) => index.bm25.documentFrequency(word) > 0;
  if (token.length === 1 && !/\d/.test(token)) {
    const idf = index.characterIdf(token);
    const synonyms = analyzer.synonymsOf(token).filter(known);
    return idf < maxIdf || synonyms.length === 0 ? idf : Math.max(...synonyms.map((synonym) => index.bm25.idf(synonym)));
  }
  if (known(token)) return index.bm25.idf(token);
  const synonyms = analyzer.synonymsOf(token).filter(known);
  if (synonyms.length > 0) return Math.max(...synonyms.map((synonym) => index.bm25.idf(synonym)));
  if (/\d|^[a-z]/.test(token)) return maxIdf;
  // A fragment the segmenter guessed from an odd phrasing says little; a word weighs by its rarity in
  // Chinese at large (用来 little, 国境线 much).
  if (!analyzer.isDictionaryWord(token)) return maxIdf * 0.15;
  return maxIdf * Math.max(0.1, generalRarity(token)) * (analyzer.isNounLike(token) ? 1 : everydayVerbShare);
}

/**
 * In a sentence's coverage of the question, an everyday verb the corpus lacks ("停下来", "开过去") tells
 * the situation, not the topic: it weighs this share of a noun as rare.
 */
const everydayVerbShare = 0.5;

/** How rare (in Chinese at large) a word the corpus lacks must be to count as a topic it does not cover. */
const unknownTopicRarity = 0.45;

/** Everyday topic words the question uses that the corpus never does and that no synonym stands for. */
export function unknownTopicWords(question: ScoringQuestion, index: PolicyIndex): string[] {
  const { analyzer } = index;
  const known = (word: string) => index.bm25.documentFrequency(word) > 0;
  return question.focusTokens.filter(
    (token) =>
      !known(token) &&
      !question.places.some((place) => place.includes(token)) &&
      !knownHeadVariant(token, question.focusTokens, index) &&
      analyzer.isDictionaryWord(token) &&
      analyzer.isNounLike(token) &&
      generalRarity(token) >= unknownTopicRarity &&
      !analyzer.synonymsOf(token).some(known),
  );
}

/**
 * A word the corpus never uses that is a known word with a modifier in front ("新手机" for 手机: in
 * Chinese compounds the head comes last): the known head carries the topic.
 */
function knownHeadVariant(token: string, focusTokens: string[], index: PolicyIndex): boolean {
  if (index.bm25.documentFrequency(token) > 0) return false;
  if (focusTokens.some((head) => head.length >= 2 && head.length < token.length && token.endsWith(head) && index.bm25.documentFrequency(head) > 0)) return true;
  // "飞机场" for 机场: a compound whose last two or more characters are a word the corpus uses.
  for (let cut = 1; token.length - cut >= 2; cut++) if (index.bm25.documentFrequency(token.slice(cut)) > 0) return true;
  return false;
}

/** What a sentence gains when its threshold takes in a figure the asker states about their case. */
const askersCaseBonus = 0.1;

/** The coverage a sentence defining the term a question asks about counts as, at least. */
const definitionCoverage = 0.3;

/** The opening characters of a document that say which place it is about. */
const documentLead = 120;

/** How much a question term counts when only the document's title or region supplies it. */
const titleTermShare = 0.35;
/** Matched terms count when they sit within one window of the sentence. */
const coverageWindow = 90;

/**
 * Splits the retrieved clauses into sentences and scores each: weighted term coverage (in a window,
 * so a long list that mentions everything somewhere does not beat the sentence that says the thing),
 * character-bigram overlap, whether it holds what the question asks for (a figure of the asked kind,
 * a date, a body, an enumeration), and the retrieval rank of its clause. Heading lines and preambles
 * score lower: the body says the substance.
 */
export function scoreSentences({ question, results, index }: { question: ScoringQuestion; results: SearchResult[]; index: PolicyIndex }): ScoredSentence[] {
  const weights = questionWeights(question, index, { everydayVerbShare });
  const focus = new Set(question.focusTokens.flatMap((word) => termsOf(word, index)));
  const questionGrams = new Set(bigrams(question.question));
  const contextGrams = new Set(bigrams(question.retrievalQuery));
  const placeTokens = new Set([...weights.keys()].filter((token) => namesPlace(token, question.places)));
  const compounds = compoundParts([...weights.keys()]);
  const statedFigures = situationFigures(question.question, [...weights.keys()]);
  const defining = definitionPattern(question.question);
  const besides = besidesItem(question.question);
  const { asks } = question;
  const askedKind = asks.quantity;
  const attributePattern = askedKind && attributeWords[askedKind];
  const attributes = new Set(attributePattern ? [...weights.keys()].filter((token) => attributePattern.test(token)) : []);
  // A who-question's 部门 glued to the verb after it ("由哪个部门负责" segmented 部门负责) is said by a
  // body and the verb ("水务局负责"). (Alone, 部门 is matched as it stands: most answers say 主管部门.)
  const gluedAgencyAt = (token: string, folded: string): number => {
    const verb = asks.who ? token.match(agencyWordStart)?.[1] : undefined;
    return verb && verb.length >= 2 && hasAgency.test(folded) ? folded.indexOf(verb) : -1;
  };
  const askedYears = [...new Set(foldWidth(question.question).match(/\d{4}\s*年(?!\s*\d{1,2}\s*月)/g) ?? [])];
  const withoutAskedYears = (text: string) => askedYears.reduce((rest, year) => rest.split(year).join(' '), foldWidth(text));
  const questionNegated = negation.test(question.question);
  const polarityMatters = !yesNoQuestion.test(question.question);
  const bound = askedBound(question.question);
  const aliases = definedTerms(results, weights, question.question, index);
  const scored: ScoredSentence[] = [];
  const placeNames = question.places.map((place) => [stemOf(place), ...index.analyzer.synonymTerms(stemOf(place))]);
  results.forEach((result, rank) => {
    const document = index.document(result.documentId);
    // Terms naming the document (its title, its region) say where, not what: they are neutral.
    const about = foldWidth(`${document?.title ?? ''} ${document?.region ?? ''}`);
    // The place a document is about: its title, region and issuer, or its opening lines (a news report's
    // dateline, "3月18日，X市市长…"; a notice's issuing office).
    const aboutPlace = `${document?.title ?? ''} ${document?.region ?? ''} ${document?.issuer ?? ''} ${document?.text.slice(0, documentLead) ?? ''}`;
    const fitting = placeNames.filter((names) => names.some((name) => aboutPlace.includes(name)));
    const documentFits = placeNames.length === 0 || fitting.length > 0;
    // A further place the document is not about must be named where the sentence stands: in its clause
    // or the clause's headings (a clause that names the place early speaks of it throughout).
    const elsewhere = placeNames.filter((names) => !fitting.includes(names));
    const heading = foldWidth(result.section.join(' '));
    for (const { sentence, folded, gramSet, isHeading, opener } of index.cache('clause-sentences', result.chunkId, () => analyseClause(result, document))) {
      const found: { weight: number; at: number }[] = [];
      const matched: string[] = [];
      let statesAskersCase = false;
      let focusMatched = false;
      let total = 0;
      for (const [token, weight] of weights) {
        if (about.includes(token)) {
          if (focus.has(token)) focusMatched = true;
          total += titleTermShare * weight;
          found.push({ weight: titleTermShare * weight, at: -1 });
          // Said in the sentence too, a title word is one of the question's words it carries.
          if (folded.includes(token) && !placeTokens.has(token) && !matched.some((other) => other.includes(token) || token.includes(other))) matched.push(token);
          continue;
        }
        total += weight;
        // "七十岁" of the asker is found where the clause states an age ("70周岁以上").
        const stated = statedFigures.get(token);
        const direct = positionOf(folded, token, index);
        const at = direct < 0 && stated ? folded.search(stated.clause) : direct;
        if (stated && !statesAskersCase && takesIn(folded, stated)) statesAskersCase = true;
        const parts = compounds.get(token);
        const split = at < 0 && parts ? splitCompoundAt(folded, parts) : -1;
        if (split >= 0) {
          found.push({ weight: 0.8 * weight, at: split });
          continue;
        }
        // "有什么年龄要求" is answered by "年满16周岁": the figure of the asked kind says the word.
        // (Likewise the body of "由哪个部门负责" by "水务局负责".)
        const figureAt = at >= 0 ? -1 : askedKind && attributes.has(token) ? folded.search(quantityUnits[askedKind]) : gluedAgencyAt(token, folded);
        if (figureAt >= 0) {
          found.push({ weight: 0.7 * weight, at: figureAt });
          continue;
        }
        // The question describes what the document names with a defined term ("…，是指街道办事处设立的
        // 为老年人提供日间照料的服务场所"): where the text uses the term, it says the words of the description.
        const alias = at >= 0 ? undefined : aliases.find((entry) => entry.covers.has(token) && folded.includes(entry.term));
        if (alias) {
          found.push({ weight: 0.9 * weight, at: folded.indexOf(alias.term) });
          if (focus.has(token)) focusMatched = true;
          continue;
        }
        if (at >= 0) {
          found.push({ weight, at });
          if (focus.has(token)) focusMatched = true;
          if (!placeTokens.has(token) && !matched.some((other) => other.includes(token) || token.includes(other))) matched.push(token);
        } else if (heading.includes(token) || opener.includes(token)) found.push({ weight: 0.7 * weight, at: -1 });
        else if (token.length >= 2) found.push({ weight: 0.6 * weight * partialMatch(token, gramSet), at: -1 });
      }
      const covered = total > 0 ? windowCoverage(found, coverageWindow) / total : 0;
      // "…才算古井？" is answered where the text says what counts as one ("本办法所称古井，是指…"), however
      // little of the asker's story it repeats.
      const definesTerm = defining?.test(folded) ?? false;
      const coverage = definesTerm ? Math.max(covered, definitionCoverage) : covered;
      const gramOverlap = questionGrams.size > 0 ? [...questionGrams].filter((gram) => gramSet.has(gram)).length / questionGrams.size : 0;
      const contextOverlap = contextGrams.size > 0 ? [...contextGrams].filter((gram) => gramSet.has(gram)).length / contextGrams.size : 0;
      const isPreamble = preamble.test(sentence.text);
      const opensList = !isHeading && opensListPattern.test(sentence.text);

      let score = 0.55 * coverage + 0.2 * gramOverlap + 0.1 * contextOverlap + 0.12 / (1 + rank);
      if (asks.number) score += hasNumber.test(sentence.text) ? 0.12 : -0.12;
      // The year the question itself names ("2025年…什么时候发") is no answer to when.
      if (asks.time) score += hasTime.test(withoutAskedYears(sentence.text)) ? 0.1 : -0.05;
      if (asks.quantity) score += quantityUnits[asks.quantity].test(sentence.text) ? 0.1 : -0.06;
      if (asks.who && hasAgency.test(sentence.text)) score += 0.06;
      // "期限为2年", "税率为12%", "标准为每人1500元": the attribute asked about, stated with its figure.
      if ((asks.number || asks.time || asks.quantity) && statesAttribute(folded, question.focusTokens, asks.quantity)) score += 0.08;
      if (definesTerm) score += 0.12;
      // A rule whose threshold takes in the asker's own figure ("12岁的孩子" → "14周岁以下的…") is the rule
      // for the asker's case, not one about the matter at large.
      if (statesAskersCase) score += askersCaseBonus;
      if (asks.list && (opensList || (sentence.text.match(/[、，,；;]/g)?.length ?? 0) >= 3)) score += 0.05;
      // "哪些情形可以减免" is not answered by the clause on what may not be (不得减免), nor the reverse.
      if (polarityMatters && negation.test(sentence.text) !== questionNegated) score -= 0.04;
      // "最多可以是多少" is not answered by a floor ("不得少于4平方米"), nor "至少" by a ceiling.
      if (bound && statesOnlyOtherBound(sentence.text, bound)) score -= 0.1;
      // "除了户籍迁出本市，还有哪些情况…" asks for the rest of the list "（一）户籍迁出本市的；" is an item of: that
      // item leads to its list (no heading, however short).
      const setAside = besides !== undefined && enumeratedItem.test(sentence.text) && foldWidth(sentence.text).replace(enumeratedItem, '').replace(/[的；;。，,\s]/g, '') === besides;
      // The definition a described term comes from says what the term is, not what the question asks of it.
      if (!defining && aliases.some((entry) => isDefinitionOf(folded, entry.term))) score *= 0.85;
      if (isHeading && !setAside) score *= 0.6;
      if (isPreamble) score *= 0.5;
      if (sentence.text.length > 140) score -= Math.min(0.12, (sentence.text.length - 140) / 1200);
      if (setAside) score += 0.2;
      const section = index.sectionAt(result.documentId, sentence.start);
      scored.push({
        ...sentence,
        result,
        section: section.length > 0 ? section : result.section,
        rank,
        coverage,
        matchedTerms: matched.length,
        matchedWords: matched,
        matchesFocus: focusMatched || focus.size === 0,
        heading: isHeading && !setAside,
        opensList,
        preamble: isPreamble,
        // The document is about the place, or the sentence or its clause's headings name it.
        placeFits: documentFits
          ? elsewhere.every((names) => names.some((name) => result.text.includes(name) || section.join(' ').includes(name)))
          : placeNames.some((names) => names.some((name) => sentence.text.includes(name) || section.join(' ').includes(name))),
        score,
      });
    }
  });
  return scored.sort((a, b) => b.score - a.score || a.rank - b.rank || a.start - b.start);
}

/** Which bound of a figure a question asks for: a ceiling ("最高", "最多能", "不超过多少") or a floor ("至少", "最低"). */
export function askedBound(question: string): 'ceiling' | 'floor' | undefined {
  if (/最高|最多|上限|封顶|至多|不(?:能|得|可以)?超过|最大/.test(question)) return 'ceiling';
  if (/最低|至少|下限|最少|不(?:能|得|可以)?(?:少于|低于)/.test(question)) return 'floor';
  return undefined;
}
const ceilingWords = /不超过|不得超过|不高于|不得高于|至多|最高|最多|上限|封顶|不大于|以内/;
const floorWords = /不低于|不得低于|不少于|不得少于|至少|最低|下限|不小于/;

/** Whether a sentence bounds its figure only the other way from the bound asked for. */
export function statesOnlyOtherBound(text: string, asked: 'ceiling' | 'floor'): boolean {
  const [same, other] = asked === 'ceiling' ? [ceilingWords, floorWords] : [floorWords, ceilingWords];
  return other.test(text) && !same.test(text);
}

/**
 * What a question sets aside when it asks for the rest of a list ("除了户籍迁出本市，还有哪些情况…" →
 * 户籍迁出本市); undefined when it sets nothing aside.
 */
export function besidesItem(question: string): string | undefined {
  const item = foldWidth(question).match(/除了?([\p{Script=Han}]{2,16}?)(?:以外|之外)?[，,]\s*(?:还|另外|其他|其它)/u)?.[1];
  return item?.replace(/的$/, '');
}

/**
 * The term a question asks to be defined ("打了多少年的井才算古井", "这算不算见义勇为", "什么是预付卡",
 * "X是指什么"), as the ways a text defines it: "所称古井，是指…", "预付卡，是指…", "属于X", "视同X";
 * undefined when the question asks for no definition.
 */
export function definitionPattern(question: string): RegExp | undefined {
  const folded = foldWidth(question);
  const term =
    folded.match(/(?:才|就|能|可以|会|也|还)?(?:算不算|算是|算|属不属于|属于|是不是|称为|叫做|叫|认定为|视为|视同)(?:是)?([\p{Script=Han}]{2,8}?)(?:吗|呢|[？?，,、。；;]|$)/u)?.[1] ??
    folded.match(/什么(?:是|叫|算)([\p{Script=Han}]{2,8}?)(?:[？?，,。]|$)/u)?.[1] ??
    folded.match(/([\p{Script=Han}]{2,8}?)(?:是指|指的是|是什么意思|怎么界定|如何界定|的定义|的含义)/u)?.[1];
  if (!term || /^(?:什么|哪些|多少|怎么|如何|违法|正常|合法|合理|一样|这样|那样)/.test(term)) return undefined;
  const name = term.replace(/^(?:一个|一种|这种|那种|这类|该)/, '').replace(/[^\p{Script=Han}A-Za-z0-9]/gu, '');
  if (name.length < 2) return undefined;
  return new RegExp(`所称的?${name}|${name}[，,]?(?:是指|指的是|包括)|(?:属于|视为|视同|认定为)${name}`);
}

/**
 * Figures of each unit as a clause states them: a threshold or a term ("未满14周岁", "3年内", "满6个月",
 * "10人以上"). A year of the calendar (2019年) is no length of time.
 */
const statedUnits: { question: RegExp; clause: RegExp }[] = [
  { question: /^(?:周岁|岁)/, clause: /(?<![\d.])\d{1,3}\s*周?岁|[一二三四五六七八九十]+周?岁/ },
  { question: /^(?:多)?(?:个)?月/, clause: /(?<![\d.])\d{1,3}\s*个月|[一二三四五六七八九十两]+个月/ },
  { question: /^(?:多)?(?:周年|年)(?!级)/, clause: /(?<![\d.])\d{1,2}\s*(?:周年|年)(?![\d月级])|(?<![第])[一二三四五六七八九十两]+(?:周年|年)(?![级])/ },
  { question: /^(?:多)?(?:个工作日|工作日|天|日)/, clause: /(?<![\d.月])\d{1,3}\s*(?:个工作日|工作日|天|日(?:内|以内|起|前|后))|[一二三四五六七八九十两]+(?:个工作日|工作日|天|日内)/ },
  { question: /^(?:多)?(?:个)?(?:小时|钟头)/, clause: /\d+\s*小时|[一二三四五六七八九十两]+小时/ },
  { question: /^(?:多)?(?:块|元|万块|万元|万|千元)/, clause: /(?<![\d.])\d+(?:\.\d+)?\s*(?:万|亿|千)?元|[一二三四五六七八九十百千万两]+(?:万|亿)?元/ },
  { question: /^(?:多)?(?:个人|人|名|位)/, clause: /(?<![\d.])\d+\s*(?:名|人)(?:以上|以下|以内)|[一二三四五六七八九十百两]+(?:名|人)(?:以上|以下|以内)/ },
  { question: /^(?:多)?(?:平方米|平米|亩)/, clause: /(?<![\d.])\d+(?:\.\d+)?\s*(?:万)?(?:平方米|亩)/ },
  { question: /^(?:多)?(?:公里|千米)/, clause: /(?<![\d.])\d+(?:\.\d+)?\s*(?:公里|千米)/ },
];

/** A question's word for the body it asks for ("哪个部门", "什么单位") glued to a verb: the verb. */
const agencyWordStart = /^(?:部门|单位|机关|机构)(.+)$/;

/**
 * The words that name the kind of figure a question asks for ("有什么年龄要求", "人数有什么规定") and
 * that a clause says by stating the figure ("年满16周岁", "3人以上"), seldom by the word itself. (A
 * clause does say 期限 or 比例 itself: "期限为2年".)
 */
const attributeWords: Partial<Record<QuantityKind, RegExp>> = {
  age: /^(?:年龄|年纪|岁数)$/,
  count: /^(?:人数)$/,
};

/**
 * The figures a question states about the asker's own case ("我今年七十岁", "离职半年了", "工龄八年"),
 * each question word holding one mapped to its value ("七十岁" → 70, "半年" → 0.5) and to how a clause
 * states a figure of that unit: "七十岁" is not in the text, but "70周岁以上" is the rule that decides
 * it. A figure the question asks for ("几岁") has no numeral and is not one.
 */
function situationFigures(question: string, tokens: string[]): Map<string, SituationFigure> {
  const figures = new Map<string, SituationFigure>();
  const folded = foldWidth(question);
  for (const match of folded.matchAll(/(?<![第\d.])(\d+(?:\.\d+)?|[一二两三四五六七八九十百千半]+)\s*/g)) {
    const after = folded.slice((match.index ?? 0) + match[0].length);
    if (/^\d{4}$/.test(match[1]) || (/^[一二三四五六七八九十]$/.test(match[1]) && /^[、是]/.test(after))) continue;
    const unit = statedUnits.find(({ question: pattern }) => pattern.test(after));
    if (!unit) continue;
    // "一年里", "每个月", "一年到头" frame a period of the calendar; they are no figure of the asker's case.
    const before = folded.slice(Math.max(0, (match.index ?? 0) - 1), match.index);
    if (/^[每全同这那]$/.test(before) || (match[1] === '一' && /^(?:个)?(?:年|月|天)(?:当中|中|里|内|之内|以内|到头|下来)/.test(after))) continue;
    const figure = `${match[1]}${after.match(unit.question)?.[0] ?? ''}`;
    const stated: SituationFigure = { clause: unit.clause, every: new RegExp(unit.clause.source, 'g'), value: figureValue(match[1], after) };
    for (const token of tokens) if (token === match[1] || (figure.includes(token) && /[\d一二两三四五六七八九十百千半]/.test(token))) figures.set(token, stated);
  }
  return figures;
}

/**
 * A figure's value, read the same way on the asker's side and the clause's: digits with their decimals
 * ("1.5"), a Chinese numeral ("十五", "半"), times the 万/千/亿 right after it ("12万元" is 120,000;
 * "5千米" is 5 of the unit 千米, not 5,000 米).
 */
function figureValue(numeral: string, after: string): number {
  const value = /^\d+(?:\.\d+)?$/.test(numeral) ? Number(numeral) : numeral === '半' ? 0.5 : numeralValue(numeral);
  const magnitude = after.match(/^\s*([万千亿])(?!米)/)?.[1];
  return value * (magnitude === '万' ? 1e4 : magnitude === '千' ? 1e3 : magnitude === '亿' ? 1e8 : 1);
}

interface SituationFigure {
  /** How a clause states a figure of the unit. */
  clause: RegExp;
  /** The same, global, for reading every such figure of a clause. */
  every: RegExp;
  value: number;
}

/**
 * Whether a clause's threshold takes in the asker's figure: "14周岁以下" takes in 12, "60—69周岁" does
 * not take in 70, "年满60周岁" does; a figure with no bound ("3年") only itself.
 */
function takesIn(folded: string, { every, value }: SituationFigure): boolean {
  if (!Number.isFinite(value)) return false;
  for (const match of folded.matchAll(every)) {
    const figure = match[0].match(/\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+/);
    const stated = figure === null ? Number.NaN : figureValue(figure[0], match[0].slice(figure.index! + figure[0].length));
    if (!Number.isFinite(stated)) continue;
    const before = folded.slice(Math.max(0, match.index! - 12), match.index!);
    const after = folded.slice(match.index! + match[0].length, match.index! + match[0].length + 4);
    // "60—69周岁", "8万元至30万元（含）": the low end, in the unit of the high one unless it says its own.
    const range = before.match(/(\d+(?:\.\d+)?)\s*([万千亿](?!米))?\s*(?:周?岁|个月|年|天|日|小时|元|平方米|亩|公里|千米)?\s*(?:[(（]含[)）])?\s*[—–~～至到-]\s*$/);
    if (range) {
      // The low end says its own 万 ("8万元至30万元") or shares the high end's ("8至30万元").
      const low = figureValue(range[1], range[2] ?? match[0].slice(figure!.index! + figure![0].length));
      if (low <= value && value <= stated) return true;
    } else if (/^(?:以下|以内|之内|及以下)/.test(after) || /(?:未满|不满|不到|低于|不超过|不足)\s*$/.test(before)) {
      if (value <= stated) return true;
    } else if (/^(?:以上|及以上|以后)/.test(after) || /(?:年满|已满|满|超过|不低于|达到)\s*$/.test(before)) {
      if (value >= stated) return true;
    } else if (value === stated) return true;
  }
  return false;
}

interface AnalysedSentence {
  sentence: Sentence;
  folded: string;
  gramSet: Set<string>;
  isHeading: boolean;
  /** For an item of an enumeration, the sentence that opens it (folded); empty otherwise. */
  opener: string;
}

/**
 * The sentences of a clause: split at 。！？； and line ends, and also where a heading starts inside a
 * run-on line (a flattened copy's "一、总体要求 （一）指导思想 …"), so a heading is never glued to the
 * sentence after it. Fragments too short to say anything are dropped.
 */
/** "本条例所称X，是指…" / "X，是指…": a defined term and what defines it. */
const definitionSentence = /(?:^|所称的?|[。；;，,\s])([\p{Script=Han}]{2,16}?)[，,]?(?:是指|系指)([^。；;]{4,})/u;

/**
 * Terms the retrieved clauses define by the question's own words: a question that describes a thing
 * ("街道办事处设立的老年人日间照料场所") instead of naming it asks about the term the document defines
 * by that description ("社区养老服务站"), and the clauses that use the term speak to it. A term
 * counts when its definition says at least two of the question's words, and with the term's own words
 * half of their weight.
 */
function definedTerms(results: SearchResult[], weights: Map<string, number>, question: string, index: PolicyIndex): { term: string; covers: Set<string> }[] {
  const total = [...weights.values()].reduce((sum, weight) => sum + weight, 0);
  const folded = foldWidth(question);
  const terms: { term: string; covers: Set<string> }[] = [];
  for (const result of results) {
    for (const { term, definition } of index.cache('definitions', result.chunkId, () => definitionsIn(result.text))) {
      if (folded.includes(term) || terms.some((entry) => entry.term === term)) continue;
      const covers = new Set([...weights.keys()].filter((token) => token.length >= 2 && !term.includes(token) && positionOf(definition, token, index) >= 0));
      // What the term and its definition say of the question together.
      const weight = [...weights].reduce((sum, [token, value]) => sum + (covers.has(token) || term.includes(token) ? value : 0), 0);
      if (covers.size >= 2 && weight >= 0.5 * total) terms.push({ term, covers });
    }
  }
  return terms;
}

/** The terms a clause defines and what defines each (the clause alone decides them, so they are kept per chunk). */
function definitionsIn(text: string): { term: string; definition: string }[] {
  const found: { term: string; definition: string }[] = [];
  for (const match of foldWidth(text).matchAll(new RegExp(definitionSentence, 'gu'))) {
    const term = match[1].replace(/^(?:第[零〇一二三四五六七八九十百千\d]+条\s*)?(?:本(?:条例|办法|规定|细则|法)所称的?)?/, '');
    if (term.length >= 2) found.push({ term, definition: match[2] });
  }
  return found;
}

/** Whether a sentence is the definition of `term` ("X，是指…"). */
function isDefinitionOf(folded: string, term: string): boolean {
  const at = folded.indexOf(term);
  return at >= 0 && /是指|系指/.test(folded.slice(at + term.length, at + term.length + 4));
}

function analyseClause(result: SearchResult, document: PolicyDocument | undefined): AnalysedSentence[] {
  const headings = (document?.sections ?? []).filter((section) => section.start > result.start && section.start < result.end);
  const sentences: Sentence[] = [];
  for (const sentence of splitSentences(result.text, result.start)) {
    const cuts = headings.map((section) => section.start).filter((at) => at > sentence.start && at < sentence.end);
    let start = sentence.start;
    for (const cut of [...cuts, sentence.end]) {
      const raw = result.text.slice(start - result.start, cut - result.start);
      const trimmed = raw.trim();
      if (trimmed.length > 0) {
        const offset = start + raw.indexOf(trimmed);
        sentences.push({ text: trimmed, start: offset, end: offset + trimmed.length });
      }
      start = cut;
    }
  }
  const headingTexts = new Map((document?.sections ?? []).map((section) => [section.start, section.path[section.path.length - 1] ?? '']));
  const title = foldWidth(document?.title ?? '').replace(/^《|》$/g, '');
  // An item of an enumeration ("（一）一级堤防不少于30米；") is read with the sentence opening it
  // ("…护堤地宽度为："): the opener says what each item is of.
  let opener = '';
  // A question-and-answer page ("问：老人住院期间还发吗？" / "答：照常发放。"): the question is a label,
  // and the answer below it is read with it, as an item is with its opener.
  let asked = '';
  return sentences
    .filter((sentence) => sentence.text.length >= 4)
    .map((sentence) => {
      const isItem = enumeratedItem.test(sentence.text);
      const isQuestion = faqQuestion.test(sentence.text);
      if (isQuestion) asked = foldWidth(sentence.text).replace(faqQuestion, '');
      const lead = isItem && opener !== '' ? opener : isQuestion ? '' : asked;
      if (opensListPattern.test(sentence.text)) opener = foldWidth(sentence.text);
      else if (!isItem) opener = '';
      const plain = foldWidth(sentence.text);
      return {
        sentence,
        // "市(州)", "乡(镇)": a word with its alternative in brackets reads as the pair ("市州").
        folded: plain.replace(/\(([\u4e00-\u9fff]{1,2})\)/g, '$1'),
        gramSet: new Set(bigrams(sentence.text)),
        // The document's own title line names it; it answers nothing. An item of the list a sentence
        // opens ("…不予享受补贴：（一）已在机关事业单位就业的；") is that list's content, however short.
        isHeading: isQuestion || (!(isItem && (lead !== '' || /[；;]$/.test(sentence.text))) && isHeadingSentence(sentence, headingTexts)) || (title.length > 0 && plain.replace(/[。.]$/, '') === title),
        opener: lead,
      };
    });
}

/** The question of a question-and-answer page: "问：…", "问3：…", "4.问：…", "Q：…". */
const faqQuestion = /^\s*(?:[(（]?\d{1,2}[)）.、．]\s*)?(?:问|Q)\s*\d{0,2}\s*[:：]/i;

/** A sentence that is only a heading: it starts a section and says no more than the heading does. */
function isHeadingSentence(sentence: Sentence, headingTexts: Map<number, string>): boolean {
  const heading = headingTexts.get(sentence.start);
  const bare = sentence.text.replace(/[。：:；;]$/, '');
  // A clause whose first sentence is short enough to be named by it ("（二）补贴标准为每人1000元，…")
  // still says something: only a phrase with no clause or figure in it is a heading.
  const phrase = !/[，,；;：:]/.test(bare) && !hasNumber.test(bare.replace(headingStart, ''));
  if (heading !== undefined && bare.length <= heading.replace(/…$/, '').length + 2 && phrase) return true;
  return isHeadingOnly(sentence.text);
}

/**
 * Whether a sentence is only a heading line ("(十)完善区际利益补偿机制。"): a short numbered phrase
 * with no clause inside. An article's sentence ("第五条 下列房产免纳房产税：") and a sentence opening
 * a list are text, not headings.
 */
export function isHeadingOnly(text: string): boolean {
  if (/[：:]$/.test(text) || /^\s*第[一二三四五六七八九十百零〇\d]+条/.test(text)) return false;
  const bare = text.replace(/[。；;]$/, '');
  return headingStart.test(text) && bare.length <= 34 && !/[，,；;：:]/.test(bare) && !hasNumber.test(bare.replace(headingStart, ''));
}

/** Whether a sentence carries the kind of figure the question asks for; undefined when it names none. */
export function carriesAskedKind(asks: Asks, text: string): boolean | undefined {
  if (asks.quantity) return quantityUnits[asks.quantity].test(text);
  if (asks.time) return hasDate.test(text);
  return undefined;
}

/** A sentence holds a figure (digits, or counted Chinese numerals such as 千亿, 十项). */
export function holdsNumber(text: string): boolean {
  return hasNumber.test(text);
}

/**
 * The nouns a rule states each kind of figure with: a length of time is a 期限 ("期限一般不超过六个月"),
 * a share a 比例 or rate, an amount a 标准 or 数额. A question asking for that kind of figure asks for
 * that attribute, though it does not name it ("能用多久").
 */
const attributeNouns: Partial<Record<QuantityKind, string[]>> = {
  duration: ['期限', '有效期', '时限', '年限', '期间'],
  share: ['比例', '税率', '费率', '征收率', '利率'],
  money: ['标准', '数额', '金额'],
  age: ['年龄'],
  count: ['人数', '数量', '名额'],
};

const personTitles = '局长|主任|书记|市长|区长|县长|镇长|负责人|发言人|院长|校长|厅长|处长|科长|部长|主席|队长|站长|所长|董事长|总经理|主持人|专家|记者';

/** The title of the person a question asks for ("…林业局局长是谁？" → 局长); undefined when it asks for none. */
export function askedPersonTitle(question: string): string | undefined {
  return foldWidth(question).match(new RegExp(`(${personTitles})[^，,。？?]{0,4}(?:是谁|叫什么|姓什么|是哪位)`))?.[1];
}

/** Whether a sentence names a person with the title ("局长郑远山在会上指出", "科长葛晓岚表示"). */
export function namedWithTitle(folded: string, title: string): boolean {
  // A 负责人 (the person in charge) is whoever holds the office: 科长, 局长 …
  return new RegExp(`(?:${title === '负责人' ? personTitles : title})[\\p{Script=Han}]{2,3}(?=[，,、在表指介说称强主出接就对作答回：:（(])`, 'u').test(folded);
}

/** A figure within ten characters of where the text is read from (not across a clause's end). */
const figureAfter = /^[^，。；,;]{0,10}?\d/;
/** The same, the figure also in words ("一般不超过二年"). */
const figureInWordsAfter = /^[^，。；,;]{0,10}?(?:\d|[一二三四五六七八九十两百半]+(?:个)?(?:工作日|日|天|年|月|周|小时|倍|成|元|万|人|名|岁))/;

/** Whether a question word, or the noun for the kind of figure asked, is followed closely by a figure ("期限为2年", "比例均不得低于…5%"). */
function statesAttribute(folded: string, focusTokens: string[], quantity?: QuantityKind): boolean {
  const nouns = (quantity && attributeNouns[quantity]) ?? [];
  for (const token of [...focusTokens, ...nouns]) {
    if (token.length < 2 || /\d/.test(token)) continue;
    // The attribute's own noun may give its figure in words ("期限一般不超过六个月").
    const figure = nouns.includes(token) ? figureInWordsAfter : figureAfter;
    for (let at = folded.indexOf(token); at >= 0; at = folded.indexOf(token, at + 1)) {
      if (figure.test(folded.slice(at + token.length, at + token.length + 14))) return true;
    }
  }
  return false;
}

function windowCoverage(found: { weight: number; at: number }[], window: number): number {
  const floating = found.filter((term) => term.at < 0).reduce((sum, term) => sum + term.weight, 0);
  const placed = found.filter((term) => term.at >= 0).sort((a, b) => a.at - b.at);
  let best = 0;
  let sum = 0;
  let left = 0;
  for (let right = 0; right < placed.length; right++) {
    sum += placed[right].weight;
    while (placed[right].at - placed[left].at > window) sum -= placed[left++].weight;
    best = Math.max(best, sum);
  }
  return best + floating;
}

/** Compound question words ("家庭收入") whose head is itself a question word ("家庭"): head and tail. */
function compoundParts(words: string[]): Map<string, [string, string]> {
  const parts = new Map<string, [string, string]>();
  for (const token of words) {
    if (token.length < 4) continue;
    const head = words.filter((part) => part.length >= 2 && part.length < token.length - 1 && token.startsWith(part)).sort((a, b) => b.length - a.length)[0];
    if (head) parts.set(token, [head, token.slice(head.length)]);
  }
  return parts;
}

/** Where a compound occurs split by a few characters, its parts in order ("家庭人均月收入"); -1 when not. */
function splitCompoundAt(folded: string, [head, tail]: [string, string]): number {
  for (let at = folded.indexOf(head); at >= 0; at = folded.indexOf(head, at + 1)) {
    const next = folded.indexOf(tail, at + head.length);
    if (next >= 0 && next - (at + head.length) <= 4) return at;
  }
  return -1;
}

/** Where a term, or a term its synonym rules name (whole), occurs in a sentence; -1 when neither does. */
function positionOf(folded: string, token: string, index: PolicyIndex): number {
  const direct = folded.indexOf(token);
  if (direct >= 0) return direct;
  for (const synonym of index.analyzer.synonymTerms(token)) {
    const at = folded.indexOf(foldWidth(synonym));
    if (at >= 0) return at;
  }
  for (const synonym of index.analyzer.synonymsOf(token)) {
    if (synonym.length < 2) continue;
    const at = folded.indexOf(synonym);
    if (at >= 0) return at;
  }
  return abbreviationOf(token, index)?.exec(folded)?.index ?? -1;
}

/**
 * A name said short the way Chinese shortens names, by the first character of each word ("车管所" for
 * 车辆管理所, "市监局" for 市场监督管理局): the word's characters in order, a few characters apart,
 * within one phrase. Only for a word of three or four characters the corpus (almost) never uses as it is.
 */
function abbreviationOf(token: string, index: PolicyIndex): RegExp | undefined {
  const pattern = index.cache('abbreviation', token, () =>
    /^[\u4e00-\u9fff]{3,4}$/.test(token) && !placeSuffix.test(token) && index.bm25.documentFrequency(token) <= rareWordClauses ? new RegExp([...token].join('[\\u4e00-\\u9fff]{0,4}?')) : false,
  );
  return pattern || undefined;
}

/** A place's name ("成都市") is not a short form of anything. */
const placeSuffix = /[省市县区州镇乡村旗]$/;
/** A word in at most this many clauses may be a short form of what the others spell out. */
const rareWordClauses = 3;

/** Share of a word's character bigrams found in a sentence: credit for words phrased differently. */
function partialMatch(token: string, gramSet: Set<string>): number {
  const grams = bigrams(token);
  if (grams.length === 0) return 0;
  return grams.filter((gram) => gramSet.has(gram)).length / grams.length;
}
