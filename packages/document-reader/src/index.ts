export { type AamvaFields, parseAamvaPayload, readPdf417 } from './barcode/pdf417.ts';
export { decodeImage, type ImageErrorCode, MAX_INPUT_PIXELS, type RgbImage } from './image.ts';
export { type CorrectedMrz, correctMrz, type MrzCorrection } from './mrz/correct.ts';
export { type MrzFields, type MrzParse, mrzDate, parseMrz, splitNames } from './mrz/parse.ts';
export { findMrz, MRZ_ALPHABET, type MrzReading } from './mrz/read.ts';
export { computeCheckDigit, type MrzFormat, TEMPLATES } from './mrz/templates.ts';
export { getOcrEngine } from './ocr/engine.ts';
export { type PageTextLine, readPageText } from './ocr/page-text.ts';
export { cropPortrait, detectFaces, type FaceBox } from './portrait/face.ts';
export {
  type DocumentReading,
  type MrzResult,
  type ReadOptions,
  readDocument,
  type VisualZone,
} from './reader.ts';
export {
  datesIn,
  fold,
  sameDay,
  specimenMarks,
  type VizFields,
  type VizLine,
  visualFields,
} from './viz/fields.ts';
