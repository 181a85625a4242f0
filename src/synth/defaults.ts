/** The synthetic dataset's defaults, apart from the generator so that the command line reads them without sharp. */
export const SYNTHETIC_DATASET_DEFAULTS = Object.freeze({ n: 2000, size: 224 });
