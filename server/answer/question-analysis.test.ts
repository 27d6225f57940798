// Question analysis: which words a question is about, the kind of figure it wants, its parts.
import { describe, expect, it } from 'vitest';
import { subQuestions } from './answer-question';
import { analyseQuestion } from './question-analysis';

const ask = (question: string) => analyseQuestion([{ role: 'user', content: question }]);

describe('analyseQuestion', () => {
  it('searches the topic a fragment jieba guessed hides ("煤要" in 的煤要不要 → 煤)', () => {
    expect(ask('贵州的煤要不要往重庆卖？').focusTokens).toContain('煤');
  });

  it('leaves the asker\'s phrasing out of the search terms', () => {
    const { focusTokens } = ask('我希望知道那个专门的法律服务片区以后聚了几家机构？');
    for (const word of ['希望', '那个', '专门', '以后']) expect(focusTokens).not.toContain(word);
    expect(focusTokens).toContain('法律');
  });

  it.each([
    ['生二孩的育儿补贴发到孩子几岁？', 'age'],
    ['保教费能减免多少？', 'reduction'],
    ['本科毕业生每个月有多少生活补贴？', 'money'],
    ['提交申请后多久审核完？', 'duration'],
    ['城镇化率要达到百分之多少？', 'share'],
  ])('reads the kind of figure 「%s」 wants as %s', (question, kind) => {
    expect(ask(question).quantity).toBe(kind);
  });
});

describe('subQuestions', () => {
  it('splits a message that asks two things at its question marks', () => {
    expect(subQuestions('A类人才安家补贴多少？怎么发？')).toEqual(['A类人才安家补贴多少？', '怎么发？']);
  });

  it('leaves a single question whole', () => {
    expect(subQuestions('滇中城市群常住人口城镇化率到2025年要达到多少？')).toEqual([]);
  });
});
