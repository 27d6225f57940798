// Metadata from a document's own text: its title line, issuer, document number and date (and a date in the file name).
import { basename, extname } from 'node:path';

export interface DocumentMetadata {
  title: string;
  /**
   * `title-line`: an official title ("…关于…的通知", "…条例"); `heading`: a short first line standing
   * alone (a news headline, a Markdown heading); `first-sentence`: neither, so the first sentence cut short.
   */
  titleSource: 'heading' | 'title-line' | 'first-sentence';
  issuer?: string;
  docNumber?: string;
  /** YYYY-MM-DD. */
  date?: string;
}

/** Words an official document's title ends with. */
const documentType =
  '(?:通知|实施意见|意见|办法|细则|方案|公告|通告|条例|规定|决定|规划|纲要|措施|计划|批复|指引|指南|要点|公报|报告|函|规则|规范|命令|章程|制度|标准|目录|清单|名单|问答|解读|答记者问|公示|通报|纪要|决议|说明)';
/** A note after a title: （试行）, （2023—2025年）, (2019年修订), (年7月30日). */
const titleNote = '(?:\\s?(?![（(][一二三四五六七八九十\\d]{1,3}[)）])[（(][^（()）。；，]{1,20}[)）])?';
/** Where a title stops when the text runs on in the same line: a space, a date, the salutation or the first clause. */
const titleBoundary = /^(?:$|\s|\d{4}\s*年\s*\d{1,2}\s*月|\d{4}-\d{1,2}|各|第[一二三四五六七八九十]+[章节条]|一、|为|根据|按照|现|经|近日|日前)/u;
/** …or the document number, with its issuer's short prefix ("临财发〔2021〕8号", "[2020]6号"). */
const numberBoundary = /^(\p{Script=Han}{0,8})[〔\[［]\d{4}[〕\]］]/u;
const titleEnd = new RegExp(`(${documentType})(${titleNote})`, 'gu');
const wholeTitle = new RegExp(`^.{2,100}${documentType}${titleNote}$`, 'u');

/** A line that is only an organisation's name ("江州市人力资源和社会保障局 江州市财政局"). */
const organisationPattern = /^(?:[\p{Script=Han}（）()]{2,30}(?:人民政府|政府|委员会|委|局|厅|部|办公室|办公厅|中心|院|会|署|行|所|支队|大队|处|办|站|社|馆|公司|集团|小组|党委|省委|市委|县委|区委)[\s、，,]*)+$/u;

const organisationOnly = { test: (line: string) => line.length <= 60 && organisationPattern.test(line) && !/网站$/.test(line) };

/** Lines where the body begins: a heading or item marker, the first clause. */
const bodyStart = /^(第[一二三四五六七八九十百零〇\d]+[章节条]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d{1,2}[．.、])|^(为|根据|按照|近日|日前|现将)/;

const chineseDigit: Record<string, number> = { 〇: 0, 零: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const arabicDate = /(\d{4})\s*(?:年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|[-./](\d{1,2})[-./](\d{1,2}))/g;
const chineseDate = /([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日/g;

const docNumberPattern = /(?<![》（(])((?:\p{Script=Han}{1,12})?[〔［[]\d{4}[〕］\]]\s*第?\s*\d{1,4}\s*号)|(?:中华人民共和国)?(\p{Script=Han}{2,20}?令)\s*(?:〔\d{4}〕\s*)?第\s*(\d{1,4})\s*号/gu;

/** How far into a one-line document its head (title, number, dates) may reach. */
const maxHeadChars = 400;
const maxTitleChars = 40;

/**
 * Reads a document's title, issuer, document number and date from its cleaned text (and a date from
 * its file name, as in "不动产登记暂行条例(2019-03-24).md"). The title is the document's own first
 * title line, or the prefix of a one-line document before its number, date or first clause; a 《…》
 * quoted in the body is never taken, nor the file name. Failing a title, the first sentence, cut to
 * about 40 characters.
 */
export function readMetadata(text: string, file: string): DocumentMetadata {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const head = headOf(lines);
  const found = findTitle(lines) ?? findHeading(lines);
  const title = found ?? { title: firstSentence(text) || basename(file, extname(file)), titleSource: 'first-sentence' as const };
  const issuer = title.issuer ?? issuerFromSignature(lines) ?? issuerFromHistory(head) ?? found?.headerIssuer;
  const metadata: DocumentMetadata = { title: title.title, titleSource: title.titleSource };
  if (issuer) metadata.issuer = issuer;
  const docNumber = documentNumber(head);
  if (docNumber) metadata.docNumber = docNumber;
  const date = dateFromFileName(file) ?? dateFromHistory(head) ?? dateFromSignature(lines) ?? datesIn(head)[0]?.date;
  if (date) metadata.date = date;
  return metadata;
}

/**
 * The title a document is listed and cited under: an official title line in 《》 (as manifests write
 * them), anything else as it is.
 */
export function documentTitle(metadata: Pick<DocumentMetadata, 'title' | 'titleSource'>): string {
  return metadata.titleSource === 'title-line' && !/[《》]/.test(metadata.title) ? `《${metadata.title}》` : metadata.title;
}

interface FoundTitle {
  title: string;
  titleSource: DocumentMetadata['titleSource'];
  issuer?: string;
  /** A name standing alone above a title that does not name its issuer ("槐川市住房公积金管理中心" over "…办事指南"). */
  headerIssuer?: string;
}

/** The first official title line among the lines before the body, or the title prefix of a one-line document. */
function findTitle(lines: string[]): FoundTitle | undefined {
  for (let i = 0; i < Math.min(lines.length, 8); i++) {
    let line = lines[i];
    const previous = lines[i - 1];
    // A long title wrapped onto a second line (PDF text): "…的行政处分或" / "者纪律处分暂行规定".
    const next = lines[i + 1];
    if (next && line.length >= 20 && !titlePrefixOf(line) && !organisationOnly.test(line) && !/[。；！？，,]/.test(line + next) && !bodyStart.test(line) && wholeTitle.test(line + next)) {
      line += next;
      i++;
    }
    const whole = line.match(/^《([^《》]{2,100})》$/u);
    if (whole && i === 0) return withIssuer(whole[1], 'title-line');
    let title = !/^《/.test(line) && !bodyStart.test(line) ? titlePrefixOf(line) : undefined;
    if (title) {
      const named = withoutForeignNames(title);
      title = named.title;
      // An issuer line over a "关于…的通知" line is one title set on two lines.
      if (title.startsWith('关于') && previous && organisationOnly.test(previous)) return withIssuer(`${previous}${title}`, 'title-line', previous);
      const headerIssuer = named.header ?? (!title.includes('关于') && previous && organisationOnly.test(previous) ? previous : undefined);
      return { ...withIssuer(title, 'title-line'), ...(headerIssuer ? { headerIssuer } : {}) };
    }
    if (bodyStart.test(line) || /[。；！？]/.test(line) || line.length > 100) return undefined;
  }
  return undefined;
}

/**
 * Names before a title that are not its issuers: a site's name left above a title ("北岭省司法厅 不动产登记
 * 暂行条例"), or a name of another place than the issuer of the "…关于" part ("云溪县人民政府 东陵市
 * 财政局关于…"). Joint issuers stay ("嘉临市民政局 嘉临市财政局关于…"), joined to "关于" without a space.
 */
function withoutForeignNames(title: string): { title: string; header?: string } {
  const parts = title.split(/\s+/);
  const last = parts.at(-1)!;
  const about = last.indexOf('关于');
  if (about < 0) {
    const lastOrganisation = parts.findLastIndex((part) => organisationOnly.test(part));
    if (lastOrganisation < 0 || lastOrganisation === parts.length - 1) return { title };
    return { title: parts.slice(lastOrganisation + 1).join(' '), header: parts[lastOrganisation] };
  }
  const issuers = parts.slice(0, -1);
  // The issuer next to "关于" is the title's own; others of another place are a site's leftovers.
  const ownPlace = placeOf(about > 0 ? last.slice(0, about) : (issuers.at(-1) ?? ''));
  const kept = issuers.filter((issuer) => {
    const place = placeOf(issuer);
    return place === undefined || place === ownPlace;
  });
  return { title: about === 0 ? `${kept.join(' ')}${last}` : [...kept, last].join(' ') };
}

/** The place an organisation's name starts from: 西岭市 in "中共西岭市委办公室". */
function placeOf(name: string): string | undefined {
  return name.match(/(\p{Script=Han}{2}(?:省|市|县|区|州))/u)?.[1];
}

/**
 * The longest start of a line that reads as a title: it ends in a document-type word (and maybe a note)
 * followed by the end of the line, a space, the document number, a date, the salutation or the first
 * clause, and holds no sentence punctuation, colon or full date. Before a document number the title
 * ends where the number's own prefix begins ("…的通知" + "国办函〔2020〕12号", not "…的通知国办函").
 */
function titlePrefixOf(line: string): string | undefined {
  // Leftover site pieces may come first ("日期：2024-04-26 东陵市…公告 为进一步…"): try each start after a space too.
  const starts = [0, ...[...line.slice(0, 80).matchAll(/\s+/g)].map((space) => space.index! + space[0].length)];
  for (const from of starts) {
    const title = titleAt(line.slice(from));
    if (title) return title;
  }
  return undefined;
}

function titleAt(line: string): string | undefined {
  const start = line.slice(0, 160);
  let best: { end: number; title: string } | undefined;
  let beforeNumber: { end: number; title: string } | undefined;
  for (const match of start.matchAll(titleEnd)) {
    const end = match.index! + match[0].length;
    const rest = start.slice(end);
    const number = rest.match(numberBoundary);
    const atNumber = number !== null && !number[1].includes('的');
    if (!titleBoundary.test(rest) && !atNumber) continue;
    const title = start.slice(0, match.index! + match[1].length) + keptNote(match[2]);
    if (title.length < 4 || title.length > 100 || /[。；！？，,：:]|\d{4}年\d{1,2}月\d{1,2}日|[〔［[]\d{4}[〕］\]]/.test(title)) continue;
    const parts = title.split(/\s+/);
    if (!parts.slice(0, -1).every((part) => organisationOnly.test(part))) continue;
    best = { end, title };
    if (atNumber && number[1].length > 0) beforeNumber = best;
  }
  // A number right after the longest candidate without a prefix of its own means its prefix ends in a
  // document-type word ("国办函〔…"): the title is the candidate before that prefix.
  if (best && beforeNumber && best.end > beforeNumber.end && start.slice(best.end).match(numberBoundary)?.[1] === '') return beforeNumber.title;
  return best?.title;
}

/** A site's line above a page's headline: a date in figures ("…网站 2025-04-02") or a link tag at its end ("【我要纠错】"). */
const siteLine = /(?:^|\s)\d{4}-\d{1,2}-\d{1,2}(?:\s|$)|【[^】]{1,8}】\s*$/u;

/** A short first line standing alone: a news headline or a heading, not a site name, a date or a label line. */
function findHeading(lines: string[]): FoundTitle | undefined {
  for (const line of lines.slice(0, 4)) {
    if (organisationOnly.test(line) || /^[\d\s年月日:：./-]+$/.test(line) || /^\p{Script=Han}{1,6}\s*[:：]/u.test(line) || siteLine.test(line)) continue;
    if (line.length <= 60 && !/[。；]/.test(line) && !bodyStart.test(line) && lines.length > 1) return { title: line.replace(/^《(.*)》$/u, '$1'), titleSource: 'heading' };
    return undefined;
  }
  return undefined;
}

function withIssuer(title: string, titleSource: FoundTitle['titleSource'], issuerLine?: string): FoundTitle {
  const about = title.indexOf('关于');
  const before = (issuerLine ?? (about > 0 ? title.slice(0, about) : '')).trim();
  const issuer = before && organisationOnly.test(before) ? before.split(/[\s、，,]+/).filter(Boolean).join('、') : undefined;
  return issuer ? { title, titleSource, issuer } : { title, titleSource };
}

/** A title's trailing note stays when it names a scope or status (（试行）, （2023—2025年）), not a date or a lone year. */
function keptNote(note: string): string {
  if (!note) return '';
  return /月|日|\d{4}-\d{1,2}|^\s?[（(]\s*\d{4}\s*年?\s*[)）]$/.test(note) ? '' : note;
}

/** The first sentence, cut to about 40 characters. */
function firstSentence(text: string): string {
  const sentence = text.trim().split(/[。！？；\n]/)[0]?.trim() ?? '';
  return sentence.length > maxTitleChars ? `${sentence.slice(0, maxTitleChars)}…` : sentence;
}

/** The lines before the body (a one-line document: its first 400 characters, up to the first article or item). */
function headOf(lines: string[]): string {
  const head: string[] = [];
  for (const [i, line] of lines.entries()) {
    if (i > 0 && (bodyStart.test(line) || (/。/.test(line) && line.length > 60) || i >= 8)) break;
    head.push(line);
  }
  const text = head.join('\n').slice(0, maxHeadChars);
  const firstArticle = text.search(/(^|\s)(第[一二三四五六七八九十]+[章条]|一、)/);
  return firstArticle > 0 ? text.slice(0, firstArticle) : text;
}

/**
 * The body that promulgated the text, from its history lines: "中华人民共和国国务院令第656号" → 国务院,
 * "1990年10月22日 对外经济贸易部发布" → 对外经济贸易部 (the last one named).
 */
function issuerFromHistory(head: string): string | undefined {
  const orders = [...head.matchAll(/(?:中华人民共和国)?(\p{Script=Han}{2,20}?)令\s*(?:〔\d{4}〕\s*)?第\s*\d{1,4}\s*号/gu)];
  if (orders.length > 0) return withoutDate(orders.at(-1)![1]);
  const announced = [...head.matchAll(/日\s+(?:中华人民共和国)?(\p{Script=Han}{2,20}?)(?:修正|修订)?(?:发布|公布)(?:\s|$)/gmu)];
  return announced.at(-1)?.[1];
}

/** The signature block: an organisation line next to the closing date, or "…北江市消防救援支队2024年5月8日" at the end of one line. */
function issuerFromSignature(lines: string[]): string | undefined {
  const tail = lines.slice(-4);
  for (let i = tail.length - 1; i >= 0; i--) {
    if (datesIn(tail[i]).length > 0 && /^[\s\d〇零一二三四五六七八九十年月日]+$/.test(tail[i])) {
      const above = tail[i - 1];
      if (above && organisationOnly.test(above)) return above.split(/[\s、，,]+/).filter(Boolean).join('、');
    }
  }
  const last = (lines.at(-1) ?? '').slice(-80);
  const glued = last.match(/([\p{Script=Han}（）]{2,40})\s*(?:\d{4}年\d{1,2}月\d{1,2}日|[〇零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日)$/u);
  if (glued) {
    const name = glued[1].match(/(?:[^。；！？，]*?)((?:中共)?\p{Script=Han}{2,6}(?:省|市|县|区|州|旗)\p{Script=Han}{0,24}(?:人民政府|政府|委员会|局|厅|办公室|办公厅|中心|支队|大队))$/u);
    if (name) return name[1];
  }
  return undefined;
}

/** The text's own number: the last order number (令) in the head, else its first document number. */
function documentNumber(head: string): string | undefined {
  const numbers = [...head.matchAll(docNumberPattern)].map((match) => (match[1] ? numberPrefix(match[1]).replace(/\s+/g, '') : `${withoutDate(match[2])}第${match[3]}号`));
  const orders = numbers.filter((number) => /令第/.test(number));
  return orders.at(-1) ?? numbers[0];
}

/**
 * A number glued to the title keeps only its own prefix: "…的通知临财发〔2021〕8号" → 临财发〔2021〕8号,
 * "…的通知国办函〔2020〕12号" → 国办函〔2020〕12号 (a prefix may itself end in 函 or 公告).
 */
function numberPrefix(number: string): string {
  const bracket = number.search(/[〔［[]/);
  const prefix = number.slice(0, bracket);
  let cut = prefix.lastIndexOf('的') + 1;
  for (const match of prefix.matchAll(new RegExp(documentType, 'gu'))) {
    const end = match.index! + match[0].length;
    if (end < prefix.length) cut = Math.max(cut, end);
  }
  return number.slice(cut);
}

/** "日云岭市人民政府" (a name glued to the date before it) → 云岭市人民政府. */
function withoutDate(name: string): string {
  return name.replace(/^[年月日]/, '');
}

/** Dates a text states, in order, as YYYY-MM-DD (Arabic and Chinese numerals). */
function datesIn(text: string): { date: string; index: number; end: number }[] {
  const found: { date: string; index: number; end: number }[] = [];
  for (const match of text.matchAll(arabicDate)) {
    const date = isoDate(Number(match[1]), Number(match[2] ?? match[4]), Number(match[3] ?? match[5]));
    if (date) found.push({ date, index: match.index!, end: match.index! + match[0].length });
  }
  for (const match of text.matchAll(chineseDate)) {
    const year = Number([...match[1]].map((char) => chineseDigit[char]).join(''));
    const date = isoDate(year, chineseNumber(match[2]), chineseNumber(match[3]));
    if (date) found.push({ date, index: match.index!, end: match.index! + match[0].length });
  }
  return found.sort((a, b) => a.index - b.index);
}

/** The newest date of the head's history ("2014年11月24日 …公布", "2019年3月24日 …修订"); not the date it takes effect. */
function dateFromHistory(head: string): string | undefined {
  const history = datesIn(head).filter(({ end }) => /^[^。；\n]{0,60}?(公布|发布|修订|修正|通过|印发|批准)/.test(head.slice(end)));
  return history.map(({ date }) => date).sort().at(-1);
}

/** The closing date: the last line when it is only a date, or a date ending the text. */
function dateFromSignature(lines: string[]): string | undefined {
  for (const line of lines.slice(-3).reverse()) {
    if (/^[\s\d〇零一二三四五六七八九十年月日]+$/.test(line)) {
      const date = datesIn(line)[0];
      if (date) return date.date;
    }
  }
  const last = (lines.at(-1) ?? '').slice(-40);
  const dates = datesIn(last);
  const closing = dates.at(-1);
  return closing && closing.end === last.length ? closing.date : undefined;
}

/** "不动产登记暂行条例(2019-03-24).md" → 2019-03-24. */
function dateFromFileName(file: string): string | undefined {
  const match = basename(file).match(/(?<!\d)(\d{4})[-_.年](\d{1,2})[-_.月](\d{1,2})(?!\d)/);
  return match ? isoDate(Number(match[1]), Number(match[2]), Number(match[3])) : undefined;
}

function chineseNumber(text: string): number {
  if (text === '十') return 10;
  if (text.startsWith('十')) return 10 + chineseDigit[text[1]];
  if (text.endsWith('十')) return chineseDigit[text[0]] * 10;
  if (text.length === 3) return chineseDigit[text[0]] * 10 + chineseDigit[text[2]];
  return chineseDigit[text[0]];
}

function isoDate(year: number, month: number, day: number): string | undefined {
  if (!(year >= 1949 && year <= 2100 && month >= 1 && month <= 12 && day >= 1 && day <= 31)) return undefined;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
