// Stage 1 — analyse: what a question asks (a fact, a list, a topic's measures, a comparison, a
// summary), which kind of figure it wants, the questions one message asks, the places it names, and
// how a follow-up leans on the turns before it. Computed once and passed to every later stage.
import type { Analyzer } from '../rag/analyzer.js';
import { foldWidth } from '../rag/tokenize.js';

export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

/** What an answer to the question must carry. */
export type QuantityKind = 'money' | 'duration' | 'share' | 'age' | 'reduction' | 'count' | 'date';

export interface Asks {
  /** A figure (多少, 几个, 比例). */
  number: boolean;
  /** A date or deadline (何时, 期限). */
  time: boolean;
  /** The kind of figure, when the wording says (多少钱 → money, 几天 → duration). */
  quantity?: QuantityKind;
  /** A body (哪个部门, 谁负责). */
  who: boolean;
  /** An enumeration (哪些, 包括, 条件, 情形). */
  list: boolean;
}

/**
 * fact: one answer; list: the items of an enumeration; topic: the measures of the section about a
 * subject ("在交通方面有哪些安排"); comparison: the same aspect across documents; summary: a memo.
 */
export type Intent = 'fact' | 'list' | 'topic' | 'comparison' | 'summary';

/** One question of a message ("补贴多少？怎么发？" asks two). */
export interface QuestionPart {
  text: string;
  /** The part as searched: later parts carry the topic of the first ("逾期不办怎么处罚" → …办理…). */
  query: string;
  focusTokens: string[];
  asks: Asks;
  /** For a question that asks the same of each item of a list, the item this part asks about. */
  item?: string;
}

export interface QuestionAnalysis {
  /** The latest user question, as asked. */
  question: string;
  /** The question condensed with earlier user turns when it is a follow-up; what retrieval searches. */
  retrievalQuery: string;
  isFollowUp: boolean;
  /** Marked as a follow-up by its wording (其中, 那…呢), not only by being short. */
  explicitFollowUp: boolean;
  intent: Intent;
  /** Topic words of the latest question (full weight when scoring sentences). */
  focusTokens: string[];
  /** Words carried over from earlier turns (lower weight). */
  contextTokens: string[];
  asks: Asks;
  /** The questions the message asks; one for most messages. */
  parts: QuestionPart[];
  /** Places the question names ("江岚市", "四川"). */
  places: string[];
  /** Named places that no document mentions: the corpus cannot speak about them. */
  unknownPlaces: string[];
}

/** Words that ask to compare documents or places. */
export const comparisonWords = /对比|比较|异同|区别|差异|不同之处|相同之处|共同点|分别|各自|各地|各省|两部|几部|各部|哪些文件|几个文件|各文件|都怎么|有何不同|有什么不同|一样吗|相比|有何变化|有哪些变化|有什么变化/;
/** Words that ask for a summary. */
const summaryWords = /总结|概述|概括|梳理|归纳|汇总|综述|摘要|主要内容|要点|简要介绍|整体介绍/;
/** "在X方面有哪些安排", "X有什么举措": the measures a text takes on a subject. */
const topicWords = /(?:有哪些|有什么|有何|做了哪些|作了哪些|提出了哪些|提出哪些|怎么|如何)(?:具体|主要|重点)?(?:安排|举措|措施|任务|部署|重点工作|规划|设想)|(?:方面|领域)(?:的|有|都有|有哪些|有什么|做了|作了|提出了)*(?:安排|举措|措施|任务|部署|重点|政策|工作)|(?:主要任务|重点任务|重点工作|主要措施|工作重点)|哪些[\p{Script=Han}]{0,4}?(?:要求|制度|规定|措施|举措|安排|任务|部署|机制|义务|抓手|做法|途径|路径)|(?:打算|准备|计划)(?:怎样|怎么|如何)|(?:具体)?(?:怎么|怎样|如何)(?:做|推进|落实|开展|部署)/u;
/** An enumeration: which items, conditions, cases, materials. */
const listWords = /哪些|哪几|包括|包含|列举|都有|有什么(?!区别|不同)|几种|几类|几个方面|条件|情形|材料|范围|职责|事项|按(?:类别|类型|种类|档次)|分类|分档|各类/;
const followUpMarkers = /^(那|那么|其中|此外|另外|还有|除了|除此之外|并且|而且|它|它们|这|这个|这些|该|上述|以上|同时|对应|相应|关于这|要|还要|需要|还需|应当|应该|能否|可以|是否|会)|呢[？?]?$|[吗么][？?]?$|^(哪些|多少|几|什么时候|何时)/;

/** Reads a conversation's last user question: intent, parts, places, and the context it leans on. */
export function analyseQuestion(messages: ChatTurn[], { analyzer, mode = 'answer', mentions }: { analyzer: Analyzer; mode?: 'answer' | 'summary'; mentions?: (term: string) => boolean }): QuestionAnalysis {
  const userTurns = messages.filter((message) => message.role === 'user').map((message) => message.content.trim());
  const question = userTurns[userTurns.length - 1] ?? '';
  // "…，并注明出处。" asks how to answer, not what: every answer cites its clauses anyway.
  const asked = question.replace(citationRequest, '') || question;
  const earlier = userTurns.slice(0, -1);
  const focusTokens = topicTokens(asked, analyzer);
  const places = placesIn(question, analyzer);
  const explicitFollowUp = earlier.length > 0 && followUpMarkers.test(question);
  const isFollowUp = earlier.length > 0 && (explicitFollowUp || question.length <= 14 || (places.length === 0 && focusTokens.length <= 3));

  const previous = earlier[earlier.length - 1] ?? '';
  // "成都呢？" after a question about 重庆: the new place replaces the old one, it does not add to it.
  const replaced = places.length > 0 ? placesIn(previous, analyzer) : [];
  const previousWithoutPlaces = replaced.reduce((text, place) => text.split(place).join(''), previous);
  const contextTokens = isFollowUp
    ? [...new Set(topicTokens(previousWithoutPlaces, analyzer))].filter((token) => !focusTokens.includes(token))
    : [];
  const retrievalQuery = isFollowUp ? `${previousWithoutPlaces} ${asked}` : asked;

  const asks = asksOf(asked);
  // "A、B、C，…分别是多少？": the same thing asked of each item, each answered as its own part.
  const distributed = mode === 'answer' && places.length === 0 ? distributedParts(asked) : undefined;
  const intent = distributed ? 'fact' : intentOf(question, mode, places);
  const parts = (distributed?.map((part) => part.text) ?? partsOf(asked, analyzer)).map((text, i, all) => {
    // A later part ("逾期不办怎么处罚？") leans on the first part's topic.
    const lead = i === 0 || distributed ? '' : topicTokens(all[0], analyzer).filter((token) => !topicTokens(text, analyzer).includes(token) && !places.some((place) => place.includes(token))).join(' ');
    const item = distributed?.[i].item;
    // "大型货车呢？" asks what the first part asked, of something else.
    const own = asksOf(text);
    const asksAgain = i > 0 && !distributed && /呢\s*[？?]?\s*$/.test(text) && !own.number && !own.time && !own.who && !own.list;
    return { text, query: `${isFollowUp ? previousWithoutPlaces : ''} ${lead} ${text}`.trim(), focusTokens: topicTokens(text, analyzer), asks: asksAgain ? asksOf(all[0]) : own, ...(item ? { item } : {}) };
  });
  // Only a name with its administrative unit ("江岚市") is surely a place; a word the segmenter merely
  // tags as one ("下山") is not declined for.
  const unknownPlaces = mentions ? places.filter((place) => unitPattern.test(place) && stemOf(place) !== place && !mentions(stemOf(place))) : [];
  return { question, retrievalQuery, isFollowUp, explicitFollowUp, intent, focusTokens, contextTokens, asks, parts, places, unknownPlaces };
}

/**
 * A request to cite, closing a question ("，并注明出处。", "请标明依据的条款", "（附原文）"): how the answer is
 * to be given, which every answer does, not what it is about.
 */
const citationRequest = /[，,；;。\s]*[（(]?(?:请|并|同时|且|务必)?(?:逐条)?(?:注明|标明|标注|注出|给出|附上|附|列出|引用|说明)(?:具体|相关|所依据的|依据的|对应的?)?(?:出处|来源|依据|原文|条文|条款|文件名称|文件|法规名称)(?:和(?:出处|来源|依据|原文|条文|条款))?[)）]?[。.！!]?\s*$/u;

/**
 * A note in brackets saying which version to read ("（按2022年修订的条例）", "（2019年版）"): it picks the
 * document, it is not what the question is about (retrieval still reads it).
 */
const versionNote = /[（(][^（）()]*\d{4}\s*年[^（）()]*(?:修订|修正|修改|版|施行|发布|公布)[^（）()]*[)）]/g;

/**
 * The topic words of a text: its words as the segmenter cuts them (not the search-mode sub-words, so
 * 毕业生 counts once), numbers whole, stop words out, plus the pieces of fragments jieba guessed.
 */
export function topicTokens(question: string, analyzer: Analyzer): string[] {
  const text = question.replace(versionNote, ' ');
  const searchTokens = new Set(analyzer.tokenize(text));
  const tokens = analyzer
    .words(text.replace(/\d+(?:[.,]\d+)*%?/g, (number) => ` ${number} `))
    .map((word) => word.trim())
    .filter((word) => searchTokens.has(word) && !askedCount.test(word) && !boundWithModal.test(word));
  const folded = foldWidth(text);
  // A place's name ("青禾" of 青禾市) means nothing split apart.
  const isPlaceName = (token: string) => [...'省市县区州镇乡村'].some((suffix) => folded.includes(`${token}${suffix}`)) || (token.length >= 3 && unitPattern.test(token));
  return [...new Set([...tokens, ...tokens.filter((token) => !isPlaceName(token)).flatMap((token) => analyzer.fragmentPieces(token))])];
}

/**
 * "几台", "多少人": the figure asked for with its measure word; "最多能", "至少要": the bound asked for
 * with a modal. Neither is a topic (the unit and the bound are read from the question's text).
 */
const askedCount = /^(?:几|多少)\p{Script=Han}$/u;
const boundWithModal = /^(?:最多|至多|最少|至少|最高|最低)(?:能|可|可以|要|得|会)$/;

/** The questions a message asks: split at question marks (and at "；" between questions), at most four. */
export function partsOf(text: string, analyzer?: Analyzer): string[] {
  const pieces = text
    .split(/(?<=[？?])|(?<=[；;])(?=[^；;]*[？?]$)/)
    .flatMap(askedTwice)
    .map((part) => part.trim().replace(/[，,、]$/, ''))
    .filter((part) => part.replace(/[？?；;，,、\s]/g, '').length >= 2);
  if (pieces.length < 2) return [text];
  // A piece with no topic word of its own ("是吗？") belongs to the one before it.
  const merged: string[] = [];
  for (const piece of pieces) {
    if (merged.length > 0 && analyzer && analyzer.tokenize(piece).length === 0) merged[merged.length - 1] += piece;
    else merged.push(piece);
  }
  return merged.slice(0, 4);
}

/**
 * Two questions in one sentence ("最多能贷多少、能贷几年？", "每人补多少，补几个月？"): a clause that ends
 * with what it asks ("多少", "几天", "什么时候") and is followed by another asking clause is a question
 * of its own.
 */
function askedTwice(piece: string): string[] {
  const parts: string[] = [];
  let rest = piece;
  for (let cut = rest.search(askedThenComma); cut >= 0; cut = rest.search(askedThenComma)) {
    const end = cut + rest.slice(cut).search(/[，,、]/) + 1;
    if (!asking.test(rest.slice(end))) break;
    parts.push(rest.slice(0, end));
    rest = rest.slice(end);
  }
  return [...parts, rest];
}
const asking = /多少|几[\p{Script=Han}]|什么时候|何时|哪天|哪里|哪个|谁|多久|多长时间|怎么|如何|吗[？?]?\s*$/u;
const askedThenComma = /(?:多少|几[\p{Script=Han}]{1,2}|什么时候|何时|多久|多长时间|哪天)钱?[，,、]/u;

/**
 * A question that asks one thing of each item of a list it opens with ("办理居住证、护照、驾驶证，
 * 分别要多少天？", "养犬、养猫以及养鸟，各要办什么手续？"): one question per item, the item with what is
 * asked of it. Undefined unless the opening clause lists two to four short items and the rest asks
 * 分别/各.
 */
export function distributedParts(question: string): { text: string; item: string }[] | undefined {
  return listFirst(question) ?? listAfterTopic(question);
}

/**
 * "游泳池的水温，成人池、儿童池分别是多少？": the list follows the topic it is of; each item is asked
 * with the topic ("游泳池的水温，成人池是多少？").
 */
function listAfterTopic(question: string): { text: string; item: string }[] | undefined {
  const split = question.match(/^(.+[，,])([^，,。？?]+?)(分别|各自)([^，,]*)$/);
  if (!split) return undefined;
  const [, topic, list, , asked] = split;
  const items = list
    .split(/、|以及|及/)
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length < 2 || items.length > 4 || items.some((item) => item.length > 12 || item.length < 2)) return undefined;
  return items.map((item) => ({ text: `${topic}${item}${asked}`, item }));
}

function listFirst(question: string): { text: string; item: string }[] | undefined {
  const split = question.match(/^([^，,。？?]+)[，,](.+)$/);
  if (!split) return undefined;
  const [, list, rest] = split;
  if (!/分别|各自|各(?:要|是|为|有|需|需要|应)/.test(rest)) return undefined;
  const items = list
    .split(/、|以及|及/)
    .map((item) => item.trim())
    .filter(Boolean);
  if (items.length < 2 || items.length > 4 || items.some((item) => item.length > 20 || item.length < 2)) return undefined;
  // "这三种证件分别要多少天" → "要多少天": the pointer back to the list and the distributing word go.
  // A closing note in brackets ("（养犬按2020年的规定）") belongs to the items it names.
  const note = rest.match(/[（(][^（）()]*[)）]\s*$/)?.[0] ?? '';
  const asked = rest
    .slice(0, rest.length - note.length)
    .replace(/^(?:这|那|上述|以上)(?:[一二两三四五六七八九十几]+)?(?:种|个|类|项|部|些)?(?:[\p{Script=Han}]{0,4}?的|[\p{Script=Han}]{0,4}?(?=分别|各))/u, '')
    .replace(/分别|各自|各(?=要|是|为|有|需|应)/g, '');
  const names = (item: string) => [...item].some((_, i) => i + 2 <= item.length && note.includes(item.slice(i, i + 2)));
  return items.map((item) => ({ text: `${item}，${asked}${note && names(item) ? note : ''}`, item }));
}

function asksOf(question: string): Asks {
  return {
    // "几月份", "几号" ask for a date, not a figure ("几个月" does ask for one).
    number: /多少|(?<!哪)几[个项条年%家座种类次倍天日周岁台件袋瓶箱包人名位张辆套间笔轮趟只头株棵亩]|多大|多高|多长|多重|比例|占比|比重|百分|率(?:是|要|达|为|多)|规模(?!化)|数量|金额|额度|几成|标准是|上限|下限|最高|最低|不超过/.test(question),
    time: /何时|什么时候|哪一?年|哪天|时间|期限|截止|截至|多久|日期|之前|以前|期间|有效期|几月|几号|哪个?月/.test(question),
    quantity: quantityKind(question),
    who: /谁|哪个部门|哪些部门|哪个单位|哪些单位|哪个机关|哪家|哪个机构|哪些机构|由谁|找谁|向谁|负责|主管|牵头|审批|批准|发证|登记机关/.test(question),
    list: listWords.test(question),
  };
}

/** What kind of figure a question wants, from its wording; undefined when it does not say. */
function quantityKind(question: string): QuantityKind | undefined {
  if (/几岁|多少岁|多大年龄|多大年纪|年龄.{0,4}(多少|多大|几)|年龄(?:上的)?(?:要求|限制|条件|规定|界限|上限|下限)/.test(question)) return 'age';
  if (/[减免]多少|减免.{0,4}多少|便宜多少|优惠多少|打几折|几折/.test(question)) return 'reduction';
  if (/几成|比例|百分之|百分比|占比|比重|多少%|费率|利率|税率|几个点/.test(question)) return 'share';
  if (/多久|多长时间|多少天|几天|几日|多少日|几个月|多少个月|几年|多少年|几个工作日|多少个工作日|几小时|多少小时|几周|期限|有效期|提前多少|多少时间|时限/.test(question)) return 'duration';
  if (/多少钱|多少元|多少万|多少亿|[补贴奖给贷借罚收交缴报领付赔]多少|多少[\p{Script=Han}]{0,4}(?:钱|补贴|补助|奖励|奖金|津贴|资助|工资|费|罚款|赔偿)|费用|金额|额度|封顶|罚款.{0,6}(?:多少|几)|标准是多少|(?:什么|哪些)[\p{Script=Han}]{0,2}(?:补贴|补助|奖励|奖金|津贴|资助)|(?:补贴|补助|奖励|奖金|津贴)吗/u.test(question)) return 'money';
  if (/多少[个项家人所座条次名户件种类]|几[个项家所座条次名户件种类]/.test(question)) return 'count';
  // "截止时间是每年哪天", "几月几号前要交": a day of the calendar, not a length of time.
  // ("从哪个月起", "最晚什么时候报到" may be answered by "批准当月起", "录取后3日内": no date asked.)
  if (/哪一?天|几月几[日号]|几号|什么日期|截止(?:日期|时间)|什么时候(?:之)?前/.test(question)) return 'date';
  return undefined;
}

function intentOf(question: string, mode: 'answer' | 'summary', places: string[]): Intent {
  if (mode === 'summary' || summaryWords.test(question)) return 'summary';
  if (comparisonWords.test(question) || (places.length >= 2 && /和|与|及|、/.test(question) && /哪些|什么|怎么|如何/.test(question))) return 'comparison';
  if (topicWords.test(question)) return 'topic';
  if (listWords.test(question) && /哪些|哪几|包括|包含|列举|都有|几种|几类|有什么|什么(?:样的)?(?:材料|条件|情形|手续|证件|证明|要求|内容|事项|范围|职责)/.test(question)) return 'list';
  return 'fact';
}

/** Places a text names, read from the segmenter's words: a name ending in an administrative unit
 * ("江岚市", "黔西南州", or "河阳" + "市"), or a word it tags as a place that is a known place name (四川, 成都). */
export function placesIn(text: string, analyzer: Analyzer): string[] {
  const found: string[] = [];
  const words = analyzer.tag(text);
  const nameTag = /^(ns|nr|nrt|nz|x)$/;
  words.forEach(({ word, tag }, i) => {
    // 大城市, 小城镇, 山区 name a kind of place, not one.
    if (kindOfPlace.test(word)) return;
    if (unitPattern.test(word) && word.length >= 3 && (nameTag.test(tag) || nameWithUnit(word, analyzer)) && stemOf(word).length >= 2) found.push(word);
    else if (unitWord.test(word) && i > 0 && nameTag.test(words[i - 1].tag) && words[i - 1].word.length >= 2 && !analyzer.isStopWord(words[i - 1].word)) found.push(`${words[i - 1].word}${word}`);
    // 贵州, 广州 end in a unit character that is part of the name; 都市, 新区 are not names. The
    // segmenter also tags words such as 下山 or 海岛 as places: only a known place name counts.
    else if (tag === 'ns' && word.length >= 2 && !(word.length === 2 && /[省市县区镇乡旗盟]$/.test(word)) && !analyzer.isStopWord(word) && analyzer.isKnownPlace(word)) found.push(word);
  });
  // "河阳" tagged as a place and then "河阳市": the longer name stands.
  return [...new Set(found.map(withoutGluedWord))].filter((place, _, all) => !all.some((other) => other !== place && other.startsWith(place)));
}

/**
 * A word the segmenter holds whole but tags as a common noun that is a name and its administrative unit:
 * its stem is a name on its own ("简阳" of 简阳市), or the corpus uses the word as one term and its stem,
 * two characters, is no word of the dictionary (a county's name: "泠澄县" found at ingest; a longer
 * unknown stem is as often a phrase, "…新区", "…园区", as a name). A kind of place (城市, 小区,
 * 地区) and a word before a unit (会同市…, 设区市) are no names.
 */
function nameWithUnit(word: string, analyzer: Analyzer): boolean {
  const stem = word.slice(0, -1);
  if (!/^[\p{Script=Han}]{2,3}[省市县区州盟旗]$/u.test(word) || /(?:小区|地区|老区|省市)$/.test(word)) return false;
  const pieces = analyzer.tagAlone(stem);
  if (pieces.length === 1) return /^(?:ns|nr|nrt|nz)$/.test(pieces[0].tag);
  return stem.length === 2 && analyzer.isCorpusWord(word);
}

/**
 * A name the segmenter does not know comes glued to the word before it ("在X省", "对X县", "2025年X市"):
 * a preposition or the 年 of a year goes when what is left is still a name with its unit (从江县 keeps
 * its 从: 江 alone is no name).
 */
function withoutGluedWord(place: string): string {
  return gluedWord.test(place) && unitPattern.test(place) && stemOf(place.slice(1)).length >= 2 ? place.slice(1) : place;
}
const gluedWord = /^[在到去从往于对向给由把让年]/;
const kindOfPlace = /(?:城市|城镇|城区|市区|郊区|山区|林区|牧区|矿区|灾区|景区|园区|社区|辖区)$/;
const unitPattern = /(?:省|市|县|区|州|盟|旗|自治区|自治州|自治县|新区|镇|乡)$/;
const unitWord = /^(?:省|市|县|区|州|盟|旗|镇|乡)$/;

/** Whether a question word is (part of) one of the places it names ("青禾" of 青禾市, or 青禾市 itself). */
export function namesPlace(word: string, places: readonly string[]): boolean {
  return places.some((place) => place.includes(word) || word.includes(place));
}

/** A place name without its administrative unit: 江岚市 → 江岚, 黔西南州 → 黔西南, 四川 → 四川. */
export function stemOf(place: string): string {
  return place.replace(/(?:省|市|县|区|州|盟|旗|自治区|自治州|自治县|新区|镇|乡)$/, '') || place;
}
