// A small assembler for the WebAssembly text format, enough for the scoring kernels (bm25-kernel.ts):
// one imported memory, mutable globals, functions written with folded instructions (`(i32.add (local.get
// $a) (i32.const 1))`) that may call one another, block / loop / if with named labels, loads and stores
// at their natural alignment, and the few 128-bit SIMD instructions the kernels unpack postings with.
// The kernels stay readable source in the repository; the module is assembled when first used.

type Node = string | Node[];

const valueTypes: Record<string, number> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/** Opcodes without immediates. */
const plain: Record<string, number> = {
  unreachable: 0x00,
  nop: 0x01,
  return: 0x0f,
  drop: 0x1a,
  select: 0x1b,
  'i32.eqz': 0x45,
  'i32.eq': 0x46,
  'i32.ne': 0x47,
  'i32.lt_s': 0x48,
  'i32.lt_u': 0x49,
  'i32.gt_s': 0x4a,
  'i32.gt_u': 0x4b,
  'i32.le_s': 0x4c,
  'i32.le_u': 0x4d,
  'i32.ge_s': 0x4e,
  'i32.ge_u': 0x4f,
  'f64.eq': 0x61,
  'f64.ne': 0x62,
  'f64.lt': 0x63,
  'f64.gt': 0x64,
  'f64.le': 0x65,
  'f64.ge': 0x66,
  'i32.clz': 0x67,
  'i32.ctz': 0x68,
  'i32.popcnt': 0x69,
  'i32.add': 0x6a,
  'i32.sub': 0x6b,
  'i32.mul': 0x6c,
  'i32.div_s': 0x6d,
  'i32.div_u': 0x6e,
  'i32.rem_s': 0x6f,
  'i32.rem_u': 0x70,
  'i32.and': 0x71,
  'i32.or': 0x72,
  'i32.xor': 0x73,
  'i32.shl': 0x74,
  'i32.shr_s': 0x75,
  'i32.shr_u': 0x76,
  'f64.add': 0xa0,
  'f64.sub': 0xa1,
  'f64.mul': 0xa2,
  'f64.div': 0xa3,
  'f64.min': 0xa4,
  'f64.max': 0xa5,
  'i64.or': 0x84,
  'i64.shl': 0x86,
  'i64.shr_u': 0x88,
  'i32.wrap_i64': 0xa7,
  'i64.extend_i32_u': 0xad,
  'f64.convert_i32_s': 0xb7,
  'f64.convert_i32_u': 0xb8,
};

/** SIMD instructions without immediates (after the 0xfd prefix). */
const simd: Record<string, number> = {
  'i32x4.splat': 0x11,
  'f64x2.ne': 0x48,
  'f64x2.gt': 0x4a,
  'f64x2.ge': 0x4c,
  'v128.and': 0x4e,
  'v128.or': 0x50,
  'v128.any_true': 0x53,
  'i8x16.bitmask': 0x64,
  'i32x4.shl': 0xab,
  'i32x4.shr_u': 0xad,
  'i32x4.add': 0xae,
  'i64x2.bitmask': 0xc4,
  'f64x2.splat': 0x14,
  'f64x2.add': 0xf0,
  'f64x2.mul': 0xf2,
};

/** SIMD loads and stores (after the 0xfd prefix); any alignment. */
const simdMemory: Record<string, number> = { 'v128.load': 0x00, 'v128.store': 0x0b };

/** Loads and stores: opcode and alignment (log2; the natural one, but i64 loads may be unaligned: they read bit-packed runs at any byte). */
const memoryOps: Record<string, [number, number]> = {
  'i32.load': [0x28, 2],
  'i64.load': [0x29, 0],
  'f64.load': [0x2b, 3],
  'i32.load8_s': [0x2c, 0],
  'i32.load8_u': [0x2d, 0],
  'i32.load16_s': [0x2e, 1],
  'i32.load16_u': [0x2f, 1],
  'i32.store': [0x36, 2],
  'f64.store': [0x39, 3],
  'i32.store8': [0x3a, 0],
  'i32.store16': [0x3b, 1],
};

function parse(text: string): Node[] {
  const tokens = text.replace(/;;[^\n]*/g, ' ').match(/\(|\)|"[^"]*"|[^\s()]+/g) ?? [];
  let at = 0;
  const list = (): Node[] => {
    const out: Node[] = [];
    while (at < tokens.length) {
      const token = tokens[at++];
      if (token === '(') out.push(list());
      else if (token === ')') return out;
      else out.push(token);
    }
    return out;
  };
  return list();
}

function unsigned(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

function signed(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const text = (value: string): number[] => {
  const bytes = [...new TextEncoder().encode(value)];
  return [...unsigned(bytes.length), ...bytes];
};
const vector = (items: number[][]): number[] => [...unsigned(items.length), ...items.flat()];
const section = (id: number, content: number[]): number[] => (content.length === 0 ? [] : [id, ...unsigned(content.length), ...content]);
const unquote = (value: Node): string => {
  if (typeof value !== 'string' || !value.startsWith('"')) throw new Error(`expected a string, got ${JSON.stringify(value)}`);
  return value.slice(1, -1);
};

/** Assembles a module written in the subset described above; throws on anything else. */
export function assembleWat(source: string): Uint8Array<ArrayBuffer> {
  const [module] = parse(source);
  if (!Array.isArray(module) || module[0] !== 'module') throw new Error('expected (module ...)');
  const globals = new Map<string, number>();
  const globalEntries: number[][] = [];
  const imports: number[][] = [];
  const functions: Node[][] = [];
  for (const item of module.slice(1)) {
    if (!Array.isArray(item)) throw new Error(`unexpected ${item}`);
    if (item[0] === 'import') {
      const kind = item[3] as Node[];
      if (kind[0] !== 'memory') throw new Error('only a memory can be imported');
      imports.push([...text(unquote(item[1])), ...text(unquote(item[2])), 0x02, 0x00, ...unsigned(Number(kind[1]))]);
    } else if (item[0] === 'global') {
      const [, name, type, init] = item as [string, string, Node[], Node[]];
      if (type[0] !== 'mut') throw new Error('globals are mutable here');
      globals.set(name, globals.size);
      const valueType = valueTypes[type[1] as string];
      const initial = init[0] === 'i32.const' ? [0x41, ...signed(Number(init[1]))] : [0x44, ...float64(Number(init[1]))];
      globalEntries.push([valueType, 0x01, ...initial, 0x0b]);
    } else if (item[0] === 'func') {
      functions.push(item);
    } else {
      throw new Error(`unsupported module field ${item[0]}`);
    }
  }

  const functionIndex = new Map<string, number>();
  functions.forEach((func, index) => {
    if (typeof func[1] === 'string') functionIndex.set(func[1], index);
  });
  const types: number[][] = [];
  const exports: number[][] = [];
  const bodies: number[][] = [];
  functions.forEach((func, index) => {
    const locals = new Map<string, number>();
    const params: number[] = [];
    const results: number[] = [];
    const localTypes: number[] = [];
    let count = 0;
    let at = 1;
    if (typeof func[at] === 'string') at++; // the function's name (for call)
    const body: Node[] = [];
    for (; at < func.length; at++) {
      const part = func[at];
      if (Array.isArray(part) && part[0] === 'export') exports.push([...text(unquote(part[1])), 0x00, ...unsigned(index)]);
      else if (Array.isArray(part) && (part[0] === 'param' || part[0] === 'local')) {
        // (param $name type) or (param type type ...), likewise local.
        const named = (part[1] as string).startsWith('$');
        const declared = (named ? [part[2]] : part.slice(1)) as string[];
        for (const type of declared) {
          if (named) locals.set(part[1] as string, count);
          count++;
          (part[0] === 'param' ? params : localTypes).push(valueTypes[type]);
        }
      } else if (Array.isArray(part) && part[0] === 'result') results.push(valueTypes[part[1] as string]);
      else body.push(part);
    }
    types.push([0x60, ...vector(params.map((type) => [type])), ...vector(results.map((type) => [type]))]);
    const code: number[] = [];
    const labels: (string | undefined)[] = [];
    const index32 = (table: Map<string, number>, name: Node, what: string): number => {
      const found = /^\d+$/.test(name as string) ? Number(name) : table.get(name as string);
      if (found === undefined) throw new Error(`unknown ${what} ${name}`);
      return found;
    };
    const depth = (name: Node): number => {
      const found = labels.lastIndexOf(name as string);
      if (found < 0) throw new Error(`unknown label ${name}`);
      return labels.length - 1 - found;
    };
    const emit = (node: Node): void => {
      if (!Array.isArray(node)) throw new Error(`instructions are folded here: ${node}`);
      const [op, ...rest] = node as [string, ...Node[]];
      if (op === 'block' || op === 'loop') {
        const label = typeof rest[0] === 'string' && rest[0].startsWith('$') ? (rest.shift() as string) : undefined;
        code.push(op === 'block' ? 0x02 : 0x03, 0x40);
        labels.push(label);
        rest.forEach(emit);
        labels.pop();
        code.push(0x0b);
      } else if (op === 'if') {
        const label = typeof rest[0] === 'string' && rest[0].startsWith('$') ? (rest.shift() as string) : undefined;
        let blockType = 0x40;
        if (Array.isArray(rest[0]) && rest[0][0] === 'result') blockType = valueTypes[(rest.shift() as Node[])[1] as string];
        const branches = rest.filter((part) => Array.isArray(part) && (part[0] === 'then' || part[0] === 'else')) as Node[][];
        rest.filter((part) => !branches.includes(part as Node[])).forEach(emit);
        code.push(0x04, blockType);
        labels.push(label);
        for (const branch of branches) {
          if (branch[0] === 'else') code.push(0x05);
          branch.slice(1).forEach(emit);
        }
        labels.pop();
        code.push(0x0b);
      } else {
        // Operands first (folded form), then the instruction with its immediates.
        const immediates = rest.filter((part) => !Array.isArray(part));
        rest.filter((part) => Array.isArray(part)).forEach(emit);
        if (op in plain) code.push(plain[op]);
        else if (op in simd) code.push(0xfd, ...unsigned(simd[op]));
        else if (op in simdMemory) code.push(0xfd, ...unsigned(simdMemory[op]), 0, 0);
        else if (op in memoryOps) code.push(memoryOps[op][0], memoryOps[op][1], 0);
        else if (op === 'local.get' || op === 'local.set' || op === 'local.tee') code.push({ 'local.get': 0x20, 'local.set': 0x21, 'local.tee': 0x22 }[op], ...unsigned(index32(locals, immediates[0], 'local')));
        else if (op === 'global.get' || op === 'global.set') code.push(op === 'global.get' ? 0x23 : 0x24, ...unsigned(index32(globals, immediates[0], 'global')));
        else if (op === 'br' || op === 'br_if') code.push(op === 'br' ? 0x0c : 0x0d, ...unsigned(depth(immediates[0])));
        else if (op === 'call') code.push(0x10, ...unsigned(index32(functionIndex, immediates[0], 'function')));
        else if (op === 'i32.const') code.push(0x41, ...signed(Number(immediates[0]) | 0));
        else if (op === 'i64.const') code.push(0x42, ...signed(Number(immediates[0]) | 0)); // 32-bit values only
        else if (op === 'f64.const') code.push(0x44, ...float64(Number(immediates[0])));
        else throw new Error(`unsupported instruction ${op}`);
      }
    };
    body.forEach(emit);
    code.push(0x0b);
    // Locals are declared as runs of one type.
    const localGroups: number[][] = [];
    for (const type of localTypes) {
      const last = localGroups.at(-1);
      if (last && last[1] === type) last[0]++;
      else localGroups.push([1, type]);
    }
    const withLocals = [...vector(localGroups.map(([n, type]) => [...unsigned(n), type])), ...code];
    bodies.push([...unsigned(withLocals.length), ...withLocals]);
  });

  const bytes = [
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector(types)),
    ...section(2, imports.length > 0 ? vector(imports) : []),
    ...section(3, vector(functions.map((_, i) => unsigned(i)))),
    ...section(6, globalEntries.length > 0 ? vector(globalEntries) : []),
    ...section(7, vector(exports)),
    ...section(10, vector(bodies)),
  ];
  return Uint8Array.from(bytes);
}

function float64(value: number): number[] {
  return [...new Uint8Array(new Float64Array([value]).buffer)];
}
