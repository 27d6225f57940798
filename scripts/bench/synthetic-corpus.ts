// Synthetic policy documents on disk: corpus sentences and clauses recombined under 一、/（一） headings.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CorpusPieces, CorpusSection } from './corpus-pieces.js';
import { createRandom, type Random } from './random.js';

const chineseNumbers = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三', '十四', '十五', '十六', '十七', '十八', '十九', '二十'];
const regions = ['四川省', '贵州省', '云南省', '重庆市', '成都市', '昆明市', '贵阳市', '绵阳市', '宜宾市', '遵义市', '曲靖市', '泸州市'];
const kinds = ['实施意见', '实施方案', '若干措施', '工作方案', '行动计划', '通知'];
/** Site furniture the cleaning stage removes. */
const furniture = ['来源：{region}人民政府网', '责任编辑：王敏', '【打印本页】 【关闭窗口】', '分享到：', '扫一扫在手机打开当前页'];

/**
 * Writes `count` .txt documents of about `chars` characters each (± `spread`) into `directory`: a
 * policy-style title line, 一、 headings, （一） clauses with 3–6 sentences each, now and then a
 * site-furniture line. Deterministic for a seed. Returns the total characters written.
 */
export async function writeSyntheticCorpus({
  pieces,
  directory,
  count,
  chars,
  spread = 0,
  seed = 11,
}: {
  pieces: CorpusPieces;
  directory: string;
  count: number;
  chars: number;
  spread?: number;
  seed?: number;
}): Promise<{ documents: number; chars: number }> {
  await mkdir(directory, { recursive: true });
  const random = createRandom(seed);
  const headings = pieces.headings.filter((heading) => !heading.includes('…'));
  let total = 0;
  for (let d = 0; d < count; d++) {
    const target = Math.max(400, Math.round(chars + (random.next() * 2 - 1) * spread));
    const region = random.pick(regions);
    const lines = [`${region}关于${random.pick(headings)}的${random.pick(kinds)}`, ''];
    let length = lines[0].length;
    let top = 0;
    while (length < target && top < chineseNumbers.length) {
      const heading = `${chineseNumbers[top++]}、${random.pick(headings)}`;
      lines.push(heading, '');
      length += heading.length;
      const clauses = 2 + random.int(3);
      for (let c = 0; c < clauses && length < target; c++) {
        const section = random.pick(pieces.sections);
        const body = paragraph(random, section, 3 + random.int(4), target - length);
        const clause = `（${chineseNumbers[c]}）${random.pick(headings)}。${body}`;
        lines.push(clause, '');
        length += clause.length;
        if (random.next() < 0.05) lines.push(random.pick(furniture).replace('{region}', region), '');
      }
    }
    const text = lines.join('\n');
    total += text.length;
    await writeFile(join(directory, `doc-${String(d).padStart(5, '0')}.txt`), text);
  }
  return { documents: count, chars: total };
}

/** Sentences of a section, real or recombined from its clauses, up to `budget` characters. */
function paragraph(random: Random, section: CorpusSection, sentences: number, budget: number): string {
  const parts: string[] = [];
  let length = 0;
  for (let i = 0; i < sentences && length < budget; i++) {
    let sentence: string;
    if (random.next() < 0.4 || section.clauses.length < 2) sentence = random.pick(section.sentences);
    else sentence = `${Array.from({ length: 2 + random.int(3) }, () => random.pick(section.clauses)).join('，')}。`;
    parts.push(sentence);
    length += sentence.length;
  }
  return parts.join('');
}
