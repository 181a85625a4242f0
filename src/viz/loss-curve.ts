/** Line plots of training curves (loss per step or epoch, one line per series) as PNG. */
import { frameSvg, legendSvg, linearTicks, logTicks, scale, SERIES_COLOURS, svgDocument, svgToPng, type Axis, type Frame } from './svg.ts';
import { checkInteger, isArray } from '../util/check.ts';

export interface Series {
  name: string;
  points: readonly (readonly [number, number])[];
}

export interface LossCurveOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Logarithmic y axis (all y values must be > 0). */
  logY?: boolean;
  /** Image size in pixels (default 900 × 560). */
  width?: number;
  height?: number;
}

function checkSeries(series: readonly Series[], logY: boolean): void {
  if (!isArray(series)) throw new TypeError('Expected an array of { name, points } for series');
  if (series.length === 0) throw new RangeError('Expected at least one series but received none');
  for (const [s, entry] of series.entries()) {
    if (typeof entry?.name !== 'string' || !isArray(entry.points)) {
      throw new TypeError(`Expected { name: string, points: [x, y][] } for series[${s}]`);
    }
    for (const [k, point] of entry.points.entries()) {
      const [x, y] = point;
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        throw new RangeError(`Expected finite [x, y] for series "${entry.name}" point ${k} but received [${x}, ${y}]`);
      }
      if (logY && !(y > 0)) throw new RangeError(`Expected y > 0 (log axis) for series "${entry.name}" point ${k} but received ${y}`);
    }
  }
  if (series.every((entry) => entry.points.length === 0)) throw new RangeError('Expected at least one point in series but all are empty');
}

function axisOver(values: number[], log: boolean, pad: number): Axis {
  let min = Math.min(...values);
  let max = Math.max(...values);
  if (log) {
    if (max === min) { min /= 2; max *= 2; }
    const span = Math.log10(max) - Math.log10(min);
    min = 10 ** (Math.log10(min) - span * pad);
    max = 10 ** (Math.log10(max) + span * pad);
    return { min, max, log, ticks: logTicks(min, max) };
  }
  if (max === min) { min -= Math.abs(min) / 2 || 1; max += Math.abs(max) / 2 || 1; }
  const span = max - min;
  min -= span * pad;
  max += span * pad;
  return { min, max, log, ticks: linearTicks(min, max) };
}

/** The SVG document of a loss plot (exposed for embedding in HTML reports). */
export function lossCurveSvg(series: readonly Series[], options: LossCurveOptions): string {
  const logY = options.logY ?? false;
  checkSeries(series, logY);
  const width = checkInteger('width', options.width ?? 900, 200, 8192);
  const height = checkInteger('height', options.height ?? 560, 150, 8192);
  const frame: Frame = { width, height, left: 90, top: 50, right: width - 30, bottom: height - 65 };
  const xs = series.flatMap((entry) => entry.points.map((point) => point[0]));
  const ys = series.flatMap((entry) => entry.points.map((point) => point[1]));
  const xAxis = axisOver(xs, false, 0);
  xAxis.ticks = xAxis.ticks.filter((t) => t >= xAxis.min && t <= xAxis.max);
  const yAxis = axisOver(ys, logY, 0.05);
  yAxis.ticks = yAxis.ticks.filter((t) => t >= yAxis.min && t <= yAxis.max);
  const sx = scale(xAxis, frame.left, frame.right);
  const sy = scale(yAxis, frame.bottom, frame.top);
  const lines = series.map((entry, s) => {
    const colour = SERIES_COLOURS[s % SERIES_COLOURS.length];
    const path = entry.points.map(([x, y]) => `${sx(x).toFixed(2)},${sy(y).toFixed(2)}`).join(' ');
    // A single point has no line to draw, so it gets a dot.
    return entry.points.length === 1
      ? `<circle cx="${sx(entry.points[0][0])}" cy="${sy(entry.points[0][1])}" r="3" fill="${colour}"/>`
      : `<polyline points="${path}" fill="none" stroke="${colour}" stroke-width="2" stroke-linejoin="round"/>`;
  });
  const legend = legendSvg(frame, series.map((entry, s) => ({ label: entry.name, colour: SERIES_COLOURS[s % SERIES_COLOURS.length] })), 'top-right');
  const clip = `<clipPath id="plot"><rect x="${frame.left}" y="${frame.top}" width="${frame.right - frame.left}" height="${frame.bottom - frame.top}"/></clipPath>`;
  return svgDocument(width, height, [frameSvg(frame, xAxis, yAxis, options), clip, `<g clip-path="url(#plot)">${lines.join('\n')}</g>`, legend].join('\n'));
}

/**
 * A PNG line plot of one or more series.
 *
 * @example await lossCurvePng([{ name: 'train', points: [[0, 2.1], [1, 1.4]] }], { title: 'Pre-training', xLabel: 'epoch', yLabel: 'loss' })
 * @throws {TypeError|RangeError} for malformed series, non-finite points, y ≤ 0 on a log axis, or a bad size.
 */
export async function lossCurvePng(series: readonly Series[], options: LossCurveOptions): Promise<Buffer> {
  return svgToPng(lossCurveSvg(series, options));
}
