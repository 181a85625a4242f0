/** Argument checks shared by the transforms: they work on 8-bit HWC images only. */
import { checkImage, type Image } from '../../io/image.ts';

/**
 * Checks the `Image` contract and that the image is 8-bit (the augmentations' lookup tables and PIL's fixed-point
 * resampling are defined on 0–255).
 *
 * @throws {TypeError|RangeError} naming what is wrong; a 16-bit image asks for `to8Bit` first.
 */
export function checkImage8(image: Image, what = 'image'): void {
  checkImage(image, what);
  if (image.bitDepth !== 8) throw new RangeError(`Expected an 8-bit ${what} but received a ${image.bitDepth}-bit one (convert it with to8Bit first)`);
}
