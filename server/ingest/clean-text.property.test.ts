// Cleaning loses no clause: every policy sentence of the seeds, the shared regulations and messy web copies of them survives.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeMessyCorpus, sourceParagraphs, type MessyManifest } from '../../scripts/make-messy-corpus';
import { seedCorpusDir, temporaryFolder } from '../test-support/corpus';
import { cleanTextWithReport } from './clean-text';
import { loadDocument, supportedExtensions } from './load-document';

const repository = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
// The 712 shared regulations, as committed with the evaluation sets (a byte-for-byte copy of ../shared/corpora/regulations).
const regulationsDir = resolve(repository, 'evals/corpora/regulations');
const noticesDir = resolve(repository, 'evals/heldout/notices');
const haveRegulations = existsSync(regulationsDir);
if (!haveRegulations) console.warn(`skipping the regulation property tests: ${regulationsDir} is absent`);

/** Words that make a sentence a clause someone may ask about (independent of the cleaner's own word list). */
const policyWord = /应当|不得|可以|鼓励|支持|实施|建立|加强|推进|完善|负责|按照|依法|必须|禁止|组织|开展|落实|保障|促进|制定|给予|纳入|申请|办理|规定/;
const figure = /\d|[一二三四五六七八九十百千万]+(元|日|个月|年|%|倍|人)/;
const minChars = 30;
const squash = (text: string) => text.replace(/\s+/g, '');

/**
 * Site lines that carry a figure (a date, a counter) and so look like clauses to the filter above: the
 * seeds and the invented notices have some, and they are not policy text.
 */
const siteLine = /来源[:：].*(发布|时间|日期)|(发布|更新)(时间|日期)[:：]|字体[:：]|字号[:：]|浏览(次数|量)|由会员分享|版权所有©|ICP备|网站标识码|分享到[:：]|本站|本网(?!络)|本文(地址|链接)|网络编辑|资讯平台/;

/** The sentences of a text that cleaning must keep: a policy word or a figure, longer than 30 characters. */
function policySentences(text: string): string[] {
  return text
    .split(/(?<=[。！？；])|\n/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > minChars && (policyWord.test(sentence) || figure.test(sentence)) && !siteLine.test(sentence));
}

/** Sentences of `source` missing from `cleaned`; a leading page marker ("2、发展…") may go, the rest must stay. */
function lostSentences(source: string, cleaned: string): string[] {
  const kept = squash(cleaned);
  return policySentences(source).filter((sentence) => !kept.includes(squash(sentence)) && !kept.includes(squash(sentence.replace(/^\d{1,3}、/, ''))));
}

async function filesOf(directory: string): Promise<string[]> {
  return (await readdir(directory)).filter((file) => (supportedExtensions as readonly string[]).some((extension) => file.toLowerCase().endsWith(extension))).sort();
}

describe('cleaning keeps every policy sentence', () => {
  it('of the seed corpus', async () => {
    for (const file of await filesOf(seedCorpusDir)) {
      const raw = await loadDocument(join(seedCorpusDir, file));
      expect({ file, lost: lostSentences(raw, cleanTextWithReport(raw).text) }).toEqual({ file, lost: [] });
    }
  });

  it('of the invented notices in evals/heldout and evals/fresh', async () => {
    const freshDir = resolve(repository, 'evals/fresh');
    const folders = [noticesDir, ...(await readdir(freshDir, { withFileTypes: true })).filter((entry) => entry.isDirectory() && entry.name.startsWith('notices')).map((entry) => join(freshDir, entry.name))];
    expect(folders.length).toBeGreaterThan(1);
    for (const folder of folders) {
      for (const file of await filesOf(folder)) {
        const raw = await loadDocument(join(folder, file));
        expect({ file, lost: lostSentences(raw, cleanTextWithReport(raw).text) }).toEqual({ file, lost: [] });
      }
    }
  });

  it.skipIf(!haveRegulations)('of all 712 shared regulations', async () => {
    const files = await filesOf(regulationsDir);
    expect(files.length).toBeGreaterThanOrEqual(700);
    const lost: { file: string; sentences: string[] }[] = [];
    for (const file of files) {
      const raw = await loadDocument(join(regulationsDir, file));
      const sentences = lostSentences(raw, cleanTextWithReport(raw).text);
      if (sentences.length > 0) lost.push({ file, sentences });
    }
    expect(lost).toEqual([]);
  });
});

describe.skipIf(!haveRegulations)('cleaning keeps every policy sentence of messy web copies', () => {
  let folder: Awaited<ReturnType<typeof temporaryFolder>>;
  let manifests: { sourceDir: string; targetDir: string; manifest: MessyManifest }[];

  beforeAll(async () => {
    folder = await temporaryFolder('messy');
    manifests = [];
    for (const [name, sourceDir, limit] of [
      ['regulations', regulationsDir, 150],
      ['notices', noticesDir, undefined],
    ] as const) {
      const targetDir = join(folder.path, name);
      manifests.push({ sourceDir, targetDir, manifest: await makeMessyCorpus({ sourceDir, targetDir, seed: 11, limit }) });
    }
  });

  afterAll(async () => {
    await folder?.remove();
  });

  it('flattened to one line, with site chrome, page markers, as .html, .docx and .pdf, and reposted', async () => {
    const lost: { file: string; sentences: string[] }[] = [];
    const kinds = new Set<string>();
    for (const { sourceDir, targetDir, manifest } of manifests) {
      for (const variant of manifest.variants) {
        if (variant.kind === 'figures') continue;
        kinds.add(variant.kind);
        const source = sourceParagraphs(await loadDocument(join(sourceDir, variant.source))).join('\n');
        const report = cleanTextWithReport(await loadDocument(join(targetDir, variant.file)));
        const sentences = lostSentences(source, report.text);
        if (sentences.length > 0) lost.push({ file: variant.file, sentences });
      }
    }
    expect([...kinds].sort()).toEqual(['chrome', 'docx', 'flat', 'html', 'paged', 'pdf', 'repost']);
    expect(lost).toEqual([]);
  });

  it('while removing the site chrome the generator added', async () => {
    const markers = ['版权所有', '网站标识码', 'ICP备', '分享到', '字体：', '首页 >', '打印本页', '联系邮箱'];
    const count = (text: string, marker: string) => text.split(marker).length - 1;
    const leftovers: string[] = [];
    // Regulations only: an invented notice already carries its own chrome, and glued to its text in a
    // flat copy ("分享到：青禾市商务局") it is ambiguous, so it rightly stays.
    for (const { sourceDir, targetDir, manifest } of manifests.filter((item) => item.sourceDir === regulationsDir)) {
      for (const variant of manifest.variants.filter((item) => item.kind === 'flat' || item.kind === 'chrome')) {
        const source = cleanTextWithReport(await loadDocument(join(sourceDir, variant.source))).text;
        const text = cleanTextWithReport(await loadDocument(join(targetDir, variant.file))).text;
        // The source's own words stay ("对于版权所有，一方转让…"); only what the generator added must go.
        for (const marker of markers) if (count(text, marker) > count(source, marker)) leftovers.push(`${variant.file}: ${marker}`);
      }
    }
    expect(leftovers).toEqual([]);
  });

  it('writes the variants it lists, each naming its source', async () => {
    for (const { sourceDir, targetDir, manifest } of manifests) {
      const written = new Set(await readdir(targetDir));
      const sources = new Set(await readdir(sourceDir));
      for (const variant of manifest.variants) {
        expect(written.has(variant.file)).toBe(true);
        expect(sources.has(variant.source)).toBe(true);
      }
      expect(JSON.parse(await readFile(join(targetDir, 'variants.json'), 'utf8')).variants).toHaveLength(manifest.variants.length);
    }
  });
});
