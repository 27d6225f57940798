// Question analysis: what a question asks for (a number, a date, a list, who), which regions it names,
// and how a follow-up is condensed with the turns before it.
import { crossWords, regionNames } from '../rag/regions.js';
import { foldWidth, fragmentPieces, tokenize } from '../rag/tokenize.js';

export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

export interface AnalysedQuestion {
  /** The latest user question, as asked. */
  question: string;
  /** The question condensed with earlier user turns when it is a follow-up; used for retrieval. */
  retrievalQuery: string;
  /** Tokens of the latest question (weight 1 when picking sentences). */
  focusTokens: string[];
  /** Salient tokens carried over from earlier turns (lower weight). */
  contextTokens: string[];
  asksNumber: boolean;
  asksTime: boolean;
  asksList: boolean;
  asksWho: boolean;
  /** The kind of quantity asked for, when the wording says (多少钱 → money, 几天 / 多久 → duration). */
  quantity?: 'money' | 'duration' | 'share' | 'age' | 'reduction';
  /** Asks to compare or collect across documents or regions. */
  crossDocument: boolean;
  /** Cross-document only because it names two or more places (one document may cover both). */
  crossByRegionsOnly: boolean;
  /** Region names the question mentions (provinces and major cities). */
  regions: string[];
  isFollowUp: boolean;
  /** Marked as a follow-up by its wording (其中, 那, …呢), not only by being short. */
  explicitFollowUp: boolean;
}

/** Whether a word names a place: holds a place name ("成都市", "四川省") or begins one ("天府"; not "新区"). */
export function isRegionWord(word: string): boolean {
  return regionNames.some((name) => word.includes(name) || (word.length >= 2 && name.startsWith(word)));
}

/** How people phrase a question rather than what it is about: left out of its search terms. */
const phrasingWords = new Set(
  '几天 几周 几个月 几岁 多少天 多少年 多少个 希望 以后 今后 将来 专门 那个 这个 一直 自己 自家 我 我们 咱 咱们 家里 想 想要 弄 搞 来过 去过 知道 听说 到底 究竟 真的 大概 一般 平时 这种 那种 这样 那样 现在 东西 那边 这边 这里 那里 啥 咋 咋办 得了 还能 还得 还要 能够 可以 需要 后来 下来 起来 出来 过来 不要 要不要 这个说法 有这个'.split(' '),
);

const followUpMarkers = /^(那|那么|其中|此外|另外|还有|并且|而且|它|它们|这|这个|这些|该|上述|以上|同时|对应|相应|关于这|要|还要|需要|还需|应当|应该|能否|可以|是否|会)|呢[？?]?$|[吗么][？?]?$|^(哪些|多少|几|什么时候|何时)/;

/**
 * Tokens plus the pieces of the fragments jieba's HMM guessed, each once; not of a place's name
 * ("青禾" of 青禾市), whose characters mean nothing apart.
 */
function withFragmentPieces(tokens: string[], question: string): string[] {
  const isPlaceName = (token: string) => [...'省市县区州镇乡村'].some((suffix) => question.includes(`${token}${suffix}`));
  return [...new Set([...tokens, ...tokens.filter((token) => !isPlaceName(token)).flatMap(fragmentPieces)])];
}

/** Reads a conversation's last user question and, for a follow-up, the context it leans on. */
export function analyseQuestion(messages: ChatTurn[]): AnalysedQuestion {
  const userTurns = messages.filter((message) => message.role === 'user').map((message) => message.content.trim());
  const question = userTurns[userTurns.length - 1] ?? '';
  const earlier = userTurns.slice(0, -1);
  const focusTokens = withFragmentPieces(tokenize(question), foldWidth(question)).filter((token) => !phrasingWords.has(token));
  const regions = regionNames.filter((name) => question.includes(name));
  const isFollowUp =
    earlier.length > 0 &&
    (followUpMarkers.test(question) || question.length <= 14 || (regions.length === 0 && focusTokens.length <= 4));

  const previous = earlier[earlier.length - 1] ?? '';
  // "成都呢？" after a question about 重庆: the new place replaces the old one, it does not add to it.
  const replacedRegions = regions.length > 0 ? regionNames.filter((name) => previous.includes(name)) : [];
  const contextTokens = isFollowUp
    ? [...new Set(tokenize(previous))].filter((token) => !focusTokens.includes(token) && !replacedRegions.some((name) => name.includes(token) || token.includes(name)))
    : [];
  const retrievalQuery = isFollowUp ? `${replacedRegions.reduce((text, name) => text.split(name).join(''), previous)} ${question}` : question;
  const inherited = isFollowUp && regions.length === 0 ? regionNames.filter((name) => previous.includes(name)) : [];

  return {
    question,
    retrievalQuery,
    focusTokens,
    contextTokens,
    asksNumber: /多少|(?<!哪)几[个项条年%家座]|多大|多高|多长|比例|占比|比重|百分|率(是|要|达|为|多)|规模|数量|金额|额度|几成|多少亿|多少万/.test(question),
    asksTime: /何时|什么时候|哪一?年|时间|期限|截止|截至|到哪|多久|哪天|日期/.test(question),
    asksList: /哪些|哪几|包括|包含|有什么|列举|分别|主要|都有|几条|几个方面/.test(question),
    quantity: quantityKind(question),
    asksWho: /谁|哪个部门|哪些部门|哪个单位|哪些单位|哪几家|哪家|单位|机关|牵头|负责|主体/.test(question),
    crossDocument: crossWords.test(question) || regions.length >= 2,
    crossByRegionsOnly: !crossWords.test(question) && regions.length >= 2,
    regions: [...new Set([...regions, ...inherited])],
    isFollowUp,
    explicitFollowUp: earlier.length > 0 && followUpMarkers.test(question),
  };
}

/** What kind of figure a question wants, from its wording; undefined when it does not say. */
function quantityKind(question: string): AnalysedQuestion['quantity'] {
  if (/几岁|多少岁|多大年龄|多大年纪|年龄.{0,4}(多少|多大|几)/.test(question)) return 'age';
  if (/[减免]多少|减免.{0,4}多少|便宜多少|优惠多少|打几折|几折/.test(question)) return 'reduction';
  if (/几成|比例|百分之|百分比|占比|比重|多少%|费率|利率|几个点/.test(question)) return 'share';
  if (/多久|多长时间|多少天|几天|几日|多少日|几个月|多少个月|几年|多少年|几个工作日|多少个工作日|几小时|多少小时|几周|期限|有效期|过期|提前多少|多少时间/.test(question)) return 'duration';
  if (/多少钱|多少元|多少万|多少亿|[补贴奖给贷借罚收交缴报领付]多少|多少[\u4e00-\u9fa5]{0,4}(?:补贴|补助|奖励|奖金|津贴|资助|工资|费)|费用|金额|额度|封顶|资助多少|标准是多少/.test(question)) return 'money';
  return undefined;
}
