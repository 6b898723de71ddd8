export {
  ARCFACE_TEMPLATE_112,
  alignFace,
  cropAround,
  estimateSimilarity,
  type FivePoints,
  type Point,
} from './align.ts';
export {
  type AnalysedFace,
  type AnalyseOptions,
  compareFaces,
  DEFAULT_LIVENESS_THRESHOLD,
  DEFAULT_MATCH_THRESHOLD,
  type FaceComparison,
  FaceEngine,
  type FaceEngineModels,
  type FaceQuality,
  type ImageAnalysis,
  loadFaceEngine,
} from './engine.ts';
export { BiometricsError, type BiometricsErrorCode, type Result } from './errors.ts';
export { FaceIndex, type FaceIndexHit, type FaceIndexOptions } from './face-index.ts';
export { DEFAULT_HUMAN_OPTIONS, type HumanDetectorOptions, HumanFaceDetector } from './human-detector.ts';
export {
  DEFAULT_DECODE_OPTIONS,
  type DecodedImage,
  type DecodeOptions,
  decodeImage,
  encodeJpeg,
  type RgbImage,
} from './image.ts';
export type { Box, DetectedFace, FaceDetector, FaceEmbedder, LivenessModel } from './models.ts';
export { dot, l2normalize } from './models.ts';
export { MODEL_DIR, OnnxArcFaceEmbedder, OnnxLivenessModel } from './onnx-models.ts';
export { laplacianVariance } from './quality.ts';
