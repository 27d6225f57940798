// Validates evals/datasets/policy-qa.jsonl against the corpus: shape, verbatim quotes, facts, type mix.
//   npx tsx evals/datasets/check-dataset.ts [dataset.jsonl] [--corpus DIR]
import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const QUESTION_TYPES = ['factual', 'reworded', 'cross', 'summary', 'out_of_corpus', 'followup'] as const
type QuestionType = (typeof QUESTION_TYPES)[number]

/** The mix the dataset aims for; deviations are reported, only a missing type is an error. */
const TARGET_MIX: Record<QuestionType, number> = {
  factual: 35,
  reworded: 20,
  cross: 12,
  summary: 8,
  out_of_corpus: 12,
  followup: 13,
}
const MIN_QUESTIONS = 100
const QUOTE_MIN_CHARS = 8
const QUOTE_MAX_CHARS = 80
const OUT_OF_CORPUS_PREFIX = 'ooc'

interface Turn {
  role: 'user' | 'assistant'
  content: string
}

interface Evidence {
  document: string
  quote: string
}

interface DatasetItem {
  id: string
  type: QuestionType
  question: string
  history: Turn[]
  answerable: boolean
  documents: string[]
  evidence: Evidence[]
  facts: string[]
}

interface ManifestEntry {
  file: string
  id: string
}

const here = dirname(fileURLToPath(import.meta.url))
const repoRoot = resolve(here, '..', '..')
const args = process.argv.slice(2)
const corpusFlag = args.indexOf('--corpus')
const corpusDir = corpusFlag >= 0 ? resolve(args[corpusFlag + 1]) : join(repoRoot, 'corpus')
const datasetPath = resolve(
  args.find((arg, i) => !arg.startsWith('--') && args[i - 1] !== '--corpus') ?? join(here, 'policy-qa.jsonl'),
)

const problems: string[] = []
const report = (where: string, message: string) => problems.push(`${where}: ${message}`)

/** Document id → text, read through corpus/manifest.json. */
function loadCorpus(directory: string): Map<string, string> {
  const manifest = JSON.parse(readFileSync(join(directory, 'manifest.json'), 'utf8')) as { documents: ManifestEntry[] }
  return new Map(manifest.documents.map((entry) => [entry.id, readFileSync(join(directory, entry.file), 'utf8')]))
}

/** Id prefix per document; questions are numbered under the prefix of their first document. */
const ID_PREFIXES: Record<string, string> = {
  'sichuan-yigan-duozhi': 'sc',
  'guizhou-regional-mechanism': 'gz',
  'tianfu-new-area-practice': 'tf',
  'yunnan-regional-coordination': 'yn',
  'chengyu-joint-plan': 'cy',
}

/**
 * Page-number markers ("12、" at the start of a line) cut sentences in flattened docx copies; a quote
 * that covers such a marker is not a clause a reader could find.
 */
function pageMarkerSpans(text: string): Array<[number, number]> {
  const spans: Array<[number, number]> = []
  for (const match of text.matchAll(/(^|\n)(\d{1,3}、)/g)) {
    const start = match.index + match[1].length
    spans.push([start, start + match[2].length])
  }
  return spans
}

function occurrences(text: string, needle: string): number[] {
  const found: number[] = []
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) found.push(at)
  return found
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((entry) => typeof entry === 'string')
}

function checkQuote(where: string, evidence: Evidence, corpus: Map<string, string>) {
  const text = corpus.get(evidence.document)
  if (text === undefined) return report(where, `unknown document "${evidence.document}"`)
  const quote = evidence.quote
  const length = [...quote].length
  if (/[\r\n]/.test(quote)) report(where, `quote contains a line break: "${quote}"`)
  if (quote !== quote.trim()) report(where, `quote has leading or trailing whitespace: "${quote}"`)
  if (length < QUOTE_MIN_CHARS || length > QUOTE_MAX_CHARS) {
    report(where, `quote is ${length} characters, outside ${QUOTE_MIN_CHARS}–${QUOTE_MAX_CHARS}: "${quote}"`)
  }
  const positions = occurrences(text, quote)
  if (positions.length === 0) return report(where, `quote not found verbatim in ${evidence.document}: "${quote}"`)
  const markers = pageMarkerSpans(text)
  const clean = positions.some((start) => {
    const end = start + quote.length
    return !markers.some(([markerStart, markerEnd]) => start < markerEnd && end > markerStart)
  })
  if (!clean) report(where, `quote covers a page-number marker in ${evidence.document}: "${quote}"`)
}

function checkItem(raw: unknown, where: string, corpus: Map<string, string>) {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return report(where, 'line is not a JSON object')
  const item = raw as Partial<DatasetItem>
  const fields = ['id', 'type', 'question', 'history', 'answerable', 'documents', 'evidence', 'facts'] as const
  const missing = fields.filter((field) => !(field in item))
  if (missing.length > 0) return report(where, `missing field(s): ${missing.join(', ')}`)
  const extra = Object.keys(item).filter((key) => !(fields as readonly string[]).includes(key))
  if (extra.length > 0) report(where, `unexpected field(s): ${extra.join(', ')}`)

  if (typeof item.id !== 'string' || !/^[a-z]+-\d{3}$/.test(item.id)) report(where, `id "${item.id}" is not like "yn-001"`)
  if (!QUESTION_TYPES.includes(item.type as QuestionType)) {
    return report(where, `type "${item.type}" is not one of ${QUESTION_TYPES.join(' | ')}`)
  }
  if (typeof item.question !== 'string' || item.question.trim().length < 4) report(where, 'question is empty or too short')
  if (typeof item.answerable !== 'boolean') report(where, 'answerable must be a boolean')
  if (!isStringArray(item.documents)) return report(where, 'documents must be an array of document ids')
  if (!isStringArray(item.facts)) return report(where, 'facts must be an array of strings')
  if (!Array.isArray(item.evidence)) return report(where, 'evidence must be an array')
  if (!Array.isArray(item.history)) return report(where, 'history must be an array')

  item.history.forEach((turn: Turn, i: number) => {
    if (turn?.role !== 'user' && turn?.role !== 'assistant') report(where, `history[${i}].role must be "user" or "assistant"`)
    if (typeof turn?.content !== 'string' || turn.content.trim() === '') report(where, `history[${i}].content is empty`)
  })
  if (item.type === 'followup') {
    const roles = item.history.map((turn) => turn.role).join(',')
    if (item.history.length < 2 || !/^(user,assistant,)*user,assistant$/.test(roles)) {
      report(where, 'followup history must alternate user/assistant turns and end with an assistant answer')
    }
  } else if (item.history.length > 0) {
    report(where, `history must be empty for a ${item.type} question`)
  }

  for (const id of item.documents) if (!corpus.has(id)) report(where, `unknown document "${id}" in documents`)
  if (new Set(item.documents).size !== item.documents.length) report(where, 'documents lists a document twice')

  if (item.type === 'out_of_corpus') {
    if (item.answerable !== false) report(where, 'out_of_corpus must have answerable: false')
    if (item.documents.length + item.evidence.length + item.facts.length > 0) {
      report(where, 'out_of_corpus must have empty documents, evidence and facts')
    }
    if (!item.id?.startsWith(`${OUT_OF_CORPUS_PREFIX}-`)) report(where, `out_of_corpus ids start with "${OUT_OF_CORPUS_PREFIX}-"`)
    return
  }

  if (item.answerable !== true) report(where, `${item.type} questions must be answerable`)
  if (item.evidence.length === 0) report(where, 'answerable question has no evidence')
  if (item.facts.length === 0) report(where, 'answerable question has no facts')
  if (item.documents.length === 0) report(where, 'answerable question lists no documents')

  item.evidence.forEach((evidence: Evidence, i: number) => {
    if (typeof evidence?.document !== 'string' || typeof evidence?.quote !== 'string') {
      return report(where, `evidence[${i}] needs string "document" and "quote"`)
    }
    if (!item.documents!.includes(evidence.document)) report(where, `evidence[${i}] document "${evidence.document}" is not in documents`)
    checkQuote(`${where} evidence[${i}]`, evidence, corpus)
  })
  const cited = new Set(item.evidence.map((evidence: Evidence) => evidence.document))
  for (const id of item.documents) if (!cited.has(id)) report(where, `document "${id}" has no evidence quote`)

  const quotes = item.evidence.map((evidence: Evidence) => evidence.quote)
  for (const fact of item.facts) {
    if (fact.trim() === '') report(where, 'empty fact')
    else if (!quotes.some((quote) => typeof quote === 'string' && quote.includes(fact))) {
      report(where, `fact "${fact}" is not inside any of its quotes`)
    }
  }

  const multiDocument = item.type === 'cross' || item.type === 'summary'
  if (multiDocument && item.documents.length < 2) report(where, `${item.type} questions need evidence from at least two documents`)
  if (!multiDocument && item.documents.length !== 1) report(where, `${item.type} questions are about exactly one document`)
  const expectedPrefix = ID_PREFIXES[item.documents[0] ?? '']
  if (expectedPrefix && !item.id?.startsWith(`${expectedPrefix}-`)) {
    report(where, `id should start with "${expectedPrefix}-" (prefix of its main document ${item.documents[0]})`)
  }
}

function main() {
  const corpus = loadCorpus(corpusDir)
  const lines = readFileSync(datasetPath, 'utf8').split('\n')
  const items: DatasetItem[] = []
  const seenIds = new Map<string, number>()
  const seenQuestions = new Map<string, number>()

  lines.forEach((line, index) => {
    const lineNumber = index + 1
    if (line.trim() === '') {
      if (index < lines.length - 1) report(`line ${lineNumber}`, 'blank line')
      return
    }
    let parsed: unknown
    try {
      parsed = JSON.parse(line)
    } catch (error) {
      return report(`line ${lineNumber}`, `invalid JSON (${(error as Error).message})`)
    }
    const id = (parsed as { id?: unknown })?.id
    const where = `line ${lineNumber}${typeof id === 'string' ? ` (${id})` : ''}`
    const before = problems.length
    checkItem(parsed, where, corpus)
    const item = parsed as DatasetItem
    if (typeof item.id === 'string') {
      if (seenIds.has(item.id)) report(where, `duplicate id, first on line ${seenIds.get(item.id)}`)
      else seenIds.set(item.id, lineNumber)
    }
    if (typeof item.question === 'string') {
      const key = `${JSON.stringify(item.history)}|${item.question}`
      if (seenQuestions.has(key)) report(where, `duplicate question, first on line ${seenQuestions.get(key)}`)
      else seenQuestions.set(key, lineNumber)
    }
    if (problems.length === before) items.push(item)
  })

  const counts = Object.fromEntries(QUESTION_TYPES.map((type) => [type, 0])) as Record<QuestionType, number>
  const perDocument = new Map<string, number>([...corpus.keys()].map((id) => [id, 0]))
  for (const item of items) {
    counts[item.type] += 1
    for (const id of item.documents) perDocument.set(id, (perDocument.get(id) ?? 0) + 1)
  }
  const total = lines.filter((line) => line.trim() !== '').length

  if (total < MIN_QUESTIONS) report('dataset', `${total} questions, at least ${MIN_QUESTIONS} required`)
  for (const type of QUESTION_TYPES) if (counts[type] === 0 && problems.length === 0) report('dataset', `no ${type} questions`)
  for (const [id, count] of perDocument) if (count === 0 && problems.length === 0) report('dataset', `no question covers ${id}`)

  console.log(`${datasetPath}: ${total} questions`)
  console.log('by type (target in brackets):')
  for (const type of QUESTION_TYPES) console.log(`  ${type.padEnd(14)} ${String(counts[type]).padStart(3)}  [${TARGET_MIX[type]}]`)
  console.log('by document (questions that cite it):')
  for (const [id, count] of perDocument) console.log(`  ${id.padEnd(30)} ${String(count).padStart(3)}`)

  if (problems.length > 0) {
    console.error(`\n${problems.length} problem(s):`)
    for (const problem of problems) console.error(`  ${problem}`)
    process.exit(1)
  }
  console.log('\nOK: every quote is verbatim in its document and every fact is inside a quote.')
}

main()
