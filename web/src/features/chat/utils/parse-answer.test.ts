import { describe, expect, it } from 'vitest';
import { normalizeSentence, parseAnswer, parseInline, splitSentences } from './parse-answer';

const cited = new Set([1, 2, 3]);

describe('parseAnswer', () => {
  it('turns [n] markers into citation nodes only when the citation exists', () => {
    expect(parseInline('达到65%左右[1]，另见[9]。', cited)).toEqual([
      { type: 'text', text: '达到65%左右' },
      { type: 'citation', n: 1 },
      { type: 'text', text: '，另见[9]。' },
    ]);
  });

  it('splits combined markers like [1,2] into separate citations', () => {
    expect(parseInline('见[1,2]', cited)).toEqual([
      { type: 'text', text: '见' },
      { type: 'citation', n: 1 },
      { type: 'citation', n: 2 },
    ]);
  });

  it('reads paragraphs, headings, bullet and numbered lists, and bold', () => {
    const blocks = parseAnswer('### 交通\n- **铁路**建设[1]\n- 公路[2]\n\n1. 第一\n2. 第二\n\n第一行\n第二行', { citationNumbers: cited });
    expect(blocks.map((block) => block.type)).toEqual(['heading', 'list', 'list', 'paragraph']);
    expect(blocks[1]).toMatchObject({ ordered: false, items: [[{ type: 'strong' }, { type: 'text', text: '建设' }, { type: 'citation', n: 1 }], expect.anything()] });
    expect(blocks[2]).toMatchObject({ ordered: true });
    expect(blocks[3]).toMatchObject({ type: 'paragraph', lines: [[{ text: '第一行' }], [{ text: '第二行' }]] });
  });

  it('reads an answer grouped by document: a heading per document or section, then one bullet per clause', () => {
    const markdown = [
      '两份文件都提到「生态补偿」[1][2]。',
      '',
      '### 《云南省促进区域协调发展实施方案》 › 二、完善生态补偿机制',
      '',
      '- (九)健全多元化生态补偿机制。[1]',
      '- 旧版（2019年）：推进横向生态保护补偿;[3]',
      '',
      '### 贵州实施意见 ###',
      '- 由省*府统筹。[2]',
    ].join('\n');
    const blocks = parseAnswer(markdown, { citationNumbers: cited });
    expect(blocks.map((block) => block.type)).toEqual(['paragraph', 'heading', 'list', 'heading', 'list']);
    expect(blocks[1]).toEqual({ type: 'heading', level: 3, children: [{ type: 'text', text: '《云南省促进区域协调发展实施方案》 › 二、完善生态补偿机制' }] });
    expect(blocks[2]).toEqual({
      type: 'list',
      ordered: false,
      items: [
        [{ type: 'text', text: '(九)健全多元化生态补偿机制。' }, { type: 'citation', n: 1 }],
        [{ type: 'text', text: '旧版（2019年）：推进横向生态保护补偿;' }, { type: 'citation', n: 3 }],
      ],
    });
    // A closing run of # is not part of the heading; a masked "*" stays text.
    expect(blocks[3]).toMatchObject({ children: [{ type: 'text', text: '贵州实施意见' }] });
    expect(blocks[4]).toMatchObject({ items: [[{ type: 'text', text: '由省*府统筹。' }, { type: 'citation', n: 2 }]] });
  });

  it('makes only http(s) links clickable and keeps the others as plain text', () => {
    expect(parseInline('[官网](https://example.gov.cn/a) [坏](javascript:alert(1))', cited)).toEqual([
      { type: 'link', href: 'https://example.gov.cn/a', children: [{ type: 'text', text: '官网' }] },
      { type: 'text', text: ' 坏' },
    ]);
  });

  it('never interprets HTML: tags stay literal text', () => {
    expect(parseAnswer('<img src=x onerror=alert(1)>', { citationNumbers: cited })).toEqual([
      { type: 'paragraph', lines: [[{ type: 'text', text: '<img src=x onerror=alert(1)>' }]] },
    ]);
  });

  it('wraps sentences the verifier flagged, with their markers', () => {
    const [block] = parseAnswer('城镇化率达到65%左右。[1] 贵州将完善生态补偿机制。[2]', {
      citationNumbers: cited,
      unsupportedSentences: ['贵州将完善生态补偿机制。'],
    });
    expect(block).toMatchObject({
      type: 'paragraph',
      lines: [
        [
          { type: 'text', text: '城镇化率达到65%左右。' },
          { type: 'citation', n: 1 },
          { type: 'text', text: ' ' },
          { type: 'unsupported', children: [{ type: 'text', text: '贵州将完善生态补偿机制。' }, { type: 'citation', n: 2 }] },
        ],
      ],
    });
  });
});

describe('splitSentences', () => {
  it('keeps a marker placed before the full stop inside its sentence', () => {
    const sentences = splitSentences(parseInline('甲句[1]。乙句[2]。', cited));
    expect(sentences).toHaveLength(2);
    expect(sentences[0]).toEqual([{ type: 'text', text: '甲句' }, { type: 'citation', n: 1 }, { type: 'text', text: '。' }]);
  });
});

describe('normalizeSentence', () => {
  it('ignores markers, bold, spaces and punctuation', () => {
    expect(normalizeSentence('- **到2025年**，达到 65%。[1]')).toBe('到2025年达到65');
  });
});

describe('parseInline with escaped document text', () => {
  it('shows escaped characters as text and never reads them as markers or bold', () => {
    const nodes = parseInline('依照\\[2020\\]6号文件，\\*\\*重点\\*\\*项目[1]', new Set([1, 2020]));
    expect(nodes).toEqual([
      { type: 'text', text: '依照[2020]6号文件，**重点**项目' },
      { type: 'citation', n: 1 },
    ]);
  });
});
