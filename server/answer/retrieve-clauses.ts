// Stage 2 — retrieve: the clauses each question part needs; for topics, comparisons and summaries a
// deeper search, and each leading document's own best clauses so every document that speaks to the
// topic is represented.
import type { PolicyIndex } from '../rag/policy-index.js';
import type { PolicyDocument, SearchResult } from '../rag/types.js';
import type { QuestionAnalysis } from './analyse-question.js';
import { articleReference, articleSection } from './articles.js';
import { counterpartClause } from './compare-versions.js';
import { definitionPattern } from './score-sentences.js';

export const retrievalDepth = { fact: 8, wide: 40, perDocument: 6, documents: 6 } as const;

export interface Retrieved {
  /** All clauses, best first. */
  results: SearchResult[];
  /** The clauses retrieved for each part of a multi-part question (one list per part). */
  perPart: SearchResult[][];
}

export async function retrieveClauses({
  analysis,
  index,
  documents,
  rewrittenQuery,
}: {
  analysis: QuestionAnalysis;
  index: PolicyIndex;
  documents?: string[];
  /** The question in the documents' own wording (an LLM's rewrite), searched alongside it. */
  rewrittenQuery?: string;
}): Promise<Retrieved> {
  if (analysis.intent === 'fact' || analysis.intent === 'list') {
    if (analysis.parts.length < 2) {
      const asked = await index.search(analysis.retrievalQuery, { k: retrievalDepth.fact, documents });
      const rewritten = rewrittenQuery ? await index.search(rewrittenQuery, { k: retrievalDepth.fact, documents }) : [];
      const found = await withOtherVersions(interleave([asked, rewritten]).slice(0, retrievalDepth.fact + (rewrittenQuery ? 4 : 0)), analysis.retrievalQuery, index);
      const results = withDefinitions(withReferencedArticles(found, index), analysis.question, index);
      return { results, perPart: [results] };
    }
    // A later part is searched with the first part's topic, and on its own words too when it has a few
    // or says it changes the subject ("另外，搬家后多久内要换登记证？").
    const perPart = await Promise.all(
      analysis.parts.map(async (part, i) => {
        const leaning = await index.search(part.query, { k: retrievalDepth.fact, documents });
        if (i === 0 || part.query === part.text) return leaning;
        // A short part with few words of its own ("要收费吗？") is about the first part's subject.
        if (!/^(?:另外|此外|还有|再问|顺便|同时)/.test(part.text.trim()) && part.focusTokens.length < 3) return leaning;
        const own = await index.search(part.text, { k: retrievalDepth.fact, documents });
        return interleave([leaning, own]).slice(0, retrievalDepth.fact + 4);
      }),
    );
    // A clause found for one part may answer another ("多久办结？另外，收不收费？" may find the
    // deadline clause with the fee): each part reads the others' clauses after its own. Not so for the
    // items of a list asked the same thing ("居住证、护照，分别要多少天？"): another item's clause
    // answers for that item, not this one.
    const byItem = analysis.parts.every((part) => part.item);
    const widened = byItem ? perPart : perPart.map((own, i) => interleave([own, ...perPart.filter((_, j) => j !== i)]));
    return { results: interleave(perPart), perPart: widened };
  }
  const results = await index.search(analysis.retrievalQuery, { k: retrievalDepth.wide, documents });
  // Each leading document's own best clauses, so a document ranked low overall still shows its section.
  const leading = [...new Set(results.map((result) => result.documentId))].slice(0, retrievalDepth.documents);
  const own = await Promise.all(leading.map((id) => index.search(analysis.retrievalQuery, { k: retrievalDepth.perDocument, documents: [id] })));
  const merged = interleave([results, ...own]);
  return { results: merged, perPart: [merged] };
}

/**
 * When the leading clauses come from a regulation the library holds in several versions, each other
 * version's best clauses for the question join the results, so the answer can come from the newest and
 * show what an older one said.
 */
async function withOtherVersions(results: SearchResult[], query: string, index: PolicyIndex): Promise<SearchResult[]> {
  const groups = new Map<string, string[]>();
  for (const result of results.slice(0, 3)) {
    const group = index.document(result.documentId)?.versionGroup;
    if (group && group.versions.length > 1) groups.set(group.newest, group.versions.map((version) => version.id));
  }
  if (groups.size === 0) return results;
  const others = await Promise.all([...groups.values()].map((ids) => index.search(query, { k: 3, documents: ids })));
  // A leading clause of an older version brings the newest version's clause on the same point, found
  // by wording (articles are renumbered), so the answer can quote the rule in force beside it.
  const counterparts: SearchResult[] = [];
  for (const result of results.slice(0, 3)) {
    const document = index.document(result.documentId);
    const newest = document?.versionGroup && index.document(document.versionGroup.newest);
    if (!document || !newest || newest.id === document.id) continue;
    const clause = counterpartClause(document, result.start + Math.max(0, result.text.search(/\S/)), newest, index);
    const counterpart = clause && index.resultAt(newest.id, clause.start, result.score);
    if (counterpart) counterparts.push(counterpart);
  }
  return interleave([results, counterparts, ...others]);
}

/**
 * A regulation's clause often says its rule by pointing at another article ("销售本办法第九条所列物品
 * 的，…", "按照本条例第二十条规定的年费额减半征收"): the article a leading clause points at
 * joins the results after them, so the rule itself can answer.
 */
function withReferencedArticles(results: SearchResult[], index: PolicyIndex): SearchResult[] {
  return withBroughtClauses(results, index, (result, document) =>
    [...result.text.matchAll(articleReference)].flatMap(([, number]) => {
      const article = articleSection(document, number);
      // An article the result itself holds brings nothing.
      return article && !(article.start < result.start + result.text.length && result.start < article.end) ? [article.start] : [];
    }),
  );
}

/**
 * A question asking what counts as something ("打了多少年的井才算古井", "这算不算见义勇为") is answered
 * where a leading document defines it ("本办法所称古井，是指…", "认定为见义勇为"): that clause joins the results,
 * though its wording shares little with the asker's story.
 */
function withDefinitions(results: SearchResult[], question: string, index: PolicyIndex): SearchResult[] {
  const pattern = definitionPattern(question);
  if (!pattern) return results;
  return withBroughtClauses(results, index, (_, document) => {
    const at = document.text.search(pattern);
    return at >= 0 ? [at] : [];
  });
}

/**
 * The clauses the leading results bring along (at the offsets `offsetsIn` finds in a result's
 * document), after the results, each clause once, scored just under the result that brought it.
 */
function withBroughtClauses(results: SearchResult[], index: PolicyIndex, offsetsIn: (result: SearchResult, document: PolicyDocument) => number[]): SearchResult[] {
  const seen = new Set(results.map((result) => result.chunkId));
  const added: SearchResult[] = [];
  for (const result of results.slice(0, referenceDepth)) {
    const document = index.document(result.documentId);
    if (!document) continue;
    for (const offset of offsetsIn(result, document)) {
      const brought = index.resultAt(document.id, offset, result.score * 0.9);
      if (!brought || seen.has(brought.chunkId)) continue;
      seen.add(brought.chunkId);
      added.push(brought);
    }
  }
  return [...results, ...added];
}

/** How many leading clauses bring the clauses they point at. */
const referenceDepth = 5;

/** Rankings merged rank by rank, each clause once. */
function interleave(rankings: SearchResult[][]): SearchResult[] {
  const seen = new Set<string>();
  const merged: SearchResult[] = [];
  const longest = Math.max(0, ...rankings.map((ranking) => ranking.length));
  for (let rank = 0; rank < longest; rank++) {
    for (const ranking of rankings) {
      const result = ranking[rank];
      if (result && !seen.has(result.chunkId)) {
        seen.add(result.chunkId);
        merged.push(result);
      }
    }
  }
  return merged;
}
