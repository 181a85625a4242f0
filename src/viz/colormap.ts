/** Colour maps for heatmaps. */

/**
 * A jet-like colour for v in [0, 1]: dark blue → blue → cyan → yellow → red → dark red (piecewise linear, as
 * matplotlib's 'jet'). Values outside [0, 1] are clamped. Writes r, g, b (0–255) into `out` at `offset`.
 */
export function jet(v: number, out: Uint8Array | Uint8ClampedArray, offset: number): void {
  const x = v < 0 ? 0 : v > 1 ? 1 : v;
  const channel = (centre: number): number => {
    const c = 1.5 - Math.abs(4 * x - centre);
    return c < 0 ? 0 : c > 1 ? 255 : Math.round(c * 255);
  };
  out[offset] = channel(3);
  out[offset + 1] = channel(2);
  out[offset + 2] = channel(1);
}
