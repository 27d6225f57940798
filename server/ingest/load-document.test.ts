// Loading every supported format from fixtures the test writes itself (GB18030 text, Markdown, HTML, .docx, .pdf).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Document, HeadingLevel, Packer, Paragraph, TextRun } from 'docx';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporaryFolder } from '../test-support/corpus';
import { encodeGb18030 } from '../test-support/gb18030';
import { cleanText } from './clean-text';
import { decodeText, loadDocument, UnsupportedFormatError } from './load-document';

const notice = '关于推进区域协调发展的通知\n\n一、总体要求。坚持新发展理念，推动高质量发展。\n\n二、重点任务。建设高速公路100公里。';

let folder: Awaited<ReturnType<typeof temporaryFolder>>;
const file = (name: string) => join(folder.path, name);

beforeAll(async () => {
  folder = await temporaryFolder('loaders');
});

afterAll(async () => {
  await folder.remove();
});

describe('loadDocument', () => {
  it('reads UTF-8 text, with or without a byte-order mark', async () => {
    await writeFile(file('plain.txt'), notice);
    await writeFile(file('bom.txt'), '\uFEFF' + notice);
    expect(await loadDocument(file('plain.txt'))).toBe(notice);
    expect(await loadDocument(file('bom.txt'))).toBe(notice);
  });

  it('reads text saved as GB18030 by a Chinese Windows tool', async () => {
    const bytes = encodeGb18030(notice);
    expect(new TextDecoder('utf-8').decode(bytes)).toContain('\uFFFD');
    await writeFile(file('gbk.txt'), bytes);
    expect(await loadDocument(file('gbk.txt'))).toBe(notice);
  });

  it('reads Markdown as plain text: marks gone, paragraphs kept', async () => {
    await writeFile(
      file('notice.md'),
      '# 关于推进区域协调发展的通知\n\n## 一、总体要求\n\n**坚持**新发展理念，详见[实施方案](https://example.org/plan)。\n\n> 引用的原文。\n\n- 第一项任务\n- 第二项任务\n\n```\nconsole.log("code")\n```\n',
    );
    const text = await loadDocument(file('notice.md'));
    expect(text.trim().split(/\n\n+/)).toEqual(['关于推进区域协调发展的通知', '一、总体要求', '坚持新发展理念，详见实施方案。', '引用的原文。', '第一项任务\n第二项任务']);
  });

  it('reads HTML without navigation, scripts, styles or footer, entities decoded', async () => {
    await writeFile(
      file('notice.html'),
      `<!doctype html><html><head><title>门户网站</title><style>p { color: red }</style><script>var tracker = "脚本内容";</script></head>
      <body><nav>首页 | 新闻 | 政策</nav><header>某省人民政府门户网站</header>
      <div class="content"><h1>关于推进区域协调发展的通知</h1>
      <p>一、总体要求。坚持&nbsp;新发展理念&amp;高质量发展&lt;示范&gt;。</p>
      <p>二、重点任务<br>建设高速公路&#49;&#48;&#48;公里。</p></div>
      <footer>版权所有 © 某省人民政府</footer><aside>相关阅读</aside></body></html>`,
    );
    const text = await loadDocument(file('notice.html'));
    expect(text.split(/\n\n+/)).toEqual(['关于推进区域协调发展的通知', '一、总体要求。坚持 新发展理念&高质量发展<示范>。', '二、重点任务', '建设高速公路100公里。']);
    for (const chrome of ['脚本', 'color', '首页', '门户网站', '版权所有', '相关阅读']) expect(text).not.toContain(chrome);
  });

  it('reads a .docx written by the docx package, one paragraph per paragraph', async () => {
    const document = new Document({
      sections: [
        {
          children: [
            new Paragraph({ text: '关于推进区域协调发展的通知', heading: HeadingLevel.TITLE }),
            new Paragraph({ children: [new TextRun('一、总体要求。'), new TextRun({ text: '坚持新发展理念，推动高质量发展。', bold: true })] }),
            new Paragraph('二、重点任务。建设高速公路100公里。'),
          ],
        },
      ],
    });
    await writeFile(file('notice.docx'), await Packer.toBuffer(document));
    expect(cleanText(await loadDocument(file('notice.docx')))).toBe(notice);
  });

  it('reads a .pdf page by page, pages as paragraphs', async () => {
    const pdf = await PDFDocument.create();
    const font = await pdf.embedFont(StandardFonts.Helvetica);
    const first = pdf.addPage([420, 420]);
    first.drawText('Regional Development Notice', { x: 30, y: 360, size: 14, font });
    first.drawText('1. General requirements: new development philosophy.', { x: 30, y: 330, size: 10, font });
    pdf.addPage([420, 420]).drawText('2. Key tasks: build 100 km of highways.', { x: 30, y: 360, size: 10, font });
    await writeFile(file('notice.pdf'), await pdf.save());
    expect(await loadDocument(file('notice.pdf'))).toBe(
      'Regional Development Notice\n1. General requirements: new development philosophy.\n\n2. Key tasks: build 100 km of highways.',
    );
  });

  it('refuses a file type it cannot read, naming the extension', async () => {
    await writeFile(file('notice.rtf'), '{\\rtf1 x}');
    await expect(loadDocument(file('notice.rtf'))).rejects.toThrow(UnsupportedFormatError);
    await expect(loadDocument(file('notice.rtf'))).rejects.toThrow('unsupported file type .rtf');
  });
});

describe('decodeText', () => {
  it('keeps UTF-8 with a stray bad byte as UTF-8 rather than guessing GB18030', () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('区域协调发展'), 0xff, ...new TextEncoder().encode('实施方案')]);
    expect(decodeText(bytes)).toBe('区域协调发展\uFFFD实施方案');
  });

  it('decodes GB18030 text mixed with ASCII digits and punctuation', () => {
    expect(decodeText(encodeGb18030('到2025年，城镇化率达到65%左右。'))).toBe('到2025年，城镇化率达到65%左右。');
  });
});
