/** Datasets in the reference file formats, one file per format; all follow the contract in dataset.ts. */
export * from './dataset.ts';
export * from './csv.ts';
export * from './cxr14.ts';
export * from './rsna.ts';
export * from './siim.ts';
export * from './covidx.ts';
export * from './protocl.ts';
export * from './pretrain.ts';
export * from './generic.ts';
export * from './relabel.ts';
export * from './split.ts';
export { NpyRows } from './npy-rows.ts';
