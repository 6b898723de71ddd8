export {
  createFaceMatchCheck,
  type FaceCheckDeps,
  type FaceMatchConfig,
  faceMatchCheck,
  faceMatchConfigSchema,
  faceMatchReasonCodes,
  findReference,
} from './face-match.ts';
export {
  createLivenessCheck,
  type LivenessConfig,
  livenessCheck,
  livenessConfigSchema,
  livenessReasonCodes,
} from './liveness.ts';
