/**
 * Building blocks of medslip's plots: SVG text escaping, "nice" axis ticks, a plot frame with ticks and labels,
 * a legend, and rasterisation to PNG with sharp (librsvg). Fonts are the generic 'sans-serif' family, which
 * fontconfig resolves to whatever sans font the machine has.
 */
import sharp from 'sharp';

/** Ten distinguishable line colours (the common "tab10" palette). */
export const SERIES_COLOURS: readonly string[] = [
  '#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf',
];

/** Generic family: fontconfig picks an installed sans font, so plots render on any machine. */
export const FONT = "font-family=\"sans-serif\"";

/** Escapes text for an SVG text node or attribute. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c);
}

/** Tick values covering [min, max] with a 1-2-5 step, about `count` of them. */
export function linearTicks(min: number, max: number, count = 6): number[] {
  if (!(max > min)) return [min];
  const rough = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const residual = rough / magnitude;
  const step = (residual < 1.5 ? 1 : residual < 3 ? 2 : residual < 7 ? 5 : 10) * magnitude;
  const ticks: number[] = [];
  // toPrecision drops float noise such as 0.6000000000000001 from k·step.
  for (let k = Math.ceil(min / step - 1e-9); k * step <= max + step * 1e-9; k++) ticks.push(Number((k * step).toPrecision(12)));
  return ticks;
}

/** Tick values for a log axis: powers of ten, plus 2×, 5× (and 3×) multiples when the range spans few decades. */
export function logTicks(min: number, max: number): number[] {
  const low = Math.floor(Math.log10(min));
  const high = Math.ceil(Math.log10(max));
  const decades = Math.log10(max / min);
  const multipliers = decades <= 1.2 ? [1, 2, 3, 5] : decades <= 2.5 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let e = low; e <= high; e++) {
    for (const m of multipliers) {
      const value = Number(`${m}e${e}`); // exact decimal (10 ** -5 is 0.000009999999999999999)
      if (value >= min * (1 - 1e-9) && value <= max * (1 + 1e-9)) ticks.push(value);
    }
  }
  return ticks.length >= 2 ? ticks : linearTicks(min, max);
}

/** A short label for a tick value (no float noise such as 0.30000000000000004). */
export function formatTick(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) return value.toExponential(0).replace('e+', 'e');
  return String(Number(value.toPrecision(6)));
}

export interface Frame {
  width: number;
  height: number;
  /** Plot area in pixels. */
  left: number;
  top: number;
  right: number;
  bottom: number;
}

export interface Axis {
  min: number;
  max: number;
  log: boolean;
  ticks: number[];
}

/** Maps a data value to a pixel coordinate along an axis of pixel extent [from, to]. */
export function scale(axis: Axis, from: number, to: number): (value: number) => number {
  const f = (v: number): number => (axis.log ? Math.log10(v) : v);
  const lo = f(axis.min);
  const hi = f(axis.max);
  const span = hi - lo || 1;
  return (value) => from + ((f(value) - lo) / span) * (to - from);
}

/** Background, grid, axes, tick labels, axis labels and title, as SVG elements. */
export function frameSvg(frame: Frame, x: Axis, y: Axis, text: { title?: string; xLabel?: string; yLabel?: string }): string {
  const sx = scale(x, frame.left, frame.right);
  const sy = scale(y, frame.bottom, frame.top);
  const parts: string[] = [`<rect width="${frame.width}" height="${frame.height}" fill="white"/>`];
  for (const tick of x.ticks) {
    const px = sx(tick).toFixed(1);
    parts.push(`<line x1="${px}" y1="${frame.top}" x2="${px}" y2="${frame.bottom}" stroke="#e0e0e0"/>`);
    parts.push(`<line x1="${px}" y1="${frame.bottom}" x2="${px}" y2="${frame.bottom + 6}" stroke="black"/>`);
    parts.push(`<text x="${px}" y="${frame.bottom + 24}" ${FONT} font-size="15" text-anchor="middle">${escapeXml(formatTick(tick))}</text>`);
  }
  for (const tick of y.ticks) {
    const py = sy(tick).toFixed(1);
    parts.push(`<line x1="${frame.left}" y1="${py}" x2="${frame.right}" y2="${py}" stroke="#e0e0e0"/>`);
    parts.push(`<line x1="${frame.left - 6}" y1="${py}" x2="${frame.left}" y2="${py}" stroke="black"/>`);
    parts.push(`<text x="${frame.left - 10}" y="${py}" dy="5" ${FONT} font-size="15" text-anchor="end">${escapeXml(formatTick(tick))}</text>`);
  }
  parts.push(`<rect x="${frame.left}" y="${frame.top}" width="${frame.right - frame.left}" height="${frame.bottom - frame.top}" fill="none" stroke="black" stroke-width="1.5"/>`);
  const middleX = (frame.left + frame.right) / 2;
  const middleY = (frame.top + frame.bottom) / 2;
  if (text.title) parts.push(`<text x="${middleX}" y="32" ${FONT} font-size="20" font-weight="bold" text-anchor="middle">${escapeXml(text.title)}</text>`);
  if (text.xLabel) parts.push(`<text x="${middleX}" y="${frame.height - 16}" ${FONT} font-size="17" text-anchor="middle">${escapeXml(text.xLabel)}</text>`);
  if (text.yLabel) {
    parts.push(`<text x="22" y="${middleY}" ${FONT} font-size="17" text-anchor="middle" transform="rotate(-90 22 ${middleY})">${escapeXml(text.yLabel)}</text>`);
  }
  return parts.join('\n');
}

/** A legend box with one coloured line and label per entry, anchored at a corner of the plot area. */
export function legendSvg(frame: Frame, entries: { label: string; colour: string }[], corner: 'top-right' | 'bottom-right'): string {
  if (entries.length === 0) return '';
  const rowHeight = 22;
  const charWidth = 8.2; // approximate advance of a 14 px sans-serif glyph
  const boxWidth = 48 + Math.max(...entries.map((e) => e.label.length)) * charWidth;
  const boxHeight = entries.length * rowHeight + 10;
  const x = frame.right - boxWidth - 10;
  const y = corner === 'top-right' ? frame.top + 10 : frame.bottom - boxHeight - 10;
  const rows = entries.map((entry, k) => {
    const cy = y + 16 + k * rowHeight;
    return `<line x1="${x + 8}" y1="${cy}" x2="${x + 34}" y2="${cy}" stroke="${entry.colour}" stroke-width="3"/>` +
      `<text x="${x + 42}" y="${cy + 5}" ${FONT} font-size="14">${escapeXml(entry.label)}</text>`;
  });
  return `<rect x="${x}" y="${y}" width="${boxWidth}" height="${boxHeight}" fill="white" fill-opacity="0.9" stroke="#888"/>\n${rows.join('\n')}`;
}

/** Wraps elements in an <svg> root of the given size. */
export function svgDocument(width: number, height: number, body: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">\n${body}\n</svg>`;
}

/** Rasterises an SVG document to PNG bytes. */
export async function svgToPng(svg: string): Promise<Buffer> {
  return sharp(Buffer.from(svg)).png().toBuffer();
}

