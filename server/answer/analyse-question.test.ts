// What a question asks decides how it is answered: a section's measures, one clause's items, or what
// changed between two versions of a regulation.
import { describe, expect, it } from 'vitest';
import { Analyzer, defaultAnalyzer } from '../rag/analyzer';
import { analyseQuestion, partsOf as questionsOf, placesIn, topicTokens } from './analyse-question';

const analyzer = defaultAnalyzer();
const intentOf = (question: string) => analyseQuestion([{ role: 'user', content: question }], { analyzer }).intent;

describe('question intent', () => {
  it('reads "哪些…要求/制度/规定" as asking for the measures of a section', () => {
    expect(intentOf('对危险化学品运输车辆有哪些管理要求？')).toBe('topic');
    expect(intentOf('校园周边设置了哪些特别制度？')).toBe('topic');
    expect(intentOf('物业服务企业要履行哪些义务？')).toBe('topic');
  });

  it('reads a plan ("打算怎样…", "具体怎么做") as asking for its measures', () => {
    expect(intentOf('市里打算怎样改善老旧小区的停车难？')).toBe('topic');
    expect(intentOf('要把老街建成步行街，具体怎么做？')).toBe('topic');
  });

  it('does not take "川渝两地…" (two places acting together) for a comparison', () => {
    expect(intentOf('川渝两地的居民异地就医能直接结算吗？')).not.toBe('comparison');
  });

  it('keeps "哪些条件/材料/情形" a list of one clause\'s items', () => {
    expect(intentOf('申请养犬登记需要符合哪些条件？')).toBe('list');
    expect(intentOf('办理居住登记要带哪些材料？')).toBe('list');
  });

  it('reads "与…相比有哪些变化" as a comparison', () => {
    expect(intentOf('2024年修订的养犬规定与2018年版本相比，有哪些变化？')).toBe('comparison');
    expect(intentOf('新版办法在罚款上有何变化？')).toBe('comparison');
  });
});

describe('questions that ask the same of each item of a list', () => {
  const partsOf = (question: string) => analyseQuestion([{ role: 'user', content: question }], { analyzer }).parts.map((part) => part.text);

  it('asks each item on its own, without the pointer back to the list', () => {
    expect(partsOf('办理居住证、护照、驾驶证，这三种证件分别要多少天？')).toEqual(['办理居住证，要多少天？', '护照，要多少天？', '驾驶证，要多少天？']);
  });

  it('gives a closing note only to the item it names', () => {
    expect(partsOf('养犬、养猫以及养鸟，各要办什么手续？（养犬按2020年的规定）')).toEqual(['养犬，要办什么手续？（养犬按2020年的规定）', '养猫，要办什么手续？', '养鸟，要办什么手续？']);
  });

  it('asks each item with the topic when the list follows it', () => {
    expect(partsOf('道路两侧建筑控制区的宽度，县道、乡道分别是多少？')).toEqual(['道路两侧建筑控制区的宽度，县道是多少？', '道路两侧建筑控制区的宽度，乡道是多少？']);
    const [first] = analyseQuestion([{ role: 'user', content: '道路两侧建筑控制区的宽度，县道、乡道分别是多少？' }], { analyzer }).parts;
    expect(first.item).toBe('县道');
  });

  it('reads a note saying which version to use as no topic of the item', () => {
    const [, second] = analyseQuestion([{ role: 'user', content: '养猫、养犬，分别要办什么手续？（养犬按2020年修订的规定）' }], { analyzer }).parts;
    expect(second.text).toContain('2020年修订');
    expect(second.focusTokens).toContain('养犬');
    expect(second.focusTokens).not.toContain('2020');
    expect(second.focusTokens).not.toContain('修订');
  });

  it('leaves a list of places to the comparison of documents', () => {
    const analysis = analyseQuestion([{ role: 'user', content: '四川、贵州，分别提出了什么目标？' }], { analyzer });
    expect(analysis.parts).toHaveLength(1);
    expect(analysis.intent).toBe('comparison');
  });
});

describe('the parts of a message', () => {
  const analyse = (question: string) => analyseQuestion([{ role: 'user', content: question }], { analyzer });

  it('asks "…呢？" what the first part asked, of something else', () => {
    const [first, second] = analyse('小型客车的过路费每公里收多少？大型货车呢？').parts;
    expect(first.asks.number).toBe(true);
    expect(second.text).toBe('大型货车呢？');
    expect(second.asks.number).toBe(true);
  });

  it('does not take a kind of place (大城市, 山区) for a named one', () => {
    expect(analyse('大城市的公租房租金标准是多少？').places).toEqual([]);
    expect(analyse('山区学校的教师补贴是多少？').places).toEqual([]);
    expect(analyse('青禾市的公租房租金标准是多少？').places).toEqual(['青禾市']);
  });
});

describe('follow-up questions', () => {
  it('reads "除了…，还有什么…" as leaning on the question before', () => {
    const analysis = analyseQuestion(
      [
        { role: 'user', content: '领取低保期间家庭收入增加了怎么办？' },
        { role: 'assistant', content: '应当及时告知管理审批机关。' },
        { role: 'user', content: '除了收入增加，还有什么情形要停止发放？' },
      ],
      { analyzer },
    );
    expect(analysis.isFollowUp).toBe(true);
    expect(analysis.retrievalQuery).toContain('低保');
  });
});

describe('topic words', () => {
  it('keeps a place name with its unit whole, not split into characters that match elsewhere', () => {
    expect(topicTokens('澄岭市公交票价是多少？', analyzer)).toEqual(['澄岭市', '公交', '票价']);
  });
});

describe('a request to cite', () => {
  const analyse = (question: string) => analyseQuestion([{ role: 'user', content: question }], { analyzer });

  it('is neither a question of its own nor a topic', () => {
    const analysis = analyse('养犬登记要交哪些材料？登记证有效期多久？请注明出处。');
    expect(analysis.parts.map((part) => part.text)).toEqual(['养犬登记要交哪些材料？', '登记证有效期多久？']);
    expect(analysis.focusTokens).not.toContain('出处');
    expect(analyse('请总结各地在农村厕所改造方面的做法，并标明依据的条款。').focusTokens).not.toContain('条款');
    expect(analyse('请总结各地在农村厕所改造方面的做法，并标明依据的条款。').retrievalQuery).not.toContain('标明');
  });

  it('stays a question when the source or basis is what it asks about', () => {
    expect(analyse('申请补贴需要提供哪些依据？').focusTokens).toContain('依据');
    expect(analyse('这项数据的出处是哪里？').focusTokens).toContain('出处');
  });
});

describe('a place name the segmenter glues to the word before it', () => {
  it('drops a preposition or a year\'s 年 glued to an unknown place name, keeping names that start with one', () => {
    const analyzer = new Analyzer();
    expect(analyzer.words('在淞宁省，企业')[0]).toBe('在淞宁省');
    expect(placesIn('在淞宁省，养老金什么时候调整？', analyzer)).toEqual(['淞宁省']);
    expect(placesIn('从江县的补贴标准是多少？', analyzer)).toEqual(['从江县']);
    // Also when the segmenter cuts the name from its unit ("对筠屿" + "县"), or glues a year's 年 to it.
    expect(analyzer.words('2024年泠澄市对筠屿县拨付了多少救灾款？')).toContain('对筠屿');
    expect(placesIn('2024年泠澄市对筠屿县拨付了多少救灾款？', analyzer)).toEqual(['泠澄市', '筠屿县']);
  });
});

describe('a place named by a word the corpus taught the segmenter', () => {
  it('reads a two-character name found in the corpus, before its unit, as a place', () => {
    const taught = new Analyzer({ corpusWords: ['黔滇'] });
    expect(taught.words('黔滇市')).toEqual(['黔滇', '市']);
    expect(placesIn('黔滇市去年的地区生产总值是多少？', taught)).toEqual(['黔滇市']);
  });

  // The corpus taught the segmenter "泠澄县" whole (a common noun to it); "老旧小区", "设区市" and a word
  // followed by a unit ("会同市…", "jointly with the city's …") are words too, and no places.
  it('reads a whole name-and-unit word the corpus taught as a place, not a kind of place or a word before a unit', () => {
    const taught = new Analyzer({ corpusWords: ['泠澄县', '老旧小区', '设区市', '会同市'] });
    expect(taught.words('泠澄县')).toEqual(['泠澄县']);
    expect(placesIn('泠澄县的育儿补贴每年发多少？', taught)).toEqual(['泠澄县']);
    expect(placesIn('在泠澄县领的补贴会不会算进收入？', taught)).toEqual(['泠澄县']);
    expect(placesIn('老旧小区加装电梯补贴多少？', taught)).toEqual([]);
    expect(placesIn('设区市人民政府负责什么？', taught)).toEqual([]);
    expect(placesIn('会同市财政局审核的期限是多久？', taught)).toEqual([]);
  });

  it('reads a name the dictionary holds whole with its unit but tags as a common noun', () => {
    const analyzer = new Analyzer();
    expect(analyzer.tag('简阳市')).toEqual([{ word: '简阳市', tag: 'n' }]);
    expect(placesIn('在简阳市就业有什么补贴？', analyzer)).toEqual(['简阳市']);
  });
});

describe('the kind of figure asked for', () => {
  const analyzer = new Analyzer();
  const analyse = (question: string) => analyseQuestion([{ role: 'user', content: question }], { analyzer });

  it('reads "多少…的钱" as asking for an amount of money', () => {
    expect(analyse('开了一家小餐馆，能领到多少开业的钱？').asks.quantity).toBe('money');
    expect(analyse('一共要交多少块钱？').asks.quantity).toBe('money');
  });

  it('reads "哪天", "截止时间", "什么时候前" as asking for a day of the calendar, not a length of time', () => {
    expect(analyse('助餐补贴的申报截止时间是什么时候？').asks.quantity).toBe('date');
    expect(analyse('今年的垃圾分类补贴最晚交到哪天？').asks.quantity).toBe('date');
    expect(analyse('养犬登记要在什么时候前办好？').asks.quantity).toBe('date');
    // A start ("从哪个月起") or a deadline after an event ("最晚什么时候报到") may be a relative one.
    expect(analyse('早市摊位补贴从哪个月起发放？').asks.quantity).toBeUndefined();
    expect(analyse('审核要多久？').asks.quantity).toBe('duration');
  });
});

describe('words that ask for the figure', () => {
  const analyzer = new Analyzer();
  const analyse = (question: string) => analyseQuestion([{ role: 'user', content: question }], { analyzer });

  // The measure word and the bound are read from the question's text; as topic words they would
  // weigh as words no clause says, and the clause that answers would look as if it missed them.
  it('keeps "几袋" and "最多能" out of the topic words', () => {
    const { focusTokens, asks } = analyse('免费口罩一次最多能领几袋？');
    expect(focusTokens).toContain('口罩');
    expect(focusTokens).not.toContain('几袋');
    expect(focusTokens).not.toContain('最多能');
    expect(asks.number).toBe(true);
  });
});

describe('a sentence that asks two questions', () => {
  it('splits at the comma after what the first clause asks, when the rest asks too', () => {
    expect(questionsOf('个人申请创业担保贷款最多能贷多少、能贷几年？')).toEqual(['个人申请创业担保贷款最多能贷多少', '能贷几年？']);
    expect(questionsOf('办理居住证、护照，分别要多少天？')).toEqual(['办理居住证、护照，分别要多少天？']);
    expect(questionsOf('有多少人参加，是谁组织的？')).toEqual(['有多少人参加，是谁组织的？']);
  });
});
