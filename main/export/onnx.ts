/**
 * The trained network as a standard ONNX model (opset 13), encoded with onnx-proto (the ONNX
 * schema compiled for protobufjs), so complete verifiers and ONNX runtimes can read it.
 *
 * Layout choices, each for the readers of the file:
 * - Image inputs are NCHW ([N, C, H, W], the ONNX convention for Conv) although RelaxCert
 *   computes in NHWC: the values are the same, transposed. So that no Transpose node is needed,
 *   the rows of the first dense layer after a flatten are permuted to NCHW order.
 * - Dense layers are Gemm, convolutions Conv with explicit pads (TensorFlow's 'same' rule),
 *   invertible downsampling is SpaceToDepth (blocksize 2, whose channel order (row, column,
 *   channel) is RelaxCert's), MinMax is Split + Min + Max + Concat on axis 1.
 * - Output `logits` [N, C]. With a ⊥ head, a second output `gloro` [N, C + 1]: the logits and
 *   g_⊥ = max_i f_i − m(x) of the trained guarantee (PAPER.md, Eq. 1 and B1/B2) at the trained ε
 *   with the run's sound K matrix (ε·K rounded up to float32). Argmax = C means "rejected". It
 *   is the GloRo network as a function, not RelaxCert's certificate: that also subtracts each
 *   point's float32 error bound, which the graph does not compute (gloro-note.ts writes a note
 *   saying so beside the model).
 */
import onnxProto from 'onnx-proto';
import type { onnx as OnnxTypes } from 'onnx-proto';
import type { LayerPlan, LayerSpec } from '../../shared/config/layer-plan.ts';
import { convPads } from '../../shared/config/conv-geometry.ts';
import type { CertGuarantee } from '../../shared/certify/guarantee.ts';
import { resolveGuarantee } from '../../shared/certify/guarantee.ts';
import { RelaxCertError } from '../../shared/errors.ts';
import type { NamedArray } from '../store/checkpoint-file.ts';
import { GLORO_NOTE_FILE } from './gloro-note.ts';

const { onnx } = onnxProto;

export const ONNX_OPSET = 13;
export const ONNX_INPUT = 'input';
export const ONNX_LOGITS = 'logits';
export const ONNX_GLORO = 'gloro';

/**
 * Stands in for −∞ where a class must be excluded from a maximum: f + (−1e30) stays finite in
 * float32 (max ≈ 3.4e38) and below any logit a trained network produces.
 */
const EXCLUDED = -1e30;

export interface GloroHead {
  /** The trained radius ε. */
  epsilon: number;
  guarantee: CertGuarantee;
  /** C × C, k[j * C + i] bounds Lip(f_j − f_i) (the run's sound K matrix). */
  k: Float32Array | Float64Array;
}

export interface OnnxExportInput {
  plan: LayerPlan;
  /** The run's weights L<i>.w / L<i>.b (other arrays are ignored). */
  weights: NamedArray[];
  /** Graph name and doc string. */
  name: string;
  producerVersion: string;
  head?: GloroHead;
}

type Tensor = OnnxTypes.ITensorProto;
type Node = OnnxTypes.INodeProto;

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const INT64 = onnx.TensorProto.DataType.INT64;

function floatTensor(name: string, dims: number[], values: ArrayLike<number>): Tensor {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i], true);
  return { name, dims, dataType: FLOAT, rawData: bytes };
}

function int64Tensor(name: string, dims: number[], values: number[]): Tensor {
  return { name, dims, dataType: INT64, int64Data: values };
}

function attrInt(name: string, i: number): OnnxTypes.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i };
}

function attrInts(name: string, ints: number[]): OnnxTypes.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints };
}

function valueInfo(name: string, dims: Array<number | string>): OnnxTypes.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: FLOAT,
        shape: {
          dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })),
        },
      },
    },
  };
}

/** Builds the graph node by node, naming every intermediate value uniquely. */
class GraphBuilder {
  readonly nodes: Node[] = [];
  readonly initializers: Tensor[] = [];
  private count = 0;

  fresh(prefix: string): string {
    return `${prefix}_${this.count++}`;
  }

  op(
    opType: string,
    inputs: string[],
    attributes: OnnxTypes.IAttributeProto[] = [],
    outputCount = 1,
    outputs?: string[],
  ): string[] {
    const out =
      outputs ?? Array.from({ length: outputCount }, () => this.fresh(opType.toLowerCase()));
    this.nodes.push({
      opType,
      name: this.fresh(`${opType}_node`),
      // Copies: callers keep building their own lists (running sums) after this node.
      input: [...inputs],
      output: [...out],
      attribute: attributes,
    });
    return out;
  }

  op1(opType: string, inputs: string[], attributes: OnnxTypes.IAttributeProto[] = []): string {
    return this.op(opType, inputs, attributes)[0];
  }

  constant(name: string, dims: number[], values: ArrayLike<number>): string {
    this.initializers.push(floatTensor(name, dims, values));
    return name;
  }

  int64(name: string, values: number[], dims: number[] = [values.length]): string {
    this.initializers.push(int64Tensor(name, dims, values));
    return name;
  }
}

function weightOf(byName: Map<string, NamedArray>, name: string, size: number): Float32Array {
  const a = byName.get(name);
  if (a === undefined) {
    throw new RelaxCertError('INVALID_INPUT', `the checkpoint lacks the weights ${name}`, {
      field: name,
    });
  }
  if (a.data.length !== size) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `the checkpoint's ${name} has ${a.data.length} values, the architecture needs ${size}`,
      { field: name },
    );
  }
  return a.data;
}

/** [kh, kw, cin, cout] → [cout, cin, kh, kw]. */
function convFilterOihw(w: Float32Array, k: number, cin: number, cout: number): Float32Array {
  const out = new Float32Array(w.length);
  for (let y = 0; y < k; y++)
    for (let x = 0; x < k; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++)
          out[((o * cin + i) * k + y) * k + x] = w[((y * k + x) * cin + i) * cout + o];
  return out;
}

/** Rows of a dense weight [h·w·c, units] in NHWC order → NCHW order. */
function rowsToNchw(w: Float32Array, shape: number[], units: number): Float32Array {
  const [h, wd, c] = shape;
  const out = new Float32Array(w.length);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < wd; x++)
      for (let ch = 0; ch < c; ch++) {
        const from = ((y * wd + x) * c + ch) * units;
        const to = ((ch * h + y) * wd + x) * units;
        out.set(w.subarray(from, from + units), to);
      }
  return out;
}

function addLayers(g: GraphBuilder, plan: LayerPlan, weights: NamedArray[]): string {
  const byName = new Map(weights.map((a) => [a.name, a]));
  let value = ONNX_INPUT;
  // The NHWC shape a flatten consumed, if the next dense layer reads a flattened image.
  let flattenedFrom: number[] | undefined;
  plan.layers.forEach((spec: LayerSpec, index) => {
    switch (spec.kind) {
      case 'dense': {
        let w = weightOf(byName, `L${index}.w`, spec.inFeatures * spec.units);
        if (flattenedFrom !== undefined) w = rowsToNchw(w, flattenedFrom, spec.units);
        flattenedFrom = undefined;
        const b = weightOf(byName, `L${index}.b`, spec.units);
        const wName = g.constant(`L${index}.w`, [spec.inFeatures, spec.units], w);
        const bName = g.constant(`L${index}.b`, [spec.units], b);
        value = g.op1('Gemm', [value, wName, bName]);
        break;
      }
      case 'conv': {
        const [h, wd, cin] = spec.inShape;
        const k = spec.kernel;
        const w = weightOf(byName, `L${index}.w`, k * k * cin * spec.filters);
        const b = weightOf(byName, `L${index}.b`, spec.filters);
        const p = convPads(h, wd, { kh: k, kw: k, stride: spec.stride, padding: spec.padding });
        const wName = g.constant(
          `L${index}.w`,
          [spec.filters, cin, k, k],
          convFilterOihw(w, k, cin, spec.filters),
        );
        const bName = g.constant(`L${index}.b`, [spec.filters], b);
        value = g.op1(
          'Conv',
          [value, wName, bName],
          [
            attrInts('kernel_shape', [k, k]),
            attrInts('strides', [spec.stride, spec.stride]),
            attrInts('pads', [p.top, p.left, p.bottom, p.right]),
          ],
        );
        break;
      }
      case 'minmax': {
        const [a, b] = g.op('Split', [value], [attrInt('axis', 1)], 2);
        value = g.op1('Concat', [g.op1('Min', [a, b]), g.op1('Max', [a, b])], [attrInt('axis', 1)]);
        break;
      }
      case 'downsample':
        value = g.op1('SpaceToDepth', [value], [attrInt('blocksize', 2)]);
        break;
      case 'flatten':
        if (spec.inShape.length === 3) flattenedFrom = spec.inShape;
        value = g.op1('Flatten', [value], [attrInt('axis', 1)]);
        break;
    }
  });
  return value;
}

/** The smallest float32 ≥ x (x finite and ≥ 0, as ε·K is). */
export function float32Above(x: number): number {
  const nearest = Math.fround(x);
  if (nearest >= x) return nearest;
  const bits = new Uint32Array(Float32Array.of(nearest).buffer);
  bits[0] += 1; // the next float32 up, for a non-negative value
  return new Float32Array(bits.buffer)[0];
}

/**
 * g_⊥ = f_(1) − m with m = max over allowed k ≤ maxK of m^k, m^k = min_{p<k} m^k_p and
 * m^k_p = f_(p) − max_i (f_i + ε K[π_p, i] − [i ∈ F^k]·∞), π the classes by falling logit
 * (TopK, ties to the lower index, as shared/certify does). Affinity: k is allowed when F^k lies
 * in some set, i.e. when, for some set, no class of F^k is outside it.
 */
function addGloroHead(g: GraphBuilder, logits: string, c: number, head: GloroHead): string {
  const { maxK, bitmaps } = resolveGuarantee(head.guarantee, c);
  if (head.k.length !== c * c) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `the K matrix has ${head.k.length} entries, ${c} classes need ${c * c}`,
      { field: 'k' },
    );
  }
  // ε·K rounded up, never down, to float32: a rival's bound in the graph is at least the sound one.
  const scaledK = new Float32Array(c * c);
  for (let j = 0; j < c; j++)
    for (let i = 0; i < c; i++)
      scaledK[j * c + i] = i === j ? 0 : float32Above(head.epsilon * head.k[j * c + i]);
  const epsK = g.constant('gloro.eps_k', [c, c], scaledK);
  const exclude = new Float32Array(c * c);
  for (let j = 0; j < c; j++) exclude[j * c + j] = EXCLUDED;
  const excludeRows = g.constant('gloro.exclude', [c, c], exclude);

  const [sorted, order] = g.op(
    'TopK',
    [logits, g.int64('gloro.c', [c])],
    [attrInt('axis', 1), attrInt('largest', 1), attrInt('sorted', 1)],
    2,
  );
  const top: string[] = []; // [N] class id at rank p
  const topValue: string[] = []; // [N] its logit
  for (let p = 0; p < maxK; p++) {
    const at = g.int64(`gloro.rank${p}`, [p], []);
    top.push(g.op1('Gather', [order, at], [attrInt('axis', 1)]));
    topValue.push(g.op1('Gather', [sorted, at], [attrInt('axis', 1)]));
  }
  // Per affinity set, 1 for each class outside it.
  const outside: string[] = [];
  if (bitmaps !== null && head.guarantee.kind === 'affinity') {
    head.guarantee.sets.sets.forEach((set, s) => {
      const v = new Float32Array(c).fill(1);
      for (const cls of set) v[cls] = 0;
      outside.push(g.constant(`gloro.outside${s}`, [c], v));
    });
  }
  const violations = outside.map(() => ''); // running count per set of F^k's classes outside it
  const penalty = outside.length > 0 ? g.constant('gloro.not_allowed', [], [EXCLUDED]) : '';
  const perK: string[] = [];
  let mask = '';
  for (let k = 1; k <= maxK; k++) {
    const newest = g.op1('Gather', [excludeRows, top[k - 1]], [attrInt('axis', 0)]);
    mask = k === 1 ? newest : g.op1('Add', [mask, newest]);
    const masked = g.op1('Add', [logits, mask]);
    const marginsP: string[] = [];
    for (let p = 0; p < k; p++) {
      const row = g.op1('Gather', [epsK, top[p]], [attrInt('axis', 0)]);
      const rival = g.op1(
        'ReduceMax',
        [g.op1('Add', [masked, row])],
        [attrInts('axes', [1]), attrInt('keepdims', 0)],
      );
      marginsP.push(g.op1('Sub', [topValue[p], rival]));
    }
    let mk = marginsP.length === 1 ? marginsP[0] : g.op1('Min', marginsP);
    if (k > 1 && outside.length > 0) {
      for (let s = 0; s < outside.length; s++) {
        const out1 = g.op1('Gather', [outside[s], top[k - 1]], [attrInt('axis', 0)]);
        violations[s] =
          k === 2
            ? g.op1('Add', [g.op1('Gather', [outside[s], top[0]], [attrInt('axis', 0)]), out1])
            : g.op1('Add', [violations[s], out1]);
      }
      // 0 when some set holds F^k, else ≥ 1: a penalty that rules this k out.
      const fewest = violations.length === 1 ? violations[0] : g.op1('Min', violations);
      mk = g.op1('Add', [mk, g.op1('Mul', [fewest, penalty])]);
    }
    perK.push(mk);
  }
  const margin = perK.length === 1 ? perK[0] : g.op1('Max', perK);
  const bottom = g.op1('Sub', [topValue[0], margin]);
  const bottomColumn = g.op1('Unsqueeze', [bottom, g.int64('gloro.axis1', [1])]);
  return g.op('Concat', [logits, bottomColumn], [attrInt('axis', 1)], 1, [ONNX_GLORO])[0];
}

/** The ONNX input shape: NCHW for images, [N, d] for feature vectors. */
export function onnxInputShape(plan: LayerPlan): Array<number | string> {
  const s = plan.inputShape;
  return s.length === 3 ? ['N', s[2], s[0], s[1]] : ['N', ...s];
}

/** Encodes the network (and optionally its GloRo head) as an ONNX ModelProto. */
export function encodeOnnxModel(input: OnnxExportInput): Uint8Array {
  const { plan } = input;
  if (plan.inputShape.length !== 1 && plan.inputShape.length !== 3) {
    throw new RelaxCertError(
      'INVALID_INPUT',
      `ONNX export needs inputs [features] or [h, w, c] (got [${plan.inputShape}])`,
      { field: 'inputShape' },
    );
  }
  const g = new GraphBuilder();
  const last = addLayers(g, plan, input.weights);
  // The last layer's output takes the public name through an Identity, so names stay unique.
  g.op('Identity', [last], [], 1, [ONNX_LOGITS]);
  const c = plan.numClasses;
  const outputs = [valueInfo(ONNX_LOGITS, ['N', c])];
  if (input.head !== undefined) {
    addGloroHead(g, ONNX_LOGITS, c, input.head);
    outputs.push(valueInfo(ONNX_GLORO, ['N', c + 1]));
  }
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'RelaxCert',
    producerVersion: input.producerVersion,
    docString:
      'Lipschitz-bounded MinMax network trained by RelaxCert. Image inputs are NCHW. ' +
      (input.head
        ? `Output ${ONNX_GLORO}: logits and the GloRo bottom logit (argmax = ${c} means rejected). ` +
          'It subtracts no float32 error bound, so a non-bottom argmax is not a certificate: ' +
          `see ${GLORO_NOTE_FILE} beside this file.`
        : 'Output: the class logits.'),
    graph: {
      name: input.name,
      node: g.nodes,
      initializer: g.initializers,
      input: [valueInfo(ONNX_INPUT, onnxInputShape(plan))],
      output: outputs,
    },
  });
  return onnx.ModelProto.encode(model).finish();
}
