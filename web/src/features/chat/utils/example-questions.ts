// Example questions for the first screen, built from the library the server holds, so that every
// example names a document that is really there and asks in a form the assistant answers with citations.
import type { DocumentSection, DocumentSummary } from '../../documents/api/types';
import type { ChatMode } from '../api/types';

export type ExampleQuestions = Record<ChatMode, string[]>;

/** The bare title, without the 《》 some titles are stored with. */
export function bareTitle(title: string): string {
  const trimmed = title.trim();
  return trimmed.startsWith('《') && trimmed.endsWith('》') ? trimmed.slice(1, -1).trim() : trimmed;
}

/**
 * The documents the examples are about: the longest ones (most clauses, so the most to ask about),
 * one per title, leaving out copies of another document and superseded versions. Stable for a
 * given library: ties go to the title, then the id.
 */
export function pickExampleDocuments(documents: readonly DocumentSummary[], count: number): DocumentSummary[] {
  const candidates = documents
    .filter((document) => bareTitle(document.title) && !document.duplicateOf)
    .filter((document) => !document.versionGroup || document.versionGroup.newest === document.id)
    .sort(
      (a, b) =>
        b.chunks - a.chunks || b.chars - a.chars || bareTitle(a.title).localeCompare(bareTitle(b.title), 'zh') || a.id.localeCompare(b.id),
    );
  const picked: DocumentSummary[] = [];
  const titles = new Set<string>();
  for (const document of candidates) {
    const title = bareTitle(document.title);
    if (titles.has(title)) continue;
    titles.add(title);
    picked.push(document);
    if (picked.length === count) break;
  }
  return picked;
}

// Heading numbers: 第三章 / 第二节 / 一、 / （一） / (1) / 1. / 1、
const headingNumber = /^(?:第[一二三四五六七八九十百千零〇\d]+[编章节部分条款]|[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十百\d]+[)）]|\d+(?:[.．]\d+)*[、.．])\s*/;

// Headings every kind of official document has; a question about them says nothing about this one.
const boilerplateHeadings = new Set([
  '总则', '附则', '一般规定', '其他', '其他规定', '附件', '附录', '说明', '前言', '引言',
  '指导思想', '基本原则', '总体要求', '主要目标', '发展目标', '总体目标', '目标任务', '重点任务', '主要任务',
  '保障措施', '组织实施', '组织保障', '工作要求',
]);

// A path part that is only an article number: the parts below it are items of one clause, not topics.
const articleNumber = /^第[一二三四五六七八九十百千零〇\d]+条$/;

/** A heading as a question can name it: without its number and spacing; '' when it cannot serve. */
export function headingTopic(heading: string, title: string): string {
  if (/[…。；;！!？?]|\.\.\./.test(heading)) return ''; // cut off, or a sentence rather than a heading
  const topic = heading.replace(headingNumber, '').replace(/\s+/g, '').trim();
  if (topic.length < 2 || topic.length > 20) return '';
  if (/^[（(].*[)）]$/.test(topic) || boilerplateHeadings.has(topic)) return '';
  // A list item rather than a heading: '（三）有违法所得的', '（二）物证、书证'.
  if (/[，,、:：]/.test(topic) || topic.endsWith('的')) return '';
  if (title.includes(topic) || /^第[一二三四五六七八九十百千零〇\d]+/.test(topic)) return '';
  return topic;
}

/** Parts shorter than this are single items of a list, too thin to ask about. */
const minTopicChars = 150;

/**
 * Subjects to ask about within one document: its headings above the level of single clauses,
 * innermost first (a question about a whole chapter draws a thin answer from a corner of it),
 * biggest first among those, each once.
 */
export function pickSectionTopics(sections: readonly DocumentSection[], title: string, count: number): string[] {
  const headings = sections.filter((section) => section.path.length > 0 && !section.path.some((part) => articleNumber.test(part.replace(/\s+/g, ''))));
  const ranked = headings
    .map((section, order) => ({
      topic: headingTopic(section.path.at(-1) ?? '', bareTitle(title)),
      size: section.end - section.start,
      innermost: !headings.some((other) => other.path.length > section.path.length && section.path.every((part, i) => other.path[i] === part)),
      order,
    }))
    .filter((entry) => entry.topic && entry.size >= minTopicChars)
    .sort((a, b) => Number(b.innermost) - Number(a.innermost) || b.size - a.size || a.order - b.order);
  const topics: string[] = [];
  for (const { topic } of ranked) {
    if (!topics.includes(topic)) topics.push(topic);
    if (topics.length === count) break;
  }
  return topics;
}

/**
 * Two or three questions per mode about the given documents (best first). `topics` are headings
 * of the first document; without them the examples ask about the documents as a whole.
 */
export function buildExampleQuestions({ documents, topics = [] }: { documents: readonly DocumentSummary[]; topics?: readonly string[] }): ExampleQuestions {
  const titles = documents.map((document) => bareTitle(document.title));
  if (titles.length === 0) return { answer: [], summary: [] };
  const [first, second = first] = titles;
  const [topic, otherTopic = topic] = topics;
  const answer = [
    topic ? `《${first}》关于${topic}有哪些规定？` : `《${first}》的主要内容是什么？`,
    `《${second}》的主要内容是什么？`,
    ...(titles[2] ? [`《${titles[2]}》的主要内容是什么？`] : []),
  ];
  const summary = [
    otherTopic ? `概述《${first}》关于${otherTopic}的规定` : `概述《${first}》的主要内容`,
    `概述《${second}》的主要内容`,
  ];
  return { answer: unique(answer), summary: unique(summary) };
}

function unique(questions: string[]): string[] {
  return [...new Set(questions)];
}
