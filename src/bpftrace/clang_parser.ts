// bpftrace's ClangParser (src/clang_parser.cpp): the program's C definitions (structs, unions,
// enums and the preprocessor lines among them) parsed as clang parses them, laid out as clang lays
// them out for x86-64, and turned into what bpftrace keeps of them: a Struct per record with its
// fields' offsets and SizedTypes (get_sized_type's rules), and the enum constants, which the
// program may use as identifiers.
//
// bpftrace hands libclang a file `definitions.h` that includes the BTF header and then holds the
// definitions' text; bpfbox parses that same text, so the lines and columns of its diagnostics are
// the ones clang prints. Where 0.17 takes kernel types from the kernel's BTF, the emulated kernel
// has none: its integer typedefs (u32, __be16, size_t, ...) stand in for it, and kernel structs
// stay unknown. Only the headers bpftrace carries itself can be included.

import type { CDefinition } from './ast.js';
import type { Diagnostics } from './diagnostics.js';
import type { Bitfield, Struct, StructField } from './passes/struct.js';
import type { SizedType } from './types.js';
import { CreateInteger, CreateNone, CreateString } from './types.js';

/** What bpftrace keeps from clang: BPFtrace::structs and BPFtrace::enums_. */
export interface ClangResult {
  structs: Map<string, Struct>;
  enums: Map<string, bigint>;
}

const FILENAME = 'definitions.h';
/** ClangParser::parse's first line, ahead of the program's definitions. */
const PRELUDE = '#include <__btf_generated_header.h>\n';

// ---------------------------------------------------------------------------------------------
// Tokens.

interface Loc {
  line: number;
  /** 1-based, in bytes, as clang counts columns. */
  col: number;
}

type TokKind = 'ident' | 'number' | 'char' | 'string' | 'punct' | 'eof';

interface Tok {
  kind: TokKind;
  text: string;
  loc: Loc;
  /** Just past the token: where clang points for a missing `;` after it. */
  end: Loc;
  /** Whitespace came before it on its line (a function-like #define needs `(` right after the name). */
  spaced: boolean;
}

const TOKEN_RE =
  /(?<space>\s+)|(?<char>(?:L|u8|u|U)?'(?:\\.|[^'\\])*(?<charEnd>'?))|(?<string>(?:L|u8|u|U)?"(?:\\.|[^"\\])*(?<stringEnd>"?))|(?<ident>[A-Za-z_$][A-Za-z0-9_$]*)|(?<number>\.?[0-9](?:[eEpP][+-]|[A-Za-z0-9_.])*)|\.\.\.|<<=|>>=|->|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||[*/%+\-&^|]=|##|[^]/y;

interface ClangDiag {
  loc: Loc;
  level: 'error' | 'fatal error' | 'warning' | 'note';
  message: string;
}

/** Stops the parse after a diagnostic clang would not have recovered from in a way bpfbox follows. */
class Stop extends Error {}

// ---------------------------------------------------------------------------------------------
// C types.

type BuiltinName =
  | 'Void' | 'Bool' | 'Char_S' | 'SChar' | 'UChar' | 'Short' | 'UShort' | 'Int' | 'UInt' | 'Long' | 'ULong'
  | 'LongLong' | 'ULongLong' | 'Int128' | 'UInt128' | 'Float' | 'Double' | 'LongDouble';

/** x86-64 size (bytes; void has none), alignment, whether an integer and its signedness, clang's spelling. */
const BUILTINS: Record<BuiltinName, { size: number; align: number; int: boolean; signed: boolean; spelling: string }> = {
  Void: { size: -2, align: 1, int: false, signed: false, spelling: 'void' },
  Bool: { size: 1, align: 1, int: true, signed: false, spelling: '_Bool' },
  Char_S: { size: 1, align: 1, int: true, signed: true, spelling: 'char' },
  SChar: { size: 1, align: 1, int: true, signed: true, spelling: 'signed char' },
  UChar: { size: 1, align: 1, int: true, signed: false, spelling: 'unsigned char' },
  Short: { size: 2, align: 2, int: true, signed: true, spelling: 'short' },
  UShort: { size: 2, align: 2, int: true, signed: false, spelling: 'unsigned short' },
  Int: { size: 4, align: 4, int: true, signed: true, spelling: 'int' },
  UInt: { size: 4, align: 4, int: true, signed: false, spelling: 'unsigned int' },
  Long: { size: 8, align: 8, int: true, signed: true, spelling: 'long' },
  ULong: { size: 8, align: 8, int: true, signed: false, spelling: 'unsigned long' },
  LongLong: { size: 8, align: 8, int: true, signed: true, spelling: 'long long' },
  ULongLong: { size: 8, align: 8, int: true, signed: false, spelling: 'unsigned long long' },
  Int128: { size: 16, align: 16, int: true, signed: true, spelling: '__int128' },
  UInt128: { size: 16, align: 16, int: true, signed: false, spelling: 'unsigned __int128' },
  Float: { size: 4, align: 4, int: false, signed: true, spelling: 'float' },
  Double: { size: 8, align: 8, int: false, signed: true, spelling: 'double' },
  LongDouble: { size: 16, align: 16, int: false, signed: true, spelling: 'long double' },
};

/** `sugar`: the typedef name the type was written as, which clang's messages print. */
type CType = { sugar?: string } & (
  | { kind: 'builtin'; name: BuiltinName }
  | { kind: 'pointer'; pointee: CType }
  | { kind: 'array'; elem: CType; count: number | null }
  | { kind: 'record'; decl: RecordDecl }
  | { kind: 'enum'; decl: EnumDecl }
  | { kind: 'function'; ret: CType }
);

interface RecordDecl {
  tag: 'struct' | 'union';
  name: string | null;
  /** The `struct`/`union` keyword, which names an unnamed record (`(unnamed at definitions.h:L:C)`). */
  keywordLoc: Loc;
  /** Where the tag was first named (a forward declaration's note points there). */
  nameLoc: Loc | null;
  /** The name in the definition (a redefinition's note points there). */
  defLoc: Loc | null;
  /** The record whose braces it is defined in (clang's DeclContext for an unnamed record). */
  parent: RecordDecl | null;
  complete: boolean;
  beingDefined: boolean;
  /** `struct { ... };` inside another record: its fields belong to the enclosing named record. */
  anonymous: boolean;
  members: Member[];
  /** Nested definitions and members, in source order, as clang_visitChildren meets them. */
  children: Child[];
  packed: boolean;
  alignAttr: number;
  size: number;
  align: number;
}

interface EnumDecl {
  tag: 'enum';
  name: string | null;
  nameLoc: Loc | null;
  defLoc: Loc | null;
  complete: boolean;
  constants: { name: string; value: bigint }[];
  size: number;
}

interface Member {
  /** null for an unnamed bitfield or an anonymous record. */
  name: string | null;
  nameLoc: Loc;
  type: CType;
  bitWidth: number | null;
  packed: boolean;
  alignAttr: number;
  /** Set when the record is laid out. */
  offsetBits: number;
}

type Child = { kind: 'field'; member: Member } | { kind: 'record'; decl: RecordDecl } | { kind: 'enum'; decl: EnumDecl };

interface Attrs {
  packed: boolean;
  aligned: number;
}

const noAttrs = (): Attrs => ({ packed: false, aligned: 0 });

/** The kernel typedefs a BTF-equipped 0.17 resolves from the kernel, for the emulated one's lack of BTF. */
const KERNEL_TYPEDEFS: Record<string, BuiltinName> = Object.fromEntries(
  (
    [
      ['UChar', 'u8 __u8 uint8_t u_int8_t'],
      ['SChar', 's8 __s8 int8_t'],
      ['UShort', 'u16 __u16 uint16_t u_int16_t __be16 __le16 __sum16 umode_t ushort'],
      ['Short', 's16 __s16 int16_t'],
      ['UInt', 'u32 __u32 uint32_t u_int32_t __be32 __le32 __wsum uint uid_t gid_t dev_t __kernel_dev_t'],
      ['Int', 's32 __s32 int32_t pid_t __kernel_pid_t'],
      ['ULongLong', 'u64 __u64 uint64_t u_int64_t __be64 __le64'],
      ['LongLong', 's64 __s64 int64_t loff_t time64_t ktime_t'],
      ['ULong', 'size_t __kernel_size_t uintptr_t ulong ino_t __kernel_ulong_t'],
      ['Long', 'ssize_t __kernel_ssize_t ptrdiff_t intptr_t off_t __kernel_long_t'],
      ['Bool', 'bool'],
    ] as const
  ).flatMap(([kind, names]) => names.split(' ').map((n) => [n, kind])),
);

/** The headers bpftrace ships in /bpftrace/include (getDefaultHeaders), with the macros they define. */
const BUILTIN_HEADERS: Record<string, string> = {
  '__btf_generated_header.h': '',
  '__stddef_max_align_t.h': '',
  'clang_workarounds.h': '',
  'float.h': '',
  'stdarg.h': '',
  'limits.h':
    'CHAR_BIT 8|SCHAR_MIN (-128)|SCHAR_MAX 127|UCHAR_MAX 255|CHAR_MIN (-128)|CHAR_MAX 127|SHRT_MIN (-32768)|SHRT_MAX 32767|' +
    'USHRT_MAX 65535|INT_MIN (-2147483647-1)|INT_MAX 2147483647|UINT_MAX 4294967295U|LONG_MAX 9223372036854775807L|' +
    'LONG_MIN (-9223372036854775807L-1)|ULONG_MAX 18446744073709551615UL',
  'stdbool.h': 'bool _Bool|true 1|false 0|__bool_true_false_are_defined 1',
  'stddef.h': 'NULL ((void*)0)',
  'stdint.h':
    'INT8_MAX 127|INT16_MAX 32767|INT32_MAX 2147483647|INT64_MAX 9223372036854775807L|UINT8_MAX 255|UINT16_MAX 65535|' +
    'UINT32_MAX 4294967295U|UINT64_MAX 18446744073709551615UL|INT8_MIN (-128)|INT16_MIN (-32768)|' +
    'INT32_MIN (-2147483647-1)|INT64_MIN (-9223372036854775807L-1)',
};

/**
 * What clang predefines for x86-64 Linux, and the -D flags ClangParser::parse adds when the kernel
 * has BTF (which the typedefs above stand in for).
 */
const PREDEFINED =
  '__x86_64__ 1|__x86_64 1|__amd64__ 1|__linux__ 1|__linux 1|__unix__ 1|__LP64__ 1|_LP64 1|__CHAR_BIT__ 8|' +
  '__SIZEOF_INT__ 4|__SIZEOF_LONG__ 8|__SIZEOF_LONG_LONG__ 8|__SIZEOF_POINTER__ 8|__SIZEOF_SHORT__ 2|' +
  '__ORDER_LITTLE_ENDIAN__ 1234|__ORDER_BIG_ENDIAN__ 4321|__BYTE_ORDER__ 1234|__STDC__ 1|__STDC_VERSION__ 201710L|' +
  '__GNUC__ 4|__clang__ 1|__clang_major__ 14|_LINUX_TYPES_H 1|__CLANG_WORKAROUNDS_H 1|BPFTRACE_HAVE_BTF 1';

/** Attributes clang knows; others it warns about and ignores. Only packed and aligned change a layout. */
const KNOWN_ATTRIBUTES = new Set([
  'packed', 'aligned', 'unused', 'used', 'deprecated', 'may_alias', 'mode', 'noderef', 'address_space', 'annotate',
  'designated_init', 'randomize_layout', 'no_randomize_layout', 'preserve_access_index', 'btf_type_tag', 'btf_decl_tag',
  'nonstring', 'warn_unused', 'visibility', 'weak', 'section', 'transparent_union', 'vector_size',
]);

const TYPE_KEYWORDS = new Set([
  'void', 'char', 'short', 'int', 'long', 'float', 'double', 'signed', '__signed', '__signed__', 'unsigned', '_Bool',
  '__int128', 'struct', 'union', 'enum',
]);
const QUALIFIERS = new Set([
  'const', 'volatile', 'restrict', '__restrict', '__restrict__', '__volatile', '__volatile__', '__const', '__const__',
  '__extension__', 'inline', '__inline', '__inline__', '_Noreturn',
]);
const STORAGE = new Set(['typedef', 'extern', 'static', 'auto', 'register', '_Thread_local', '__thread']);
/** Type syntax bpfbox does not lay out. */
const UNSUPPORTED = new Set(['_Complex', '__complex__', '_Imaginary', '_Atomic', 'typeof', '__typeof__', '__typeof', '__auto_type']);

function builtin(name: BuiltinName): CType {
  return { kind: 'builtin', name };
}

/** clang's spelling of a type in its messages (`int[]`, `struct y *`, `unsigned int`). */
function spell(t: CType): string {
  if (t.sugar) return t.sugar;
  switch (t.kind) {
    case 'builtin':
      return BUILTINS[t.name].spelling;
    case 'record':
      return recordName(t.decl);
    case 'enum':
      return t.decl.name ? `enum ${t.decl.name}` : 'enum (unnamed)';
    case 'pointer':
      return `${spell(t.pointee)} *`;
    case 'array':
      return `${spell(t.elem)}[${t.count ?? ''}]`;
    case 'function':
      return `${spell(t.ret)} ()`;
  }
}

/**
 * The type name clang gives a record, which is bpftrace's name for its Struct: `struct NAME`, or
 * for an unnamed one `struct OUTER::(unnamed at definitions.h:L:C)`, OUTER being the nearest named
 * record it is nested in (a named record's scope is the file in C, an unnamed one's its parent).
 */
function recordName(d: RecordDecl): string {
  if (d.name !== null) return `${d.tag} ${d.name}`;
  let scope = '';
  for (let p = d.parent; p; p = p.parent) {
    if (p.name !== null) {
      scope = `${p.name}::`;
      break;
    }
  }
  return `${d.tag} ${scope}(unnamed at ${FILENAME}:${d.keywordLoc.line}:${d.keywordLoc.col})`;
}

/** clang_Type_getSizeOf: bytes, or -2 (CXTypeLayoutError_Incomplete). */
function sizeOf(t: CType): number {
  switch (t.kind) {
    case 'builtin':
      return BUILTINS[t.name].size;
    case 'pointer':
      return 8;
    case 'array': {
      const e = sizeOf(t.elem);
      return t.count === null || e < 0 ? -2 : t.count * e;
    }
    case 'record':
    case 'enum':
      return t.decl.complete ? t.decl.size : -2;
    case 'function':
      return 1;
  }
}

function alignOf(t: CType): number {
  switch (t.kind) {
    case 'builtin':
      return BUILTINS[t.name].align;
    case 'pointer':
      return 8;
    case 'array':
      return alignOf(t.elem);
    case 'record':
      return t.decl.complete ? t.decl.align : 1;
    case 'enum':
      return t.decl.complete ? t.decl.size : 4;
    case 'function':
      return 1;
  }
}

function isIncomplete(t: CType): boolean {
  return sizeOf(t) < 0;
}

function isIntegral(t: CType): boolean {
  return (t.kind === 'builtin' && BUILTINS[t.name].int) || t.kind === 'enum';
}

const alignTo = (n: number, a: number): number => Math.ceil(n / a) * a;

/**
 * The record layout clang's RecordLayoutBuilder computes for the SysV x86-64 ABI, in bits: a
 * bitfield starts at the bit after the previous one, any other field at the next byte its
 * alignment allows.
 */
function layoutRecord(rec: RecordDecl): void {
  const isUnion = rec.tag === 'union';
  let endBits = 0;
  let align = 1;
  for (const m of rec.members) {
    const packed = rec.packed || m.packed;
    const typeAlign = alignOf(m.type);
    if (m.bitWidth !== null) {
      const unitBits = Math.max(sizeOf(m.type), 0) * 8;
      let fieldAlignBits = packed ? 1 : typeAlign * 8;
      if (m.alignAttr) fieldAlignBits = Math.max(fieldAlignBits, m.alignAttr * 8);
      let offset = isUnion ? 0 : endBits;
      // A field is placed where all its bits fit in one aligned unit of its type; a zero-width
      // one moves the next field to such a unit, even in a packed record.
      if (m.bitWidth === 0) offset = alignTo(offset, typeAlign * 8);
      else if ((offset % fieldAlignBits) + m.bitWidth > unitBits) offset = alignTo(offset, fieldAlignBits);
      else if (m.alignAttr) offset = alignTo(offset, m.alignAttr * 8);
      m.offsetBits = offset;
      endBits = isUnion ? Math.max(endBits, alignTo(m.bitWidth, 8)) : offset + m.bitWidth;
      // Unnamed bitfields leave the record's alignment alone (the SysV ABI's rule).
      if (m.name !== null) align = Math.max(align, Math.ceil(fieldAlignBits / 8));
      continue;
    }
    let fieldAlign = packed ? 1 : typeAlign;
    if (m.alignAttr) fieldAlign = Math.max(fieldAlign, m.alignAttr);
    const size = Math.max(sizeOf(m.type), 0);
    const offset = isUnion ? 0 : alignTo(endBits, fieldAlign * 8);
    m.offsetBits = offset;
    endBits = isUnion ? Math.max(endBits, size * 8) : offset + size * 8;
    align = Math.max(align, fieldAlign);
  }
  if (rec.alignAttr) align = Math.max(align, rec.alignAttr);
  rec.align = align;
  rec.size = alignTo(Math.ceil(endBits / 8), align);
}

// ---------------------------------------------------------------------------------------------
// The preprocessor and the parser.

interface Macro {
  params: string[] | null;
  body: Tok[];
}

interface Cond {
  /** This branch's lines are kept. */
  active: boolean;
  /** A branch of this #if has been kept already. */
  taken: boolean;
  parentActive: boolean;
  sawElse: boolean;
  loc: Loc;
}

interface DeclSpec {
  type: CType;
  /** Something other than attributes was given. */
  any: boolean;
  isTypedef: boolean;
  attrs: Attrs;
  /** A record defined by these specifiers (`struct { ... }`), for anonymous members. */
  defined: RecordDecl | null;
  /** An enum is defined by them, which declares its constants even without a declarator. */
  definesEnum: boolean;
  start: Loc;
}

interface Declarator {
  name: string | null;
  nameLoc: Loc;
  type: CType;
}

interface DeclaratorSyntax {
  pointers: number;
  name: string | null;
  nameLoc: Loc;
  inner: DeclaratorSyntax | null;
  /** An array's bound, where it starts and the `[` before it. */
  suffixes: ({ kind: 'array'; count: bigint | null; loc: Loc; sizeLoc: Loc } | { kind: 'function' })[];
}

class CParser {
  readonly diags: ClangDiag[] = [];

  private readonly lines: string[];
  private readonly rawLines: string[];
  private toks: Tok[] = [];
  private pos = 0;
  private readonly macros = new Map<string, Macro>();
  private readonly tags = new Map<string, RecordDecl | EnumDecl>();
  private readonly enumConstants = new Map<string, { value: bigint; loc: Loc }>();
  private readonly typedefs = new Map<string, CType>();
  /** The translation unit's records and enums, in source order. */
  readonly topLevel: Child[] = [];
  private current: RecordDecl | null = null;
  /** #if expressions: identifiers are 0 and types mean nothing. */
  private ppMode = false;
  /** While an array bound is evaluated: the declarator's name, where clang reports a bound that is not constant. */
  private arrayBound: Loc | null = null;
  /** An error clang recovers from made the declaration being parsed invalid: it declares nothing. */
  private invalid = false;
  /** Tokens macros may still expand to: nested macros can grow exponentially, which clang would take its time over. */
  private expansionBudget = 100_000;

  constructor(src: string) {
    this.rawLines = src.split('\n');
    this.lines = this.stripComments(src).split('\n');
    for (const def of PREDEFINED.split('|')) this.defineText(def);
  }

  // --- diagnostics ---

  private error(loc: Loc, message: string): void {
    this.diags.push({ loc, level: 'error', message });
  }

  private note(loc: Loc, message: string): void {
    this.diags.push({ loc, level: 'note', message });
  }

  /** A warning clang prints only alongside errors (a parse that succeeds prints nothing). */
  private warning(loc: Loc, message: string, flag?: string): void {
    this.diags.push({ loc, level: 'warning', message: flag ? `${message} [-W${flag}]` : message });
  }

  /** An error clang goes on from, leaving out the declaration it is in. */
  private invalidate(loc: Loc, message: string): void {
    this.error(loc, message);
    this.invalid = true;
  }

  private fail(loc: Loc, message: string): never {
    this.error(loc, message);
    throw new Stop();
  }

  // --- lexing ---

  private loc(line: number, index: number): Loc {
    return { line: line + 1, col: Buffer.byteLength((this.rawLines[line] ?? '').slice(0, index)) + 1 };
  }

  /** Comments become spaces, so every other character keeps its line and column. */
  private stripComments(src: string): string {
    let out = '';
    let i = 0;
    while (i < src.length) {
      const c = src[i]!;
      if (c === '"' || c === "'") {
        let j = i + 1;
        while (j < src.length && src[j] !== c && src[j] !== '\n') j += src[j] === '\\' && src[j + 1] !== '\n' ? 2 : 1;
        if (src[j] === c) j++;
        out += src.slice(i, j);
        i = j;
      } else if (src.startsWith('//', i)) {
        const j = src.indexOf('\n', i);
        const end = j < 0 ? src.length : j;
        out += ' '.repeat(end - i);
        i = end;
      } else if (src.startsWith('/*', i)) {
        const j = src.indexOf('*/', i + 2);
        if (j < 0) {
          const line = src.slice(0, i).split('\n').length - 1;
          this.error(this.loc(line, i - (src.lastIndexOf('\n', i - 1) + 1)), 'unterminated /* comment');
        }
        const end = j < 0 ? src.length : j + 2;
        out += src.slice(i, end).replace(/[^\n]/g, ' ');
        i = end;
      } else {
        out += c;
        i++;
      }
    }
    return out;
  }

  private lexLine(line: number, text: string, from = 0): Tok[] {
    const out: Tok[] = [];
    TOKEN_RE.lastIndex = from;
    let spaced = from > 0;
    let m: RegExpExecArray | null;
    while (TOKEN_RE.lastIndex < text.length && (m = TOKEN_RE.exec(text))) {
      const g = m.groups!;
      if (g['space']) {
        spaced = true;
        continue;
      }
      const kind: TokKind = g['char'] ? 'char' : g['string'] ? 'string' : g['ident'] ? 'ident' : g['number'] ? 'number' : 'punct';
      const start = m.index;
      const tok: Tok = { kind, text: m[0], loc: this.loc(line, start), end: this.loc(line, start + m[0].length), spaced };
      spaced = false;
      if (kind === 'char' && !g['charEnd']) this.fail(tok.loc, "missing terminating ' character");
      if (kind === 'string' && !g['stringEnd']) this.fail(tok.loc, 'missing terminating \'"\' character');
      out.push(tok);
    }
    return out;
  }

  private defineText(def: string): void {
    const sp = def.indexOf(' ');
    const name = sp < 0 ? def : def.slice(0, sp);
    this.macros.set(name, { params: null, body: sp < 0 ? [] : this.lexLine(0, def, sp + 1) });
  }

  // --- the preprocessor ---

  /** The translation unit's tokens after preprocessing; false after a fatal error. */
  preprocess(): boolean {
    const conds: Cond[] = [];
    const active = (): boolean => conds.length === 0 || conds[conds.length - 1]!.active;
    const out: Tok[] = [];
    for (let i = 0; i < this.lines.length; i++) {
      let text = this.lines[i]!;
      const line = i;
      if (/^\s*#/.test(text)) {
        // A directive continues over lines ending in a backslash.
        while (text.endsWith('\\') && i + 1 < this.lines.length) text = `${text.slice(0, -1)} ${this.lines[++i]!}`;
        const toks = this.lexLine(line, text);
        if (!this.directive(toks, text, conds, active())) return false;
      } else if (active()) {
        out.push(...this.lexLine(line, text));
      }
    }
    if (conds.length > 0) this.error(conds[conds.length - 1]!.loc, 'unterminated conditional directive');
    const last = this.lines.length - 1;
    const eofLoc = this.loc(last, this.rawLines[last]?.length ?? 0);
    this.toks = [...this.expand(out, new Set()), { kind: 'eof', text: '', loc: eofLoc, end: eofLoc, spaced: true }];
    return true;
  }

  /** One `#` line; false when it is fatal (a missing header). */
  private directive(toks: Tok[], text: string, conds: Cond[], active: boolean): boolean {
    const name = toks[1];
    const top = conds[conds.length - 1];
    switch (name?.text) {
      case 'if':
      case 'ifdef':
      case 'ifndef': {
        let on = false;
        if (active) {
          if (name.text === 'if') on = this.ppCondition(toks.slice(2), name, toks[toks.length - 1]!.end);
          else {
            const id = toks[2];
            if (!id) this.error(name.end, 'macro name missing');
            else on = this.macros.has(id.text) === (name.text === 'ifdef');
          }
        }
        conds.push({ active: active && on, taken: on, parentActive: active, sawElse: false, loc: name.loc });
        return true;
      }
      case 'elif':
        if (!top) this.error(name.loc, '#elif without #if');
        else if (top.sawElse) this.error(name.loc, '#elif after #else');
        else if (top.taken || !top.parentActive) top.active = false;
        else {
          top.taken = this.ppCondition(toks.slice(2), name, toks[toks.length - 1]!.end);
          top.active = top.taken;
        }
        return true;
      case 'else':
        if (!top) this.error(name.loc, '#else without #if');
        else if (top.sawElse) this.error(name.loc, '#else after #else');
        else {
          top.sawElse = true;
          top.active = top.parentActive && !top.taken;
          top.taken = true;
        }
        return true;
      case 'endif':
        if (!top) this.error(name.loc, '#endif without #if');
        else conds.pop();
        return true;
    }
    if (!active || !name) return true;
    switch (name.text) {
      case 'include':
      case 'include_next':
      case 'import': {
        const target = toks[2];
        const m = /^\s*#\s*\w+\s*(?:<([^>]*)>|"([^"]*)")/.exec(text);
        if (!target || !m) this.fail(target?.loc ?? name.end, 'expected "FILENAME" or <FILENAME>');
        const file = m[1] ?? m[2]!;
        const header = BUILTIN_HEADERS[file];
        if (header === undefined) {
          this.diags.push({ loc: target.loc, level: 'fatal error', message: `'${file}' file not found` });
          return false;
        }
        for (const def of header ? header.split('|') : []) this.defineText(def);
        return true;
      }
      case 'define': {
        const id = toks[2];
        if (!id) this.fail(name.end, 'macro name missing');
        if (id.kind !== 'ident') this.fail(id.loc, 'macro name must be an identifier');
        let body = toks.slice(3);
        let params: string[] | null = null;
        if (body[0]?.text === '(' && !body[0].spaced) {
          const close = body.findIndex((t) => t.text === ')');
          if (close < 0) this.fail(body[body.length - 1]!.end, "missing ')' in macro parameter list");
          params = body.slice(1, close).filter((t) => t.text !== ',').map((t) => t.text);
          body = body.slice(close + 1);
        }
        this.macros.set(id.text, { params, body });
        return true;
      }
      case 'undef':
        if (toks[2]) this.macros.delete(toks[2].text);
        return true;
      case 'error':
        this.error(name.loc, /^\s*#\s*error\b\s*(.*?)\s*$/.exec(text)?.[1] ?? '');
        return true;
      case 'warning':
      case 'pragma':
      case 'line':
      case 'ident':
        return true;
      default:
        // `# 12 "file"` line markers are kept by clang; anything else is unknown.
        if (name.kind !== 'number') this.error(name.loc, 'invalid preprocessing directive');
        return true;
    }
  }

  /** An #if or #elif condition; `lineEnd` is where clang points when it ends too soon. */
  private ppCondition(toks: Tok[], at: Tok, lineEnd: Loc): boolean {
    if (toks.length === 0) {
      this.error(at.end, `#${at.text} with no expression`);
      return false;
    }
    const resolved: Tok[] = [];
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i]!;
      if (t.text !== 'defined') {
        resolved.push(t);
        continue;
      }
      const paren = toks[i + 1]?.text === '(';
      const id = toks[i + (paren ? 2 : 1)];
      if (!id || id.kind !== 'ident') {
        this.error(id?.loc ?? t.end, 'macro name must be an identifier');
        return false;
      }
      resolved.push({ ...t, kind: 'number', text: this.macros.has(id.text) ? '1' : '0' });
      i += paren ? 3 : 1;
    }
    const saved = { toks: this.toks, pos: this.pos };
    this.toks = [...this.expand(resolved, new Set()), { ...at, kind: 'eof', text: '', loc: lineEnd, end: lineEnd }];
    this.pos = 0;
    this.ppMode = true;
    try {
      const v = this.constExpr().value;
      if (this.peek().kind !== 'eof') this.fail(this.peek().loc, "token is not a valid binary operator in a preprocessor subexpression");
      return v !== 0n;
    } catch (e) {
      if (!(e instanceof Stop)) throw e;
      return false;
    } finally {
      this.ppMode = false;
      this.toks = saved.toks;
      this.pos = saved.pos;
    }
  }

  /** Macro expansion; a macro is not expanded again inside its own expansion. */
  private expand(toks: readonly Tok[], disabled: ReadonlySet<string>): Tok[] {
    const out: Tok[] = [];
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i]!;
      const m = t.kind === 'ident' && !disabled.has(t.text) ? this.macros.get(t.text) : undefined;
      if (!m) {
        out.push(t);
        continue;
      }
      const inner = new Set([...disabled, t.text]);
      const at = (b: Tok): Tok => ({ ...b, loc: t.loc, end: t.end, spaced: t.spaced });
      this.expansionBudget -= m.body.length;
      if (this.expansionBudget < 0) this.fail(t.loc, `bpfbox: the expansion of macro '${t.text}' is too large`);
      if (m.params === null) {
        out.push(...this.expand(m.body.map(at), inner));
        continue;
      }
      if (toks[i + 1]?.text !== '(') {
        out.push(t);
        continue;
      }
      const args: Tok[][] = [[]];
      let depth = 0;
      let j = i + 2;
      for (; j < toks.length; j++) {
        const x = toks[j]!;
        if (x.text === ')' && depth === 0) break;
        if (x.text === '(') depth++;
        if (x.text === ')') depth--;
        if (x.text === ',' && depth === 0) args.push([]);
        else args[args.length - 1]!.push(x);
      }
      if (j >= toks.length) this.fail(t.loc, 'unterminated function-like macro invocation');
      const given = m.params.length === 0 && args.length === 1 && args[0]!.length === 0 ? 0 : args.length;
      if (given !== m.params.length) {
        this.fail(toks[j]!.loc, `too ${given < m.params.length ? 'few' : 'many'} arguments provided to function-like macro invocation`);
      }
      const body = m.body.flatMap((b) => {
        const k = b.kind === 'ident' ? m.params!.indexOf(b.text) : -1;
        return k < 0 ? [at(b)] : this.expand(args[k]!, disabled).map(at);
      });
      out.push(...this.expand(body, inner));
      i = j;
    }
    return out;
  }

  // --- token access ---

  private peek(k = 0): Tok {
    return this.toks[Math.min(this.pos + k, this.toks.length - 1)]!;
  }

  private next(): Tok {
    const t = this.peek();
    if (this.pos < this.toks.length - 1) this.pos++;
    return t;
  }

  private is(text: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind !== 'eof' && t.kind !== 'string' && t.kind !== 'char' && t.text === text;
  }

  private accept(text: string): boolean {
    if (!this.is(text)) return false;
    this.next();
    return true;
  }

  private expect(text: string): Tok {
    if (!this.is(text)) this.fail(this.peek().loc, `expected '${text}'`);
    return this.next();
  }

  /** Where the previous token ended. */
  private prevEnd(): Loc {
    return this.toks[Math.max(0, this.pos - 1)]!.end;
  }

  // --- declarations ---

  parseTranslationUnit(): void {
    while (this.peek().kind !== 'eof') this.externalDeclaration();
  }

  private externalDeclaration(): void {
    if (this.accept(';')) return;
    const spec = this.declSpecifiers('file');
    if (!spec.any) this.fail(this.peek().loc, "expected identifier or '('");
    if (this.accept(';')) {
      const named = spec.type.kind === 'record' ? spec.type.decl.name !== null : spec.type.kind === 'enum';
      if (!named && !spec.definesEnum) this.warning(spec.start, 'declaration does not declare anything', 'missing-declarations');
      return;
    }
    for (;;) {
      const d = this.declarator(spec.type, false);
      if (spec.isTypedef && d.name !== null) this.typedefs.set(d.name, { ...d.type, sugar: d.name });
      if (d.type.kind === 'function' && this.is('{')) {
        this.skipBalanced('{', '}');
        return;
      }
      if (this.accept('=')) this.skipInitializer();
      if (this.accept(',')) continue;
      if (this.accept(';')) return;
      this.fail(this.prevEnd(), "expected ';' after top level declarator");
    }
  }

  private skipBalanced(open: string, close: string): void {
    let depth = 0;
    do {
      const t = this.next();
      if (t.kind === 'eof') this.fail(t.loc, `expected '${close}'`);
      if (t.text === open) depth++;
      if (t.text === close) depth--;
    } while (depth > 0);
  }

  private skipInitializer(): void {
    let depth = 0;
    while (this.peek().kind !== 'eof' && !(depth === 0 && (this.is(',') || this.is(';')))) {
      const t = this.next();
      if (t.text === '(' || t.text === '{' || t.text === '[') depth++;
      if (t.text === ')' || t.text === '}' || t.text === ']') depth--;
    }
  }

  private isTypedefName(name: string): boolean {
    return !this.enumConstants.has(name) && (this.typedefs.has(name) || name in KERNEL_TYPEDEFS);
  }

  private typedefType(name: string): CType {
    return this.typedefs.get(name) ?? { ...builtin(KERNEL_TYPEDEFS[name]!), sugar: name };
  }

  /** Whether a type name starts here (for casts and sizeof in constant expressions). */
  private startsTypeName(k = 0): boolean {
    const t = this.peek(k);
    if (t.kind !== 'ident' || this.ppMode) return false;
    return TYPE_KEYWORDS.has(t.text) || QUALIFIERS.has(t.text) || this.isTypedefName(t.text);
  }

  /**
   * Declaration specifiers as clang's DeclSpec collects them: qualifiers, storage classes and
   * attributes, and the type specifiers, whose conflicting combinations clang rejects.
   */
  private declSpecifiers(ctx: 'file' | 'member' | 'typename'): DeclSpec {
    let width: '' | 'short' | 'long' | 'long long' = '';
    let sign: '' | 'signed' | 'unsigned' = '';
    let widthLoc = this.peek().loc;
    let signLoc = widthLoc;
    let base = null as { name: string; type: CType | null } | null;
    let any = false;
    let isTypedef = false;
    let defined: RecordDecl | null = null;
    let definesEnum = false;
    const start = this.peek().loc;
    const attrs = noAttrs();
    // clang reports a specifier that cannot combine with an earlier one and ignores it.
    const combine = (t: Tok, prev: string): boolean => {
      this.error(t.loc, `cannot combine with previous '${prev}' declaration specifier`);
      return false;
    };
    const setBase = (t: Tok, name: string, type: CType | null): boolean => {
      if (base) return combine(t, base.name);
      base = { name, type };
      return true;
    };
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'ident') break;
      const w = t.text;
      if (QUALIFIERS.has(w)) {
        this.next();
      } else if (STORAGE.has(w)) {
        if (ctx !== 'file') this.fail(t.loc, 'type name does not allow storage class to be specified');
        isTypedef ||= w === 'typedef';
        this.next();
      } else if (w === '__attribute__' || w === '__attribute') {
        this.attributes(attrs);
        continue;
      } else if (w === '_Alignas') {
        this.next();
        this.expect('(');
        const a = this.startsTypeName() ? alignOf(this.typeName()) : Number(this.constExpr().value);
        this.expect(')');
        attrs.aligned = Math.max(attrs.aligned, a);
      } else if (w === 'signed' || w === '__signed' || w === '__signed__' || w === 'unsigned') {
        if (!sign || combine(t, sign)) {
          sign = w === 'unsigned' ? 'unsigned' : 'signed';
          signLoc = t.loc;
        }
        this.next();
      } else if (w === 'short') {
        if (!width || combine(t, width)) {
          width = 'short';
          widthLoc = t.loc;
        }
        this.next();
      } else if (w === 'long') {
        if ((width !== 'short' && width !== 'long long') || combine(t, width)) {
          if (!width) widthLoc = t.loc;
          width = width === 'long' ? 'long long' : 'long';
        }
        this.next();
      } else if (['void', 'char', 'int', 'float', 'double', '_Bool', '__int128'].includes(w)) {
        setBase(t, w, null);
        this.next();
      } else if (w === 'struct' || w === 'union') {
        const r = this.recordSpecifier();
        if (!r) continue;
        if (setBase(t, w, { kind: 'record', decl: r.decl }) && r.defined) defined = r.decl;
      } else if (w === 'enum') {
        const d = this.enumSpecifier();
        if (setBase(t, 'enum', { kind: 'enum', decl: d.decl })) definesEnum = d.defined;
      } else if (UNSUPPORTED.has(w)) {
        this.fail(t.loc, `bpfbox cannot lay out '${w}' types`);
      } else if (!base && !width && !sign) {
        if (this.isTypedefName(w)) {
          setBase(t, 'type-name', this.typedefType(w));
          this.next();
        } else if (ctx !== 'typename' && (this.peek(1).kind === 'ident' || this.is('*', 1))) {
          // clang takes it for a type it does not know and goes on as if it were int.
          this.error(t.loc, `unknown type name '${w}'`);
          setBase(t, w, builtin('Int'));
          this.next();
        } else break;
      } else break;
      any = true;
    }
    // DeclSpec::Finish: a width or sign the type cannot take is an error; qualifiers alone mean int.
    const baseName = (base as { name: string } | null)?.name;
    const sized = baseName === undefined || baseName === 'int' || (baseName === 'char' && !width) || (baseName === 'double' && width === 'long');
    if (width && !sized) this.error(widthLoc, `'${width} ${baseName}' is invalid`);
    else if (sign && baseName !== undefined && baseName !== 'int' && baseName !== 'char') this.error(signLoc, `'${baseName}' cannot be signed or unsigned`);
    if (any && !base && !width && !sign && ctx !== 'file') this.warning(this.peek().loc, "type specifier missing, defaults to 'int'", 'implicit-int');
    return { type: this.specType(base, width, sign), any, isTypedef, attrs, defined, definesEnum, start };
  }

  private specType(base: { name: string; type: CType | null } | null, width: string, sign: string): CType {
    const name = base?.name ?? 'int';
    if (base?.type) return base.type;
    const u = sign === 'unsigned';
    switch (name) {
      case 'void':
        return builtin('Void');
      case '_Bool':
        return builtin('Bool');
      case 'char':
        return builtin(u ? 'UChar' : sign ? 'SChar' : 'Char_S');
      case 'float':
        return builtin('Float');
      case 'double':
        return builtin(width === 'long' ? 'LongDouble' : 'Double');
      case '__int128':
        return builtin(u ? 'UInt128' : 'Int128');
      case 'int':
        if (width === 'short') return builtin(u ? 'UShort' : 'Short');
        if (width === 'long') return builtin(u ? 'ULong' : 'Long');
        if (width === 'long long') return builtin(u ? 'ULongLong' : 'LongLong');
        return builtin(u ? 'UInt' : 'Int');
    }
    return builtin('Int');
  }

  /** `__attribute__((a, b(args)))`: packed and aligned matter to the layout; the rest clang would only warn about. */
  private attributes(into: Attrs): void {
    this.next();
    this.expect('(');
    this.expect('(');
    while (!this.is(')')) {
      const t = this.next();
      if (t.kind !== 'ident') this.fail(t.loc, 'expected identifier');
      const name = t.text.replace(/^__(.*)__$/, '$1');
      if (name === 'packed') into.packed = true;
      else if (!KNOWN_ATTRIBUTES.has(name)) this.warning(t.loc, `unknown attribute '${t.text}' ignored`, 'unknown-attributes');
      if (this.is('(')) {
        if (name === 'aligned') {
          this.next();
          const a = this.constExpr().value;
          if (a <= 0n || (a & (a - 1n)) !== 0n) this.fail(t.loc, 'requested alignment is not a power of 2');
          into.aligned = Math.max(into.aligned, Number(a));
          this.expect(')');
        } else this.skipBalanced('(', ')');
      } else if (name === 'aligned') into.aligned = Math.max(into.aligned, 16);
      if (!this.accept(',')) break;
    }
    this.expect(')');
    this.expect(')');
  }

  private attributesOpt(into: Attrs): void {
    while (this.is('__attribute__') || this.is('__attribute')) this.attributes(into);
  }

  /** null after clang's error for `struct` with neither name nor body, which it then ignores. */
  private recordSpecifier(): { decl: RecordDecl; defined: boolean } | null {
    const kw = this.next();
    const tag = kw.text as 'struct' | 'union';
    const attrs = noAttrs();
    this.attributesOpt(attrs);
    const nameTok = this.peek().kind === 'ident' ? this.next() : null;
    if (!this.is('{')) {
      if (!nameTok) {
        this.error(kw.loc, `declaration of anonymous ${tag} must be a definition`);
        return null;
      }
      return { decl: this.tagReference(tag, kw, nameTok) as RecordDecl, defined: false };
    }
    const decl = nameTok ? (this.tagForDefinition(tag, kw, nameTok) as RecordDecl) : this.newRecord(tag, null, kw.loc);
    this.next();
    const outer = this.current;
    this.current = decl;
    decl.beingDefined = true;
    while (!this.is('}')) {
      if (this.peek().kind === 'eof') this.fail(this.peek().loc, "expected '}'");
      this.memberDeclaration(decl);
    }
    this.next();
    this.current = outer;
    this.attributesOpt(attrs);
    decl.packed ||= attrs.packed;
    decl.alignAttr = Math.max(decl.alignAttr, attrs.aligned);
    this.finishRecord(decl);
    (outer ? outer.children : this.topLevel).push({ kind: 'record', decl });
    return { decl, defined: true };
  }

  private newRecord(tag: 'struct' | 'union', nameTok: Tok | null, keywordLoc: Loc): RecordDecl {
    return {
      tag,
      name: nameTok?.text ?? null,
      keywordLoc,
      nameLoc: nameTok?.loc ?? null,
      defLoc: null,
      parent: this.current,
      complete: false,
      beingDefined: false,
      anonymous: false,
      members: [],
      children: [],
      packed: false,
      alignAttr: 0,
      size: 0,
      align: 1,
    };
  }

  private newEnum(nameTok: Tok | null): EnumDecl {
    return { tag: 'enum', name: nameTok?.text ?? null, nameLoc: nameTok?.loc ?? null, defLoc: null, complete: false, constants: [], size: 4 };
  }

  private makeTag(kind: 'struct' | 'union' | 'enum', kw: Tok, nameTok: Tok): RecordDecl | EnumDecl {
    return kind === 'enum' ? this.newEnum(nameTok) : this.newRecord(kind, nameTok, kw.loc);
  }

  /** A tag named without a body: the earlier declaration, or a new incomplete one at file scope. */
  private tagReference(kind: 'struct' | 'union' | 'enum', kw: Tok, nameTok: Tok): RecordDecl | EnumDecl {
    const prev = this.tags.get(nameTok.text);
    if (prev?.tag === kind) return prev;
    if (prev) this.mismatchedTag(kw, nameTok, prev);
    const decl = this.makeTag(kind, kw, nameTok);
    if (!prev) this.tags.set(nameTok.text, decl);
    return decl;
  }

  /** A tag about to be defined: an incomplete earlier one is completed, a complete one redefined. */
  private tagForDefinition(kind: 'struct' | 'union' | 'enum', kw: Tok, nameTok: Tok): RecordDecl | EnumDecl {
    const prev = this.tags.get(nameTok.text);
    if (prev && prev.tag !== kind) this.mismatchedTag(kw, nameTok, prev);
    let decl: RecordDecl | EnumDecl;
    if (!prev) {
      decl = this.makeTag(kind, kw, nameTok);
      this.tags.set(nameTok.text, decl);
    } else if ((prev.tag === 'enum') !== (kind === 'enum')) {
      // An enum and a record are different declarations: only the mismatch is reported.
      decl = this.makeTag(kind, kw, nameTok);
    } else if (prev.complete || ('beingDefined' in prev && prev.beingDefined)) {
      const nested = 'beingDefined' in prev && prev.beingDefined;
      this.error(nameTok.loc, `${nested ? 'nested ' : ''}redefinition of '${nameTok.text}'`);
      this.note(prev.defLoc ?? nameTok.loc, 'previous definition is here');
      decl = this.makeTag(kind, kw, nameTok);
    } else if (prev.tag !== kind) decl = this.makeTag(kind, kw, nameTok);
    else decl = prev;
    decl.defLoc = nameTok.loc;
    if (!decl.nameLoc) decl.nameLoc = nameTok.loc;
    return decl;
  }

  private mismatchedTag(kw: Tok, nameTok: Tok, prev: RecordDecl | EnumDecl): void {
    this.error(kw.loc, `use of '${nameTok.text}' with tag type that does not match previous declaration`);
    this.note(prev.nameLoc ?? nameTok.loc, 'previous use is here');
  }

  private memberDeclaration(rec: RecordDecl): void {
    if (this.accept(';')) return;
    if (this.is('_Static_assert') || this.is('static_assert')) {
      while (!this.is(';') && this.peek().kind !== 'eof') this.next();
      this.expect(';');
      return;
    }
    const spec = this.declSpecifiers('member');
    if (!spec.any) this.error(this.peek().loc, 'type name requires a specifier or qualifier');
    if (this.accept(';')) {
      const d = spec.defined;
      if (d && d.name === null) {
        d.anonymous = true;
        this.addMember(rec, { name: null, nameLoc: d.keywordLoc, type: spec.type, bitWidth: null, packed: spec.attrs.packed, alignAttr: spec.attrs.aligned, offsetBits: 0 }, null);
      } else if (spec.any && !spec.definesEnum) this.warning(spec.start, 'declaration does not declare anything', 'missing-declarations');
      return;
    }
    for (;;) {
      this.invalid = false;
      let d: Declarator = { name: null, nameLoc: this.peek().loc, type: spec.type };
      if (!this.is(':')) {
        const t = this.peek();
        if (!(t.kind === 'ident' || t.text === '*' || t.text === '(')) {
          this.error(t.loc, "expected member name or ';' after declaration specifiers");
          this.endMemberDeclaration();
          return;
        }
        d = this.declarator(spec.type, false);
      }
      const width = this.accept(':') ? Number(this.constExpr().value) : null;
      const attrs = { ...spec.attrs };
      this.attributesOpt(attrs);
      const member: Member = { name: d.name, nameLoc: d.nameLoc, type: d.type, bitWidth: width, packed: attrs.packed, alignAttr: attrs.aligned, offsetBits: 0 };
      if (!this.invalid) this.addMember(rec, member, spec.start);
      if (this.accept(',')) continue;
      this.endMemberDeclaration();
      return;
    }
  }

  /**
   * The `;` after a member declaration. Before the closing brace C lets it go with a warning;
   * elsewhere clang reports it missing and skips to the next `;` or the brace.
   */
  private endMemberDeclaration(): void {
    if (this.accept(';')) return;
    if (this.is('}')) {
      this.warning(this.prevEnd(), "expected ';' at end of declaration list");
      return;
    }
    // clang takes a `:` for a mistyped `;`.
    this.error(this.is(':') ? this.peek().loc : this.prevEnd(), "expected ';' at end of declaration list");
    while (!this.is('}') && !this.is(';') && this.peek().kind !== 'eof') {
      if (this.is('(')) this.skipBalanced('(', ')');
      else if (this.is('[')) this.skipBalanced('[', ']');
      else if (this.is('{')) this.skipBalanced('{', '}');
      else this.next();
    }
    this.accept(';');
  }

  /** A member of the record named `name`, looking into anonymous members as clang's lookup does. */
  private findMember(rec: RecordDecl, name: string): Member | null {
    for (const m of rec.members) {
      if (m.name === name) return m;
      if (m.name === null && m.type.kind === 'record' && m.type.decl.anonymous) {
        const inner = this.findMember(m.type.decl, name);
        if (inner) return inner;
      }
    }
    return null;
  }

  /** Sema's checks on a field as it is declared; a field clang rejects is left out. */
  /** `declStart`: where the declaration began, where clang reports an unnamed bitfield. */
  private addMember(rec: RecordDecl, m: Member, declStart: Loc | null): void {
    const t = m.type;
    if (m.name !== null) {
      const prev = this.findMember(rec, m.name);
      if (prev) {
        this.error(m.nameLoc, `duplicate member '${m.name}'`);
        this.note(prev.nameLoc, 'previous declaration is here');
        return;
      }
    } else if (t.kind === 'record' && t.decl.anonymous) {
      for (const inner of t.decl.members) {
        const prev = inner.name === null ? null : this.findMember(rec, inner.name);
        if (prev) {
          this.error(inner.nameLoc, `member of anonymous ${t.decl.tag} redeclares '${inner.name}'`);
          this.note(prev.nameLoc, 'previous declaration is here');
          return;
        }
      }
    }
    const what = m.name === null ? 'anonymous bit-field' : `bit-field '${m.name}'`;
    if (t.kind === 'function') {
      this.error(m.nameLoc, `field '${m.name}' declared as a function`);
      return;
    }
    if (m.bitWidth !== null) {
      const at = m.name === null ? (declStart ?? m.nameLoc) : m.nameLoc;
      const typeBits = Math.max(sizeOf(t), 0) * 8;
      const typeWidth = t.kind === 'builtin' && t.name === 'Bool' ? 1 : typeBits;
      if (!isIntegral(t)) this.error(at, `${what} has non-integral type '${spell(t)}'`);
      else if (m.bitWidth < 0) this.error(at, `${what} has negative width (${m.bitWidth})`);
      else if (m.bitWidth === 0 && m.name !== null) this.error(at, `named bit-field '${m.name}' has zero width`);
      else if (m.bitWidth > typeWidth) {
        const bits = (n: number): string => `${n} bit${n === 1 ? '' : 's'}`;
        this.error(at, `width of ${what} (${bits(m.bitWidth)}) exceeds the width of its type (${bits(typeWidth)})`);
      } else {
        rec.members.push(m);
        rec.children.push({ kind: 'field', member: m });
      }
      return;
    }
    if (isIncomplete(t) && !(t.kind === 'array' && t.count === null)) {
      this.error(m.nameLoc, `field has incomplete type '${spell(t)}'`);
      this.forwardNote(t);
      return;
    }
    rec.members.push(m);
    rec.children.push({ kind: 'field', member: m });
  }

  private forwardNote(t: CType): void {
    if (t.kind !== 'record' && t.kind !== 'enum') return;
    if ('beingDefined' in t.decl && t.decl.beingDefined) {
      this.note(t.decl.defLoc ?? t.decl.keywordLoc, `definition of '${spell(t)}' is not complete until the closing '}'`);
    } else if (t.decl.nameLoc) this.note(t.decl.nameLoc, `forward declaration of '${spell(t)}'`);
  }

  /** Sema::ActOnFields: where a flexible array member may be, then the layout. */
  private finishRecord(rec: RecordDecl): void {
    const fields = rec.members;
    const kept: Member[] = [];
    fields.forEach((m, i) => {
      if (m.type.kind === 'array' && m.type.count === null && m.bitWidth === null) {
        const name = m.name ?? '';
        if (rec.tag === 'union') {
          this.error(m.nameLoc, `flexible array member '${name}' in a union is not allowed`);
          return;
        }
        if (i !== fields.length - 1) {
          this.error(m.nameLoc, `flexible array member '${name}' with type '${spell(m.type)}' is not at the end of struct`);
          this.note(fields[i + 1]!.nameLoc, 'next field declaration is here');
          return;
        }
        if (!kept.some((k) => k.name !== null)) {
          this.error(m.nameLoc, `flexible array member '${name}' not allowed in otherwise empty struct`);
          return;
        }
      }
      kept.push(m);
    });
    rec.members = kept;
    layoutRecord(rec);
    rec.complete = true;
    rec.beingDefined = false;
  }

  private enumSpecifier(): { decl: EnumDecl; defined: boolean } {
    const kw = this.next();
    this.attributesOpt(noAttrs());
    const nameTok = this.peek().kind === 'ident' ? this.next() : null;
    if (!this.is('{')) {
      if (!nameTok) this.fail(this.peek().loc, 'expected identifier or \'{\'');
      return { decl: this.tagReference('enum', kw, nameTok) as EnumDecl, defined: false };
    }
    const decl = nameTok ? (this.tagForDefinition('enum', kw, nameTok) as EnumDecl) : this.newEnum(null);
    this.next();
    if (this.is('}')) this.fail(this.peek().loc, 'use of empty enum');
    let value = 0n;
    while (!this.is('}')) {
      const t = this.next();
      if (t.kind !== 'ident') this.fail(t.loc, 'expected identifier');
      if (this.accept('=')) value = this.constExpr().value;
      const prev = this.enumConstants.get(t.text);
      if (prev) {
        this.error(t.loc, `redefinition of enumerator '${t.text}'`);
        this.note(prev.loc, 'previous definition is here');
      } else {
        this.enumConstants.set(t.text, { value, loc: t.loc });
        decl.constants.push({ name: t.text, value });
      }
      value++;
      if (this.accept(',') || this.is('}')) continue;
      if (this.peek().kind !== 'ident') this.fail(this.peek().loc, "expected '= constant-expression' or end of enumerator definition");
      this.error(this.prevEnd(), "missing ',' between enumerators");
    }
    this.next();
    // C gives an enum int's size unless a value needs 64 bits (clang's BestType).
    const fits32 = decl.constants.every((c) => c.value >= -0x80000000n && c.value <= 0xffffffffn) &&
      !(decl.constants.some((c) => c.value < 0n) && decl.constants.some((c) => c.value > 0x7fffffffn));
    decl.size = fits32 ? 4 : 8;
    decl.complete = true;
    (this.current ? this.current.children : this.topLevel).push({ kind: 'enum', decl });
    return { decl, defined: true };
  }

  /**
   * A declarator: pointers, a name (or a parenthesised declarator), then array and function
   * suffixes. Its type is built inside out as C reads it (`int *a[3]` is an array of pointers,
   * `int (*a)[3]` a pointer to an array).
   */
  private declarator(base: CType, abstract: boolean): Declarator {
    return this.buildDeclarator(this.declaratorSyntax(abstract), base);
  }

  private declaratorSyntax(abstract: boolean): DeclaratorSyntax {
    let pointers = 0;
    while (this.accept('*')) {
      pointers++;
      while (this.peek().kind === 'ident' && (QUALIFIERS.has(this.peek().text) || this.is('__attribute__'))) {
        if (this.is('__attribute__')) this.attributes(noAttrs());
        else this.next();
      }
    }
    const d: DeclaratorSyntax = { pointers, name: null, nameLoc: this.peek().loc, inner: null, suffixes: [] };
    if (this.peek().kind === 'ident' && !this.is('__attribute__')) {
      const t = this.next();
      d.name = t.text;
      d.nameLoc = t.loc;
    } else if (this.is('(') && (this.is('*', 1) || this.is('(', 1) || this.is('[', 1) || (this.peek(1).kind === 'ident' && !this.isTypedefName(this.peek(1).text)))) {
      this.next();
      d.inner = this.declaratorSyntax(abstract);
      d.name = d.inner.name;
      d.nameLoc = d.inner.nameLoc;
      this.expect(')');
    } else if (!abstract) this.fail(this.peek().loc, "expected identifier or '('");
    for (;;) {
      if (this.is('[')) {
        const open = this.next();
        const sizeLoc = this.peek().loc;
        let count: bigint | null = null;
        if (!this.is(']')) {
          this.arrayBound = d.nameLoc;
          const e = this.constExpr();
          this.arrayBound = null;
          if (e.value < 0n) this.invalidate(e.loc, d.name !== null ? `'${d.name}' declared as an array with a negative size` : 'array size is negative');
          count = e.value;
        }
        if (this.is(']')) this.next();
        else {
          this.error(this.peek().loc, "expected ']'");
          this.note(open.loc, "to match this '['");
        }
        d.suffixes.push({ kind: 'array', count, loc: open.loc, sizeLoc });
      } else if (this.is('(')) {
        this.skipBalanced('(', ')');
        d.suffixes.push({ kind: 'function' });
      } else break;
    }
    return d;
  }

  private buildDeclarator(d: DeclaratorSyntax, base: CType): Declarator {
    let t = base;
    for (let i = 0; i < d.pointers; i++) t = { kind: 'pointer', pointee: t };
    for (let i = d.suffixes.length - 1; i >= 0; i--) {
      const s = d.suffixes[i]!;
      if (s.kind === 'function') {
        t = { kind: 'function', ret: t };
        continue;
      }
      if (isIncomplete(t)) {
        this.error(s.loc, `array has incomplete element type '${spell(t)}'`);
        this.forwardNote(t);
        throw new Stop();
      }
      // x86-64 addresses an object in 61 bits of bytes (ConstantArrayType::getMaxSizeBits).
      if (s.count !== null && s.count * BigInt(sizeOf(t)) >= 1n << 61n) this.invalidate(s.sizeLoc, `array is too large (${s.count} elements)`);
      t = { kind: 'array', elem: t, count: s.count === null ? null : Number(s.count) };
    }
    return d.inner ? this.buildDeclarator(d.inner, t) : { name: d.name, nameLoc: d.nameLoc, type: t };
  }

  /** A type name, as in sizeof(type) and casts: specifiers and an abstract declarator. */
  private typeName(): CType {
    const spec = this.declSpecifiers('typename');
    if (!spec.any) this.fail(this.peek().loc, 'expected a type');
    return this.declarator(spec.type, true).type;
  }

  // --- constant expressions ---

  /** An integer constant expression (array sizes, bitfield widths, enum values, #if). */
  private constExpr(): { value: bigint; loc: Loc } {
    const loc = this.peek().loc;
    return { value: this.conditional(), loc };
  }

  private conditional(): bigint {
    const c = this.binary(0);
    if (!this.accept('?')) return c;
    const a = this.conditional();
    this.expect(':');
    const b = this.conditional();
    return c !== 0n ? a : b;
  }

  private static readonly LEVELS: string[][] = [
    ['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '>', '<=', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%'],
  ];

  private binary(level: number): bigint {
    if (level === CParser.LEVELS.length) return this.unary();
    let left = this.binary(level + 1);
    for (;;) {
      const op = CParser.LEVELS[level]!.find((o) => this.is(o));
      if (!op) return left;
      const opTok = this.next();
      const right = this.binary(level + 1);
      left = BigInt.asIntN(64, this.apply(op, left, right, opTok));
    }
  }

  private apply(op: string, l: bigint, r: bigint, at: Tok): bigint {
    const b = (x: boolean): bigint => (x ? 1n : 0n);
    switch (op) {
      case '||': return b(l !== 0n || r !== 0n);
      case '&&': return b(l !== 0n && r !== 0n);
      case '|': return l | r;
      case '^': return l ^ r;
      case '&': return l & r;
      case '==': return b(l === r);
      case '!=': return b(l !== r);
      case '<': return b(l < r);
      case '>': return b(l > r);
      case '<=': return b(l <= r);
      case '>=': return b(l >= r);
      case '<<': return l << (r & 63n);
      case '>>': return l >> (r & 63n);
      case '+': return l + r;
      case '-': return l - r;
      case '*': return l * r;
    }
    if (r === 0n) {
      if (this.ppMode) this.fail(at.loc, 'division by zero in preprocessor expression');
      // A bound that is not constant makes a variable length array, which a field cannot be.
      if (this.arrayBound) this.fail(this.arrayBound, "fields must have a constant size: 'variable length array in structure' extension will never be supported");
      this.fail(at.loc, 'expression is not an integer constant expression');
    }
    return op === '/' ? l / r : l % r;
  }

  private unary(): bigint {
    const t = this.peek();
    if (this.accept('-')) return BigInt.asIntN(64, -this.unary());
    if (this.accept('+')) return this.unary();
    if (this.accept('~')) return ~this.unary();
    if (this.accept('!')) return this.unary() === 0n ? 1n : 0n;
    if (!this.ppMode && (this.is('sizeof') || this.is('_Alignof') || this.is('__alignof__') || this.is('__alignof'))) {
      const op = this.next();
      if (!this.is('(') || !this.startsTypeName(1)) {
        this.fail(this.peek().loc, `bpfbox supports ${op.text} only of a parenthesised type here`);
      }
      this.next();
      const ty = this.typeName();
      this.expect(')');
      if (op.text === 'sizeof') {
        if (isIncomplete(ty)) this.fail(t.loc, `invalid application of 'sizeof' to an incomplete type '${spell(ty)}'`);
        return BigInt(sizeOf(ty));
      }
      return BigInt(alignOf(ty));
    }
    if (this.is('(')) {
      const saved = this.pos;
      this.next();
      if (this.startsTypeName()) {
        const ty = this.typeName();
        this.expect(')');
        const v = this.unary();
        return ty.kind === 'builtin' && BUILTINS[ty.name].int ? truncate(v, BUILTINS[ty.name].size, BUILTINS[ty.name].signed) : v;
      }
      this.pos = saved;
    }
    return this.primary();
  }

  private primary(): bigint {
    const t = this.peek();
    if (this.accept('(')) {
      const v = this.conditional();
      if (!this.is(')')) {
        this.error(this.peek().loc, "expected ')'");
        this.note(t.loc, "to match this '('");
        throw new Stop();
      }
      this.next();
      return v;
    }
    if (t.kind === 'number') {
      this.next();
      return this.integerLiteral(t);
    }
    if (t.kind === 'char') {
      this.next();
      return charLiteral(t.text);
    }
    if (t.kind === 'ident') {
      this.next();
      if (this.ppMode) return 0n;
      const c = this.enumConstants.get(t.text);
      if (c) return c.value;
      this.invalidate(t.loc, `use of undeclared identifier '${t.text}'`);
      return 0n;
    }
    this.fail(t.loc, this.ppMode ? 'expected value in expression' : 'expected expression');
  }

  private integerLiteral(t: Tok): bigint {
    const m = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|[0-9]+)([uU]?[lL]{0,2}|[lL]{1,2}[uU])$/.exec(t.text);
    if (!m) {
      if (/^\.?[0-9]*\.|^[0-9]+[eE]/.test(t.text) && !/^0[xX]/.test(t.text)) {
        this.fail(t.loc, this.arrayBound ? "size of array has non-integer type 'double'" : 'expression is not an integer constant expression');
      }
      this.fail(t.loc, `invalid suffix '${t.text.replace(/^(0[xX][0-9a-fA-F]*|[0-9]*)/, '')}' on integer constant`);
    }
    const body = m[1]!;
    if (/^0[0-7]*$/.test(body)) return BigInt.asIntN(64, BigInt(`0o${body}`));
    const bad = /^0[0-7]*([89])/.exec(body);
    if (bad) this.fail({ line: t.loc.line, col: t.loc.col + bad[0].length - 1 }, `invalid digit '${bad[1]}' in octal constant`);
    return BigInt.asIntN(64, BigInt(body));
  }

  // --- what ClangParser::visit_children keeps ---

  /** get_sized_type: the SizedType bpftrace gives a field of C type `t`. */
  sizedType(t: CType, structs: Map<string, Struct>): SizedType {
    switch (t.kind) {
      case 'builtin': {
        const b = BUILTINS[t.name];
        if (!b.int || t.name === 'Int128' || t.name === 'UInt128') return CreateNone();
        return CreateInteger(b.size * 8, b.signed);
      }
      case 'enum':
        return CreateInteger(sizeOf(t) * 8, false);
      case 'record': {
        // A struct seen only behind a pointer gets an entry too, to be filled if it is defined.
        const name = recordName(t.decl);
        let s = structs.get(name);
        if (!s) structs.set(name, (s = { name, size: sizeOf(t), fields: new Map() }));
        return { type: 'record', size: s.size, isSigned: false, name };
      }
      case 'pointer':
        return { type: 'pointer', size: 8, isSigned: false, element: this.sizedType(t.pointee, structs) };
      case 'array': {
        if (t.count === null) return CreateNone();
        if (t.elem.kind === 'builtin' && t.elem.name === 'Char_S') return CreateString(t.count);
        const element = this.sizedType(t.elem, structs);
        return { type: 'array', size: t.count * element.size, isSigned: false, element };
      }
      case 'function':
        return CreateNone();
    }
  }

  /**
   * clang_visitChildren over the translation unit as visit_children does: every field goes to the
   * nearest named record around it (anonymous members' fields to their parent), at its offset
   * there; enum constants go to enums.
   */
  collect(): ClangResult {
    const structs = new Map<string, Struct>();
    const enums = new Map<string, bigint>();
    const visit = (children: readonly Child[], parent: RecordDecl | null): void => {
      for (const c of children) {
        if (c.kind === 'enum') {
          for (const k of c.decl.constants) enums.set(k.name, k.value);
        } else if (c.kind === 'record') {
          visit(c.decl.children, c.decl);
        } else if (parent && !(c.member.name === null && c.member.type.kind === 'record' && c.member.type.decl.anonymous)) {
          this.addField(structs, parent, c.member);
        }
      }
    };
    visit(this.topLevel, null);
    return { structs, enums };
  }

  private addField(structs: Map<string, Struct>, parent: RecordDecl, m: Member): void {
    let named = parent;
    let offsetBits = m.offsetBits;
    while (named.anonymous && named.parent) {
      const holder = named.parent.members.find((x) => x.type.kind === 'record' && x.type.decl === named);
      offsetBits += holder?.offsetBits ?? 0;
      named = named.parent;
    }
    const name = recordName(named);
    const type = this.sizedType(m.type, structs);
    let s = structs.get(name);
    if (!s) structs.set(name, (s = { name, size: named.size, fields: new Map() }));
    const key = m.name ?? '';
    if (s.fields.has(key)) return;
    const field: StructField = { type, offset: Math.floor(offsetBits / 8) };
    if (m.bitWidth !== null) field.bitfield = bitfieldOf(offsetBits, m.bitWidth);
    s.fields.set(key, field);
  }
}

/** getBitfield: the bytes covering the bits, the shift to their lowest one, the mask of their width. */
function bitfieldOf(offsetBits: number, width: number): Bitfield {
  const shift = offsetBits % 8;
  const w = Math.min(width, 64);
  return { readBytes: Math.floor((shift + w + 7) / 8), accessRshift: shift, mask: w === 64 ? (1n << 64n) - 1n : (1n << BigInt(w)) - 1n };
}

function truncate(v: bigint, size: number, signed: boolean): bigint {
  return signed ? BigInt.asIntN(size * 8, v) : BigInt.asUintN(size * 8, v);
}

const ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, '0': 0, a: 7, b: 8, f: 12, v: 11, '\\': 92, "'": 39, '"': 34, '?': 63, e: 27 };

/** A character constant's value: an int, from a plain char (signed on x86-64). */
function charLiteral(text: string): bigint {
  const body = text.slice(text.indexOf("'") + 1, -1);
  let v: number;
  if (body.startsWith('\\x')) v = parseInt(body.slice(2), 16);
  else if (/^\\[0-7]{1,3}$/.test(body)) v = parseInt(body.slice(1), 8);
  else if (body.startsWith('\\')) v = ESCAPES[body[1]!] ?? body.charCodeAt(1);
  else v = Buffer.from(body, 'utf8')[0] ?? 0;
  return BigInt.asIntN(8, BigInt(v & 0xff));
}

/**
 * ClangParser::parse: nothing to do without C definitions; otherwise their records and enum
 * constants, or null after clang's diagnostics (and bpftrace's advice for a missing type or a
 * redefinition) went to `diags`.
 */
export function parseCDefinitions(defs: readonly CDefinition[], diags: Diagnostics): ClangResult | null {
  if (defs.length === 0) return { structs: new Map(), enums: new Map() };
  const p = new CParser(PRELUDE + defs.map((d) => d.text).join(''));
  try {
    if (p.preprocess()) p.parseTranslationUnit();
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
  }
  const failure = p.diags.findIndex((d) => d.level === 'error' || d.level === 'fatal error');
  if (failure < 0) return p.collect();
  diags.verbatimError(p.diags.map((d) => `${FILENAME}:${d.loc.line}:${d.loc.col}: ${d.level}: ${d.message}`).join('\n'));
  // check_diagnostics keeps the messages up to the first error, and bpftrace's advice reads those.
  const seen = p.diags.slice(0, failure + 1).map((d) => d.message);
  if (seen.some((m) => m.includes('redefinition'))) {
    diags.warning('Cannot take type definitions from BTF since there is a redefinition conflict with user-defined types.');
  } else if (seen.some((m) => m.startsWith("unknown type name '"))) {
    diags.error('Include headers with missing type definitions or install BTF information to your system.');
  }
  return null;
}
