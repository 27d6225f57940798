// Cleaning: removes web-copy boilerplate (site lines, inline site spans, page-break markers) without touching the policy text.

/** What cleaning did to one document. */
export interface CleaningReport {
  /** The cleaned text: paragraphs separated by blank lines. */
  text: string;
  /** Characters cleaning removed (whitespace not counted). */
  removedChars: number;
  /** The removed pieces in document order: site lines, inline site spans, page markers. */
  removed: string[];
  /** True when cleaning would have left no text, so the text was kept (whitespace normalised) instead. */
  keptUncleaned: boolean;
}

/**
 * A piece of text is boilerplate only in one of three strengths:
 * - `site`: it is site furniture wherever it stands (a copyright line, a breadcrumb, "分享到");
 * - `weak`: it is furniture only next to a `site` piece (a site name, a counter "0", "微信");
 * - `after-site`: like `weak`, but only right after a `site` piece, since the same words end a notice's
 *   own text ("联系电话：…", "主办单位：…") and must stay there.
 * Anything else is kept, except short `filler` pieces that follow a label ("来源：" + the name) or sit
 * inside a footer between a copyright or site-number piece and the next removed piece.
 */
type Strength = 'site' | 'weak' | 'after-site' | 'filler' | 'text';

/** Phrases in which a site speaks about itself or the article: never policy text, even in a long line. */
const sitePhrases: RegExp[] = [
  /由会员分享.*(在线阅读|下载)/,
  /请在.{0,12}(网|库|站).{0,4}上搜索/,
  /^(免责声明|版权声明)(\s*[:：]|$)|^声明$/,
  /未经(本站|本网)?(许可|授权).{0,6}(不得)?转载/,
  /^本文(仅|系|不)代表|^本文系作者授权/,
  /^本文(地址|链接|网址)\s*[:：]/,
  /留言与评论|发表评论|我要评论|^验证码/,
  /是公共的资讯平台|本站所有文章|(本站|本网)(无关|立场|观点|证实|赞同|不作任何保证)/,
  /^原标题\s*[:：]/,
  /^(only for learning|that the network agrees|copyright protection)/i,
];
const maxSitePhraseChars = 400;

/** Site furniture as a whole short piece (a site line is rarely over 60 characters). */
const siteFurniture: RegExp[] = [
  /^(关于|联系)(我们|本站)$|^关于.{1,12}(网|站)$/,
  /^(来源|信息来源|文章来源|稿源|微编|编辑|责任编辑|责编|作者|网络编辑|审核|校对|供稿)\s*[:：]([^，。；,（(：:]{0,30}$|.*(发布|时间|日期|字体|字号))/,
  /^网络编辑(\s|$)/,
  /^(发布日期|发布时间|发文日期|更新时间|更新日期|浏览次数|点击数|点击量|阅读次数|浏览量|访问量)\s*[:：].{0,40}$/,
  /^[^。；，]{0,30}(\s*[>＞»›]\s*[^>＞»›。；，]{1,20}){2,}$/,
  /^(当前位置|您现在的位置|您当前的位置|您的位置)\s*[:：]\s*(网站首页|首页|主页)?([\s>＞»›]+[^\s>＞»›。；，]{1,12})*$/,
  /^【?(分享|分享到|投诉|首页|打印|打印本页|关闭|关闭窗口|返回|返回顶部|上一篇|下一篇|收藏|字号|扫一扫.{0,12}|网站地图)】?[:：]?([\s|｜]*【?(打印本页|关闭窗口|打印|关闭|分享|收藏)】?)*$/,
  /^【?字体\s*[:：]\s*【?大?\s*中?\s*小?】?$/,
  /^分享到?\s*[:：]?\s*((微信|微博|QQ空间|QQ好友|朋友圈|豆瓣)\s*)*$/,
  /ICP[备证]|公网安备|网站标识码/i,
  /^.{1,16}(资讯网|新闻网)$/,
  /^[^\p{Script=Han}]*(资讯网|新闻网|网站)$/u,
];

/**
 * Site spans that delimit themselves, so they are cut out even when glued to the text around them
 * ("…2023年11月16日分享到：微信 微博"). None of them can be read as policy text.
 */
const inlineFurniture = [
  '【?(?:字体|字号)[:：]\\s*【?大\\s*中\\s*小】?',
  '【(?:打印|打印本页|关闭|关闭窗口|收藏|返回顶部)】',
  '【大\\s*中\\s*小】',
  '分享到?[:：]\\s*(?:(?:微信|微博|QQ空间|QQ好友|朋友圈|豆瓣)\\s*)+',
  '分享到[:：](?=\\s|$|打印|关闭|【)',
  '扫一扫在手机上?打开当前页',
  '打印本页|关闭窗口|返回顶部',
  '(?:版权所有|Copyright)\\s*©\\s*\\d{4}(?:-\\d{4})?',
  '网站标识码[:：]?\\s*[A-Za-z0-9]+',
  '\\p{Script=Han}ICP[备证]\\d+号(?:-\\d+)?',
  '\\p{Script=Han}公网安备\\s*\\d+号',
  '(?:发布|更新)(?:时间|日期)[:：]\\s*\\d{4}[-/.年]\\d{1,2}[-/.月]\\d{1,2}日?(?:\\s*\\d{1,2}:\\d{2}(?::\\d{2})?)?',
  '(?:浏览次数|点击数|阅读次数|访问量|浏览量)[:：]\\s*\\d+',
].join('|');
const inlineFurnitureWhole = new RegExp(`^(?:${inlineFurniture})$`, 'iu');

/** Words at least one of which every site piece above contains: a line with none of them is policy text. */
const furnitureWord =
  /会员|搜索|声明|转载|本文|评论|验证码|资讯|本站|本网|原标题|我们|来源|编辑|责编|作者|审核|校对|供稿|发布|发文日期|更新|浏览|点击|阅读|访问|[>＞»›©【]|位置|分享|投诉|首页|打印|关闭|返回|上一篇|下一篇|收藏|字号|字体|扫一扫|网|站|公网安备|标识码|版权|微信|微博|朋友圈|豆瓣|电话|邮箱|传真|地址|邮编|主办|承办|协办|主管|技术支持|运维|维护|运营/;
const latinFurnitureWord = /learning|agrees|protection|ICP|copyright|QQ|mail|protected/i;
const hasFurnitureWord = (line: string) => furnitureWord.test(line) || (/[A-Za-z]/.test(line) && latinFurnitureWord.test(line));

/** Copyright marks: furniture unless the piece reads as policy text ("版权所有者应当…"). */
const copyrightMark = /copyright|版权所有|©/i;

/** Whole short lines only: a photo caption, a column tag in quotes. */
const furnitureLines: RegExp[] = [/^.{2,30}(摄|供图|图片来源.*)$/, /^[“"].{1,10}[”"]$/];

/** Furniture only beside a site piece: a site's name, a counter, a date stamp, a share target, a font size. */
const weakPieces: RegExp[] = [
  /^.{2,24}(门户网站|政府网|政务网|网站|官网|信息网)$/,
  /^(大|中|小)$/,
  /^(微信|微博|QQ空间|QQ好友|朋友圈|豆瓣|腾讯微博|新浪微博|打印|关闭)$/i,
];

/** Figures with no words: a counter, a date stamp, a time, a phone number. */
const figuresOnly = /^[\d\s.:/|-]{1,20}$/;

/** A footer's contact lines and sponsors: furniture only right after a site piece, text in a notice. */
const afterSitePieces: RegExp[] = [
  /^(联系|投稿|举报|文章投诉|投诉)?(电话|邮箱|电子邮箱|e-?mail|传真|地址|邮编|邮政编码)\s*[:：]/i,
  /^(主办|承办|协办|主管|技术支持|运维|维护|运营)(单位)?\s*[:：]/,
  /\[email\s*protected\]/i,
];

/** A footer's identity pieces: what follows one up to the next removed piece is the site's name or number. */
const siteIdentity = /版权所有|copyright|©|ICP[备证]|公网安备|网站标识码|^(主办|承办|协办|主管)(单位)?\s*[:：]/i;

/** A label whose value is the next piece ("来源：", "版权所有", "©"). */
const labelOnly = /^(【?(来源|信息来源|文章来源|主办|承办|发布时间|发布日期)(单位)?\s*[:：]?】?|版权所有\s*[:：]?\s*(©\s*)?\d{0,4}|copyright\s*(©\s*)?\d{0,4}|©\s*\d{0,4})$/i;

/** Heading and item markers: a piece starting with one is structure, never furniture or filler. */
const itemMarker = /^(第[一二三四五六七八九十百零〇\d]+[章节条款编]|[一二三四五六七八九十]+[、．.]|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[、．.)）](?!\d)|[①-⑳])/;

/** A document's own title, number or date line: never filler. */
const documentLine = /(通知|意见|办法|公告|通告|方案|条例|规定|细则|决定|规划|纲要|措施|计划|批复|指引|指南|要点|函)$|〔\d{4}〕|\[\d{4}\]|\d+号$|\d{4}年\d{1,2}月\d{1,2}日/;

/** Policy verbs: a short piece using one is a clause, not furniture. */
const policyVerb = /应当|不得|可以|鼓励|支持|实施|建立|加强|推进|完善|负责|按照|依法|保护|提交|申请|办理|禁止/;

const sentenceEnd = /[。！？；!?;]$/;
const shortPieceChars = 60;
const fillerChars = 30;

/** A page number on its own line, as PDF text has them: "— 3 —", "第3页 共12页". */
const pageNumberLine = /^[-—–]\s*\d{1,3}\s*[-—–]$|^第\s*\d{1,3}\s*页(\s*[,，/]?\s*共\s*\d{1,3}\s*页)?$/;

/** Ends of a line after which a line break is a real paragraph end. */
const paragraphEnd = /[。！？；：!?;:”』」）)…]$/;

/** Shortest line a page-number marker can follow and still count as cutting a sentence. */
const minPageChars = 60;

/** Length from which a numbered line reads as a page of text rather than a list item. */
const minPageLineChars = 150;

/** A web page's own repeated header: "…成都示范⑮(2)" splits the article into pages. */
const pageHeaderSuffix = /[(（]\d{1,2}[)）]$/;

/**
 * Share of a text's characters cleaning may remove before ingestion warns. Site furniture costs a web
 * page of normal length well under it (the shared regulations lose at most 1%, the invented notices at
 * most 11%; messy web copies of the regulations a median 3.6% and 14% at the 95th percentile, above it
 * only pages under about 1,500 characters that carry a full site header and footer), so more than 15%
 * is worth a look: it may be a clause that went with the furniture.
 */
export const cleaningWarningShare = 0.15;

/** One warning line when cleaning removed more than `cleaningWarningShare` of a text, or had to keep it uncleaned. */
export function cleaningWarning(file: string, report: CleaningReport): string | undefined {
  if (report.keptUncleaned) return `${file}: cleaning would have left no text, so the text is kept as it was`;
  const share = report.removedChars / (report.removedChars + report.text.replace(/\s/g, '').length);
  if (!(share > cleaningWarningShare)) return undefined;
  const pieces = report.removed.slice(0, 3).map((piece) => `“${piece.length > 24 ? `${piece.slice(0, 24)}…` : piece}”`);
  const more = report.removed.length > 3 ? ` and ${report.removed.length - 3} more` : '';
  return `${file}: cleaning removed ${Math.round(share * 100)}% of the text (${report.removedChars} characters: ${pieces.join(', ')}${more})`;
}

/** Cleans a raw web copy of a policy text; see `cleanTextWithReport`. */
export function cleanText(raw: string): string {
  return cleanTextWithReport(raw).text;
}

/**
 * Cleans a raw web copy of a policy text: drops site lines (whole lines only when short), cuts site
 * spans out of longer lines (a one-line copy keeps its text and loses only the copyright span), rejoins
 * sentences cut by page-number markers ("实现高质量\n2、发展" → "实现高质量发展") and normalises
 * whitespace. Characters inside the policy text are never changed (censored "省*府" stays as it is).
 * A text that would come out empty is returned uncleaned, and the report says so.
 */
export function cleanTextWithReport(raw: string): CleaningReport {
  const lines = normaliseLines(raw).filter((line) => line.length > 0);
  const removed: string[] = [];
  const remove = (piece: string) => {
    if (piece.trim()) removed.push(piece);
  };

  const kept = dropRepeatedHeaders(dropFurniture(joinAcrossPageNumbers(lines, remove), remove), remove);
  const text = joinPageBreaks(kept, remove).join('\n\n').trim();
  if (text.length === 0 && lines.some((line) => /[\p{L}\p{N}]/u.test(line))) {
    return { text: lines.join('\n\n'), removedChars: 0, removed: [], keptUncleaned: true };
  }
  return { text, removedChars: removed.reduce((sum, piece) => sum + piece.replace(/\s/g, '').length, 0), removed, keptUncleaned: false };
}

/** Unifies line ends, drops a BOM and turns odd spaces into one plain space. */
function normaliseLines(raw: string): string[] {
  return raw
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[\u00A0\u200B\u3000\t]/g, ' ').replace(/ {2,}/g, ' ').trim());
}

interface Piece {
  line: number;
  start: number;
  end: number;
  text: string;
  strength: Strength;
  label: boolean;
}

/** Removes site furniture: whole short lines, and site spans inside longer lines. */
function dropFurniture(lines: string[], remove: (piece: string) => void): string[] {
  const pieces: Piece[] = [];
  const alwaysDropped = new Set<number>();
  lines.forEach((line, index) => {
    if (isMarkupOrSymbols(line)) {
      alwaysDropped.add(index);
      return;
    }
    // A short line is judged whole first ("来源：… 发布时间：…" is one site line); any other line piece by
    // piece, unless it holds none of the words a site piece is made of (most lines of policy text).
    const whole = line.length <= shortPieceChars ? strengthOf(line, 'line') : 'text';
    const tokens = whole === 'site' || !hasFurnitureWord(line) ? [{ start: 0, end: line.length }] : tokenize(line);
    for (const { start, end } of tokens) {
      const text = line.slice(start, end);
      const strength = tokens.length === 1 && line.length <= shortPieceChars ? whole : strengthOf(text, 'piece');
      pieces.push({ line: index, start, end, text, strength, label: labelOnly.test(text) });
    }
  });

  const dropped = markFurniture(pieces);
  const cuts = new Map<number, Piece[]>();
  pieces.forEach((piece, i) => {
    if (!dropped[i]) return;
    const list = cuts.get(piece.line);
    if (list) list.push(piece);
    else cuts.set(piece.line, [piece]);
  });

  const kept: string[] = [];
  lines.forEach((line, index) => {
    if (alwaysDropped.has(index)) {
      remove(line);
      return;
    }
    const lineCuts = cuts.get(index);
    if (!lineCuts) {
      kept.push(line);
      return;
    }
    let rest = '';
    let from = 0;
    for (const cut of lineCuts) {
      rest += line.slice(from, cut.start);
      remove(cut.text);
      from = cut.end;
      // The space after a removed span goes with it, so "甲 版权所有 乙" becomes "甲 乙".
      if (line[from] === ' ' && (rest.length === 0 || rest.endsWith(' '))) from++;
    }
    rest = (rest + line.slice(from)).trim();
    if (rest.length > 0) kept.push(rest);
  });
  return kept;
}

/**
 * Which pieces are furniture: every `site` piece; the value after a label ("版权所有" → the owner);
 * `weak` pieces next to removed ones; `after-site` pieces right after removed ones; and, in a
 * document's footer only (after its last piece of text), up to three short filler pieces caught
 * between a copyright or site-number piece and the next removed piece ("版权所有 XX市政府 网站标识码").
 * In the head the same gap is usually the title ("首页 > 文件 | 标题 | 来源：…"), and after a
 * "返回顶部" it may be an appendix heading ("附： 税目税率表"), so those stay.
 */
function markFurniture(pieces: Piece[]): boolean[] {
  const dropped = pieces.map((piece) => piece.strength === 'site');
  const droppable = (piece: Piece) => piece.strength !== 'text';
  const lastText = pieces.findLastIndex((piece) => piece.strength === 'text');
  let changed = true;
  while (changed) {
    changed = false;
    const drop = (i: number) => {
      if (!dropped[i]) {
        dropped[i] = true;
        changed = true;
      }
    };
    for (let i = 0; i < pieces.length; i++) {
      if (dropped[i]) {
        const next = pieces[i + 1];
        if (next && pieces[i].label && droppable(next) && next.text.length <= fillerChars) drop(i + 1);
        continue;
      }
      const { strength } = pieces[i];
      const before = i > 0 && dropped[i - 1];
      const after = i + 1 < pieces.length && dropped[i + 1];
      if (strength === 'weak' && (before || after)) drop(i);
      if (strength === 'after-site' && before) drop(i);
    }
    let last = -1;
    for (let i = 0; i < pieces.length; i++) {
      if (!dropped[i]) continue;
      const gap = pieces.slice(last + 1, i);
      const footer = last > lastText && siteIdentity.test(pieces[last].text);
      if (footer && gap.length > 0 && gap.length <= 3 && gap.every(droppable) && gap.reduce((sum, piece) => sum + piece.text.length, 0) <= shortPieceChars) {
        for (let j = last + 1; j < i; j++) drop(j);
      }
      last = i;
    }
  }
  return dropped;
}

/** How strongly a piece (a whole line, or a span of one) reads as site furniture. */
function strengthOf(text: string, scope: 'line' | 'piece'): Strength {
  if (inlineFurnitureWhole.test(text)) return 'site';
  if (text.length <= maxSitePhraseChars && sitePhrases.some((pattern) => pattern.test(text))) return 'site';
  if (text.length > shortPieceChars) return 'text';
  const structural = itemMarker.test(text);
  const sentence = sentenceEnd.test(text);
  if (structural) return 'text';
  if (!sentence) {
    if (siteFurniture.some((pattern) => pattern.test(text))) return 'site';
    if (copyrightMark.test(text) && !policyVerb.test(text)) return 'site';
    if (scope === 'line' && furnitureLines.some((pattern) => pattern.test(text))) return 'site';
  }
  // A lone counter line ("0") is page furniture; figures inside a line ("浏览次数 1862", but also a phone
  // number "6670 3180") go only when they follow a removed piece.
  if (figuresOnly.test(text)) return scope === 'line' && text.length <= 4 ? 'weak' : 'after-site';
  if (afterSitePieces.some((pattern) => pattern.test(text))) return 'after-site';
  if (weakPieces.some((pattern) => pattern.test(text)) || !/[\p{Script=Han}\p{N}]/u.test(text)) return 'weak';
  if (!sentence && text.length <= fillerChars && !documentLine.test(text) && !policyVerb.test(text)) return 'filler';
  return 'text';
}

/** A line with no words and no figures (",", "|", "——"), or leftover markup ("<!-- INFO END -->"). */
function isMarkupOrSymbols(line: string): boolean {
  return !/[\p{L}\p{N}]/u.test(line) || /^<!--.*-->$|^<\/?[a-z][^>]*>$/i.test(line);
}

const inlineFurnitureAnywhere = new RegExp(inlineFurniture, 'giu');
const plainToken = /【[^【】]{1,30}】|(?:[^\s>＞»›。；，]{1,20}\s*[>＞»›]\s*){2,}[^\s>＞»›。；，]{1,20}|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?|[^\s。！？；!?;]*[。！？；!?;]+[”’」』）)"]*|[^\s。！？；!?;]+/gu;

/**
 * Splits a line into pieces: the self-delimiting site spans first, then whitespace-separated runs cut
 * after sentence ends, with a few spans kept whole (a "【…】" group, a "首页 > 政务公开 > 正文"
 * breadcrumb, a date with its time).
 */
function tokenize(line: string): { start: number; end: number }[] {
  const tokens: { start: number; end: number }[] = [];
  const plain = (from: number, to: number) => {
    for (const match of line.slice(from, to).matchAll(plainToken)) tokens.push({ start: from + match.index!, end: from + match.index! + match[0].length });
  };
  let from = 0;
  for (const match of line.matchAll(inlineFurnitureAnywhere)) {
    plain(from, match.index!);
    tokens.push({ start: match.index!, end: match.index! + match[0].length });
    from = match.index! + match[0].length;
  }
  plain(from, line.length);
  return tokens;
}

/**
 * Drops page-number lines; a sentence the page break cut ("…实现高" / "— 3 —" / "质量发展") is joined again,
 * and a line of closing punctuation left by a wrap joins the line before.
 */
function joinAcrossPageNumbers(lines: string[], remove: (piece: string) => void): string[] {
  const result: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    // A wrapped line's last "。" alone on the next line belongs to the sentence, not to the bin.
    if (result.length > 0 && /^[。！？；，、：）》」』”%‰℃)\]]/.test(lines[i]) && !/[\p{L}\p{N}]/u.test(lines[i])) {
      result[result.length - 1] += lines[i];
      continue;
    }
    if (!pageNumberLine.test(lines[i])) {
      result.push(lines[i]);
      continue;
    }
    remove(lines[i]);
    const previous = result.at(-1);
    const next = lines[i + 1];
    if (previous !== undefined && next !== undefined && !paragraphEnd.test(previous) && !itemMarker.test(next) && !pageNumberLine.test(next)) {
      result[result.length - 1] = previous + next;
      i++;
    }
  }
  return result;
}

/** Drops a site's repeated page header ("标题(1)", "标题(2)") and a short line repeated right after itself. */
function dropRepeatedHeaders(lines: string[], remove: (piece: string) => void): string[] {
  const counts = new Map<string, number>();
  for (const line of lines) {
    const key = line.replace(pageHeaderSuffix, '');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const kept: string[] = [];
  for (const line of lines) {
    const pageHeader = pageHeaderSuffix.test(line) && line.length <= 40 && (counts.get(line.replace(pageHeaderSuffix, '')) ?? 0) > 1;
    const repeated = kept.length > 0 && kept[kept.length - 1] === line && line.length <= 40;
    if (pageHeader || repeated) remove(line);
    else kept.push(line);
  }
  return kept;
}

/**
 * Page-number markers: a run of lines starting "1、", "2、", "3、"… numbered consecutively, most of
 * which continue a sentence the previous line left open. Real list items rarely cut sentences, so a
 * run only counts as page markers when the cuts dominate.
 */
function joinPageBreaks(lines: string[], remove: (piece: string) => void): string[] {
  const marker = /^(\d{1,3})、/;
  const candidates: number[] = [];
  for (let i = 0; i < lines.length; i++) if (marker.test(lines[i])) candidates.push(i);

  const pageLines = new Set<number>();
  let run: number[] = [];
  // A page break cuts a page's worth of running text; a short line before "2、" is a list heading, not a cut sentence.
  const cutsSentence = (i: number) => i > 0 && lines[i - 1].length >= minPageChars && !paragraphEnd.test(lines[i - 1]);
  const flush = () => {
    const cuts = run.filter(cutsSentence).length;
    // Two markers are enough when the first line is page-sized (the last page may be short): list items that long are rare.
    const pages = run.length >= 3 || (run.length === 2 && lines[run[0]].length >= minPageLineChars);
    if (pages && cuts * 2 >= run.length) run.forEach((i) => pageLines.add(i));
    run = [];
  };
  for (const index of candidates) {
    const number = Number(lines[index].match(marker)![1]);
    const previous = run.length > 0 ? Number(lines[run[run.length - 1]].match(marker)![1]) : undefined;
    if (previous !== undefined && number !== previous + 1) flush();
    run.push(index);
  }
  flush();
  if (pageLines.size === 0) return lines;

  const result: string[] = [];
  lines.forEach((line, i) => {
    if (!pageLines.has(i)) {
      result.push(line);
      return;
    }
    remove(line.match(marker)![0]);
    const rest = line.replace(marker, '');
    // The first page follows a title or a heading, which it does not continue.
    if (result.length > 0 && cutsSentence(i)) {
      result[result.length - 1] += rest;
    } else {
      result.push(rest);
    }
  });
  return result;
}
