// Analyst answers built from a document's sections: the section a question is about, with its heading
// cited, and an overview of a whole document part by part.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RagService } from '../rag/rag-service';
import { serviceOverFiles } from '../test-support/corpus';
import { answerQuestion } from './answer-question';

const opinion = `南屏县推进乡村振兴的实施意见

一、总体要求
（一）指导思想。坚持农业农村优先发展，加快推进农业农村现代化。
（二）基本原则。
——因地制宜、分类推进。根据各村资源禀赋和发展基础，分类施策。
二、重点任务
（三）发展特色产业。每个乡镇培育1个以上特色主导产业。
（四）改善人居环境。开展农村厕所革命，推进生活垃圾分类处理。
（五）建设数字乡村。推进农村宽带和移动网络覆盖。
`;

const plan = `东陵市优化营商环境行动方案

一、总体要求
坚持问题导向，持续优化营商环境，激发市场主体活力。
二、主要任务
（一）深化审批制度改革。推行企业开办全程网上办理，办理时间压缩至1个工作日。
（二）加强要素保障。建立用地、用能、用水保障协调机制，重大项目要素需求优先保障。
三、保障措施
加强组织领导，压实各级责任，定期通报工作进展。
`;

const regulation = `西陵市养犬管理条例

第一章 总则
第一条 为了规范养犬行为，保障公民健康和人身安全，维护市容环境和社会秩序，制定本条例。
第二条 本市行政区域内的养犬管理适用本条例。
第三条 养犬管理实行政府负责、部门协作、养犬人守法的原则。
第四条 公安机关是养犬管理的主管部门。
第二章 登记
第五条 个人饲养犬只应当办理养犬登记，取得养犬登记证。
第六条 养犬登记证有效期为1年，期满前30日内办理延续手续。
第三章 附则
第七条 本条例所称犬只，是指家庭饲养的犬。
第八条 本条例自2025年1月1日起施行。
`;

const flatRegulation = `西陵市电动自行车管理办法

第一条 为了加强电动自行车管理，保障道路交通安全，制定本办法。
第二条 电动自行车销售者应当销售符合强制性国家标准的电动自行车，并向购买者提供产品合格证。
第三条 电动自行车所有人应当自购买之日起30日内，到公安机关交通管理部门办理电动自行车登记，取得号牌。
第四条 电动自行车登记时，所有人应当提交身份证明、电动自行车合格证和购车凭证。
第五条 电动自行车号牌应当按照规定安装在电动自行车尾部，不得遮挡、污损号牌。
第六条 驾驶电动自行车应当年满16周岁，驾驶人和乘坐人员应当佩戴安全头盔。
第七条 驾驶电动自行车在非机动车道内行驶，最高时速不得超过25公里。
第八条 电动自行车不得在居民楼楼道、安全出口停放和充电。
第九条 禁止改装电动自行车的电池、电机和限速装置。
第十条 电动自行车所有人转让电动自行车的，应当办理电动自行车转移登记。
第十一条 电动自行车报废的，所有人应当交回号牌，办理电动自行车注销登记。
第十二条 各级人民政府应当将所需经费列入本级财政预算。
第十三条 对在相关工作中做出显著成绩的单位和个人，给予表彰和奖励。
第十四条 新闻媒体应当开展宣传。
第十五条 本办法自2025年3月1日起施行。
`;

let service: RagService;
const cleanups: (() => Promise<void>)[] = [];

beforeAll(async () => {
  service = await serviceOverFiles('sections', { 'nanping.txt': opinion, 'dongling.txt': plan, 'xiling-dogs.txt': regulation, 'xiling-ebikes.txt': flatRegulation }, cleanups);
});

afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

const ask = (question: string) => answerQuestion(service, { messages: [{ role: 'user', content: question }] });

function expectExactCitations(response: Awaited<ReturnType<typeof ask>>) {
  for (const citation of response.citations) {
    expect(service.index.document(citation.documentId)!.text.slice(citation.start, citation.end)).toBe(citation.quote);
    expect(citation.quote).not.toContain('\n');
  }
}

describe('section answers', () => {
  it('answers from the section of the named document whose heading names part of the topic, heading cited', async () => {
    // 人居环境 is in the heading, 污水治理 is not: the section still answers, since the question names the document.
    const response = await ask('南屏县的意见对人居环境和污水治理有哪些安排？');
    expect(response.answer).toMatch(/^#### 二、重点任务 › （四）改善人居环境\[\d+\]$/m);
    expect(response.answer).toContain('开展农村厕所革命');
    expectExactCitations(response);
  });

  it('gives an overview of a document part by part, each part\'s heading cited', async () => {
    const response = await ask('概述《东陵市优化营商环境行动方案》的主要内容');
    const parts = [...response.answer.matchAll(/^#### (.+?)\[\d+\]$/gm)].map((match) => match[1]);
    expect(parts).toEqual(['一、总体要求', '二、主要任务', '三、保障措施']);
    expect(response.answer).toContain('推行企业开办全程网上办理');
    expect(response.answer).toContain('加强组织领导');
    expect(new Set(response.citations.map((citation) => citation.documentId))).toEqual(new Set(['dongling']));
    expectExactCitations(response);
  });

  it('leaves out of a regulation\'s overview why it was made and when it takes effect', async () => {
    const response = await ask('概述《西陵市养犬管理条例》的主要内容');
    expect(response.answer).toContain('公安机关是养犬管理的主管部门');
    expect(response.answer).toContain('取得养犬登记证');
    expect(response.answer).not.toContain('为了规范养犬行为');
    expect(response.answer).not.toContain('自2025年1月1日起施行');
    expectExactCitations(response);
  });

  it('gives an overview of a regulation without chapters by its most central articles, not funding, praise or publicity', async () => {
    const response = await ask('概述《西陵市电动自行车管理办法》的主要内容');
    for (const rule of ['办理电动自行车登记', '佩戴安全头盔', '不得在居民楼楼道', '办理电动自行车转移登记']) expect(response.answer).toContain(rule);
    for (const aside of ['所需经费列入本级财政预算', '给予表彰和奖励', '新闻媒体应当开展宣传']) expect(response.answer).not.toContain(aside);
    expectExactCitations(response);
  });

  it('answers a summary across documents from each one\'s section on the topic, "各份文件" naming no topic', async () => {
    const response = await ask('请总结各份文件在人居环境和审批改革方面的安排，并注明出处。');
    expect(response.answer).toMatch(/^#### 二、重点任务 › （四）改善人居环境\[\d+\]$/m);
    expect(response.answer).toMatch(/^#### 二、主要任务 › （一）深化审批制度改革\[\d+\]$/m);
    expectExactCitations(response);
  });

  it('answers a question that asks the same of each item of a list item by item, under each item\'s name', async () => {
    const response = await ask('企业开办、重大项目要素保障，分别有什么要求？');
    expect(response.answer).toMatch(/^#### 企业开办\n\n.*全程网上办理/m);
    expect(response.answer).toMatch(/^#### 重大项目要素保障\n\n.*优先保障/m);
    expectExactCitations(response);
  });
});

describe('a topic no heading names, in the one document a library holds', () => {
  let single: RagService;

  beforeAll(async () => {
    single = await serviceOverFiles('single-opinion', { 'nanping.txt': opinion }, cleanups);
  });

  it('is answered from the document\'s sentences, never its title line', async () => {
    const response = await answerQuestion(single, { messages: [{ role: 'user', content: '南屏县在农民上网方面有哪些安排？' }] });
    expect(response.answered).toBe(true);
    expect(response.answer).toContain('推进农村宽带和移动网络覆盖');
    expect(response.citations.map((citation) => citation.quote)).not.toContain('南屏县推进乡村振兴的实施意见');
  });
});

describe('a word only one document uses, throughout', () => {
  let joint: RagService;
  const jointPlan = `两市协同发展联合行动方案

一、总体要求
推动岚漳两地协同发展，共建岚漳一体化发展示范区。
二、共建交通网络
（一）建设城际铁路。加快岚漳城际铁路建设，2027年建成通车。
（二）完善公路体系。打通两市断头路，新建跨界公路3条。
三、协同保护生态
（三）共建岚漳生态廊道。联合开展岚漳界河综合治理。
（四）建立生态补偿机制。探索岚漳流域横向生态补偿。
`;
  const cityPlan = `北川市交通发展规划

一、总体目标
建成便捷高效的综合交通网络。
二、主要任务
（一）优化交通网络布局。建设市域快速路，完善农村公路。
`;

  beforeAll(async () => {
    joint = await serviceOverFiles('own-words', { 'joint.txt': jointPlan, 'beichuan.txt': cityPlan }, cleanups);
  });

  it('names that document, and the section about the topic answers, not a section that repeats the word', async () => {
    const response = await answerQuestion(joint, { messages: [{ role: 'user', content: '岚漳在交通网络方面有哪些举措？' }] });
    expect(response.answer).toMatch(/^#### 二、共建交通网络\[\d+\]$/m);
    expect(response.answer).toContain('加快岚漳城际铁路建设');
    expect(response.answer).not.toContain('岚漳界河综合治理');
    expect(new Set(response.citations.map((citation) => citation.documentId))).toEqual(new Set(['joint']));
  });
});

describe('a topic answered from a clause that opens a list', () => {
  let venues: RagService;

  beforeAll(async () => {
    venues = await serviceOverFiles(
      'venue-duties',
      {
        'xiling-venues.txt': `西陵市大型活动场所安全管理办法

第一条 为了加强大型活动场所安全管理，制定本办法。
第八条 容纳人数超过五千人的活动场所经营者，在安全管理方面应当履行下列义务：
（一）制定安全工作方案，明确安全责任人；
（二）配备与活动规模相适应的专职保安人员；
（三）定期检测消防设施，保持疏散通道畅通；
（四）每年组织一次应急演练，并向公安机关报告；
（五）对入场人数实行实时统计和限流。
第九条 活动主办方应当向场所经营者提供活动方案。
`,
      },
      cleanups,
    );
  });

  // Each item says the duty in its own words, so only some of them score on the question's words.
  it('lists every item of the list, in order, not only those repeating the question\'s words', async () => {
    const response = await answerQuestion(venues, { messages: [{ role: 'user', content: '容纳人数超过五千人的活动场所，在安全管理方面要履行哪些义务？' }] });
    for (const item of ['明确安全责任人', '专职保安人员', '保持疏散通道畅通', '每年组织一次应急演练', '实时统计和限流']) expect(response.answer).toContain(item);
    expect(response.answer.indexOf('专职保安人员')).toBeLessThan(response.answer.indexOf('实时统计和限流'));
  });
});

describe('a summary of the document whose title opens with the name the question says', () => {
  let reports: RagService;

  beforeAll(async () => {
    reports = await serviceOverFiles(
      'title-subject',
      {
        'lingcheng-park.txt': `泠澄高新区：深化跨区域产业协作 推动园区共建共享

一、共建飞地园区
泠澄高新区与筠屿县共建飞地园区，引进协作项目12个，产生的税收按4:6分享。
二、共享创新平台
泠澄高新区向合作园区开放中试平台，累计服务企业300余家。
三、共同招商引资
泠澄高新区与周边县市联合举办招商推介会6场，签约项目总投资80亿元。
`,
        'province-plan.txt': `滨江省推进园区高质量发展实施方案

一、主要任务
支持泠澄高新区等园区推进跨区域产业协作，探索园区共建共享机制。
鼓励各地创新招商引资方式，推动产业协作项目落地。
`,
      },
      cleanups,
    );
  });

  // "泠澄高新区" opens the report's title and no other; the plan only mentions it.
  it('gives an overview of that document, not sentences of every document mentioning the name', async () => {
    const response = await answerQuestion(reports, { messages: [{ role: 'user', content: '概述泠澄高新区在产业协作上做了哪些事。' }] });
    expect(new Set(response.citations.map((citation) => citation.documentId))).toEqual(new Set(['lingcheng-park']));
    expect(response.answer).toContain('共建飞地园区');
    expect(response.answer).toContain('联合举办招商推介会6场');
  });
});
