/** ROC curves of several classes in one square plot, with the AUC of each in the legend, as PNG. */
import { frameSvg, legendSvg, linearTicks, scale, SERIES_COLOURS, svgDocument, svgToPng, type Axis, type Frame } from './svg.ts';
import { checkInteger, isArray } from '../util/check.ts';

export interface NamedRocCurve {
  name: string;
  fpr: ArrayLike<number>;
  tpr: ArrayLike<number>;
  auc: number;
}

export interface RocPlotOptions {
  title?: string;
  /** Side of the square image in pixels (default 640). */
  size?: number;
}

/** The SVG document of a ROC plot. */
export function rocCurvesSvg(curves: readonly NamedRocCurve[], options: RocPlotOptions = {}): string {
  if (!isArray(curves)) throw new TypeError('Expected an array of { name, fpr, tpr, auc } for curves');
  if (curves.length === 0) throw new RangeError('Expected at least one ROC curve but received none');
  for (const [c, curve] of curves.entries()) {
    if (typeof curve?.name !== 'string' || curve.fpr?.length === undefined || curve.tpr?.length === undefined) {
      throw new TypeError(`Expected { name: string, fpr, tpr, auc } for curves[${c}]`);
    }
    if (curve.fpr.length !== curve.tpr.length || curve.fpr.length === 0) {
      throw new RangeError(`Expected equally long, non-empty fpr and tpr for curve "${curve.name}" but received ${curve.fpr.length} and ${curve.tpr.length}`);
    }
    for (let k = 0; k < curve.fpr.length; k++) {
      const inUnit = (v: number): boolean => v >= 0 && v <= 1;
      if (!inUnit(curve.fpr[k]) || !inUnit(curve.tpr[k])) {
        throw new RangeError(`Expected fpr and tpr in [0, 1] for curve "${curve.name}" point ${k} but received (${curve.fpr[k]}, ${curve.tpr[k]})`);
      }
    }
  }
  const size = checkInteger('size', options.size ?? 640, 200, 8192);
  const frame: Frame = { width: size, height: size, left: 80, top: 50, right: size - 30, bottom: size - 65 };
  const axis = (): Axis => ({ min: 0, max: 1, log: false, ticks: linearTicks(0, 1, 5) });
  const xAxis = axis();
  const yAxis = axis();
  const sx = scale(xAxis, frame.left, frame.right);
  const sy = scale(yAxis, frame.bottom, frame.top);
  const chance = `<line x1="${sx(0)}" y1="${sy(0)}" x2="${sx(1)}" y2="${sy(1)}" stroke="#999" stroke-dasharray="6 5"/>`;
  const lines = curves.map((curve, c) => {
    const colour = SERIES_COLOURS[c % SERIES_COLOURS.length];
    const points = Array.from({ length: curve.fpr.length }, (_, k) => `${sx(curve.fpr[k]).toFixed(2)},${sy(curve.tpr[k]).toFixed(2)}`);
    return `<polyline points="${points.join(' ')}" fill="none" stroke="${colour}" stroke-width="2.5" stroke-linejoin="round"/>`;
  });
  const legend = legendSvg(
    frame,
    curves.map((curve, c) => ({ label: `${curve.name} (AUC ${Number.isFinite(curve.auc) ? curve.auc.toFixed(3) : 'n/a'})`, colour: SERIES_COLOURS[c % SERIES_COLOURS.length] })),
    'bottom-right',
  );
  const text = { title: options.title ?? 'ROC', xLabel: 'False positive rate', yLabel: 'True positive rate' };
  return svgDocument(size, size, [frameSvg(frame, xAxis, yAxis, text), chance, ...lines, legend].join('\n'));
}

/**
 * A PNG of ROC curves (e.g. from `rocCurve` in src/eval) with a chance diagonal and AUCs in the legend.
 *
 * @example await rocCurvesPng([{ name: 'pneumonia', ...rocCurve(labels, scores), auc: rocAuc(labels, scores) }])
 * @throws {TypeError|RangeError} for malformed curves or rates outside [0, 1].
 */
export async function rocCurvesPng(curves: readonly NamedRocCurve[], options: RocPlotOptions = {}): Promise<Buffer> {
  return svgToPng(rocCurvesSvg(curves, options));
}
