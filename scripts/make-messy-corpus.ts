// Messy web copies of a clean corpus (flattened, site chrome, page markers, .html/.docx/.pdf, reposts, changed figures), seeded and deterministic.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { basename, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Document, Packer, Paragraph } from 'docx';
import { PDFDocument, PDFName, PDFString } from 'pdf-lib';
import { loadDocument } from '../server/ingest/load-document.js';
import { createRandom } from './bench/random.js';

/**
 * What a variant is:
 * - `flat`: the whole text on one line, site header and footer on the same line, site spans inline;
 * - `chrome`: line breaks kept, site header lines, a source/date/font line and footer lines added;
 * - `paged`: page-number markers cutting sentences ("…实现高\n2、质量发展" or a "— 2 —" line);
 * - `html`, `docx`, `pdf`: the chrome copy as a web page, a Word file, a PDF with page numbers;
 * - `repost`: the chrome copy under another site's header and footer (a duplicate);
 * - `figures`: a repost with a few figures changed (a near-duplicate that is NOT a duplicate).
 * Every variant but `figures` carries the same policy text as its source.
 */
export type VariantKind = 'flat' | 'chrome' | 'paged' | 'html' | 'docx' | 'pdf' | 'repost' | 'figures';

export interface MessyVariant {
  /** File name in the target folder. */
  file: string;
  /** Source file name in the source folder. */
  source: string;
  kind: VariantKind;
  /** The fictional site whose chrome was added. */
  site?: string;
  /** For `figures`: the figures changed, in text order. */
  changedFigures?: { from: string; to: string }[];
}

export interface MessyManifest {
  seed: number;
  sourceDir: string;
  variants: MessyVariant[];
}

/** The manifest the generator writes beside the variants (not `manifest.json`, which the corpus loader reads). */
export const variantsFile = 'variants.json';

const extraKinds: VariantKind[] = ['paged', 'html', 'docx', 'pdf', 'repost', 'figures'];

interface Site {
  name: string;
  owner: string;
  office: string;
  section: string;
  code: string;
  icp: string;
  address: string;
  zip: string;
  email: string;
}

/** Fictional sites: names, codes and addresses are made up. */
const sites: Site[] = [
  { name: '江州市人民政府门户网站', owner: '江州市人民政府办公室', office: '江州市大数据管理局', section: '政务公开', code: '3301000001', icp: '江ICP备05001234号', address: '江州市人民大道1号', zip: '310001', email: 'webmaster@jiangzhou.gov.cn' },
  { name: '河阳市人民政府网', owner: '河阳市人民政府', office: '河阳市政务服务数据管理局', section: '信息公开', code: '4101000023', icp: '河ICP备12003456号-1', address: '河阳市中原路88号', zip: '450002', email: 'hyzf@heyang.gov.cn' },
  { name: '北岭省司法厅', owner: '北岭省司法厅', office: '北岭省司法厅办公室', section: '法规规章', code: '2100000017', icp: '北ICP备09008765号', address: '北岭省东城区和平路16号', zip: '110003', email: 'sft@beiling.gov.cn' },
  { name: '青禾法规信息网', owner: '青禾法规信息网', office: '青禾信息技术有限公司', section: '法律法规', code: 'QH00012', icp: '青ICP备18004321号-2', address: '青禾市高新区创业路5号', zip: '266000', email: 'service@qhfagui.com' },
  { name: '云溪县人民政府', owner: '云溪县人民政府办公室', office: '云溪县融媒体中心', section: '政策文件', code: '5301230004', icp: '云ICP备16007788号', address: '云溪县城关镇府前街2号', zip: '650500', email: 'yxzfb@yunxi.gov.cn' },
];

/** Writes the variants of every supported file in `sourceDir` (or the first `limit` of a seeded shuffle) to `targetDir`. */
export async function makeMessyCorpus({
  sourceDir,
  targetDir,
  seed = 1,
  limit,
  kinds,
}: {
  sourceDir: string;
  targetDir: string;
  seed?: number;
  limit?: number;
  /** Only these kinds (default: `flat` and `chrome` for every file, one extra kind per file in turn). */
  kinds?: VariantKind[];
}): Promise<MessyManifest> {
  const files = (await readdir(sourceDir)).filter((file) => ['.md', '.txt'].includes(extname(file).toLowerCase())).sort();
  const random = createRandom(seed).next;
  const chosen = limit === undefined ? files : shuffle(files, random).slice(0, limit).sort();
  await mkdir(targetDir, { recursive: true });
  const variants: MessyVariant[] = [];
  for (const [i, file] of chosen.entries()) {
    const paragraphs = sourceParagraphs(await loadDocument(join(sourceDir, file)));
    if (paragraphs.length === 0) continue;
    const rng = createRandom(seed ^ hashString(file)).next;
    const stem = basename(file, extname(file));
    const wanted = kinds ?? ['flat', 'chrome', extraKinds[i % extraKinds.length]];
    for (const kind of wanted) variants.push(...(await writeVariant({ kind, paragraphs, file, stem, rng, targetDir })));
  }
  const manifest: MessyManifest = { seed, sourceDir, variants };
  await writeFile(join(targetDir, variantsFile), JSON.stringify(manifest, null, 2));
  return manifest;
}

/** The source's paragraphs as a reader sees them: Markdown marks and HTML comments gone, one paragraph per line. */
export function sourceParagraphs(text: string): string[] {
  return text
    .replace(/<!--[\s\S]*?-->/g, '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

async function writeVariant({
  kind,
  paragraphs,
  file,
  stem,
  rng,
  targetDir,
}: {
  kind: VariantKind;
  paragraphs: string[];
  file: string;
  stem: string;
  rng: () => number;
  targetDir: string;
}): Promise<MessyVariant[]> {
  const site = pick(sites, rng);
  const write = async (name: string, contents: string | Uint8Array, extra: Partial<MessyVariant> = {}): Promise<MessyVariant> => {
    await writeFile(join(targetDir, name), contents);
    return { file: name, source: file, kind, ...extra };
  };
  switch (kind) {
    case 'flat':
      return [await write(`${stem}.flat.txt`, flatCopy(paragraphs, site, rng), { site: site.name })];
    case 'chrome':
      return [await write(`${stem}.chrome.txt`, chromeLines(paragraphs, site, rng).join(rng() < 0.5 ? '\n' : '\n\n'), { site: site.name })];
    case 'paged':
      return [await write(`${stem}.paged.txt`, pagedCopy(paragraphs, rng))];
    case 'html':
      return [await write(`${stem}.html`, htmlCopy(paragraphs, site, rng), { site: site.name })];
    case 'docx':
      return [await write(`${stem}.docx`, await docxCopy(chromeLines(paragraphs, site, rng)), { site: site.name })];
    case 'pdf':
      return [await write(`${stem}.pdf`, await pdfCopy(paragraphs), {})];
    case 'repost': {
      const count = 2 + Math.floor(rng() * 2);
      const others = shuffle(sites, rng).slice(0, count);
      const written: MessyVariant[] = [];
      for (const [n, other] of others.entries()) {
        const lines = chromeLines(paragraphs, other, rng);
        const text = rng() < 0.3 ? flatCopy(paragraphs, other, rng) : lines.join('\n');
        written.push(await write(`${stem}.repost-${n + 1}.txt`, text, { site: other.name }));
      }
      return written;
    }
    case 'figures': {
      const { paragraphs: changed, changes } = changeFigures(paragraphs, rng);
      if (changes.length === 0) return [];
      return [await write(`${stem}.figures.txt`, chromeLines(changed, site, rng).join('\n'), { site: site.name, changedFigures: changes })];
    }
  }
}

function publishDate(rng: () => number): string {
  const year = 2015 + Math.floor(rng() * 10);
  const month = 1 + Math.floor(rng() * 12);
  const day = 1 + Math.floor(rng() * 28);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function headerLines(site: Site, rng: () => number): string[] {
  const crumb = rng() < 0.5 ? `首页 > ${site.section} > 正文` : `当前位置：首页 > ${site.section} > 通知公告`;
  return rng() < 0.3 ? [crumb] : [site.name, crumb];
}

function metaLines(site: Site, rng: () => number): string[] {
  const date = publishDate(rng);
  const time = `${String(8 + Math.floor(rng() * 10)).padStart(2, '0')}:${String(Math.floor(rng() * 60)).padStart(2, '0')}`;
  const variants = [
    [`来源：${site.owner}　发布时间：${date} ${time}　【字体：大 中 小】`, '分享到：微信 微博 QQ空间'],
    [`发布日期：${date}`, `来源：${site.owner}`, `浏览次数：${Math.floor(rng() * 5000)}`],
    [`【字体：大 中 小】 发布时间：${date} 来源：${site.owner} 【打印】【关闭】`],
  ];
  return pick(variants, rng);
}

function footerLines(site: Site, rng: () => number): string[] {
  const year = 2015 + Math.floor(rng() * 10);
  const all = [
    '【打印本页】【关闭窗口】',
    `版权所有©${year} ${site.owner}`,
    `主办：${site.owner}　承办：${site.office}`,
    `网站标识码：${site.code}　${site.icp}`,
    `地址：${site.address}　邮编：${site.zip}`,
    `联系邮箱：${site.email}`,
  ];
  return [all[0], all[1], ...all.slice(2).filter(() => rng() < 0.7)];
}

/** The source with a site's header before the title, its source/date line after it and its footer at the end. */
function chromeLines(paragraphs: string[], site: Site, rng: () => number): string[] {
  const [title, ...body] = paragraphs;
  return [...headerLines(site, rng), title, ...metaLines(site, rng), ...body, ...footerLines(site, rng)];
}

const inlineSpans = (site: Site) => ['【打印】', '分享到：微信 微博', '扫一扫在手机打开当前页', '返回顶部', `版权所有©2024 ${site.owner}`, '【字体：大 中 小】'];

/** Everything on one line: chrome at both ends, one to three site spans between paragraphs. */
function flatCopy(paragraphs: string[], site: Site, rng: () => number): string {
  const [title, ...body] = paragraphs;
  const separator = pick([' ', '　', ''], rng);
  const inserts = new Map<number, string>();
  const spans = inlineSpans(site);
  const count = body.length > 3 ? 1 + Math.floor(rng() * 3) : 0;
  for (let n = 0; n < count; n++) inserts.set(1 + Math.floor(rng() * (body.length - 1)), pick(spans, rng));
  const bodyText = body.map((paragraph, i) => (inserts.has(i) ? ` ${inserts.get(i)} ${paragraph}` : `${i > 0 ? separator : ''}${paragraph}`)).join('');
  return [...headerLines(site, rng), title, ...metaLines(site, rng), bodyText, ...footerLines(site, rng)].join(' ');
}

/**
 * Page-number markers that cut sentences: either a web page copied from a paginated viewer (pages glued
 * together, each page starting "2、", as in the seed corpus) or text extracted from a PDF ("— 2 —" lines).
 */
function pagedCopy(paragraphs: string[], rng: () => number): string {
  const [title, ...body] = paragraphs;
  if (rng() < 0.5) {
    const text = body.join('');
    const pages: string[] = [];
    for (let at = 0; at < text.length; ) {
      const size = 250 + Math.floor(rng() * 200);
      pages.push(`${pages.length + 1}、${text.slice(at, at + size)}`);
      at += size;
    }
    return [title, ...pages].join('\n');
  }
  const lines = [title];
  let sincePage = 0;
  let page = 1;
  for (const paragraph of body) {
    let rest = paragraph;
    while (sincePage + rest.length > 600) {
      const cut = Math.max(1, 600 - sincePage);
      lines.push(rest.slice(0, cut), `— ${page++} —`);
      rest = rest.slice(cut);
      sincePage = 0;
    }
    if (rest) lines.push(rest);
    sincePage += rest.length;
  }
  return lines.join('\n');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A web page: either semantic (article, nav, footer) or nested divs with the chrome inside the page text. */
function htmlCopy(paragraphs: string[], site: Site, rng: () => number): string {
  const [title, ...body] = paragraphs;
  const bodyHtml = body.map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`).join('\n');
  const meta = metaLines(site, rng).map((line) => `<span>${escapeHtml(line)}</span>`).join(' ');
  const footer = footerLines(site, rng).map((line) => `<p>${escapeHtml(line)}</p>`).join('\n');
  const head = `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}_${escapeHtml(site.name)}</title><script>var _hmt = _hmt || [];</script></head>`;
  if (rng() < 0.5) {
    return `${head}<body><header>${escapeHtml(site.name)}</header><nav>首页 | ${escapeHtml(site.section)} | 办事服务</nav>
<article><h1>${escapeHtml(title)}</h1><div class="info">${meta}</div>
${bodyHtml}</article><footer>${footer}</footer></body></html>`;
  }
  const crumb = escapeHtml(headerLines(site, rng).at(-1)!);
  return `${head}<body><div class="top">${escapeHtml(site.name)}</div><div class="crumb">${crumb}</div>
<div class="main"><h2>${escapeHtml(title)}</h2><div class="info">${meta}</div><div class="content">
${bodyHtml}</div><div class="share">分享到： 微信 微博 【打印本页】【关闭窗口】</div></div>
<div class="foot">${footer}</div><script>document.write('')</script></body></html>`;
}

async function docxCopy(lines: string[]): Promise<Uint8Array> {
  const document = new Document({ creator: 'make-messy-corpus', sections: [{ children: lines.map((line) => new Paragraph(line)) }] });
  return new Uint8Array(await Packer.toBuffer(document));
}

/**
 * A PDF with lines wrapped at 38 characters, 40 lines a page and a "— n —" page number at each foot.
 * The font is a non-embedded CID font with a ToUnicode map: text extraction reads it as written.
 */
async function pdfCopy(paragraphs: string[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setCreationDate(new Date(Date.UTC(2024, 0, 1)));
  pdf.setModificationDate(new Date(Date.UTC(2024, 0, 1)));
  const font = registerUnicodeFont(pdf);
  const visualLines = paragraphs.flatMap((paragraph) => paragraph.match(/.{1,38}/gu) ?? []);
  const hex = (text: string) => [...text].map((char) => (char.codePointAt(0)! > 0xffff ? 'FFFD' : char.codePointAt(0)!.toString(16).padStart(4, '0'))).join('');
  for (let at = 0, page = 1; at < visualLines.length; at += 40, page++) {
    const pageLines = [...visualLines.slice(at, at + 40), `— ${page} —`];
    const pdfPage = pdf.addPage([595, 842]);
    pdfPage.node.setFontDictionary(PDFName.of('F1'), font);
    const operators = ['BT /F1 11 Tf 16 TL 50 790 Td', ...pageLines.map((line) => `<${hex(line)}> Tj T*`), 'ET'].join('\n');
    pdfPage.node.addContentStream(pdf.context.register(pdf.context.stream(operators)));
  }
  return pdf.save();
}

function registerUnicodeFont(pdf: PDFDocument) {
  const context = pdf.context;
  const ranges = Array.from({ length: 256 }, (_, high) => {
    const h = high.toString(16).padStart(2, '0').toUpperCase();
    return `<${h}00> <${h}FF> <${h}00>`;
  });
  const blocks: string[] = [];
  for (let i = 0; i < ranges.length; i += 100) blocks.push(`${ranges.slice(i, i + 100).length} beginbfrange\n${ranges.slice(i, i + 100).join('\n')}\nendbfrange`);
  const cmap = [
    '/CIDInit /ProcSet findresource begin 12 dict begin begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def /CMapName /Adobe-Identity-UCS def /CMapType 2 def',
    '1 begincodespacerange <0000> <FFFF> endcodespacerange',
    ...blocks,
    'endcmap CMapName currentdict /CMap defineresource pop end end',
  ].join('\n');
  const descriptor = context.register(
    context.obj({ Type: 'FontDescriptor', FontName: 'SimSun', Flags: 4, FontBBox: [0, -200, 1000, 900], ItalicAngle: 0, Ascent: 900, Descent: -200, CapHeight: 700, StemV: 80 }),
  );
  const cidFont = context.register(
    context.obj({
      Type: 'Font',
      Subtype: 'CIDFontType2',
      BaseFont: 'SimSun',
      CIDSystemInfo: { Registry: PDFString.of('Adobe'), Ordering: PDFString.of('Identity'), Supplement: 0 },
      FontDescriptor: descriptor,
      DW: 1000,
      CIDToGIDMap: 'Identity',
    }),
  );
  return context.register(context.obj({ Type: 'Font', Subtype: 'Type0', BaseFont: 'SimSun', Encoding: 'Identity-H', DescendantFonts: [cidFont], ToUnicode: context.register(context.stream(cmap)) }));
}

const chineseDigits = '一二三四五六七八九';

/**
 * Changes two or three figures of the body (never the title, never an article or item number): an
 * Arabic number gets another value of the same length, a Chinese numeral amount another leading digit.
 */
export function changeFigures(paragraphs: string[], rng: () => number): { paragraphs: string[]; changes: { from: string; to: string }[] } {
  const [title, ...body] = paragraphs;
  const figure = /(?<![第\d.年月])(\d+(?:\.\d+)?)(?=\s*(?:%|元|万|亿|日内|日起|日前|天|个|人|次|倍|公里|米|吨|平方米|小时|周岁))|(?<![第一二三四五六七八九十百千])([一二三四五六七八九十][十百千万]?[一二三四五六七八九十百千万]*)(?=(?:日内|日起|日前|天|个月|年内|万元|元|倍|人|小时|周岁|公里))/gu;
  const places: { paragraph: number; index: number; text: string }[] = [];
  body.forEach((paragraph, p) => {
    for (const match of paragraph.matchAll(figure)) places.push({ paragraph: p, index: match.index!, text: match[0] });
  });
  if (places.length === 0) return { paragraphs, changes: [] };
  const chosen = shuffle(places, rng)
    .slice(0, 2 + Math.floor(rng() * 2))
    .sort((a, b) => a.paragraph - b.paragraph || b.index - a.index);
  const changed = [...body];
  const changes: { from: string; to: string; at: [number, number] }[] = [];
  for (const place of chosen) {
    const to = /\d/.test(place.text) ? otherNumber(place.text, rng) : otherNumeral(place.text, rng);
    const paragraph = changed[place.paragraph];
    changed[place.paragraph] = paragraph.slice(0, place.index) + to + paragraph.slice(place.index + place.text.length);
    changes.push({ from: place.text, to, at: [place.paragraph, place.index] });
  }
  changes.sort((a, b) => a.at[0] - b.at[0] || a.at[1] - b.at[1]);
  return { paragraphs: [title, ...changed], changes: changes.map(({ from, to }) => ({ from, to })) };
}

function otherNumber(text: string, rng: () => number): string {
  const first = text[0];
  const choices = [...'123456789'].filter((digit) => digit !== first);
  return pick(choices, rng) + text.slice(1);
}

function otherNumeral(text: string, rng: () => number): string {
  const index = chineseDigits.includes(text[0]) ? 0 : -1;
  if (index < 0) return `${pick([...chineseDigits.slice(1)], rng)}${text}`;
  const choices = [...chineseDigits].filter((digit) => digit !== text[0]);
  return pick(choices, rng) + text.slice(1);
}

function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

function pick<T>(items: readonly T[], rng: () => number): T {
  return items[Math.floor(rng() * items.length)];
}

function shuffle<T>(items: readonly T[], rng: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({
    options: {
      source: { type: 'string' },
      target: { type: 'string' },
      seed: { type: 'string', default: '1' },
      limit: { type: 'string' },
      kinds: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help || !values.source || !values.target) {
    console.log('usage: npx tsx scripts/make-messy-corpus.ts --source DIR --target DIR [--seed N] [--limit N] [--kinds flat,chrome,paged,html,docx,pdf,repost,figures]');
    process.exit(values.help ? 0 : 1);
  }
  const manifest = await makeMessyCorpus({
    sourceDir: resolve(values.source),
    targetDir: resolve(values.target),
    seed: Number(values.seed),
    limit: values.limit ? Number(values.limit) : undefined,
    kinds: values.kinds ? (values.kinds.split(',') as VariantKind[]) : undefined,
  });
  const counts = new Map<string, number>();
  for (const variant of manifest.variants) counts.set(variant.kind, (counts.get(variant.kind) ?? 0) + 1);
  console.log(`wrote ${manifest.variants.length} variants to ${values.target} (${[...counts].map(([kind, n]) => `${kind} ${n}`).join(', ')}) and ${variantsFile}`);
}
