// Cleaning: removes web-copy boilerplate and page-break markers without touching the policy text itself.

/** Lines that are site furniture, never policy text. Tested against real lines of the seed corpus. */
const boilerplatePatterns: RegExp[] = [
  /由会员分享.*(在线阅读|下载)/,
  /请在.{0,12}(网|库|站).{0,4}上搜索/,
  /^(免责声明|版权声明|声明)(\s*[:：]|$)/,
  /copyright|版权所有|©/i,
  /e-?mail\s*[:：]|邮箱\s*[:：]|\[email\s*protected\]/i,
  /^本文(地址|链接|网址)\s*[:：]/,
  /未经(许可|授权).{0,6}(不得)?转载/,
  /^本文(仅|系|不)代表/,
  /^本文系作者授权/,
  /留言与评论|发表评论|我要评论|^验证码/,
  /^(关于|联系)(我们|本站)|^关于.{1,12}(网|站)$/,
  /是公共的资讯平台|门户网站|本站所有文章/,
  /^原标题\s*[:：]/,
  /^(来源|微编|编辑|责任编辑|责编|作者|网络编辑|审核|校对|供稿)\s*[:：]/,
  /^网络编辑\s/,
  /^(发布日期|发布时间|发文日期|更新时间|更新日期|浏览次数|点击数|阅读次数|访问量|信息来源)\s*[:：].{0,40}$/,
  /^[^。；]{0,30}(\s*[>＞»›]\s*[^>＞»›。；]{1,20}){2,}$/,
  /^(分享|分享到|投诉|首页|打印|打印本页|关闭|关闭窗口|返回|返回顶部|上一篇|下一篇|收藏|字号|扫一扫|【?打印】?|【?关闭】?)[:：]?([\s|｜]*(打印本页|关闭窗口|打印|关闭|分享|收藏))*$/,
  /^(大|中|小)$|^字体\s*[:：]/,
  /^[^\p{Script=Han}]*(资讯网|新闻网|网站)$/u,
  /^.{1,16}(资讯网|新闻网)$/,
  /^(only for learning|that the network agrees|copyright protection)/i,
  /^.{2,30}(摄|供图|图片来源.*)$/,
  /^[“"].{1,10}[”"]$/,
];

/** Ends of a line after which a line break is a real paragraph end. */
const sentenceEnd = /[。！？；：!?;:”』」）)…]$/;

/** Shortest line a page-number marker can follow and still count as cutting a sentence. */
const minPageChars = 60;

/** A web page's own repeated header: "…成都示范⑮(2)" splits the article into pages. */
const pageHeaderSuffix = /[(（]\d{1,2}[)）]$/;

/**
 * Cleans a raw web copy of a policy text: drops boilerplate lines, rejoins sentences cut by
 * page-number markers ("实现高质量\n2、发展" → "实现高质量发展"), trims and normalises whitespace.
 * Characters inside the policy text are never changed (censored "省*府" stays as it is).
 */
export function cleanText(raw: string): string {
  const lines = raw
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[\u00A0\u200B\u3000\t]/g, ' ').replace(/ {2,}/g, ' ').trim());

  const kept = dropBoilerplate(lines);
  const joined = joinPageBreaks(kept);
  return joined.join('\n\n').trim();
}

/** Removes boilerplate, noise lines and repeated page headers. */
function dropBoilerplate(lines: string[]): string[] {
  const nonEmpty = lines.filter((line) => line.length > 0);
  const counts = new Map<string, number>();
  for (const line of nonEmpty) {
    const key = line.replace(pageHeaderSuffix, '');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const kept: string[] = [];
  for (const line of nonEmpty) {
    if (isNoise(line)) continue;
    if (boilerplatePatterns.some((pattern) => pattern.test(line))) continue;
    // A short title repeated with (1), (2)… is the site's page header, not part of the text.
    if (pageHeaderSuffix.test(line) && line.length <= 40 && (counts.get(line.replace(pageHeaderSuffix, '')) ?? 0) > 1) continue;
    if (kept.length > 0 && kept[kept.length - 1] === line && line.length <= 40) continue;
    kept.push(line);
  }
  return kept;
}

/** Lines with no letters at all (",", "0", "|"), or only latin noise. */
function isNoise(line: string): boolean {
  if (!/[\p{Script=Han}A-Za-z]/u.test(line)) return true;
  if (!/\p{Script=Han}/u.test(line) && line.length < 200) return true;
  return false;
}

/**
 * Page-number markers: a run of lines starting "1、", "2、", "3、"… numbered consecutively, most of
 * which continue a sentence the previous line left open. Real list items rarely cut sentences, so a
 * run only counts as page markers when the cuts dominate.
 */
function joinPageBreaks(lines: string[]): string[] {
  const marker = /^(\d{1,3})、/;
  const candidates: number[] = [];
  for (let i = 0; i < lines.length; i++) if (marker.test(lines[i])) candidates.push(i);

  const pageLines = new Set<number>();
  let run: number[] = [];
  // A page break cuts a page's worth of running text; a short line before "2、" is a list heading, not a cut sentence.
  const cutsSentence = (i: number) => i > 0 && lines[i - 1].length >= minPageChars && !sentenceEnd.test(lines[i - 1]);
  const flush = () => {
    const cuts = run.filter(cutsSentence).length;
    if (run.length >= 3 && cuts * 2 >= run.length) run.forEach((i) => pageLines.add(i));
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
    const rest = line.replace(marker, '');
    if (result.length > 0 && !sentenceEnd.test(result[result.length - 1])) {
      result[result.length - 1] += rest;
    } else {
      result.push(rest);
    }
  });
  return result;
}
