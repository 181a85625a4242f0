/**
 * A safe unpickler for the pickles `torch.save` writes (protocols 0–5). Python's pickle is a small stack machine
 * whose GLOBAL + REDUCE opcodes can call any importable function (`os.system`, `builtins.eval`), which is why
 * loading an untrusted checkpoint with plain `torch.load` can run code. Here nothing is ever called: a global is
 * resolved only through an allow-list of pure constructors written in TypeScript (./pickle-torch.ts) (tensor rebuilds, storage
 * types, OrderedDict, torch.Size, set/frozenset, numpy scalars and numeric arrays), and any other global stops loading with an error naming it.
 *
 * Python values become: None → null, bool → boolean, int → number (bigint beyond 2^53), float → number,
 * str → string, bytes/bytearray → Uint8Array, list → Array, tuple → frozen Array, dict/OrderedDict → Map,
 * set/frozenset → Set, numpy scalar → number/bigint/boolean, numpy array → RawTensor. Tensors become `TorchTensorReference`s (storage + offset + shape + stride) that
 * `pth.ts` turns into RawTensors once the storage bytes are known. Instance attributes set by BUILD on a dict
 * (the `_metadata` a state dict carries) are dropped: medslip never needs them.
 *
 * Opcode semantics follow CPython's `Lib/pickle.py` (`_Unpickler.load_*`) and `pickletools` descriptions.
 */
import { describe, PyGlobal, TORCH_GLOBALS } from './pickle-torch.ts';

export { PyGlobal, storageTypeOf, TorchStorageType, TorchTensorReference, TORCH_GLOBALS } from './pickle-torch.ts';

/** Objects that accept pickle's BUILD (`__setstate__`). */
interface Buildable {
  setState(state: unknown): void;
}

export interface UnpickleOptions {
  /** Resolves persistent ids (PERSID/BINPERSID): torch uses them for storages. Without it they are an error. */
  persistentLoad?: (pid: unknown) => unknown;
  /** What error messages call the input (a file name). */
  name?: string;
  /** The allow-list; defaults to `TORCH_GLOBALS`. */
  globals?: ReadonlyMap<string, PyGlobal>;
}


/**
 * Unpickles one pickle from `bytes` (starting at `offset`) and returns its value and the position just after its
 * STOP opcode (files such as torch's legacy format hold several pickles back to back).
 * @example const { value } = unpickleAt(bytes, 0, { persistentLoad: (pid) => storages.get(pid) })
 * @throws Error naming the input and byte position for a refused global, an unsupported opcode or truncation
 */
export function unpickleAt(bytes: Uint8Array, offset: number, options: UnpickleOptions = {}): { value: unknown; end: number } {
  return new Unpickler(bytes, offset, options).load();
}

/** Unpickles the single pickle in `bytes`. See `unpickleAt`. */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions = {}): unknown {
  return unpickleAt(bytes, 0, options).value;
}

const utf8 = new TextDecoder('utf-8');
const latin1 = new TextDecoder('latin1');

class Unpickler {
  private readonly view: DataView;
  private position: number;
  private stack: unknown[] = [];
  private readonly marks: number[] = [];
  private readonly memo = new Map<number, unknown>();
  private readonly name: string;
  private readonly globals: ReadonlyMap<string, PyGlobal>;

  constructor(private readonly bytes: Uint8Array, offset: number, private readonly options: UnpickleOptions) {
    if (!(bytes instanceof Uint8Array)) throw new TypeError(`Expected a Uint8Array for bytes but received ${describe(bytes)}`);
    if (!Number.isSafeInteger(offset) || offset < 0 || offset > bytes.byteLength) {
      throw new RangeError(`Expected an integer in [0, ${bytes.byteLength}] for offset but received ${offset}`);
    }
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.position = offset;
    this.name = options.name ?? '<pickle>';
    this.globals = options.globals ?? TORCH_GLOBALS;
  }

  private fail(message: string, at = this.position): never {
    throw new Error(`${this.name}: ${message} (pickle byte ${at})`);
  }

  private need(n: number): number {
    if (n < 0 || this.position + n > this.bytes.byteLength) this.fail(`truncated pickle: ${n} more bytes needed`);
    const start = this.position;
    this.position += n;
    return start;
  }

  private u8(): number { return this.view.getUint8(this.need(1)); }
  private u16(): number { return this.view.getUint16(this.need(2), true); }
  private i32(): number { return this.view.getInt32(this.need(4), true); }
  private u32(): number { return this.view.getUint32(this.need(4), true); }
  private u64(): number {
    const value = this.view.getBigUint64(this.need(8), true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`length ${value} is too large`);
    return Number(value);
  }
  private take(n: number): Uint8Array {
    const start = this.need(n);
    return this.bytes.subarray(start, start + n);
  }
  private line(): string {
    const end = this.bytes.indexOf(0x0a, this.position);
    if (end < 0) this.fail('truncated pickle: newline expected');
    const text = latin1.decode(this.bytes.subarray(this.position, end));
    this.position = end + 1;
    return text;
  }

  private pop(): unknown {
    if (this.stack.length === 0 || (this.marks.length > 0 && this.stack.length <= this.marks[this.marks.length - 1])) {
      this.fail('stack underflow');
    }
    return this.stack.pop();
  }
  private top(): unknown {
    if (this.stack.length === 0) this.fail('stack underflow');
    return this.stack[this.stack.length - 1];
  }
  private popMark(): unknown[] {
    const mark = this.marks.pop();
    if (mark === undefined) this.fail('MARK expected');
    return this.stack.splice(mark);
  }

  private littleEndianInt(data: Uint8Array): number | bigint {
    if (data.length === 0) return 0;
    let value = 0n;
    for (let i = data.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(data[i]);
    if (data[data.length - 1] & 0x80) value -= 1n << BigInt(8 * data.length);
    return toNumberIfSafe(value);
  }

  private global(module: string, name: string): PyGlobal {
    const qualifiedName = `${module}.${name}`;
    const allowed = this.globals.get(qualifiedName);
    if (allowed === undefined) {
      this.fail(`refused to load global ${qualifiedName}: only tensor, storage and container types are allowed, and loading never runs code`);
    }
    return allowed;
  }

  private call(callable: unknown, args: unknown): unknown {
    if (!(callable instanceof PyGlobal) || callable.construct === undefined) this.fail(`cannot call ${describe(callable)}`);
    if (!Array.isArray(args)) this.fail(`arguments of ${callable.qualifiedName} must be a tuple, not ${describe(args)}`);
    try {
      return callable.construct(args);
    } catch (error) {
      return this.fail(`${callable.qualifiedName}: ${(error as Error).message}`);
    }
  }

  private setItems(target: unknown, items: unknown[]): void {
    if (!(target instanceof Map)) this.fail(`SETITEM(S) on ${describe(target)}, expected a dict`);
    if (items.length % 2 !== 0) this.fail('SETITEMS needs key/value pairs');
    for (let i = 0; i < items.length; i += 2) target.set(items[i], items[i + 1]);
  }

  private appendItems(target: unknown, items: unknown[]): void {
    if (!Array.isArray(target) || Object.isFrozen(target)) this.fail(`APPEND(S) on ${describe(target)}, expected a list`);
    target.push(...items);
  }

  load(): { value: unknown; end: number } {
    for (;;) {
      const at = this.position;
      const opcode = this.u8();
      switch (opcode) {
        case 0x80: { // PROTO
          const protocol = this.u8();
          if (protocol > 5) this.fail(`unsupported pickle protocol ${protocol}`, at);
          break;
        }
        case 0x95: this.need(8); break; // FRAME: framing is only a read-ahead hint
        case 0x2e: { // STOP
          const value = this.pop();
          return { value, end: this.position };
        }
        case 0x28: this.marks.push(this.stack.length); break; // MARK
        case 0x30: { // POP: the top item, or the mark itself when nothing lies above it (as CPython)
          const mark = this.marks[this.marks.length - 1];
          if (mark !== undefined && this.stack.length === mark) this.marks.pop();
          else this.pop();
          break;
        }
        case 0x31: this.popMark(); break; // POP_MARK
        case 0x32: this.stack.push(this.top()); break; // DUP

        // Constants and numbers.
        case 0x4e: this.stack.push(null); break; // NONE
        case 0x88: this.stack.push(true); break; // NEWTRUE
        case 0x89: this.stack.push(false); break; // NEWFALSE
        case 0x4a: this.stack.push(this.i32()); break; // BININT
        case 0x4b: this.stack.push(this.u8()); break; // BININT1
        case 0x4d: this.stack.push(this.u16()); break; // BININT2
        case 0x8a: this.stack.push(this.littleEndianInt(this.take(this.u8()))); break; // LONG1
        case 0x8b: { // LONG4
          const n = this.i32();
          if (n < 0) this.fail('negative LONG4 length', at);
          this.stack.push(this.littleEndianInt(this.take(n)));
          break;
        }
        case 0x47: this.stack.push(this.view.getFloat64(this.need(8), false)); break; // BINFLOAT (big-endian)
        case 0x49: { // INT (protocol 0; "01"/"00" are True/False)
          const text = this.line();
          if (text === '01' || text === '00') this.stack.push(text === '01');
          else this.stack.push(this.parseDecimal(text, at));
          break;
        }
        case 0x4c: this.stack.push(this.parseDecimal(this.line().replace(/L$/, ''), at)); break; // LONG
        case 0x46: { // FLOAT
          const value = Number(this.line());
          if (Number.isNaN(value)) this.fail('malformed FLOAT', at);
          this.stack.push(value);
          break;
        }

        // Strings and bytes.
        case 0x58: this.stack.push(utf8.decode(this.take(this.u32()))); break; // BINUNICODE
        case 0x8c: this.stack.push(utf8.decode(this.take(this.u8()))); break; // SHORT_BINUNICODE
        case 0x8d: this.stack.push(utf8.decode(this.take(this.u64()))); break; // BINUNICODE8
        case 0x56: this.stack.push(decodeRawUnicodeEscape(this.line())); break; // UNICODE
        case 0x54: { // BINSTRING (Python 2 str; decoded as torch.load does, utf-8)
          const n = this.i32();
          if (n < 0) this.fail('negative BINSTRING length', at);
          this.stack.push(utf8.decode(this.take(n)));
          break;
        }
        case 0x55: this.stack.push(utf8.decode(this.take(this.u8()))); break; // SHORT_BINSTRING
        case 0x53: this.stack.push(this.line().replace(/^(['"])(.*)\1$/, '$2')); break; // STRING (repr-quoted)
        case 0x42: this.stack.push(new Uint8Array(this.take(this.u32()))); break; // BINBYTES
        case 0x43: this.stack.push(new Uint8Array(this.take(this.u8()))); break; // SHORT_BINBYTES
        case 0x8e: this.stack.push(new Uint8Array(this.take(this.u64()))); break; // BINBYTES8
        case 0x96: this.stack.push(new Uint8Array(this.take(this.u64()))); break; // BYTEARRAY8
        case 0x98: break; // READONLY_BUFFER: a no-op on an in-band buffer

        // Containers.
        case 0x7d: this.stack.push(new Map()); break; // EMPTY_DICT
        case 0x64: { // DICT
          const items = this.popMark();
          const map = new Map<unknown, unknown>();
          this.stack.push(map);
          this.setItems(map, items);
          break;
        }
        case 0x5d: this.stack.push([]); break; // EMPTY_LIST
        case 0x6c: this.stack.push(this.popMark()); break; // LIST
        case 0x29: this.stack.push(Object.freeze([])); break; // EMPTY_TUPLE
        case 0x74: this.stack.push(Object.freeze(this.popMark())); break; // TUPLE
        case 0x85: this.stack.push(Object.freeze([this.pop()])); break; // TUPLE1
        case 0x86: { // TUPLE2
          const b = this.pop(), a = this.pop();
          this.stack.push(Object.freeze([a, b]));
          break;
        }
        case 0x87: { // TUPLE3
          const c = this.pop(), b = this.pop(), a = this.pop();
          this.stack.push(Object.freeze([a, b, c]));
          break;
        }
        case 0x8f: this.stack.push(new Set()); break; // EMPTY_SET
        case 0x90: { // ADDITEMS
          const items = this.popMark();
          const target = this.top();
          if (!(target instanceof Set)) this.fail(`ADDITEMS on ${describe(target)}, expected a set`, at);
          for (const item of items) target.add(item);
          break;
        }
        case 0x91: this.stack.push(new Set(this.popMark())); break; // FROZENSET
        case 0x61: { // APPEND
          const item = this.pop();
          this.appendItems(this.top(), [item]);
          break;
        }
        case 0x65: { // APPENDS
          const items = this.popMark();
          this.appendItems(this.top(), items);
          break;
        }
        case 0x73: { // SETITEM
          const value = this.pop(), key = this.pop();
          this.setItems(this.top(), [key, value]);
          break;
        }
        case 0x75: { // SETITEMS
          const items = this.popMark();
          this.setItems(this.top(), items);
          break;
        }

        // Memo.
        case 0x71: this.memo.set(this.u8(), this.top()); break; // BINPUT
        case 0x72: this.memo.set(this.u32(), this.top()); break; // LONG_BINPUT
        case 0x94: this.memo.set(this.memo.size, this.top()); break; // MEMOIZE
        case 0x70: this.memo.set(this.parseIndex(this.line(), at), this.top()); break; // PUT
        case 0x68: this.pushMemo(this.u8(), at); break; // BINGET
        case 0x6a: this.pushMemo(this.u32(), at); break; // LONG_BINGET
        case 0x67: this.pushMemo(this.parseIndex(this.line(), at), at); break; // GET

        // Globals, calls, objects: only through the allow-list, never executing anything.
        case 0x63: { // GLOBAL
          const module = this.line();
          const name = this.line();
          this.stack.push(this.global(module, name));
          break;
        }
        case 0x93: { // STACK_GLOBAL
          const name = this.pop(), module = this.pop();
          if (typeof module !== 'string' || typeof name !== 'string') this.fail('STACK_GLOBAL needs two strings', at);
          this.stack.push(this.global(module, name));
          break;
        }
        case 0x52: { // REDUCE
          const args = this.pop(), callable = this.pop();
          this.stack.push(this.call(callable, args));
          break;
        }
        case 0x81: { // NEWOBJ
          const args = this.pop(), cls = this.pop();
          this.stack.push(this.call(cls, args));
          break;
        }
        case 0x92: { // NEWOBJ_EX (keyword arguments are not used by any allowed constructor)
          const kwargs = this.pop(), args = this.pop(), cls = this.pop();
          if (!(kwargs instanceof Map) || kwargs.size > 0) this.fail('NEWOBJ_EX with keyword arguments is not supported', at);
          this.stack.push(this.call(cls, args));
          break;
        }
        case 0x62: { // BUILD
          const state = this.pop();
          const target = this.top();
          if (target instanceof Map) break; // dict attributes such as a state dict's _metadata: dropped
          if (typeof (target as Partial<Buildable> | null)?.setState === 'function') (target as Buildable).setState(state);
          else this.fail(`BUILD on ${describe(target)} is not supported`, at);
          break;
        }
        case 0x51: this.stack.push(this.persistent(this.pop(), at)); break; // BINPERSID
        case 0x50: this.stack.push(this.persistent(this.line(), at)); break; // PERSID

        default: {
          const names: Record<number, string> = {
            0x69: 'INST', 0x6f: 'OBJ', 0x82: 'EXT1', 0x83: 'EXT2', 0x84: 'EXT4', 0x97: 'NEXT_BUFFER',
          };
          const label = names[opcode] ?? `0x${opcode.toString(16).padStart(2, '0')}`;
          this.fail(`unsupported pickle opcode ${label}`, at);
        }
      }
    }
  }

  private persistent(pid: unknown, at: number): unknown {
    if (this.options.persistentLoad === undefined) this.fail('a persistent id was found but no persistentLoad was given', at);
    try {
      return this.options.persistentLoad(pid);
    } catch (error) {
      return this.fail((error as Error).message, at);
    }
  }

  private pushMemo(index: number, at: number): void {
    if (!this.memo.has(index)) this.fail(`memo entry ${index} is not defined`, at);
    this.stack.push(this.memo.get(index));
  }

  private parseIndex(text: string, at: number): number {
    if (!/^\d+$/.test(text)) this.fail(`malformed memo index ${JSON.stringify(text)}`, at);
    return Number(text);
  }

  private parseDecimal(text: string, at: number): number | bigint {
    if (!/^[+-]?\d+$/.test(text)) this.fail(`malformed integer ${JSON.stringify(text)}`, at);
    return toNumberIfSafe(BigInt(text));
  }
}

/** Protocol 0 strings: latin-1 text with \uXXXX and \UXXXXXXXX escapes (Python's raw-unicode-escape). */
function decodeRawUnicodeEscape(text: string): string {
  return text.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, short: string | undefined, long: string | undefined) =>
    String.fromCodePoint(Number.parseInt(short ?? long ?? '0', 16)));
}

function toNumberIfSafe(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}
