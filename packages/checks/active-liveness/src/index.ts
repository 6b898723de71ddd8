export {
  type ActiveLivenessConfig,
  activeLivenessCheck,
  activeLivenessConfigSchema,
  createActiveLivenessCheck,
} from './active-liveness-check.ts';
export { yawRatio } from './pose.ts';
