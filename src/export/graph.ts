/**
 * A small builder of ONNX graphs: named values, nodes, initializers, inputs and outputs, serialised through the
 * official schema (./proto.ts). Values are referred to by name (strings), as in ONNX itself.
 *
 * Parameters come from medslip modules and are recorded by tensor, so that the exporter can check afterwards
 * that every weight of the model went into the graph (a module it did not convert would otherwise be dropped
 * silently).
 */
import type * as torch from '../torch/index.ts';
import { IR_VERSION, OPSET, onnx, type Onnx } from './proto.ts';

/** A dimension: a fixed size or a symbolic name ('batch'). */
export type Dim = number | string;

/** A node attribute, tagged with its ONNX type. */
export type Attribute =
  | { int: number } | { ints: readonly number[] } | { float: number } | { floats: readonly number[] } | { string: string };

export const int = (value: number): Attribute => ({ int: value });
export const ints = (values: readonly number[]): Attribute => ({ ints: values });
export const float = (value: number): Attribute => ({ float: value });

const { DataType } = onnx.TensorProto;
const { AttributeType } = onnx.AttributeProto;

/** An error for what cannot be exported, naming the module (its state-dict prefix) and why. */
export class ExportError extends Error {
  override name = 'ExportError';
  constructor(readonly module: string, reason: string) {
    super(`cannot export ${module}: ${reason}`);
  }
}

export class GraphBuilder {
  readonly #nodes: Onnx.INodeProto[] = [];
  readonly #initializers: Onnx.ITensorProto[] = [];
  readonly #inputs: Onnx.IValueInfoProto[] = [];
  readonly #outputs: Onnx.IValueInfoProto[] = [];
  readonly #names = new Set<string>();
  readonly #parameterNames = new Map<torch.Tensor, string>();
  readonly #constantNames = new Map<string, string>();
  #counter = 0;

  /** Every module tensor that went into the graph (see `parameter`). */
  get exportedTensors(): ReadonlySet<torch.Tensor> {
    return new Set(this.#parameterNames.keys());
  }

  /** Declares a float32 graph input. */
  input(name: string, dims: readonly Dim[]): string {
    this.#claim(name);
    this.#inputs.push(valueInfo(name, dims));
    return name;
  }

  /** Publishes `value` as graph output `name` (through an Identity node, so any value can be published). */
  output(name: string, value: string, dims: readonly Dim[]): void {
    this.#claim(name);
    this.#nodes.push({ opType: 'Identity', input: [value], output: [name], name: `output/${name}` });
    this.#outputs.push(valueInfo(name, dims));
  }

  /**
   * A module's tensor as an initializer named by its state-dict key (shared tensors, such as the LayerNorm both
   * decoders use, become one initializer). `transform` derives the stored values (a transpose, a slice), in which
   * case the initializer gets `suffix` after the key.
   */
  parameter(tensor: torch.Tensor, key: string, transform?: { suffix: string; values: Float32Array; dims: readonly number[] }): string {
    if (transform === undefined) {
      const known = this.#parameterNames.get(tensor);
      if (known !== undefined) return known;
      this.#parameterNames.set(tensor, key);
      return this.constant(key, tensor.toFloat32Array(), tensor.shape);
    }
    if (!this.#parameterNames.has(tensor)) this.#parameterNames.set(tensor, key);
    // a module used twice (the query projection of both books) stores its derived values once
    const derived = `derived:${key}${transform.suffix}`;
    let name = this.#constantNames.get(derived);
    if (name === undefined) {
      name = this.constant(`${key}${transform.suffix}`, transform.values, transform.dims);
      this.#constantNames.set(derived, name);
    }
    return name;
  }

  /** A float32 or int64 initializer under a unique name derived from `name`. */
  constant(name: string, values: Float32Array | BigInt64Array, dims: readonly number[]): string {
    const unique = this.#unique(name);
    const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    // raw_data is little-endian by the ONNX spec; typed arrays are in the machine's order, little-endian on every
    // platform Node supports (x64, arm64).
    this.#initializers.push({
      name: unique, dims: [...dims], dataType: values instanceof Float32Array ? DataType.FLOAT : DataType.INT64, rawData: bytes.slice(),
    });
    return unique;
  }

  /** A 1-D int64 constant (shapes, axes, indices), shared between nodes that use the same values. */
  int64s(values: readonly number[]): string {
    const key = `i64:${values.join(',')}`;
    let name = this.#constantNames.get(key);
    if (name === undefined) {
      name = this.constant(`const_i64_${values.join('_').replace(/-/g, 'm')}`, BigInt64Array.from(values.map(BigInt)), [values.length]);
      this.#constantNames.set(key, name);
    }
    return name;
  }

  /** A float32 scalar constant, shared between nodes that use the same value. */
  scalar(value: number): string {
    const key = `f32:${value}`;
    let name = this.#constantNames.get(key);
    if (name === undefined) {
      name = this.constant(`const_f32_${this.#constantNames.size}`, Float32Array.of(value), []);
      this.#constantNames.set(key, name);
    }
    return name;
  }

  /**
   * Adds one node and returns the names of its outputs; `label` names it (the module path), so that a node
   * in a runtime's error or profile points back to the medslip module.
   */
  node(opType: string, inputs: readonly string[], label: string, attributes: Record<string, Attribute> = {}, outputCount = 1): string[] {
    const name = this.#unique(`${label}/${opType}`);
    const outputs = Array.from({ length: outputCount }, (_, i) => this.#unique(`${name}:${i}`));
    this.#nodes.push({
      opType, name, input: [...inputs], output: outputs,
      attribute: Object.entries(attributes).map(([key, value]) => attributeProto(key, value)),
    });
    return outputs;
  }

  /** `node` for the common single-output case. */
  op(opType: string, inputs: readonly string[], label: string, attributes: Record<string, Attribute> = {}): string {
    return this.node(opType, inputs, label, attributes)[0];
  }

  /** The model message: this graph under opset 17, with string metadata. */
  model(options: { graphName: string; producerVersion: string; docString: string; metadata: Readonly<Record<string, string>> }): Onnx.IModelProto {
    return {
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET }],
      producerName: 'medslip',
      producerVersion: options.producerVersion,
      docString: options.docString,
      graph: {
        name: options.graphName, node: this.#nodes, initializer: this.#initializers, input: this.#inputs, output: this.#outputs,
      },
      metadataProps: Object.entries(options.metadata).map(([key, value]) => ({ key, value })),
    };
  }

  #claim(name: string): void {
    if (this.#names.has(name)) throw new Error(`GraphBuilder: the name "${name}" is already used`);
    this.#names.add(name);
  }

  #unique(base: string): string {
    let name = base;
    while (this.#names.has(name)) name = `${base}_${++this.#counter}`;
    this.#names.add(name);
    return name;
  }
}

function valueInfo(name: string, dims: readonly Dim[]): Onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function attributeProto(name: string, value: Attribute): Onnx.IAttributeProto {
  if ('int' in value) return { name, type: AttributeType.INT, i: value.int };
  if ('ints' in value) return { name, type: AttributeType.INTS, ints: [...value.ints] };
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  if ('floats' in value) return { name, type: AttributeType.FLOATS, floats: [...value.floats] };
  return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value.string) };
}
