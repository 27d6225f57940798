// Search tokens for Chinese text: jieba search-mode words, widths folded, numbers whole, stop words out.
import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';

/** Policy-domain words jieba's general dictionary lacks, so they stay whole in queries and clauses. */
const domainWords = `川渝 成渝 滇中 黔中 滇西 川南 渝西 渝东北 川东北 川西北 一干多支 五区协同 双城经济圈 碳达峰 碳中和
城镇化率 常住人口 西部陆海新通道 长江经济带 粤港澳大湾区 都市圈 同城化 天府新区 两江新区 生态补偿 横向生态补偿
营商环境 放管服 一网通办 跨省通办 川渝通办 公积金 住房公积金 医保 社保卡 新能源汽车 数字经济 乡村振兴 共同富裕 专精特新
飞地经济 总部经济 双创 示范区 试验区 先行区 产业集群 产业链 供应链 城市群 经济圈 公园城市 西部科学城 中欧班列
高新区 经开区 自贸区 自由贸易试验区 国家级新区 区域中心城市 中心城市 基本公共服务 均等化 转移支付 财政事权 支出责任
负面清单 联防联控 河长制 林长制 禁渔 十年禁渔 小康村 兴边富民 西电东送 黔电送粤 页岩气 城际铁路 市域铁路 轨道交通
一体化 高质量发展 新发展理念 新基建 5G 大数据 人工智能 区块链 云计算 物联网 工业互联网`.split(/\s+/);

let jieba: Jieba | undefined;
function segmenter(): Jieba {
  if (!jieba) {
    jieba = Jieba.withDict(dict);
    jieba.loadDict(Buffer.from(domainWords.map((word) => `${word} 2000 n`).join('\n')));
  }
  return jieba;
}

const nounTags = new Set(['n', 'nr', 'ns', 'nt', 'nz', 'nw', 'l', 'vn', 't', 'an', 'j']);

/** Whether jieba tags `word` as a noun-like word (a topic: 火星, 房价, 个人所得税), not a verb or measure. */
export function isNounLike(word: string): boolean {
  const tagged = segmenter().tag(word, false);
  return tagged.length === 1 && nounTags.has(tagged[0].tag);
}

/** Whether jieba knows `word` as one dictionary word (false for words its HMM guessed from context). */
export function isDictionaryWord(word: string): boolean {
  return word.length >= 2 && segmenter().cut(word, false).length === 1;
}

/** Function words and question words that carry no topic. */
const stopWords = new Set(
  `的 了 和 与 及 以及 等 等等 在 是 为 为了 对 对于 将 把 被 从 以 其 之 或 或者 而 并 并且 也 都 要 有 由 于 向 按 按照 至 到 上 下 中 内 个 各 该 这 那 这些 那些 此 所 其中 一 一个 一些 啊 吗 呢 吧 么 嘛 哪 哪些 哪个 哪里 哪儿 什么 多少 几 几个 如何 怎么 怎样 怎么样 为何 为什么 是否 是不是 请问 请 问 分别 具体 有关 相关 关于 方面 进行 给予 提出 明确 规定 内容 情况 主要 哪方面 需要 应当 应该 可以 能 能够 会 我 我们 你 你们 他们 它 它们 文件 政策 方案 一下 谁 何 呢 么 还 又 就 则 即 如 若 没有 不 给 让 使 通过 以下 以上 提到 提及 说 讲 里 里面 当中 多 怎 何时 时候 什么时候 安排 做法 表述 提法 强调 打算 相同 不同 各自 一样 对待 名字 叫 什么样 能不能 不能 还会 已经 之间 方便 更 这件 事 准备 怎样 怎么说 说法 如何 规划 怎么办 可不可以 是不是 有没有 吗 都 提 部署 情况 哪方面 方面 文中 文里 文件里 里 中 那 那么 其 以及
一共 总共 几家 哪几 哪几个 哪几家 哪几项 几小时 几年 一年 哪一年 几条 几项 几种 还有 只是 依据 用来 还要 多长 长时间 多长时间 受到 上级 牵头 分别是 都是 是什么 有哪些 什么样 哪一个 哪种 哪类 哪里 在哪 在哪里 能否 可否 会不会 应该 需不需要 必须 得到 获得 有何 何种`.split(/\s+/),
);

/** Words that commonly stand in web copies with a censored character ("省*府"). */
const censoredRepairs: [RegExp, string][] = [
  [/\*府/g, '政府'],
  [/财\*/g, '财政'],
  [/\*策/g, '政策'],
  [/\*治/g, '政治'],
  [/\*委/g, '党委'],
  [/\*中央/g, '党中央'],
  [/加强\*/g, '加强党'],
];

/** Full-width ASCII and ideographic space to half-width, lower case; length preserved. */
export function foldWidth(text: string): string {
  return text
    .replace(/[\uFF01-\uFF5E]/g, (char) => String.fromCharCode(char.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ')
    .toLowerCase();
}

const numberPattern = /\d+(?:[.,]\d+)*%?/g;
const hasWordChar = /[\p{Script=Han}a-z0-9]/u;

/**
 * Tokens for BM25: jieba search-mode cut (which also yields the shorter words inside long ones),
 * widths folded, numbers ("101.19", "65%", "2025") kept whole, stop words and punctuation removed.
 */
export function tokenize(text: string): string[] {
  let folded = foldWidth(text);
  for (const [pattern, replacement] of censoredRepairs) folded = folded.replace(pattern, replacement);
  const tokens: string[] = [];
  for (const number of folded.match(numberPattern) ?? []) {
    tokens.push(number);
    if (number.endsWith('%')) tokens.push(number.slice(0, -1));
  }
  const words = folded.replace(numberPattern, ' ');
  for (const word of segmenter().cutForSearch(words, true)) {
    const token = word.trim();
    if (!token || !hasWordChar.test(token) || stopWords.has(token)) continue;
    tokens.push(token);
  }
  return tokens;
}

/**
 * The dictionary pieces of a word jieba's HMM guessed by gluing a function word to a topic ("煤要"
 * from "的煤要不要" → 煤), stop words out: the topic such a fragment hides.
 */
export function fragmentPieces(word: string): string[] {
  if (word.length < 2 || /\d/.test(word) || isDictionaryWord(word)) return [];
  return segmenter()
    .cut(word, false)
    .filter((piece) => piece !== word && hasWordChar.test(piece) && !stopWords.has(piece));
}

/** Overlapping CJK character bigrams: a fallback field that matches words jieba cut differently. */
export function bigrams(text: string): string[] {
  const folded = foldWidth(text);
  const result: string[] = [];
  for (const run of folded.match(/[\p{Script=Han}]+/gu) ?? []) {
    for (let i = 0; i + 1 < run.length; i++) result.push(run.slice(i, i + 2));
  }
  return result;
}

/** Everyday words people ask with, and the formal words policy texts use for the same thing. */
const querySynonyms: Record<string, string[]> = {
  户口: ['户籍'],
  落户: ['户籍'],
  迁户口: ['户籍', '迁移'],
  看病: ['医疗', '就医'],
  医院: ['医疗'],
  上学: ['教育', '入学'],
  学校: ['教育'],
  大学: ['高校'],
  钱: ['资金'],
  补贴: ['补助', '奖补', '补贴'],
  修路: ['公路', '交通'],
  飞机: ['航空', '机场'],
  火车: ['铁路'],
  高铁: ['铁路', '高速铁路'],
  地铁: ['轨道交通'],
  找工作: ['就业'],
  工作: ['就业'],
  失业: ['失业', '就业'],
  环保: ['生态环境', '环境保护'],
  污染: ['污染', '环境'],
  老百姓: ['群众', '居民'],
  房子: ['住房'],
  买房: ['住房'],
  农民: ['农村', '农民'],
  城里: ['城市', '城镇'],
  上网: ['网络', '信息'],
  外贸: ['对外贸易', '开放'],
  医保: ['医疗保险', '医保'],
  社保: ['社会保险', '社保'],
  老人: ['养老', '老年人'],
  孩子: ['儿童', '教育'],
  旅游: ['文旅', '旅游'],
  负责: ['责任', '牵头'],
  多久: ['时间', '期限'],
  截止: ['截至', '期限'],
  数字化: ['数字', '信息化'],
  网速: ['网络'],
  电: ['电力', '能源'],
  水: ['水利', '水资源'],
  打工: ['务工', '就业'],
  农民工: ['务工', '农业转移人口'],
  小孩: ['子女', '儿童'],
  村子: ['村'],
  国境: ['边境'],
  国境线: ['边境'],
  边界: ['边境'],
  官司: ['审判', '法庭', '诉讼'],
  打官司: ['审判', '诉讼'],
  捕鱼: ['禁渔', '渔'],
  钓鱼: ['禁渔', '渔'],
  输电: ['送电', '电力', '西电东送'],
  报销: ['结算', '报销'],
  看门诊: ['门诊', '就医'],
  住院: ['住院', '就医'],
  种树: ['造林', '绿化'],
  植树: ['造林', '绿化'],
  网上办: ['网通办', '政务服务'],
  办事: ['政务服务', '办理'],
  公积金: ['住房公积金'],
  贷款: ['贷款', '融资'],
  省会: ['昆明', '成都', '贵阳', '省会'],
  脱贫: ['脱贫', '扶贫'],
  穷: ['贫困'],
  扶持: ['支持', '扶持'],
  电车: ['新能源汽车', '电动'],
  电瓶车: ['电动自行车'],
  罚款: ['罚款', '处罚'],
  钱数: ['金额', '标准'],
  多少钱: ['金额', '标准', '元'],
  封顶: ['最高', '不超过'],
  过期: ['有效', '期限'],
  过户: ['转出', '转让', '变更登记'],
  卖掉: ['出售', '转让'],
  卖: ['出售', '转让'],
  百岁: ['100周岁'],
  百岁老人: ['100周岁', '老年人'],
  生孩子: ['生育', '分娩'],
  剖腹产: ['分娩', '生育'],
  租房: ['租赁', '租房'],
  租房子: ['租赁', '租房'],
  失业金: ['失业保险金'],
  欠款: ['拖欠', '款项'],
  货款: ['款项', '支付'],
  绿带: ['林带', '绿化'],
  油车: ['燃油'],
  电动车: ['电动自行车', '新能源'],
  开店: ['创业', '经营'],
  老家: ['返乡', '户籍'],
  签合同: ['签订', '合同'],
  留下: ['留用'],
  留下来: ['留用'],
  结束: ['期满', '结束'],
  到期: ['期满', '到期'],
  最多: ['最高', '不超过', '最多'],
  最少: ['最低', '不少于', '不低于'],
  一笔: ['单笔'],
  借: ['借款', '贷款'],
  空着: ['闲置'],
  闲着: ['闲置'],
  超标: ['超过'],
  每个月: ['每月', '按月'],
  公司: ['企业', '单位'],
  买: ['购买', '购置'],
  停发: ['暂停发放'],
  打鱼: ['禁渔', '渔'],
  抓鱼: ['禁渔', '渔'],
  不准: ['禁止', '严禁', '不得'],
  不让: ['禁止', '不得'],
  不许: ['禁止', '不得'],
  参观: ['考察', '接待', '参观'],
  场馆: ['展馆', '展示厅', '场馆'],
  展览: ['展示', '展览'],
  法律: ['法务', '法治', '法律'],
  律师: ['法律服务', '法务'],
  聚: ['集聚', '汇集', '聚集'],
  配件: ['零部件'],
  零件: ['零部件'],
  厂家: ['企业', '厂商'],
  工厂: ['企业', '工厂'],
  办厂: ['创办企业', '创业'],
  开厂: ['创办企业', '创业'],
  房租: ['租金'],
  门面: ['店面', '经营场所', '场地'],
  铺面: ['店面', '经营场所', '场地'],
  老婆: ['配偶'],
  老公: ['配偶'],
  夫妻俩: ['夫妻', '配偶'],
  老二: ['二孩', '第二个孩子'],
  老三: ['三孩', '第三个孩子'],
  大人: ['父母', '监护人'],
  老房子: ['农房', '房屋', '闲置'],
  小店: ['个体工商户', '门店'],
  刷卡: ['乘车卡', '刷卡'],
  手艺人: ['传承人', '手工艺'],
  徒弟: ['学徒', '传承'],
  公家: ['公共', '国有'],
  零工: ['灵活就业'],
  打零工: ['灵活就业'],
  打电话: ['电话', '热线'],
  少交: ['减免', '减征', '优惠'],
  免费: ['免费', '免收', '免'],
  套房: ['住房', '房产'],
  级别: ['行列', '等级', '级'],
  搬走: ['腾退', '退出'],
  拖: ['拖欠', '逾期'],
  交不起: ['困难', '减免'],
  定位: ['定位', '打造', '功能定位'],
  宝宝: ['婴儿', '新生儿', '婴幼儿'],
  娃: ['婴幼儿', '子女', '儿童'],
  操场: ['运动场', '体育场地', '场地'],
  托儿所: ['托育机构', '托育', '托幼'],
  托班: ['托育机构', '托育'],
  收割机: ['农机', '机具', '收获机'],
  拖拉机: ['农机', '机具'],
  农机具: ['农机', '机具'],
};

/** The formal words (as tokens) a policy text may use for an everyday word. */
export function synonymsOf(token: string): string[] {
  const listed = querySynonyms[token];
  if (!listed) return [];
  let tokens = synonymTokens.get(token);
  if (!tokens) {
    tokens = [...new Set(listed.flatMap((synonym) => tokenize(synonym)))].filter((synonym) => synonym !== token);
    synonymTokens.set(token, tokens);
  }
  return tokens;
}
const synonymTokens = new Map<string, string[]>();

/** Query tokens: the text's tokens plus the formal synonyms of everyday words in it. */
export function queryTokens(query: string): string[] {
  const tokens = tokenize(query);
  return [...new Set([...tokens, ...tokens.flatMap(synonymsOf)])];
}
