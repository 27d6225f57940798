// Extractive answers on small invented notices: whole rules (not half a sentence cut at "；"), the kind
// of figure asked for, each part of a two-part question, enumerations with their items, the section a
// question names, places, and refusals.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RagService } from '../rag/rag-service';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ingestToTemporaryIndex, openTestService, serviceOverFiles, temporaryFolder, writeCorpus } from '../test-support/corpus';
import { analyseQuestion } from './analyse-question';
import { answerQuestion } from './answer-question';
import { retrieveClauses } from './retrieve-clauses';
import { definitionPattern, holdsNumber, scoreSentences, scoringQuestion, termsOf } from './score-sentences';

const notice = `江州市创业担保贷款实施办法

第一条 为支持创业带动就业，结合本市实际，制定本办法。
第二条 个人创业担保贷款最高额度为30万元；合伙创业的，按每人30万元、最高不超过150万元核定。
第三条 申请人提交申请后，经办银行应在7个工作日内完成审核，符合条件的及时发放贷款。
第四条 符合条件的个人可申请创业担保贷款，经办银行按规定给予贴息支持，贴息资金由市财政安排。
第五条 对按期还款的借款人，经办银行可继续提供贷款支持，累计次数不超过3次。
第六条 本办法自2024年1月1日起施行。
`;

const plan = `东陵市优化营商环境行动方案

一、总体要求
坚持问题导向，持续优化营商环境，激发市场主体活力。
二、主要任务
（一）深化审批制度改革。推行企业开办全程网上办理，办理时间压缩至1个工作日。
（二）加强要素保障。建立用地、用能、用水保障协调机制，重大项目要素需求优先保障。
（三）强化法治保障。健全涉企执法检查备案制度，严禁随意检查。
三、保障措施
加强组织领导，压实各级责任，定期通报工作进展。
`;

const opinion = `南屏县推进乡村振兴的实施意见

一、总体要求
（一）指导思想。坚持农业农村优先发展，加快推进农业农村现代化。
（二）基本原则。
——因地制宜、分类推进。根据各村资源禀赋和发展基础，分类施策。
——农民主体、共建共享。尊重农民意愿，保障农民权益。
——改革创新、激发活力。深化农村改革，激活要素资源。
二、重点任务
（三）发展特色产业。每个乡镇培育1个以上特色主导产业。
`;

const regulation = `东陵市养犬管理规定

第一条 为规范养犬行为，保障公民健康和人身安全，制定本规定。
第二条 个人申请养犬登记，应当符合下列条件：
（一）具有完全民事行为能力；
（二）有固定住所且独户居住；
（三）犬只已接种狂犬病疫苗。
第三条 养犬登记证有效期为1年，期满前30日内应当办理延续手续。
第四条 违反本规定第二条，未经登记养犬的，由公安机关处500元以上1000元以下罚款。
第五条 本规定自2024年3月1日起施行。
`;

const otherCity = `河曲市养犬管理规定

第一条 为规范养犬行为，制定本规定。
第二条 养犬登记证有效期为2年，期满前60日内应当办理延续手续。
第三条 本规定自2023年1月1日起施行。
`;

const measures = `河曲市稳就业若干措施

一、吸纳就业补贴
（一）小微企业招用毕业年度高校毕业生，与其签订1年以上劳动合同并按月缴纳社会保险费的，可申领一次性吸纳就业补贴。
（二）一次性吸纳就业补贴标准为每招用1人补助1000元，每家企业最多补助30人。
（三）本措施自印发之日起执行，申领时间截至2024年12月31日。
二、人才安家
（一）新引进并全职在本市工作的博士研究生，给予安家补贴10万元。安家补贴分3年发放，每年发放三分之一。
三、住房保障
（一）申请公共租赁住房的家庭，应当同时符合下列条件：家庭人均月收入低于3000元；家庭人均住房建筑面积低于15平方米。
四、创业扶持
（一）返乡创业人员可申请创业担保贷款，由市财政按规定贴息。个人创业担保贷款期限最长不超过3年。
五、老年人福利
（一）本市户籍80周岁以上老年人，每人每月发放高龄津贴200元。
六、育儿补贴
（一）本市户籍家庭依法生育第二个孩子的，每孩每月发放育儿补贴300元。育儿补贴按月发放，发放至孩子年满3周岁。
（二）家庭经济困难幼儿就读普惠性幼儿园的，每生每年减免保育教育费1200元。
`;

let notices: RagService;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  notices = await serviceOverFiles(
    'notice',
    {
      'jiangzhou-loans.txt': notice,
      'dongling-business.txt': plan,
      'hequ-employment.txt': measures,
      'nanping-villages.txt': opinion,
      'dongling-dogs.txt': regulation,
      'hequ-dogs.txt': otherCity,
    },
    cleanups,
  );
});

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

const ask = (service: RagService, question: string) => answerQuestion(service, { messages: [{ role: 'user', content: question }] });

/** The sentences of the clauses retrieved for a one-turn question, scored best first (the stage before selection). */
async function scoredFor({ index }: RagService, question: string) {
  const analysis = analyseQuestion([{ role: 'user', content: question }], { analyzer: index.analyzer });
  const { results } = await retrieveClauses({ analysis, index });
  return scoreSentences({ question: scoringQuestion(analysis), results, index });
}

describe('extractive answers', () => {
  it('keeps the condition after a "；" with the rule it qualifies, in one exact citation', async () => {
    const response = await ask(notices, '个人创业担保贷款最高能贷多少？');
    expect(response.answered).toBe(true);
    expect(response.answer).toContain('30万元');
    expect(response.answer).toContain('最高不超过150万元');
    const citation = response.citations[0];
    expect(citation.quote).toMatch(/个人创业担保贷款最高额度为30万元；合伙创业的，按每人30万元、最高不超过150万元核定。$/);
    const document = notices.index.document(citation.documentId)!;
    expect(document.text.slice(citation.start, citation.end)).toBe(citation.quote);
  });

  it('does not run on into the next numbered item', async () => {
    const response = await ask(notices, '经办银行多少个工作日内完成审核？');
    expect(response.answer).toContain('7个工作日');
    expect(response.answer).not.toContain('第四条');
  });

  it('answers "多久" with the length of time the notice gives', async () => {
    const response = await ask(notices, '提交申请后银行多久审核完？');
    expect(response.answered).toBe(true);
    expect(response.answer.split('[1]')[0]).toContain('7个工作日');
  });

  it('adds the sentence holding the amount when the best match only restates the conditions', async () => {
    const response = await ask(notices, '小微企业招用高校毕业生签订劳动合同的，一次性吸纳就业补贴每人补多少钱？');
    expect(response.answered).toBe(true);
    expect(response.answer).toContain('每招用1人补助1000元');
  });

  it('answers a deadline question with the date', async () => {
    const response = await ask(notices, '一次性吸纳就业补贴最晚什么时候前申领？');
    expect(response.answer).toContain('截至2024年12月31日');
  });

  it('answers each question of a message that asks two', async () => {
    const response = await ask(notices, '河曲市博士安家补贴多少？怎么发？');
    expect(response.answer).toContain('安家补贴10万元');
    expect(response.answer).toContain('分3年发放');
  });

  it('finds a compound word said with words in between ("家庭人均月收入" for 家庭收入)', async () => {
    const response = await ask(notices, '河曲市公租房对家庭收入和住房面积有什么要求？');
    expect(response.answer).toContain('家庭人均月收入低于3000元');
    expect(response.answer).toContain('家庭人均住房建筑面积低于15平方米');
  });

  it('takes "3年" for a length of time, not a date', async () => {
    const response = await ask(notices, '返乡人员个人创业担保贷款最长能贷几年？');
    expect(response.answer).toContain('最长不超过3年');
  });

  it('reads the asker\'s own figures as their case, not as a figure the notice must contain', async () => {
    const response = await ask(notices, '河曲市85岁的老人每月能领多少高龄津贴？');
    expect(response.answered).toBe(true);
    expect(response.answer).toContain('每人每月发放高龄津贴200元');
  });

  it('is not put off by everyday words around the question', async () => {
    const response = await ask(notices, '我老婆是博士，刚跟我回河曲市工作，那个安家补贴到底能拿多少？');
    expect(response.answered).toBe(true);
    expect(response.answer).toContain('安家补贴10万元');
  });

  it('answers "能领什么补贴" and "有补贴吗" with the amount', async () => {
    const what = await ask(notices, '新引进的博士研究生能拿到什么补贴？');
    expect(what.answer).toContain('10万元');
    const whether = await ask(notices, '企业招了应届高校毕业生，有补贴吗？');
    expect(whether.answer).toContain('1000元');
  });

  it('answers how old and how much less with the age and the amount', async () => {
    const twoParts = await ask(notices, '河曲市生二孩每月有多少育儿补贴？发到孩子几岁？');
    expect(twoParts.answer).toContain('每孩每月发放育儿补贴300元');
    expect(twoParts.answer).toContain('年满3周岁');
    const reduction = await ask(notices, '河曲市家庭困难的孩子读普惠性幼儿园，保教费能减免多少？');
    expect(reduction.answer).toContain('减免保育教育费1200元');
  });

  it('declines when the question names the unit of a figure the documents do not give', async () => {
    const response = await ask(notices, '河曲市一次性吸纳就业补贴的资金总规模是多少亿元？');
    expect(response.answered).toBe(false);
    expect(response.citations).toEqual([]);
  });

  it('lists the items of the section a question names, each quoted and cited at its exact span', async () => {
    const response = await ask(notices, '南屏县的实施意见确定了哪几条基本原则？');
    expect(response.answered).toBe(true);
    const principles = ['因地制宜、分类推进', '农民主体、共建共享', '改革创新、激发活力'];
    for (const principle of principles) expect(response.answer).toContain(principle);
    for (const citation of response.citations) {
      expect(notices.index.document(citation.documentId)!.text.slice(citation.start, citation.end)).toBe(citation.quote);
      expect(citation.section.join(' ')).toContain('基本原则');
    }
  });

  it('lists sub-headings when the named section has them', async () => {
    const response = await ask(notices, '行动方案的主要任务有哪些？');
    expect(response.answered).toBe(true);
    expect(response.answer).toMatch(/深化审批制度改革[^]*加强要素保障[^]*强化法治保障/);
    expect(response.answer).not.toContain('加强组织领导');
  });

  it('brings the items a "下列…：" clause opens, each cited', async () => {
    const response = await ask(notices, '在东陵市养狗要办登记，需要符合哪些条件？');
    expect(response.answer).toContain('应当符合下列条件');
    for (const item of ['完全民事行为能力', '固定住所', '狂犬病疫苗']) expect(response.answer).toContain(item);
    expect(response.citations.length).toBeGreaterThanOrEqual(4);
  });

  it('answers a question naming a place from that place\'s document', async () => {
    const dongling = await ask(notices, '东陵市的养犬登记证有效期多久？');
    expect(dongling.answer).toContain('有效期为1年');
    expect(dongling.answer).not.toContain('有效期为2年');
    const hequ = await ask(notices, '河曲市的养犬登记证有效期多久？');
    expect(hequ.answer).toContain('有效期为2年');
  });

  it('says the library holds nothing about a place no document mentions', async () => {
    const response = await ask(notices, '江岚市养犬登记证有效期多久？');
    expect(response.answered).toBe(false);
    expect(response.answer).toContain('江岚市');
    expect(response.citations).toEqual([]);
  });

  it('refuses a question whose topic the corpus never mentions, even when a place matches', async () => {
    const response = await ask(notices, '东陵市现行的住房限购政策是怎么规定的？');
    expect(response.answered).toBe(false);
    expect(response.citations).toEqual([]);
  });

  it('answers each part of a two-part question about a rule', async () => {
    const response = await ask(notices, '东陵市未经登记养犬罚多少钱？登记证到期前多久要办延续？');
    expect(response.answer).toContain('500元以上1000元以下罚款');
    expect(response.answer).toContain('期满前30日内');
  });
});

describe('places', () => {
  let rangers: RagService;

  beforeAll(async () => {
    rangers = await serviceOverFiles(
      'rangers',
      {
        'qinglan-rangers.txt': `青岚县生态护林员管理办法

第三条 聘用的生态护林员负责日常巡护，每人每月发放劳务补助800元。
第四条 劳务补助按月发放。
`,
        'gansu-cooperation.txt': `甘肃省关于深化区域协作的实施意见

一、深化东西部协作
（一）深化帮扶协作机制。完善与东部对口帮扶城市协作机制,每年安排对口帮扶资金3亿元,共建产业园区。围绕特色农业、文化旅游、劳务协作等领域,推动东部企业到本省投资兴业,支持帮扶城市在本省设立农特产品展销中心。健全劳务供需对接机制,完善劳务就业岗位数据库,每年组织劳务输出不少于10万人次。
（二）深化人才交流。每年选派200名干部到东部帮扶城市挂职锻炼,引进东部地区教育、医疗、科技等领域专业人才,建立人才柔性流动机制,推动东西部人才双向交流常态化。
（三）深化产业协作。支持东部企业以投资、技术、品牌、市场等方式参与本省特色产业发展,共建飞地园区和产业转移承接基地,完善利益分享机制,引导东部地区劳动密集型产业有序向本省转移,推动本省农产品进入东部地区市场和商超体系,拓展消费帮扶渠道,提升协作实效。
二、加强毗邻省份合作
（一）深化与宁夏合作。推动银川至兰州高铁建设,共建跨省旅游环线。加强黄河流域生态保护协作,联合开展水土流失综合治理,建立跨省流域横向生态补偿机制。推动两省区能源合作,共建新能源基地和跨省输电通道。
（二）深化与四川合作。推动兰州至成都铁路建设,加强大熊猫国家公园协同保护,共建川甘毗邻地区文化旅游协作区,加强两省在农牧业、中医药等领域合作,联合开展跨区域招商引资活动,推动毗邻地区公共服务互联互通,逐步实现医保异地结算、社保关系转移接续和政务服务跨省通办。
三、保障措施
（一）加强组织领导。建立省级区域协作工作联席会议制度,定期研究解决协作中的重大问题,各市州明确牵头部门和责任人,形成上下联动、部门协同的工作格局。
（二）强化督促检查。将区域协作工作纳入年度目标考核,定期通报工作进展,对工作成效突出的地方和单位给予表扬。
`,
      },
      cleanups,
    );
  });

  // The plan is about 甘肃省; 宁夏 stands only in its own clause, so the eastern cities' funds are not 宁夏's.
  it('does not answer about a second place from a clause that does not name it', async () => {
    const response = await ask(rangers, '宁夏每年对口帮扶甘肃省的资金有多少？');
    expect(response.answer).not.toContain('3亿元');
    const own = await ask(rangers, '甘肃省每年安排多少对口帮扶资金？');
    expect(own.answer).toContain('每年安排对口帮扶资金3亿元');
  });

  // The segmenter tags 下山 as a place name; it is not one, so it does not hold the answer to a place.
  it('answers a question with a word the segmenter takes for a place name', async () => {
    const response = await ask(rangers, '下山巡护的护林员每月补助多少钱？');
    expect(response.answered).toBe(true);
    expect(response.answer).toContain('每人每月发放劳务补助800元');
  });
});

describe('questions asking how much', () => {
  let rules: RagService;

  beforeAll(async () => {
    rules = await serviceOverFiles(
      'how-much',
      {
        'xiling-enrolment.txt': `西陵市职业院校招生办法

第二十一条 招生时，对退役士兵考生给予适当照顾，具体办法另行制定。
第二十二条 报名费按照每人每科30元收取。
`,
        'xiling-taxi.txt': `西陵市出租汽车营运证管理办法

第八条 车龄不满5年的车辆，其营运证每2年审验1次；车龄在5年以上的出租汽车，其营运证每年审验1次。审验由原发证机关办理。
`,
        'xiling-vessels.txt': `西陵市车船管理费征收办法

第五条 车船管理费的年费额如下：
(一)客车，每辆200元；
(二)货车，每辆300元；
(三)摩托车，每辆50元。
第九条 新能源车船按照本办法第五条规定的年费额减半征收车船管理费。
`,
        'xiling-share.txt': `西陵市区域合作办法

第一条 省内市州、县区之间开展合作，应当坚持互利共赢、依法合规。
第二条 各市(州)联合招引落户的企业，产生的税收按照4:6比例分成。
`,
        'xiling-ambulance.txt': `西陵市急救车辆通行管理规定

第十五条 救护车执行急救任务鸣笛通行时，其他车辆应当让行，不得抢行。
第二十一条 机动车驾驶人遇救护车执行急救任务鸣笛通行时不让行的，由公安机关交通管理部门处200元罚款。
第二十二条 救护车驾驶人未按照规定取得急救驾驶资格的，由卫生健康主管部门处1000元以上2000元以下罚款。
第二十三条 急救中心未按照规定配备随车医护人员的，由卫生健康主管部门责令改正；情节严重的，处5万元以上10万元以下罚款。
`,
        'xiling-park.txt': `西陵市产业园区建设情况通报

统筹规划物流园、会展中心、西陵软件园等三类平台布局,联动周边12个县区协同发展。建成西陵软件园,入驻软件研发企业60余家,吸纳就业3000余人。
`,
        'xiling-park-tickets.txt': `西陵市公园门票管理办法

第六条 门票按照下列标准收取：
（一）个人门票每人每次20元。
（二）团体门票按照下列标准收取：
1．学生团体每人10元。团体人数超过50人的，超出部分每人5元；持证教师免票。
2．老年团体每人8元。
`,
        'xiling-land.txt': `西陵市土地管理费征收办法

第九条 新征用的土地，依照下列规定缴纳土地管理费：
(一)征用的林地，自批准征用之日起满2年时开始缴纳；
(二)征用的非林地，自批准征用次月起缴纳。
`,
      },
      cleanups,
    );
  });

  // "第二十一条" numbers the article; it is no figure, so it cannot answer "加多少分".
  it('refuses when only an article number stands where the figure should be', async () => {
    const response = await ask(rules, '退役士兵考生招生时能加多少分？');
    expect(response.answered).toBe(false);
  });

  it('still answers the figure the clause does hold', async () => {
    const response = await ask(rules, '报名费每科收多少钱？');
    expect(response.answer).toContain('每人每科30元');
  });

  // "60余家" (more than 60) is a count as much as "60家" is.
  it('reads a count said with 余 or 多 ("60余家") as the figure asked for', async () => {
    const response = await ask(rules, '西陵软件园入驻了多少家软件企业？');
    expect(response.answer).toContain('入驻软件研发企业60余家');
    for (const text of ['连续举办10余年', '惠及居民2300余户', '培训20多次']) expect(holdsNumber(text)).toBe(true);
  });

  // A numbered item is one unit: the rest of its line qualifies the figure its first sentence gives.
  it('answers with the whole of a short numbered item, not its first sentence alone', async () => {
    const response = await ask(rules, '学生团体买公园门票要多少钱？');
    expect(response.answer).toContain('学生团体每人10元');
    expect(response.answer).toContain('超出部分每人5元');
  });

  it('answers a further question with its own sentence when the first one is taken', async () => {
    const response = await ask(rules, '新征用的林地，从什么时候开始缴纳土地管理费？如果征用的不是林地，又从什么时候开始缴纳？');
    expect(response.answer).toContain('自批准征用之日起满2年时开始缴纳');
    expect(response.answer).toContain('自批准征用次月起缴纳');
  });

  // Everyday verbs the regulation never uses (停下来, 开过去) tell the situation; the topic words answer.
  it('answers a question told in everyday verbs the regulation never uses', async () => {
    const response = await ask(rules, '路上碰到救护车鸣笛从后面追上来，我赶时间没停下来直接开过去了，会被罚多少钱？');
    expect(response.answered).toBe(true);
    expect(response.answer).toContain('处200元罚款');
  });

  it('answers with every case of a rule that states one per case', async () => {
    const response = await ask(rules, '车龄在5年以上的出租汽车，营运证多久审验一次？');
    expect(response.answer).toContain('车龄不满5年的车辆，其营运证每2年审验1次');
    expect(response.answer).toContain('车龄在5年以上的出租汽车，其营运证每年审验1次');
  });

  it('answers "按类别" with the list the rule points at ("按照本办法第五条规定的年费额减半"), the pointing rule kept', async () => {
    const response = await ask(rules, '新能源车船的车船管理费是怎么按类别收的？');
    expect(response.answer).toContain('(一)客车，每辆200元；');
    expect(response.answer).toContain('(三)摩托车，每辆50元。');
    expect(response.answer).toContain('减半征收');
  });

  it('reads "市(州)" in a clause as the 市州 a question says', async () => {
    const response = await ask(rules, '省内市州之间联合招商，税收怎么分成？');
    expect(response.answer).toContain('产生的税收按照4:6比例分成');
    const clause = (await scoredFor(rules, '市州联合招商的税收')).find((sentence) => sentence.text.startsWith('第二条 各市(州)'));
    expect(clause?.matchedTerms).toBe(3);
  });
});

describe('figures in days', () => {
  let rules: RagService;

  beforeAll(async () => {
    rules = await serviceOverFiles(
      'days',
      {
        'xiling-netbars.txt': `西陵市上网服务场所管理办法

第十一条 上网服务场所应当在营业场所显著位置悬挂营业执照和经营许可证。
第十二条 上网服务场所应当对上网消费者的身份证进行核对、登记，登记内容和上网记录保存90日。
第十三条 上网服务场所不得接纳未成年人进入营业场所。
第十四条 上网服务场所应当组织从业人员参加安全培训。从业人员每年参加安全培训不少于40学时。
第十五条 设立上网服务场所，应当向县级人民政府文化主管部门提出申请。
第十六条 上网服务场所应当建立巡查制度，发现违法行为的，应当及时制止并向文化主管部门报告。
第十七条 文化主管部门应当自收到设立申请之日起20个工作日内作出批准或者不批准的决定。
`,

      },
      cleanups,
    );
  });

  it('reads school hours as a figure ("不少于40学时")', async () => {
    const response = await ask(rules, '网吧从业人员每年要参加多长时间的培训？');
    expect(response.answered).toBe(true);
    expect(response.answer).toContain('40学时');
  });

  it('answers a second question with one word of its own ("多久给回复？") from the document answering the first', async () => {
    const response = await ask(rules, '开网吧要向哪个部门申请？多久给回复？');
    expect(response.answer).toContain('县级人民政府文化主管部门');
    expect(response.answer).toContain('20个工作日内');
  });

  it('reads "90日" in "上网记录保存90日" as the figure a "多少天" question asks for', async () => {
    const response = await ask(rules, '网吧的上网登记记录要留存多少天？');
    expect(response.answered).toBe(true);
    expect(response.answer).toContain('上网记录保存90日');
  });
});

describe('requirements of an age, and lists asked the same of each item', () => {
  let rules: RagService;

  beforeAll(async () => {
    rules = await serviceOverFiles(
      'items',
      {
        'xiling-fishing-crews.txt': `西陵市渔船船员管理办法

第四条 渔船船员上船工作，应当遵守作业安全要求和值班要求。
第五条 申请渔船船员证书，应当具备下列条件：
（一）年满18周岁且不超过60周岁；
（二）身体健康，符合船员任职岗位健康要求；
（三）经过渔业船员基本安全培训。
第六条 渔船船员用人单位不得招用未取得渔船船员证书的人员上船工作。
`,
        'xiling-roads.txt': `西陵市农村公路管理办法

第六条 道路两侧建筑控制区的宽度，从道路用地外缘起计算，标准为：
（一）县道不少于10米；
（二）乡道不少于5米；
（三）村道不少于3米。
属于旅游公路的，道路两侧建筑控制区的宽度不少于15米。
`,
        'xiling-swimming.txt': `西陵市游泳场所管理办法

第八条 游泳场所应当配备救生员，救生员应当经过专业培训。
第九条 游泳场所应当每日检测池水水质，水质检测记录保存2年备查。
`,
        'xiling-pesticides.txt': `西陵市农药经营管理办法

第十条 农药经营者应当建立销售台账，如实记录销售农药的名称、数量和购买人。
第十一条 农药经营者应当向购买人说明农药的用途和使用方法。
`,
      },
      cleanups,
    );
  });

  it('answers "有什么年龄要求" with the clause stating the age, its list opener straight before the items', async () => {
    const response = await ask(rules, '想上渔船当船员，有什么年龄要求？');
    expect(response.answered).toBe(true);
    expect(response.answer).toContain('年满18周岁');
    expect(response.answer.indexOf('应当具备下列条件')).toBeLessThan(response.answer.indexOf('年满18周岁'));
    expect(response.answer.slice(response.answer.indexOf('应当具备下列条件'), response.answer.indexOf('年满18周岁'))).not.toContain('第');
    // The item stating the age covers the question's 年龄, though it never says the word.
    const { index } = rules;
    const analysis = analyseQuestion([{ role: 'user', content: '想上渔船当船员，有什么年龄要求？' }], { analyzer: index.analyzer });
    const { results } = await retrieveClauses({ analysis, index });
    const scored = scoreSentences({ question: scoringQuestion(analysis), results, index });
    const age = scored.find((sentence) => sentence.text.includes('年满18周岁'));
    const withoutAge = scoreSentences({ question: { ...scoringQuestion(analysis), focusTokens: scoringQuestion(analysis).focusTokens.filter((token) => token !== '年龄') }, results, index });
    expect(age!.coverage).toBeGreaterThan(withoutAge.find((sentence) => sentence.text.includes('年满18周岁'))!.coverage);
  });

  it('answers each item of a list that follows its topic ("…的宽度，县道、乡道分别是多少？") with its own item', async () => {
    const response = await ask(rules, '道路两侧建筑控制区的宽度，县道、乡道、村道分别是多少？');
    const section = (name: string) => response.answer.slice(response.answer.indexOf(`#### ${name}`)).split('####')[1] ?? '';
    expect(section('县道')).toContain('县道不少于10米');
    expect(section('乡道')).toContain('乡道不少于5米');
    expect(section('村道')).toContain('村道不少于3米');
    expect(section('乡道')).not.toContain('15米');
  });

  it('does not answer one item of a list with a clause found for another', async () => {
    const response = await ask(rules, '游泳场所的水质检测、农药经营的销售台账，记录分别要保存多久？');
    const pesticides = response.answer.slice(response.answer.indexOf('农药经营'));
    expect(response.answer).toContain('保存2年');
    expect(pesticides).not.toContain('保存2年');
  });
});

describe('question words the documents use only in part', () => {
  let rules: RagService;

  beforeAll(async () => {
    rules = await serviceOverFiles(
      'compounds',
      {
        'xiling-markets.txt': `西陵市集贸市场管理办法

第五条 市场开办者应当在市场内显著位置设置公平秤，公平秤每季度校验一次。
第六条 市场经营者应当明码标价，不得哄抬价格。
第七条 市场开办者应当建立消防安全制度，配备消防器材。
第八条 市场内每个固定摊位的面积不得少于4平方米。
第九条 江都都市圈内的集贸市场实行统一的公平秤校验制度。
`,
        'xiling-rivers.txt': `西陵市河道管理办法

第八条 河道管理范围由县级以上人民政府划定并公告。河道堤防外侧的护堤地宽度为：
（一）一级堤防不少于30米；
（二）二级堤防不少于20米；
（三）其他堤防不少于10米。
第九条 在河道管理范围内建设跨河桥梁的，桥墩与堤防外侧护堤地边线的距离不少于5米。
`,
        'xiling-rentals.txt': `西陵市公共租赁住房配租公告（2024年第一批）

本批次共筹集公共租赁住房房源800套，户型建筑面积为40至60平方米。
申请家庭人均月收入应当低于3000元，人均住房建筑面积低于15平方米。
`,
        'xiling-parking.txt': `西陵市停车场管理办法

第三条 停车场经营者应当在入口处公示收费标准和投诉电话。
第四条 停车场经营者应当定期检查消防设施，保证其完好有效。
`,
      },
      cleanups,
    );
  });

  it('reads an item of an enumeration with the sentence opening it', async () => {
    const response = await ask(rules, '一级堤防外侧的护堤地宽度是多少？');
    expect(response.answered).toBe(true);
    // The item answers, after the sentence saying what it is of; not the rule of another article.
    expect(response.answer).toMatch(/护堤地宽度为：(?:\[1\])?\s*（一）一级堤防不少于30米；\[\d\]/);
    expect(response.answer).not.toContain('桥墩');
  });

  it('does not answer a question asking for a ceiling with a floor, nor the reverse', async () => {
    const floor = await ask(rules, '集贸市场的固定摊位面积至少要多大？');
    expect(floor.answered).toBe(true);
    expect(floor.answer).toContain('不得少于4平方米');
    const ceiling = await ask(rules, '集贸市场的固定摊位面积最大可以是多少？');
    expect(ceiling.answered).toBe(false);
  });

  it('never answers with a document\'s title line', async () => {
    const response = await ask(rules, '西陵市公共租赁住房配租对家庭收入有什么要求？');
    expect(response.answer).toContain('人均月收入应当低于3000元');
    expect(response.answer).not.toContain('配租公告');
  });

  it('matches a compound no document uses ("菜市场") by the words inside it the documents do use', async () => {
    const response = await ask(rules, '菜市场里的公平秤多久要校验一次？');
    expect(response.answered).toBe(true);
    expect(response.answer).toContain('每季度校验一次');
    const { index } = rules;
    const analysis = analyseQuestion([{ role: 'user', content: '菜市场的消防有什么规定？' }], { analyzer: index.analyzer });
    const { results } = await retrieveClauses({ analysis, index });
    const scored = scoreSentences({ question: scoringQuestion(analysis), results, index });
    const market = scored.find((sentence) => sentence.text.startsWith('第七条'))!;
    const parking = scored.find((sentence) => sentence.text.startsWith('第四条'))!;
    // A place's name is not split: 江都都市圈 says neither the city nor its city proper.
    expect(termsOf('江都市', index)).toEqual(['江都市']);
    expect(termsOf('菜市场', index)).toEqual(expect.arrayContaining(['市场']));
    // 市场 and 消防 are both said in the market's clause: it covers the question as fully as if it said 菜市场.
    expect(market.coverage).toBeGreaterThan(0.9);
    expect(parking.coverage).toBeLessThan(market.coverage);
  });
});

describe('questions asking for the rest of a list', () => {
  let rules: RagService;

  beforeAll(async () => {
    rules = await serviceOverFiles(
      'besides',
      {
        'xiling-courage.txt': `西陵市见义勇为人员生活补助办法

第四条 见义勇为人员因伤致残、丧失劳动能力的，按月发放生活补助，补助标准为每月800元。
第五条 领取生活补助期间有下列情形之一的，停止发放生活补助：
（一）户籍迁出本市的；
（二）被判处刑罚的；
（三）本人书面申请放弃的。
第六条 户籍迁出本市后又迁回的，可以重新申请生活补助，补助期限重新计算。
`,
      },
      cleanups,
    );
  });

  it('answers "除了X，还有哪些…" with the list X is an item of', async () => {
    const response = await ask(rules, '除了户籍迁出本市，还有哪些情况会停发生活补助？');
    expect(response.answer).toContain('被判处刑罚的');
    expect(response.answer).toContain('本人书面申请放弃的');
  });
});

describe('a site dictionary that glues the question word for a body to its verb', () => {
  let rules: RagService;

  beforeAll(async () => {
    const folder = await temporaryFolder('glued');
    cleanups.push(folder.remove);
    await writeCorpus(folder.path, {
      'xiling-sand.txt': `西陵市河道采砂管理办法

第三条 有关部门负责河道采砂许可证的监督检查。
第四条 县级以上人民政府水务局负责河道采砂许可证的核发。
`,
    });
    await writeFile(join(folder.path, 'user-dict.txt'), '部门负责 50000 v\n');
    const index = await ingestToTemporaryIndex(folder.path);
    cleanups.push(index.remove);
    rules = await openTestService({ corpusDir: folder.path, indexDir: index.indexDir, env: { USER_DICT_FILE: join(folder.path, 'user-dict.txt') } });
  });

  it('reads "由哪个部门负责" (segmented 部门负责) as asking for the body responsible, said "水务局负责"', async () => {
    expect(rules.index.analyzer.words('由哪个部门负责核发？')).toContain('部门负责');
    const response = await ask(rules, '河道采砂许可证由哪个部门负责核发？');
    expect(response.answer).toContain('水务局负责河道采砂许可证的核发');
    // It is the best sentence, above the one that repeats 部门负责 about another duty.
    expect((await scoredFor(rules, '河道采砂许可证由哪个部门负责核发？'))[0].text).toContain('水务局负责');
  });
});

describe('questions asking which year', () => {
  let rules: RagService;

  beforeAll(async () => {
    rules = await serviceOverFiles(
      'which-year',
      {
        'xiling-boats.txt': `西陵市游船管理办法

第五条 游船经营者应当为游船办理登记，登记有效期为2年。
第六条 新建游船码头免征码头使用费，具体办法由市交通运输主管部门制定。
`,
        'xiling-parks.txt': `西陵市公园建设规划

到2030年，全市建成各类公园300个，实现市民出门500米见园。
`,
      },
      cleanups,
    );
  });

  it('declines when no clause it finds names a year', async () => {
    const response = await ask(rules, '新建游船码头不收使用费的规定到哪年截止？');
    expect(response.answered).toBe(false);
  });

  it('answers from the clause naming the year', async () => {
    const response = await ask(rules, '全市建成300个公园的目标定在哪一年？');
    expect(response.answered).toBe(true);
    expect(response.answer).toContain('到2030年');
  });
});

describe('figures the asker states about their own case', () => {
  let rules: RagService;

  beforeAll(async () => {
    rules = await serviceOverFiles(
      'stated-figures',
      {
        'xiling-swimming.txt': `西陵市游泳场所管理办法

第一条 为加强游泳场所管理，保障游泳者安全，制定本办法。
第二条 游泳场所应当配备持证救生员，并在显著位置公示开放时间和水质检测结果。
第三条 游泳场所不得超过核定人数接待游泳者，深水区应当设置明显标志。
第四条 未满12周岁的未成年人进入游泳场所，应当由其监护人陪同。
第五条 游泳场所经营者应当为游泳者办理意外伤害保险。
`,
      },
      cleanups,
    );
  });

  it('finds the clause whose threshold decides the figure the question gives ("九岁" against "未满12周岁")', async () => {
    const response = await ask(rules, '我女儿今年九岁，想自己一个人去游泳馆游泳，场所会让她进去吗？');
    expect(response.answered).toBe(true);
    expect(response.citations[0]?.quote).toContain('未满12周岁');
  });
});

describe('questions asking what counts as something', () => {
  let rules: RagService;

  beforeAll(async () => {
    rules = await serviceOverFiles(
      'definitions',
      {
        'xiling-wells.txt': `西陵市古井保护办法

第一条 为加强古井保护，传承历史文化，制定本办法。
第二条 本办法所称古井，是指开凿年代在80年以上、井体结构基本完整的水井。
第三条 县级以上人民政府文物主管部门负责本行政区域内古井的保护管理工作。
第四条 古井实行分级保护。开凿年代在300年以上的，实行一级保护；开凿年代在150年以上不满300年的，实行二级保护。
第五条 任何单位和个人不得填埋、损毁古井，不得向古井倾倒垃圾。
第六条 在古井保护范围内进行建设的，建设单位应当事先征求文物主管部门的意见。
第七条 古井的日常养护由其所在地的村民委员会或者居民委员会负责。
第八条 对保护古井作出显著成绩的单位和个人，给予表彰和奖励。
第九条 违反本办法第五条规定的，由文物主管部门责令改正，处500元以上2000元以下罚款。
`,
      },
      cleanups,
    );
  });

  it('reads the term asked about, and no term from a question on whether something is lawful', () => {
    const matches = (question: string, text: string) => definitionPattern(question)?.test(text) ?? false;
    expect(matches('这口井打了多少年才算古井？', '本办法所称古井，是指开凿年代在80年以上的水井。')).toBe(true);
    expect(matches('路上扶起摔倒的老人算不算见义勇为？', '有下列行为之一的，认定为见义勇为：')).toBe(true);
    expect(matches('什么是预付卡？', '预付卡，是指发卡人以盈利为目的发行的卡。')).toBe(true);
    expect(matches('这口井打了多少年才算古井？', '古井的日常养护由村民委员会负责。')).toBe(false);
    expect(definitionPattern('公司这样做算不算违法？')).toBeUndefined();
    expect(definitionPattern('古井保护由哪个部门负责？')).toBeUndefined();
  });

  it('answers "…才算X" from the clause that defines X, though it repeats little of the story', async () => {
    const response = await ask(rules, '邻居想把巷子里那口老水井填了盖房，什么样的井才算古井？');
    expect(response.answered).toBe(true);
    expect(response.citations[0]?.quote).toContain('本办法所称古井，是指开凿年代在80年以上');
  });
});

describe('a thing named by its number', () => {
  let news: RagService;

  beforeAll(async () => {
    news = await serviceOverFiles(
      'numbered',
      {
        'xiling-metro.txt': `西陵地铁2号线下月试运营

西陵市交通运输局发布消息，地铁2号线将于9月30日起试运营，首班车6时发出。2号线全长18.4公里，设车站14座，票价2元起。
`,
        'xiling-expo.txt': `第五届西陵茶博会开幕

第五届西陵茶叶博览会于5月18日在西陵国际会展中心开幕，展期4天，设标准展位1200个。
`,
      },
      cleanups,
    );
  });

  it('answers about the line, session or batch the question names', async () => {
    expect((await ask(news, '西陵地铁2号线什么时候试运营？')).answer).toContain('9月30日');
    expect((await ask(news, '第五届西陵茶博会什么时候开幕？')).answer).toContain('5月18日');
  });

  it('declines when the documents speak only of another one', async () => {
    expect((await ask(news, '西陵地铁1号线什么时候试运营？')).answered).toBe(false);
    expect((await ask(news, '第四届西陵茶博会什么时候开幕？')).answered).toBe(false);
  });
});

describe('the length of time a rule sets', () => {
  let stalls: RagService;

  beforeAll(async () => {
    stalls = await serviceOverFiles(
      'stalls',
      {
        'xiling-stalls.txt': `西陵市街面秩序管理办法

第五条 在街面设置临时摊位的，由街道办事处审批，期限一般不超过六个月；
第六条 临时摊位撤除后，摊主应当在十日内清理场地，恢复原状。
`,
      },
      cleanups,
    );
  });

  // "多久" asks for the 期限 of the thing, which a rule states with its own noun, not the question's words.
  it('answers "能…多久" with the term the rule sets, ranked above another deadline near it', async () => {
    const response = await ask(stalls, '临时摊位一般可以摆多久？');
    expect(response.answer).toContain('期限一般不超过六个月');
    const [best] = await scoredFor(stalls, '临时摊位一般可以摆多久？');
    expect(best.text).toContain('期限一般不超过六个月');
  });
});

describe('a thing the question describes by the words of a definition', () => {
  let care: RagService;

  beforeAll(async () => {
    care = await serviceOverFiles(
      'defined-terms',
      {
        'xiling-care.txt': `西陵市养老服务条例

第三条 本条例所称社区养老服务站，是指街道办事处设立的为老年人提供日间照料的服务场所。
第十条 社区养老服务站提供下列服务，不得收费：
（一）健康咨询；
（二）文体活动组织；
（三）养老政策宣传。
第十一条 养老机构应当建立入住评估制度。
`,
      },
      cleanups,
    );
  });

  // The question never says 社区养老服务站; it says what the regulation defines the term as.
  it('answers from the clause using the defined term, not from the definition', async () => {
    const response = await ask(care, '街道办事处设立的老年人日间照料场所，哪些服务不得收费？');
    expect(response.answer).toContain('社区养老服务站提供下列服务，不得收费');
    expect(response.answer).toContain('文体活动组织');
  });
});

describe('parallel clauses of one document (levels, brackets)', () => {
  let trees: RagService;

  beforeAll(async () => {
    trees = await serviceOverFiles(
      'parallel-items',
      {
        'xiling-trees.txt': `西陵市古树名木保护办法

第四条 古树名木分为下列三级：
（一）一级古树名木，是指树龄在五百年以上或者具有重要历史文化价值、纪念意义的古树名木，其名录由市人民政府林业主管部门确定、公布;
（二）二级古树名木，是指树龄在三百年以上不满五百年或者具有较高历史文化价值、纪念意义的古树名木，其名录由区人民政府林业主管部门确定、公布;
（三）三级古树名木，是指一级古树名木和二级古树名木以外的其他古树名木。
第五条 古树名木的养护责任人应当按照养护技术规范进行日常养护。
`,
        'xiling-water.txt': `西陵市水资源费征收办法

第六条 水资源费按照取水量分段累进征收。
年取水量未超过1万立方米的部分，费率为每立方米0.1元。
年取水量超过1万立方米、未超过5万立方米的部分，费率为每立方米0.2元。
年取水量超过5万立方米、未超过10万立方米的部分，费率为每立方米0.3元。
年取水量超过10万立方米的部分，费率为每立方米0.5元。
`,
      },
      cleanups,
    );
  });

  it('shows every bracket of a rate table, however many, not the first three', async () => {
    const response = await ask(trees, '每年取水量不同，水资源费的费率是多少？');
    for (const rate of ['0.1元', '0.2元', '0.3元', '0.5元']) expect(response.answer).toContain(`费率为每立方米${rate}`);
  });

  // The two items say nearly the same words; each is a rule of its own, not a repeat of the other.
  it('answers the second part of a question from the parallel item it asks about', async () => {
    const response = await ask(trees, '一级古树名木的名录由哪个部门确定公布？二级的呢？');
    expect(response.answer).toContain('由市人民政府林业主管部门确定、公布');
    expect(response.answer).toContain('由区人民政府林业主管部门确定、公布');
  });
});

describe('a second list beside the one an answer stands on', () => {
  let bravery: RagService;

  beforeAll(async () => {
    bravery = await serviceOverFiles(
      'second-list',
      {
        'xiling-bravery.txt': `西陵市见义勇为人员奖励和保护办法

第五条 公民有下列情形之一的，视同见义勇为：
（一）在抢险救灾中突发疾病死亡或者经抢救无效死亡的；
（二）在维护公共利益活动中受到伤害的；
（三）原在部队服役，到本市后旧伤复发的。
第六条 公民有下列情形之一的，应当认定为见义勇为：
（一）制止正在进行的违法犯罪行为的；
（二）在上学放学途中，救助落水儿童的；
（三）协助公安机关抓获犯罪嫌疑人的。
第九条 见义勇为人员所在单位应当自行为发生之日起30日内提出确认申请。
`,
      },
      cleanups,
    );
  });

  // "第六条 …应当认定为见义勇为：" alone says nothing; its item on the asker's case does.
  it('brings the item of the second list that speaks to the question, not its opening sentence alone', async () => {
    const response = await ask(bravery, '孩子在上学放学路上救了落水儿童，或者在抢险救灾中突发疾病，能不能算见义勇为？单位申请确认有什么时限？');
    expect(response.answer).toContain('应当认定为见义勇为');
    expect(response.answer).toContain('在上学放学途中，救助落水儿童的');
    expect(response.answer).not.toContain('协助公安机关抓获犯罪嫌疑人');
    expect(response.answer).toContain('30日内提出确认申请');
  });
});

describe('a question asking for a person by title', () => {
  let news: RagService;

  beforeAll(async () => {
    news = await serviceOverFiles(
      'person-title',
      {
        'xiling-forest-news.txt': `西陵市召开春季森林防火工作会议

3月5日，西陵市林业局召开春季森林防火工作会议。市林业局局长郑远山在会上指出，要严格落实野外用火审批制度，加强重点时段巡护。
会议要求，各区县要在清明节前完成防火隔离带建设。
`,
        'xiling-water-news.txt': `西陵市水务局解读节水新规

本报邀请市水务局相关负责人，对《西陵市节约用水管理办法》进行解读。市水务局节水管理科科长葛晓岚表示，新办法施行前已签订的取水合同继续有效。
`,
      },
      cleanups,
    );
  });

  it('answers "…的局长是谁" with the sentence naming the director, not the one about the meeting', async () => {
    const response = await ask(news, '在西陵春季森林防火工作会议上讲话的林业局局长是谁？');
    expect(response.answer).toContain('局长郑远山');
    expect(response.answer).not.toContain('召开春季森林防火工作会议');
  });

  it('takes any office for "负责人" (the person in charge)', async () => {
    const response = await ask(news, '解读西陵节水新规的水务部门负责人是谁？');
    expect(response.answer).toContain('科长葛晓岚');
  });
});

describe('a message whose second question turns to a topic of its own', () => {
  let archives: RagService;

  beforeAll(async () => {
    archives = await serviceOverFiles(
      'own-topic-part',
      {
        'xiling-archives.txt': `西陵市机关档案管理办法

第十条 机关的文书档案、会计档案等重要档案应当保存30年。
第十一条 保存期满的文书档案、会计档案等重要档案，经市档案局局长批准，可以在报告后2个月内销毁。
第十五条 机关新设内设机构的，应当自设立之日起20日内向市档案局书面备案。
`,
      },
      cleanups,
    );
  });

  // "另外，…" asks something else: the first question's words do not choose its answer.
  it('answers the second question from its own clause, not one repeating the first question\'s words', async () => {
    const response = await ask(archives, '文书档案、会计档案这些重要档案要保存多少年？另外，机关新设了内设机构要在多长时间内向档案局备案？');
    expect(response.answer).toContain('应当保存30年');
    expect(response.answer).toContain('自设立之日起20日内向市档案局书面备案');
  });

  it('does not count the first question\'s words toward a second question with words of its own', async () => {
    const { index } = archives;
    const analysis = analyseQuestion([{ role: 'user', content: '文书档案、会计档案这些重要档案要保存多少年？另外，机关新成立科室要在多长时间内向档案局说明？' }], { analyzer: index.analyzer });
    const { results } = await retrieveClauses({ analysis, index });
    const scored = scoreSentences({ question: scoringQuestion(analysis, analysis.parts[1]), results, index });
    const first = scored.find((sentence) => sentence.text.includes('应当保存30年'));
    expect(scored[0].text).toContain('自设立之日起20日内');
    expect(first?.coverage ?? 0).toBeLessThan(0.15);
  });
});

describe('a question asking which month', () => {
  let campaign: RagService;

  beforeAll(async () => {
    campaign = await serviceOverFiles(
      'which-month',
      {
        'xiling-campaign.txt': `西陵市燃气安全专项整治工作方案

三、时间安排
（一）企业自查阶段（2025年5月）：各燃气经营企业对照整治内容全面开展自查。
（二）集中整治阶段（2025年6月至8月）：各区对自查发现的问题逐项督促整改。
四、工作要求
入户安检覆盖率不低于95%，隐患整改率达到100%。
`,
      },
      cleanups,
    );
  });

  // "几月份" asks for a date: the phase's month answers it, not the sentence with the most figures.
  it('answers "在几月份" with the month, though no figure in it is a count', async () => {
    const response = await ask(campaign, '西陵燃气安全专项整治的企业自查在几月份？');
    expect(response.answer).toContain('企业自查阶段（2025年5月）');
  });
});

describe('a list the answering article opens further on', () => {
  let rules: RagService;

  beforeAll(async () => {
    rules = await serviceOverFiles(
      'clause-list',
      {
        'xiling-complaints.txt': `西陵市物业服务投诉处理办法

第八条 业主认为物业服务企业的收费违反合同约定的，可以向街道办事处提交书面投诉，要求物业服务企业退还多收的费用。投诉书应当载明下列事项：
（一）投诉人的姓名、住址和联系电话；
（二）被投诉的物业服务企业名称；
（三）多收费用的金额和依据。
第九条 街道办事处应当自收到投诉书之日起10日内作出处理决定，并书面告知投诉人。
第十二条 物业服务企业具备下列条件的，可以评为诚信企业：
（一）一年内无有效投诉；
（二）按时公示收费项目和标准；
（三）退还多收费用后向业主书面说明。
`,
      },
      cleanups,
    );
  });

  // The items are the list the answering clause opens ("…应当载明下列事项："), not another article's
  // list that has one item sharing the question's words.
  it('lists the items of the clause that answers, though the opener shares few of the question\'s words', async () => {
    const response = await ask(rules, '物业多收了我的钱，我要向街道写书面投诉让他们退钱，投诉书里要写哪些东西？');
    expect(response.answer).toContain('投诉书应当载明下列事项');
    expect(response.answer).toContain('投诉人的姓名、住址和联系电话');
    expect(response.answer).toContain('多收费用的金额和依据');
    expect(response.answer).not.toContain('一年内无有效投诉');
  });
});

describe('what a question says short and the text spells out', () => {
  let rules: RagService;

  beforeAll(async () => {
    rules = await serviceOverFiles(
      'abbreviated-names',
      {
        'xiling-dog-keeping.txt': `西陵市养犬管理规定

第六条 饲养人应当自取得犬只之日起15日内到公安派出所办理养犬登记。
第七条 饲养人应当自取得犬只之日起30日内向社区居民委员会报告。
第九条 犬只死亡的，饲养人应当在7日内注销登记。
`,
      },
      cleanups,
    );
  });

  // 居委会 is 居民委员会 said short: the clause naming that office answers, not the other deadline.
  it('matches a short form of a name by the first characters of its words', async () => {
    const response = await ask(rules, '饲养犬只多少天内要去居委会？');
    expect(response.answer).toContain('30日内向社区居民委员会报告');
    expect(response.answer).not.toContain('15日内');
  });
});

describe('the polarity of what is asked', () => {
  let rules: RagService;

  beforeAll(async () => {
    rules = await serviceOverFiles(
      'question-polarity',
      {
        'xiling-morning-market.txt': `西陵市早市摊位管理办法

第五条 有下列情形之一的，早市摊主不需要办理摊位变更手续：
（一）调整摊位内的货架位置；
（二）更换遮阳棚颜色。
第六条 有下列情形之一的，早市摊主应当办理摊位变更手续：
（一）变更经营品种；
（二）扩大摊位面积。
第八条 早市摊位不得转借；经市场服务中心批准的，可以转借早市摊位。
`,
      },
      cleanups,
    );
  });

  // "…吗？" states nothing: a prohibition answers it as well as a permission would, so the two score
  // alike; a question stated in the positive ("哪些情形可以…") scores the prohibition lower.
  it('scores a prohibition and a permission alike for a yes-or-no question', async () => {
    const scores = async (question: string) => {
      const scored = await scoredFor(rules, question);
      const of = (text: string) => scored.find((sentence) => sentence.text.includes(text))?.score ?? Number.NaN;
      return { prohibition: of('早市摊位不得转借'), permission: of('可以转借早市摊位') };
    };
    const yesNo = await scores('早市摊位能转借吗？');
    expect(yesNo.prohibition).toBeCloseTo(yesNo.permission, 6);
    const stated = await scores('什么情形下早市摊位能转借？');
    expect(stated.prohibition).toBeLessThan(stated.permission);
    // "…是什么？" ends in 么 but asks what, not whether.
    const what = await scores('早市摊位能转借的条件是什么？');
    expect(what.prohibition).toBeLessThan(what.permission);
  });
});

describe('a short item of a list', () => {
  let rules: RagService;

  beforeAll(async () => {
    rules = await serviceOverFiles(
      'short-list-items',
      {
        'xiling-heating.txt': `西陵市困难家庭冬季取暖补贴办法

第三条 低保家庭中的老人可以领取冬季取暖补贴，每户每年800元。
第四条 取暖补贴于每年11月由街道办事处统一发放到户。
第六条 有下列情形之一的，不予发放取暖补贴：
（一）已入住集中供养机构的；
（二）家庭成员拥有机动车的。
`,
      },
      cleanups,
    );
  });

  // "（一）已入住集中供养机构的；" reads like a heading line (short, numbered, no comma) but is the
  // content of the list its opener starts: it answers whether someone living in a care home still gets it.
  it('answers with the item of the exclusion list, not only the rule granting the benefit', async () => {
    const response = await ask(rules, '家里老人已经住进集中供养机构了，还能领取暖补贴吗？');
    expect(response.answer).toContain('已入住集中供养机构的');
  });
});

describe('a news report that names its place only in its opening line', () => {
  let news: RagService;

  beforeAll(async () => {
    news = await serviceOverFiles(
      'place-in-lead',
      {
        'meeting.txt': `市政府召开第12次常务会议

4月2日，西陵市市长主持召开市政府第12次常务会议，研究部署城市更新工作。
会议指出，今年全市计划新建口袋公园45个、改造背街小巷120条。
`,
        'donglan-parks.txt': `东岚市公园建设情况通报

东岚市园林局通报，今年东岚市计划新建口袋公园30个。
`,
      },
      cleanups,
    );
  });

  // "全市" of a report whose dateline names the city is that city: its figure answers.
  it('answers from the report whose opening names the place, though the sentence says only 全市', async () => {
    const response = await ask(news, '西陵市今年计划新建多少个口袋公园？');
    expect(response.answer).toContain('口袋公园45个');
    expect(response.answer).not.toContain('口袋公园30个');
  });
});

describe('a time question that names its year', () => {
  let notice: RagService;

  beforeAll(async () => {
    notice = await serviceOverFiles(
      'asked-year',
      {
        'xiling-rapeseed.txt': `西陵市2025年油菜种植补贴发放公告

2025年全市油菜种植补贴按每亩120元发放到种植户账户。
补贴资金将于11月30日前通过惠农资金专用账户发放到种植户。
`,
      },
      cleanups,
    );
  });

  // The year the question names is no answer to "什么时候": the sentence giving the date ranks first.
  it('ranks the date above the sentence that only repeats the asked year', async () => {
    const [best] = await scoredFor(notice, '西陵2025年油菜种植补贴什么时候发放到账户？');
    expect(best.text.startsWith('补贴资金将于11月30日前')).toBe(true);
  });
});

describe('a number with no unit', () => {
  let notice: RagService;

  beforeAll(async () => {
    notice = await serviceOverFiles(
      'hotline',
      {
        'xiling-bus.txt': `西陵公交线路临时调整

自5月6日首班车起，西陵公交8路临时改道运行，暂停文化宫站。
咨询电话：西陵公交服务热线88765。
`,
      },
      cleanups,
    );
  });

  // "热线是多少" asks for a number that has no unit: the hotline's digits are the figure.
  it('answers "…热线是多少" with the sentence giving the number', async () => {
    const response = await ask(notice, '西陵公交服务热线是多少？');
    expect(response.answer).toContain('88765');
  });
});

describe("the rule for the asker's own figure", () => {
  let rules: RagService;

  beforeAll(async () => {
    rules = await serviceOverFiles(
      'askers-figure',
      {
        'xiling-bus-fares.txt': `西陵市公交乘车优惠办法

第五条 6周岁以下的儿童乘坐公交免费。
第六条 6周岁以上14周岁以下的儿童乘坐公交半价。
第七条 65周岁以上的老年人乘坐公交免费。
`,
        'xiling-boiler-rebates.txt': `西陵市燃气锅炉更新补助办法

第三条 按照锅炉采购价格分档补助：
（一）8万元（含）以下的，每台补助1500元；
（二）8万元至30万元（含）的，每台补助6000元；
（三）30万元以上的，每台补助12000元。
`,
        'xiling-school-travel.txt': `西陵市学生上学交通补助办法

第四条 按住所到学校的距离分档补助：
（一）1千米以内的，每月补助30元；
（二）1千米至5千米（含）的，每月补助60元；
（三）5千米以上的，每月补助90元。
`,
      },
      cleanups,
    );
  });

  // "10岁" is taken in by "6周岁以上14周岁以下", not by "6周岁以下" or "65周岁以上".
  it('ranks first the clause whose age bracket takes in the age the asker gives', async () => {
    const [best] = await scoredFor(rules, '我家孩子今年10岁，乘坐公交怎么收费？');
    expect(best.text.startsWith('第六条')).toBe(true);
  });

  // "12万元" is taken in by "8万元至30万元（含）": the figures are read whole and in the same unit (万).
  it('ranks first the price bracket that takes in the price the asker paid', async () => {
    const [best] = await scoredFor(rules, '我花12万元换了一台燃气锅炉，能补助多少钱？');
    expect(best.text.startsWith('（二）')).toBe(true);
  });

  // "3千米" is 3 of the unit 千米 on both sides, not 3,000 米 taken in by "5千米以上".
  it('reads 千米 as a unit, not as a thousand', async () => {
    const [best] = await scoredFor(rules, '我家离学校3千米，上学交通每月补助多少？');
    expect(best.text.startsWith('（二）')).toBe(true);
  });

  // A figure with decimals ("8.5万元") is read whole too, and in the same unit as the clause's.
  it('ranks first the price bracket that takes in a price with decimals', async () => {
    const [best] = await scoredFor(rules, '我花8.5万元换了一台燃气锅炉，能补助多少钱？');
    expect(best.text.startsWith('（二）')).toBe(true);
  });
});

describe('two questions in one sentence', () => {
  let rules: RagService;

  beforeAll(async () => {
    rules = await serviceOverFiles(
      'asked-twice',
      {
        'xiling-startup-loans.txt': `西陵市创业担保贷款实施办法

第五条 个人申请创业担保贷款的，贷款额度最高不超过30万元。
第六条 创业担保贷款由市财政按贷款利率的50%给予贴息。
第七条 个人创业担保贷款期限最长不超过3年，到期后可展期1次。
`,
      },
      cleanups,
    );
  });

  // "…最多能贷多少、能贷几年？" asks two things: each gets its own sentence.
  it('answers both questions of a sentence that asks two, split at the comma between them', async () => {
    const response = await ask(rules, '个人申请创业担保贷款最多能贷多少、能贷几年？');
    expect(response.answer).toContain('最高不超过30万元');
    expect(response.answer).toContain('期限最长不超过3年');
  });
});

describe('the formula that hands a document down', () => {
  let rules: RagService;

  beforeAll(async () => {
    rules = await serviceOverFiles(
      'handed-down',
      {
        'xiling-boat-licences.txt': `西陵市人民政府办公室关于印发《西陵市游船经营许可办法》的通知

各区人民政府，市政府各部门：
《西陵市游船经营许可办法》已经市政府同意，现印发给你们，请认真贯彻执行。

西陵市游船经营许可办法

第一条 在本市水域从事游船经营的，应当取得游船经营许可。
第二条 游船经营许可有效期为3年，期满需要延续的，应当在有效期届满30日前提出申请。
`,
      },
      cleanups,
    );
  });

  // The handing-down sentence names the document the question is about, and answers nothing.
  it('does not answer with "…已经市政府同意，现印发给你们，请认真贯彻执行。"', async () => {
    const scored = await scoredFor(rules, '西陵市游船经营许可办法规定的许可有效期是多久？');
    expect(scored.find((sentence) => sentence.text.includes('现印发给你们'))?.preamble).toBe(true);
    const response = await ask(rules, '西陵市游船经营许可办法规定的许可有效期是多久？');
    expect(response.answer).toContain('有效期为3年');
    expect(response.answer).not.toContain('现印发给你们');
  });
});

describe('a question-and-answer page', () => {
  let rules: RagService;

  beforeAll(async () => {
    rules = await serviceOverFiles(
      'faq',
      {
        'xiling-meal-cards-faq.txt': `西陵市老年助餐卡政策问答

一、办理
问：助餐卡在哪里办理？
答：持身份证到户籍所在社区服务中心办理，当场发卡。
问：老人住院期间，助餐补贴还发吗？
答：照常发放，住院期间的补贴可在出院后三个月内补领。
二、使用
问：助餐卡可以借给别人用吗？
答：不可以，助餐卡仅限本人在签约助餐点使用。
`,
      },
      cleanups,
    );
  });

  // The page's own question repeats the asker's words; the line after it answers.
  it('answers with the answer below the page\'s question, not with the question', async () => {
    const response = await ask(rules, '住院的老人还能领助餐补贴吗？');
    expect(response.answered).toBe(true);
    expect(response.answer).toContain('照常发放');
    expect(response.answer).not.toMatch(/问：/);
  });
});

describe('a question asking for a day of the calendar', () => {
  let rules: RagService;

  beforeAll(async () => {
    rules = await serviceOverFiles(
      'calendar-day',
      {
        'xiling-stall-subsidies.txt': `西陵市早市摊位补贴办理指南

一、材料提交
摊主应于3月31日前提交补贴申报材料。
二、审核发放
早市摊位补贴申报后，街道在15个工作日内完成审核。
`,
      },
      cleanups,
    );
  });

  // "15个工作日内" is a time, but not the day the question asks for.
  it('answers "截止时间是哪天" with the date, not with a length of time', async () => {
    const [best] = await scoredFor(rules, '早市摊位补贴申报截止时间是哪天？');
    expect(best.text).toContain('3月31日前');
  });
});

describe('a sentence sharing only the place and the year', () => {
  let rules: RagService;

  beforeAll(async () => {
    rules = await serviceOverFiles(
      'place-and-year',
      {
        'xiling-stalls.txt': `西陵市早市摊位管理情况通报

2024年西陵市新增早市摊位1200个，全年收取摊位费360万元。
`,
        'dongling-bulletin.txt': `东陵市2024年国民经济和社会发展统计公报

2024年全市一般公共预算收入86亿元，同比增长4.1%。
`,
        'xiling-stall-notice.txt': `西陵市早市摊位续租公告

一、办理安排
2024年11月1日至11月30日。
`,
      },
      cleanups,
    );
  });

  // The figure asked for is another city's; the asked city's sentence is about something else.
  it('declines rather than answer with a sentence about something else in that place and year', async () => {
    const response = await ask(rules, '西陵市2024年一般公共预算收入是多少？');
    expect(response.answered).toBe(false);
    expect(response.answer).not.toContain('早市摊位');
  });

  // A question asking when is answered by a date, which shares only the year with it.
  it('still answers a question asking when with the date, though it shares only the year', async () => {
    const response = await ask(rules, '西陵市2024年早市摊位续租的截止日期是哪天？');
    expect(response.answered).toBe(true);
    expect(response.answer).toContain('2024年11月1日至11月30日');
  });
});

describe('a period of the calendar in the question', () => {
  let rules: RagService;

  beforeAll(async () => {
    rules = await serviceOverFiles(
      'calendar-period',
      {
        'xiling-craft-subsidies.txt': `西陵市非遗传承人补贴办法

第五条 领取非遗传承人补贴后服务未满3年离开本市的，退回已领取的补贴。
第六条 符合条件的人员每年4月、10月集中申报。
`,
      },
      cleanups,
    );
  });

  // "一年里" frames the question in the calendar; it is not the asker's one year, taken in by "未满3年".
  it('does not read "一年里" as the asker\'s own figure', async () => {
    const [best] = await scoredFor(rules, '西陵市非遗传承人补贴在一年里什么时候申报？');
    expect(best.text).toContain('每年4月、10月集中申报');
  });
});
