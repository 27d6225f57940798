// Sentences, clauses and headings of the real corpus: the material synthetic documents and chunks are made from.
import { cleanText } from '../../server/ingest/clean-text.js';
import { inferTitle, listCorpus } from '../../server/ingest/load-corpus.js';
import { loadDocument } from '../../server/ingest/load-document.js';
import { splitDocument } from '../../server/ingest/split-document.js';
import { splitSentences } from '../../server/ingest/split-sentences.js';

/** One heading section of a corpus document, with its sentences and the clauses they are made of. */
export interface CorpusSection {
  /** Position of the section in `CorpusPieces.sections`. */
  index: number;
  documentIndex: number;
  path: string[];
  sentences: string[];
  clauses: string[];
}

export interface CorpusPieces {
  documents: { id: string; title: string; region?: string; sections: CorpusSection[] }[];
  sections: CorpusSection[];
  /** Heading bodies with their numbering stripped ("完善基本公共服务均等化机制"). */
  headings: string[];
  /** Cleaned text of each document, in order. */
  texts: string[];
}

const numbering = /^([（(][一二三四五六七八九十百零〇\d-]+[)）]|[一二三四五六七八九十]+、|第[一二三四五六七八九十百]+[章条节]|\d{1,2}[、.．]|——|一一)\s*/;

/** Reads and cleans every corpus document and cuts it into sections, sentences and clauses. */
export async function loadCorpusPieces(corpusDir: string): Promise<CorpusPieces> {
  const entries = await listCorpus(corpusDir);
  const documents: CorpusPieces['documents'] = [];
  const sections: CorpusSection[] = [];
  const headings = new Set<string>();
  const texts: string[] = [];
  for (const entry of entries) {
    const text = cleanText(await loadDocument(entry.path));
    texts.push(text);
    const documentIndex = documents.length;
    const bySection = new Map<string, CorpusSection>();
    for (const chunk of splitDocument({ id: entry.meta.id, text })) {
      const key = chunk.section.join('›');
      let section = bySection.get(key);
      if (!section) {
        section = { index: sections.length, documentIndex, path: chunk.section, sentences: [], clauses: [] };
        bySection.set(key, section);
        sections.push(section);
      }
      for (const heading of chunk.section) {
        const body = heading.replace(numbering, '').replace(/[。：:，,；;]+$/, '').trim();
        if (body.length >= 4 && body.length <= 30) headings.add(body);
      }
      for (const sentence of splitSentences(chunk.text)) {
        const body = sentence.text.replace(numbering, '');
        if (body.length < 8) continue;
        section.sentences.push(body);
        for (const clause of body.replace(/[。！？；!?;]+$/, '').split(/[，,]/)) if (clause.length >= 4) section.clauses.push(clause);
      }
    }
    const kept = [...bySection.values()].filter((section) => section.sentences.length > 0);
    documents.push({ id: entry.meta.id, title: entry.meta.title ?? inferTitle(text, entry.meta.file), region: entry.meta.region, sections: kept });
  }
  const usable = sections.filter((section) => section.sentences.length > 0);
  usable.forEach((section, index) => (section.index = index));
  return { documents, sections: usable, headings: [...headings], texts };
}
