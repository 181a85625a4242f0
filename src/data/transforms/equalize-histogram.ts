/**
 * Global histogram equalisation as skimage `exposure.equalize_hist(image, nbins=256)` on a float image, used by
 * the RSNA pneumonia protocol (read the DICOM, equalise, ×255 and truncate to uint8, then resize).
 *
 * Provenance: skimage `exposure.histogram` (float path: numpy.histogram with `nbins` equal bins over the image's
 * [min, max]; a constant image gets the range [v−½, v+½]), `cumulative_distribution` (cdf / last), and
 * `np.interp` of every value at the bin centres.
 */
import type { Image } from '../../io/image.ts';
import { checkImage8 } from './check.ts';

/**
 * Equalised values in [0, 1] (the normalised CDF at each value), for any array of numbers.
 *
 * @throws {RangeError} for an empty input, a non-finite value, or nbins < 1.
 */
export function equalizeHistogramValues(values: ArrayLike<number>, nbins = 256): Float64Array {
  if (!Number.isInteger(nbins) || nbins < 1) throw new RangeError(`Expected integer ≥ 1 for nbins but received ${String(nbins)}`);
  if (values.length === 0) throw new RangeError('Expected at least one value to equalise but received none');
  let min = Infinity, max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) throw new RangeError(`Expected finite values but value ${i} is ${v}`);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  let first = min, last = max;
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  // numpy.histogram's uniform-bin path: index from the scaled offset, corrected against the linspace edges.
  const edges = new Float64Array(nbins + 1);
  for (let i = 0; i <= nbins; i++) edges[i] = linspace(first, last, nbins + 1, i);
  const norm = nbins / (last - first);
  const histogram = new Float64Array(nbins);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let bin = Math.trunc((v - first) * norm);
    if (bin === nbins) bin -= 1;
    if (v < edges[bin]) bin -= 1;
    else if (bin !== nbins - 1 && v >= edges[bin + 1]) bin += 1;
    histogram[bin]++;
  }
  const cdf = new Float64Array(nbins);
  let running = 0;
  for (let i = 0; i < nbins; i++) {
    running += histogram[i];
    cdf[i] = running;
  }
  for (let i = 0; i < nbins; i++) cdf[i] /= running;
  const centres = new Float64Array(nbins);
  for (let i = 0; i < nbins; i++) centres[i] = (edges[i] + edges[i + 1]) / 2;

  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = interpolate(values[i], centres, cdf);
  return out;
}

/**
 * The RSNA protocol's image step: skimage equalisation of the grey levels, then ×255 truncated to uint8
 * (`(equalize_hist(pixels / 255) * 255).astype(np.uint8)`). Each channel is equalised on its own.
 */
export function equalizeHistogram(image: Image, nbins = 256): Image {
  checkImage8(image);
  const data = new Uint8Array(image.data.length);
  for (let c = 0; c < image.channels; c++) {
    const channel = new Float64Array(image.width * image.height);
    // ÷255 as the reference does; equalisation is invariant to it except for floating-point rounding.
    for (let i = 0; i < channel.length; i++) channel[i] = image.data[i * image.channels + c] / 255;
    const equalised = equalizeHistogramValues(channel, nbins);
    for (let i = 0; i < channel.length; i++) data[i * image.channels + c] = Math.trunc(equalised[i] * 255);
  }
  return { ...image, data };
}

/** numpy.linspace's i-th point: start + i·step, with the last point exactly `stop`. */
function linspace(start: number, stop: number, count: number, i: number): number {
  if (i === count - 1) return stop;
  const step = (stop - start) / (count - 1);
  return start + i * step;
}

/** np.interp(x, xp, fp) for increasing xp: clamped at the ends, linear in between. */
function interpolate(x: number, xp: Float64Array, fp: Float64Array): number {
  const n = xp.length;
  if (x <= xp[0]) return fp[0];
  if (x >= xp[n - 1]) return fp[n - 1];
  let lo = 0, hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xp[mid] <= x) lo = mid;
    else hi = mid;
  }
  const slope = (fp[hi] - fp[lo]) / (xp[hi] - xp[lo]);
  return slope * (x - xp[lo]) + fp[lo];
}
