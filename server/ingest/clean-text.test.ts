// Cleaning against the real seed corpus: boilerplate goes, page breaks are rejoined, the policy text is untouched.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedCorpusDir } from '../test-support/corpus';
import { cleanText, cleanTextWithReport } from './clean-text';

const raw = (file: string) => readFileSync(join(seedCorpusDir, file), 'utf8');
const rawLines = (text: string) => text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
const paragraphs = (text: string) => text.split('\n\n');

const sichuan = raw('000_4bcd560a825d6a61.txt');
const guizhou = raw('001_58f006bc1ad22d16.txt');
const tianfu = raw('002_811b25c4de862b70.txt');
const yunnan = raw('003_a9fca6c13887d7f9.txt');
const chengyu = raw('004_94f624e435746e0d.txt');

/** The lines of a raw file that cleaning removed. */
function droppedLines(text: string): string[] {
  const kept = new Set(paragraphs(cleanText(text)));
  return rawLines(text).filter((line) => !kept.has(line));
}

describe('cleanText on the seed corpus', () => {
  it('drops the 第一文库网 "由会员分享" download banner (000)', () => {
    const cleaned = cleanText(sichuan);
    expect(sichuan).toContain('由会员分享');
    expect(cleaned).not.toContain('由会员分享');
    expect(cleaned).not.toContain('第一文库网');
  });

  it('rejoins sentences cut by page-number markers (000)', () => {
    const cleaned = cleanText(sichuan);
    expect(sichuan).toContain('实现高质量\n2、发展');
    expect(cleaned).toContain('为同步全面建成小康社会、实现高质量发展、建设经济强省奠定坚实基础。');
    expect(cleaned).toContain('生态环境质量总体改善,一干多支、五区协同区域发展新格局基本形成。');
    for (const line of cleaned.split('\n')) expect(line).not.toMatch(/^\d{1,3}、/);
  });

  it('keeps every character of the paginated text, only the markers go (000)', () => {
    const [banner, ...pages] = rawLines(sichuan);
    expect(banner).toContain('由会员分享');
    expect(pages.every((page) => /^\d{1,3}、/.test(page))).toBe(true);
    expect(cleanText(sichuan)).toBe(pages.map((page) => page.replace(/^\d{1,3}、/, '')).join(''));
  });

  it('drops the 来源/微编 lines, the photo caption and the column tag, keeps censored "省*府" (001)', () => {
    const cleaned = cleanText(guizhou);
    expect(droppedLines(guizhou)).toEqual(['剑榕高速公路平比大桥。李长华摄', '来源:贵州省发改委', '微编:*勇', '“贵州改革”']);
    expect(cleaned).toContain('中共贵州省委贵州省人民*府关于建立更加有效的区域协调发展新机制的实施意见');
    expect(cleaned).toContain('省委、省*府');
    expect(cleaned.startsWith('中共贵州省委')).toBe(true);
    expect(cleaned.endsWith('指导有力的区域规划和评价体系。')).toBe(true);
  });

  it('drops the disclaimer, share/complain/home links and the repeated "(1)/(2)/(3)" page headers (002)', () => {
    const cleaned = cleanText(tianfu);
    expect(droppedLines(tianfu)).toEqual([
      '成都公园城市一体化:公园城市成都示范⑮(1)',
      '成都公园城市一体化:公园城市成都示范⑮(2)',
      '成都公园城市一体化:公园城市成都示范⑮(3)',
      ',',
      expect.stringMatching(/^免责声明:本文仅代表文章作者的个人观点/),
      '分享',
      '投诉',
      '首页',
    ]);
    expect(cleaned).not.toMatch(/邮箱|yahoo/);
    expect(cleaned).toContain('成功争取各类资金101.19亿元');
  });

  it('leaves a clean article alone (003)', () => {
    expect(droppedLines(yunnan)).toEqual([]);
    expect(cleanText(yunnan)).toContain('滇中城市群常住人口城镇化率达到65%左右');
  });

  it('drops the 山西大院 site chrome, bylines, copyright notices and e-mail lines (004)', () => {
    const cleaned = cleanText(chengyu);
    const dropped = droppedLines(chengyu);
    expect(dropped).toEqual(
      expect.arrayContaining([
        '山西大院资讯网',
        '原标题:双城经济圈规划纲要如何落地?川渝两地实施方案来了',
        '版权声明',
        '本文系作者授权发表,未经许可,不得转载。',
        '关于山西大院新闻网',
        'Copyright ©山西大院新闻网',
        expect.stringMatching(/^E-mail:\s\[email\s*protected\]$/),
      ]),
    );
    for (const chrome of ['山西大院', '版权声明', 'E-mail', 'Copyright', 'copyright', '验证码', '留言与评论', '本文地址']) expect(cleaned).not.toContain(chrome);
    expect(paragraphs(cleaned)[0]).toBe('双城经济圈规划纲要如何落地?川渝两地实施方案来了');
    expect(cleaned.endsWith('形成全社会关心、支持和主动参与成渝地区双城经济圈建设的良好氛围。')).toBe(true);
    expect(cleaned).toContain('(九)共同打造国际航空门户枢纽。');
  });

  it.each([
    ['001_58f006bc1ad22d16.txt', guizhou],
    ['002_811b25c4de862b70.txt', tianfu],
    ['003_a9fca6c13887d7f9.txt', yunnan],
    ['004_94f624e435746e0d.txt', chengyu],
  ])('keeps every remaining line of %s character for character', (_file, text) => {
    const original = new Set(rawLines(text));
    const changed = paragraphs(cleanText(text)).filter((paragraph) => !original.has(paragraph));
    expect(changed).toEqual([]);
  });
});

describe('cleanText on constructed texts', () => {
  it('keeps genuine numbered list items that end their sentences', () => {
    const text = '主要任务：\n1、加强组织领导，建立工作专班。\n2、强化资金保障，设立专项资金。\n3、严格考核评估，纳入年度考核。';
    expect(cleanText(text)).toBe('主要任务：\n\n1、加强组织领导，建立工作专班。\n\n2、强化资金保障，设立专项资金。\n\n3、严格考核评估，纳入年度考核。');
  });

  it('keeps numbered heading items without punctuation as separate lines', () => {
    const text = '主要任务如下\n1、加强组织领导\n2、强化资金保障\n3、严格考核评估\n4、营造良好氛围';
    expect(paragraphs(cleanText(text))).toEqual(['主要任务如下', '1、加强组织领导', '2、强化资金保障', '3、严格考核评估', '4、营造良好氛围']);
  });

  it('rejoins page markers that cut sentences in a pasted document', () => {
    const page = '坚持区域差异化协同发展，立足比较优势，突出功能定位，整体谋划经济区发展和城市群建设，推动区域基础设施互联互通';
    const text = `1、${page}，实现高质量\n2、发展、建设经济强省奠定坚实基础。${page}，形成全省\n3、经济发展的重要支撑。${page}，生态环境质量总体改\n4、善。`;
    expect(cleanText(text)).toBe(`${page}，实现高质量发展、建设经济强省奠定坚实基础。${page}，形成全省经济发展的重要支撑。${page}，生态环境质量总体改善。`);
  });

  it('normalises line endings, a BOM and odd spaces without touching the words', () => {
    expect(cleanText('\uFEFF第一条\u3000为了规范管理，制定本办法。\r\n\r\n第二条\t本办法适用于全省。\r\n')).toBe('第一条 为了规范管理，制定本办法。\n\n第二条 本办法适用于全省。');
  });

  it('never changes censored characters inside the policy text', () => {
    const text = '省*府要会同省财*厅，落实各项*策。';
    expect(cleanText(text)).toBe(text);
  });

  it('keeps a text that would come out empty, and says so', () => {
    const report = cleanTextWithReport('分享\n投诉\n首页\nCopyright © 某某网\nE-mail: a@b.c');
    expect(report).toEqual({ text: '分享\n\n投诉\n\n首页\n\nCopyright © 某某网\n\nE-mail: a@b.c', removedChars: 0, removed: [], keptUncleaned: true });
    expect(cleanTextWithReport('  \n\n ')).toMatchObject({ text: '', keptUncleaned: false });
  });
});

describe('cleanText never removes policy text around boilerplate', () => {
  const ending = '第二十条 本办法自发布之日起施行。';

  it('cuts only the site span out of a one-line copy', () => {
    const line = `第十九条 申请材料不齐全的，受理机关应当一次性告知申请人需要补正的全部内容。 ${ending} 版权所有©2023 江州市人民政府 联系邮箱：webmaster@jiangzhou.gov.cn 网站标识码：3301000001`;
    const report = cleanTextWithReport(line);
    expect(report.text).toBe(`第十九条 申请材料不齐全的，受理机关应当一次性告知申请人需要补正的全部内容。 ${ending}`);
    expect(report.removed).toEqual(['版权所有©2023', '江州市人民政府', '联系邮箱：webmaster@jiangzhou.gov.cn', '网站标识码：3301000001']);
    expect(report.removedChars).toBe(report.removed.join('').replace(/\s/g, '').length);
  });

  it('cuts site spans glued to the text, and those inserted between clauses', () => {
    expect(cleanText(`特此通告。北江市消防救援支队2024年5月8日分享到：微信　微博　QQ空间`)).toBe('特此通告。北江市消防救援支队2024年5月8日');
    expect(cleanText(`第一条 为了规范管理，制定本办法。 【打印】 扫一扫在手机打开当前页 第二条 本办法适用于全市。`)).toBe('第一条 为了规范管理，制定本办法。 第二条 本办法适用于全市。');
  });

  it('keeps clauses that mention an e-mail box, a portal site or copyright', () => {
    const clauses = [
      '申请人可通过电子邮箱：apply@jiangzhou.gov.cn提交材料。',
      '不动产登记机构应当在办公场所和门户网站公开申请登记所需材料目录和示范文本等信息。',
      '对于版权所有，一方转让或准许另一方使用的出版发行权和其他权利，均应在合同中逐项加以规定。',
      '（一）企业通信地址、邮政编码、联系电话、电子邮箱等信息；',
      '第三条 本基金来源：',
    ];
    for (const clause of clauses) expect(cleanText(`${clause}\n打印本页 关闭窗口`)).toBe(clause);
    expect(cleanText(clauses.join(' '))).toBe(clauses.join(' '));
  });

  it("keeps a notice's own contact lines, even right before the site's share line", () => {
    const text = '七、咨询方式\n联系电话：松溪区人才发展服务中心 6670 3180\n联系邮箱：rencai@songxi.gov.cn\n分享到：\n版权所有©2024 松溪区人民政府';
    expect(cleanText(text)).toBe('七、咨询方式\n\n联系电话：松溪区人才发展服务中心 6670 3180\n\n联系邮箱：rencai@songxi.gov.cn');
  });

  it('keeps the title between the breadcrumb and the source line, and the signature before the footer', () => {
    const text = ['江州市人民政府门户网站', '首页 > 政务公开 > 正文', '关于做好防汛工作的通知', '来源：江州市水利局 发布时间：2023-06-15 10:24', ending, '江州市人民政府', '2023年6月15日', '版权所有©2023 江州市人民政府', '网站标识码：3301000001'].join('\n');
    expect(paragraphs(cleanText(text))).toEqual(['关于做好防汛工作的通知', ending, '江州市人民政府', '2023年6月15日']);
  });

  it('joins a sentence a PDF page number cut, and a wrapped line\'s lone closing punctuation', () => {
    expect(cleanText('坚持区域差异化协同发展，实现高\n— 3 —\n质量发展，形成全省经济发展的重要支撑\n。')).toBe('坚持区域差异化协同发展，实现高质量发展，形成全省经济发展的重要支撑。');
  });

  it('reports what it removed', () => {
    const report = cleanTextWithReport(`首页 > 政务公开 > 正文\n${ending}\n【打印本页】【关闭窗口】`);
    expect(report).toEqual({ text: ending, removed: ['首页 > 政务公开 > 正文', '【打印本页】【关闭窗口】'], removedChars: 22, keptUncleaned: false });
  });
});
