// The DICOM codec packages ship no type declarations; ./dicom-codecs.ts describes the parts medslip calls.
declare module 'jpeg-lossless-decoder-js';
declare module '@cornerstonejs/codec-openjpeg/decodewasmjs';
declare module '@cornerstonejs/codec-charls/decodewasmjs';
